"""`akhlak data export --format sav|dta`: read back with pyreadstat (ReadStat, a second implementation
of both formats): labels, values, missing codes, rows, one 0/1 variable per option, long texts; and
the .sav by PSPP too when it is installed."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from merged_fixtures import build_merged

from akhlak_tui.cli import cli
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.report.export_labelled import RESERVED, clip, unique_names, variable_name

pyreadstat = pytest.importorskip("pyreadstat")

TOML = """
[questionnaire]
id = "stats"
version = "1"
languages = ["id", "en"]
title = { id = "Uji ekspor", en = "Export test" }

[[dimensions]]
id = "BP"
label = { id = "Pelayanan", en = "Service" }

[[scales]]
id = "agree5"
points = [
  { code = 1, label = { id = "Sangat tidak setuju", en = "Strongly disagree" } },
  { code = 2, label = { id = "Tidak setuju", en = "Disagree" } },
  { code = 3, label = { id = "Netral", en = "Neutral" } },
  { code = 4, label = { id = "Setuju", en = "Agree" } },
  { code = 5, label = { id = "Sangat setuju", en = "Strongly agree" } },
]
not_applicable = { code = 9, label = { id = "Tidak berlaku", en = "Not applicable" } }

[scoring]
min_group_size = 2
breakdowns = ["unit", "gender"]

[[sections]]
id = "main"
title = { id = "Pertanyaan", en = "Questions" }

[[sections.items]]
id = "unit"
type = "unit"
label = { id = "Unit kerja", en = "Work unit" }
required = true

[[sections.items]]
id = "gender"
type = "single"
label = { id = "Jenis kelamin", en = "Gender" }
options = [
  { code = "f", label = { id = "Perempuan", en = "Female" } },
  { code = "m", label = { id = "Laki-laki", en = "Male" } },
]

[[sections.items]]
id = "bp1"
type = "likert"
scale = "agree5"
dimension = "BP"
label = { id = "LABEL_BP1", en = "Staff listen" }

[[sections.items]]
id = "values_now"
type = "multi"
label = { id = "Nilai sekarang", en = "Values now" }
options = [
  { code = "jujur", label = { id = "OPTION_JUJUR", en = "Honest" }, tags = ["BP"] },
  { code = "ramah", label = { id = "Ramah", en = "Friendly" }, tags = ["BP"] },
  { code = "silo", label = { id = "Ego sektoral", en = "Silo mentality" }, tags = ["limiting"] },
]

[[sections.items]]
id = "comment"
type = "text"
max_length = 5000
label = { id = "Saran", en = "Suggestions" }
"""
LONG = ("Pelayanan 🙂 perlu ditingkatkan, é " * 90).strip()  # about 3,300 bytes: very long in SPSS, a strL in Stata
PEOPLE = [
    {"unit": "U1", "gender": "f", "bp1": 5, "values_now": ["jujur", "ramah"], "comment": LONG},
    {"unit": "U1", "gender": "f", "bp1": 9, "values_now": ["silo"], "comment": "Pendek"},
    {"unit": "U1", "gender": "m", "bp1": None, "values_now": None, "comment": None},
    {"unit": "U2", "gender": None, "bp1": 2, "values_now": ["ramah", "silo"], "comment": "x" * 300},
    {"unit": "U2", "gender": "m", "bp1": 4, "values_now": ["jujur"], "comment": None},
    {"unit": "U2", "gender": "m", "bp1": 1, "values_now": ["jujur", "ramah", "silo"], "comment": None},
]


def build(tmp_path, toml: str = TOML, people=PEOPLE):
    units = [Unit(code="U1", name="Unit Satu", headcount=10), Unit(code="U2", name="Unit Dua ünïcode", headcount=4)]
    path = tmp_path / "merged.db"
    build_merged(path, toml, units, people).close()
    return path


def export(db, out, *extra: str):
    result = CliRunner().invoke(cli, ["data", "export", "--db", str(db), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result


def read(path, **kw):
    reader = pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta
    return reader(str(path), **kw)


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_labels_values_and_rows_read_back(tmp_path, suffix):
    db = build(tmp_path)
    out = tmp_path / f"data{suffix}"
    result = export(db, out)
    assert "wrote" in result.output and "6 responses" in result.output
    df, meta = read(out)
    assert len(df) == 6 and meta.number_rows == 6
    assert list(df.columns[:7]) == ["response_id", "device_id", "created_at", "submitted_at", "language", "mode", "unit"]
    assert list(df.columns[7:]) == ["gender", "bp1", "values_now_jujur", "values_now_ramah", "values_now_silo", "comment"]
    labels = meta.column_names_to_labels
    assert labels["bp1"] == "LABEL_BP1" and labels["values_now_jujur"] == "Nilai sekarang: OPTION_JUJUR" and labels["unit"] == "Unit kerja"
    values = meta.variable_value_labels
    assert values["bp1"][1] == "Sangat tidak setuju" and values["bp1"][5] == "Sangat setuju"
    assert values["unit"][1] == "Unit Satu" and values["unit"][2] == "Unit Dua ünïcode"
    assert values["gender"][1] == "Perempuan" and values["values_now_ramah"][1] == "Dipilih"
    # answered codes as numbers; not applicable and unanswered are missing (NaN) when read plainly
    assert list(df["bp1"].iloc[[0, 3, 4, 5]]) == [5, 2, 4, 1]
    assert df["bp1"].iloc[[1, 2]].isna().all() and df["gender"].iloc[[3]].isna().all()
    picks = df[["values_now_jujur", "values_now_ramah", "values_now_silo"]]
    assert picks.iloc[0].tolist() == [1, 1, 0] and picks.iloc[1].tolist() == [0, 0, 1] and picks.iloc[5].tolist() == [1, 1, 1]
    assert picks.iloc[2].isna().all()
    assert list(df["unit"]) == [1, 1, 1, 2, 2, 2]
    assert df["comment"].iloc[0] == LONG and df["comment"].iloc[3] == "x" * 300 and df["comment"].iloc[1] == "Pendek"
    assert df["comment"].iloc[2] in ("", None)
    assert df["created_at"].iloc[0] == dt.date(2026, 3, 2) or str(df["created_at"].iloc[0]).startswith("2026-03-02")
    assert all(re.fullmatch(r"d[0-9a-f]{12}", d) for d in df["device_id"])
    codebook = list(csv.DictReader((tmp_path / f"data-{suffix[1:]}-codebook.csv").read_text("utf-8-sig").splitlines()))
    mapped = {(r["kolom"], r["kode"]): (r["nama sav/dta"], r["kode sav/dta"]) for r in codebook}
    assert mapped[("values_now", "silo")] == ("values_now_silo", "1") and mapped[("gender", "m")] == ("gender", "2")
    assert mapped[("bp1", "9")] == ("bp1", "9 (.a)") and mapped[("unit", "U2")] == ("unit", "2") and mapped[("language", "id")] == ("language", "1")
    if suffix == ".sav":
        measure = meta.variable_measure
        assert (measure["bp1"], measure["gender"], measure["values_now_silo"], measure["created_at"], measure["comment"]) == ("ordinal", "nominal", "nominal", "scale", "nominal")


def test_sav_missing_codes(tmp_path):
    db = build(tmp_path)
    out = tmp_path / "data.sav"
    export(db, out, "--lang", "en")
    df, meta = read(out, user_missing=True)
    assert sorted(r["lo"] for r in meta.missing_ranges["bp1"]) == [-1, 9]
    assert sorted(r["lo"] for r in meta.missing_ranges["values_now_silo"]) == [-1]
    assert list(df["bp1"].iloc[:3]) == [5, 9, -1]
    assert meta.variable_value_labels["bp1"][9] == "Not applicable" and meta.variable_value_labels["bp1"][-1] == "Not answered"
    assert df["gender"].iloc[3] == -1 and df["values_now_jujur"].iloc[2] == -1


def test_dta_extended_missing_codes(tmp_path):
    db = build(tmp_path)
    out = tmp_path / "data.dta"
    export(db, out, "--lang", "en")
    df, meta = read(out, user_missing=True)
    assert list(df["bp1"].iloc[:3]) == [5, "a", "b"]
    assert meta.variable_value_labels["bp1"]["a"] == "Not applicable" and meta.variable_value_labels["bp1"]["b"] == "Not answered"
    assert df["gender"].iloc[3] == "b" and df["values_now_jujur"].iloc[2] == "b"


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_small_profile_group_is_blanked_with_its_own_code(tmp_path, suffix):
    # min_group_size 2: U2 has one "not answered" and two "m", kept; U1 one "m", blanked, and so its
    # two "f" too (a lone blank in U1 would be the "m")
    db = build(tmp_path)
    out = tmp_path / f"data{suffix}"
    export(db, out)
    df, meta = read(out, user_missing=True)
    blanked = -2 if suffix == ".sav" else "c"
    assert list(df["gender"].iloc[:3]) == [blanked] * 3 and list(df["gender"].iloc[4:]) == [2, 2]
    assert meta.variable_value_labels["gender"][blanked] == "Disembunyikan (kelompok kecil)"
    full = tmp_path / f"full{suffix}"
    export(db, full, "--full")
    df, _ = read(full, user_missing=True)
    assert df["gender"].iloc[2] == 2 and df["device_id"].iloc[0] == "dev-a"


def test_english_labels(tmp_path):
    db = build(tmp_path)
    for suffix in (".sav", ".dta"):
        out = tmp_path / f"en{suffix}"
        export(db, out, "--lang", "en")
        _, meta = read(out)
        assert meta.column_names_to_labels["bp1"] == "Staff listen"
        assert meta.variable_value_labels["values_now_jujur"][1] == "Picked"


SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200).filter(lambda s: s.strip() == s and s)


@given(st.text(max_size=80))
def test_variable_names_are_valid_for_spss_and_stata(text):
    name = variable_name(text)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,31}", name) and name.lower() not in RESERVED


@given(st.lists(st.text(max_size=40), min_size=1, max_size=30))
def test_names_are_unique(texts):
    names = unique_names(texts)
    assert len({n.lower() for n in names}) == len(names) and all(len(n) <= 32 for n in names)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item_label=SAFE_TEXT, option_label=SAFE_TEXT)
def test_odd_unicode_labels_survive(tmp_path_factory, item_label, option_label):
    tmp = tmp_path_factory.mktemp("uni")
    toml = TOML.replace('"LABEL_BP1"', _quoted(item_label)).replace('"OPTION_JUJUR"', _quoted(option_label))
    toml = toml.replace('{ id = "Perempuan", en = "Female" }', "{ id = " + _quoted(option_label) + ', en = "Female" }')
    db = build(tmp, toml)
    for suffix, cut in ((".sav", lambda t: clip(t, 255).decode("utf-8")), (".dta", lambda t: t[:80])):
        out = tmp / f"u{suffix}"
        export(db, out)
        _, meta = read(out)
        assert meta.column_names_to_labels["bp1"] == cut(item_label)
        assert meta.column_names_to_labels["values_now_jujur"] == cut(f"Nilai sekarang: {option_label}")
        value_limit = 120 if suffix == ".sav" else 32000
        assert meta.variable_value_labels["gender"][1] == clip(option_label, value_limit).decode("utf-8")


def test_stata_variable_labels_keep_to_80_characters(tmp_path):
    """Stata 14+ documents variable labels of at most 80 characters (321 bytes leave room for 80
    characters of four bytes); a longer statement is cut there, SPSS keeps up to 255 bytes."""
    long_label = "Di unit saya, masukan dari pegawai jarang didengar ketika keputusan diambil oleh pimpinan é"
    db = build(tmp_path, TOML.replace('"LABEL_BP1"', _quoted(long_label)))
    export(db, tmp_path / "x.dta")
    export(db, tmp_path / "x.sav")
    assert len(long_label) > 80 and read(tmp_path / "x.dta")[1].column_names_to_labels["bp1"] == long_label[:80]
    assert read(tmp_path / "x.sav")[1].column_names_to_labels["bp1"] == long_label


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_an_answer_outside_the_questionnaire_is_a_one_line_error(tmp_path, suffix):
    db = build(tmp_path, people=[*PEOPLE, {"unit": "U1", "gender": "zz", "bp1": 3, "values_now": ["jujur"], "comment": None}])
    out = tmp_path / f"data{suffix}"
    result = CliRunner().invoke(cli, ["data", "export", "--db", str(db), "-o", str(out), "--full"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{db}: column gender: answer 'zz' is not a code of the questionnaire" in result.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or "data" in p.name] == []


@pytest.mark.skipif(shutil.which("pspp") is None, reason="PSPP (a third reader of .sav files) is not installed")
@pytest.mark.parametrize("extra", [[], ["--full"]], ids=["coarsened", "full"])
def test_pspp_reads_the_sav_without_a_warning(tmp_path, extra):
    db = build(tmp_path)
    out = tmp_path / "data.sav"
    export(db, out, *extra)
    syntax = tmp_path / "check.sps"
    syntax.write_text(f"GET FILE='{out}'.\nDISPLAY DICTIONARY.\nLIST /VARIABLES=unit gender bp1 values_now_silo created_at.\n", "utf-8")
    done = subprocess.run(["pspp", str(syntax)], capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0 and "warning" not in output.lower() and "error" not in output.lower(), output
    assert "Unit Dua ünïcode" in output and "02-MAR-2026" in output
    assert ("Disembunyikan" in output) == (not extra) and ("08:00:00.000" in output) == bool(extra)


def test_pandas_own_stata_reader_reads_the_dta(tmp_path):
    """pandas reads .dta with its own code, not ReadStat: a third implementation."""
    import pandas as pd

    db = build(tmp_path)
    out = tmp_path / "data.dta"
    export(db, out, "--lang", "en")
    with pd.io.stata.StataReader(out) as reader:
        df = reader.read(convert_missing=True, convert_categoricals=False)
        labels, values = reader.variable_labels(), reader.value_labels()
    assert len(df) == 6 and labels["bp1"] == "Staff listen" and values["bp1"][5] == "Strongly agree"
    assert [str(v) for v in df["bp1"]] == ["5", ".a", ".b", "2", "4", "1"]
    assert str(df["gender"].iloc[2]) == ".c" and values["gender"][2147483624] == "Blanked (small group)"
    assert df["comment"].iloc[0] == LONG and df["values_now_silo"].tolist()[:2] == [0, 1]
    assert str(df["created_at"].iloc[0]).startswith("2026-03-02")
