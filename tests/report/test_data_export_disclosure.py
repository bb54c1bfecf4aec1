"""What a default (coarsened) `akhlak data export` must not give away: the answer of the one person
of a unit behind a blank, the rows of a unit of one or two, the order in which a laptop's
respondents answered, the language, mode or laptop of the one respondent who differs; and SPSS
codes that never collide with a scale's."""

from __future__ import annotations

import csv
import uuid

import pytest
from click.testing import CliRunner
from merged_fixtures import make_response
from test_data_export_stats import TOML, read

from akhlak_tui.cli import cli
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.loading import parse_questionnaire
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.export_labelled import variable_name

UNITS = [Unit(code=f"U{k}", name=f"Unit {k}", headcount=10) for k in (1, 2, 3)]


def build(tmp_path, people, toml: str = TOML, numbers=None):
    """`people`: (answers, changes to the response) pairs, merged in this order; `numbers` gives
    each response's id number (default 1, 2, ...)."""
    q = parse_questionnaire(toml, "test")
    path = tmp_path / "merged.db"
    mdb = MergedDatabase(path)
    mdb.set_survey("s1", "uji", toml, UNITS, "2026-01-01T00:00:00Z")
    numbers = numbers or range(1, len(people) + 1)
    rows = [(make_response(q, answers, n).model_copy(update=changes), "b1") for (answers, changes), n in zip(people, numbers)]
    with mdb.db.atomic():
        mdb.insert_responses(rows)
    mdb.close()
    return path


def export(db, out, *extra):
    result = CliRunner().invoke(cli, ["data", "export", "--db", str(db), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output


def export_csv(db, out, *extra):
    export(db, out, *extra)
    return list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))


def person(unit, gender, **changes):
    return {"unit": unit, "gender": gender, "bp1": 4, "values_now": ["jujur"]}, changes


def test_a_blank_never_stands_for_one_small_group(tmp_path):
    # min_group_size 2: the one woman of U1 is blanked, and so the men of U1 too: a blank in U1
    # that meant "woman" would name her
    db = build(tmp_path, [person("U1", "m"), person("U1", "m"), person("U1", "m"), person("U1", "f"), person("U2", "f"), person("U2", "f")])
    rows = export_csv(db, tmp_path / "x.csv")
    assert [r["gender"] for r in rows] == ["", "", "", "", "f", "f"]
    export(db, tmp_path / "x.sav")
    df, _ = read(tmp_path / "x.sav", user_missing=True)
    assert df["gender"].tolist() == [-2, -2, -2, -2, 1, 1]


def test_the_blanked_groups_of_a_unit_are_min_group_size_or_more(tmp_path):
    # min_group_size 2: U1's one "f" and one "x" are blanked, together two, so its three "m" stay
    toml = TOML.replace('  { code = "m", label = { id = "Laki-laki", en = "Male" } },', '  { code = "m", label = { id = "Laki-laki", en = "Male" } },\n  { code = "x", label = { id = "Lainnya", en = "Other" } },')
    people = [person("U1", "m")] * 3 + [person("U1", "f"), person("U1", "x"), person("U1", None)]
    db = build(tmp_path, people, toml)
    rows = export_csv(db, tmp_path / "x.csv")
    assert [r["gender"] for r in rows] == ["m", "m", "m", "", "", ""]


def test_a_unit_of_fewer_than_min_group_size_respondents_is_blanked_with_the_next_smallest(tmp_path):
    # min_group_size 2: U2's one respondent, whom the report suppresses, would be the only row of
    # U2; U2 is blanked, and U1 (three) with it so that the blank is not U2; U3 (five) is kept
    db = build(tmp_path, [person("U1", "m")] * 3 + [person("U2", "m")] + [person("U3", "f")] * 5)
    rows = export_csv(db, tmp_path / "x.csv")
    assert [r["unit"] for r in rows] == [""] * 4 + ["U3"] * 5
    assert [r["gender"] for r in rows] == ["m"] * 3 + [""] + ["f"] * 5
    for suffix, blanked in ((".sav", -2), (".dta", "c")):
        export(db, tmp_path / f"x{suffix}")
        df, meta = read(tmp_path / f"x{suffix}", user_missing=True)
        assert df["unit"].tolist() == [blanked] * 4 + [3] * 5 and meta.variable_value_labels["unit"][blanked] == "Disembunyikan (kelompok kecil)"
    assert [r["unit"] for r in export_csv(db, tmp_path / "full.csv", "--full")] == ["U1"] * 3 + ["U2"] + ["U3"] * 5


def test_rows_do_not_come_in_the_order_the_respondents_answered(tmp_path):
    # merged in the order answered (a laptop's bundle is in time order); ids are random
    numbers = [5, 3, 6, 1, 4, 2]
    db = build(tmp_path, [person("U1", "m")] * 6, numbers=numbers)
    merged = [str(uuid.UUID(int=n, version=4)) for n in numbers]
    rows = export_csv(db, tmp_path / "x.csv")
    assert [r["response_id"] for r in rows] == sorted(merged) != merged
    full = export_csv(db, tmp_path / "full.csv", "--full")
    assert [r["response_id"] for r in full] == merged
    for suffix in (".sav", ".dta"):
        export(db, tmp_path / f"x{suffix}")
        df, _ = read(tmp_path / f"x{suffix}")
        assert df["response_id"].tolist() == sorted(merged)


def test_the_one_respondent_of_a_unit_in_another_language_mode_or_laptop_is_blanked(tmp_path):
    # U1: one of five answered in English, interviewed by an enumerator on another laptop; with
    # min_group_size 2 these are blanked, and so (see above) the other four's; U2's two English
    # answers on one laptop are kept
    people = [person("U1", "m")] * 4 + [person("U1", "m", language="en", mode="enumerator", device_id="dev-enum")]
    people += [person("U2", "m", language="en", device_id="dev-b")] * 2
    db = build(tmp_path, people)
    rows = export_csv(db, tmp_path / "x.csv")
    assert [r["language"] for r in rows] == [""] * 5 + ["en"] * 2
    assert [r["mode"] for r in rows] == [""] * 5 + ["kiosk"] * 2
    assert [r["device_id"] for r in rows][:5] == [""] * 5 and rows[5]["device_id"] == rows[6]["device_id"] != ""
    for suffix, blanked in ((".sav", -2), (".dta", "c")):
        out = tmp_path / f"x{suffix}"
        export(db, out)
        df, meta = read(out, user_missing=True)
        assert df["language"].tolist()[:5] == df["mode"].tolist()[:5] == [blanked] * 5 and df["device_id"].tolist()[:5] == [""] * 5
        assert meta.variable_value_labels["language"][blanked] == "Disembunyikan (kelompok kecil)"
    full = export_csv(db, tmp_path / "full.csv", "--full")
    assert (full[4]["language"], full[4]["mode"], full[4]["device_id"]) == ("en", "enumerator", "dev-enum")


BIPOLAR = TOML.replace("min_group_size = 2", "min_group_size = 1\nfavourable_min = 1")
for old, new in (("1", "-2"), ("2", "-1"), ("3", "0"), ("4", "1"), ("5", "2")):
    BIPOLAR = BIPOLAR.replace(f"code = {old}, label = {{ id = \"", f"code = {new}, label = {{ id = \"", 1)


def test_spss_missing_codes_never_collide_with_a_scale_code(tmp_path):
    db = build(tmp_path, [({"unit": "U1", "gender": "f", "bp1": v, "values_now": ["jujur"]}, {}) for v in (-2, -1, 0, 1, 2, 9, None)], BIPOLAR)
    out = tmp_path / "x.sav"
    export(db, out, "--lang", "en")
    df, meta = read(out)
    assert df["bp1"].tolist()[:5] == [-2, -1, 0, 1, 2] and df["bp1"].iloc[5:].isna().all()
    labels = meta.variable_value_labels["bp1"]
    assert (labels[-1], labels[-3]) == ("Disagree", "Not answered")
    df, meta = read(out, user_missing=True)
    assert sorted(r["lo"] for r in meta.missing_ranges["bp1"]) == [-3, 9]
    assert df["bp1"].tolist()[5:] == [9, -3] and df["values_now_jujur"].tolist() == [1] * 7
    codebook = {r["column"]: r["code"] for r in csv.DictReader((tmp_path / "x-sav-codebook.csv").read_text("utf-8-sig").splitlines())}
    assert codebook["sav.missing"] == "-3 -4"


@pytest.mark.parametrize("text", ["str" + "1" * 29, "str" + "9" * 40, "int"])
def test_a_name_made_safe_stays_within_32_characters(text):
    name = variable_name(text)
    assert len(name) <= 32 and name.lower() not in ("int", "str") and name.endswith("_v")
