"""`akhlak data export`: one row per submitted response, codes, a codebook, nothing identifying."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import zipfile

from click.testing import CliRunner

from akhlak_tui.cli import cli
from akhlak_tui.questionnaire.builtin import builtin_questionnaire


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_csv_rows_columns_and_codebook(survey_db, tmp_path):
    out = tmp_path / "jawaban.csv"
    result = run("data", "export", "--db", str(survey_db), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    with sqlite3.connect(survey_db) as conn:
        submitted = {r[0] for r in conn.execute("select id from responses where status = 'submitted'")}
        abandoned = conn.execute("select count(*) from responses where status = 'abandoned'").fetchone()[0]
        first = conn.execute("select a.bp3, a.values_now, r.device_id from answers a join responses r on r.id = a.response_id where r.id = ?", (rows[0]["response_id"],)).fetchone()
    assert abandoned > 0 and {r["response_id"] for r in rows} == submitted and len(rows) == len(submitted)
    q = builtin_questionnaire()
    assert list(rows[0])[:6] == ["response_id", "device_id", "created_at", "submitted_at", "language", "mode"]
    assert list(rows[0])[6:] == [i.id for i in q.answerable_items]
    assert rows[0]["bp3"] == str(first[0]) and re.fullmatch(r"d[0-9a-f]{12}", rows[0]["device_id"])
    assert rows[0]["values_now"] == " ".join(json.loads(first[1]))
    assert not any(re.search(r"name|nip|email|phone", column, re.I) for column in rows[0])
    codebook = read_csv(tmp_path / "jawaban-codebook.csv")
    assert list(codebook[0]) == ["kolom", "label", "jenis", "kode", "label kode", "keterangan", "nama sav/dta", "kode sav/dta"]
    bp3 = [r for r in codebook if r["kolom"] == "bp3"]
    assert "reverse" in bp3[0]["jenis"] and {(r["kode"], r["label kode"]) for r in bp3[1:]} >= {("1", "Sangat tidak setuju"), ("9", "Tidak berlaku")}
    assert ("RSUD", 'RSUD <Harapan> & "Sehat"') in {(r["kode"], r["label kode"]) for r in codebook if r["kolom"] == "unit"}


def test_comments_can_be_left_out(survey_db, tmp_path):
    with_comments, without = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("data", "export", "--db", str(survey_db), "-o", str(with_comments)).exit_code == 0
    assert run("data", "export", "--db", str(survey_db), "--no-comments", "-o", str(without)).exit_code == 0
    assert "comment" in read_csv(with_comments)[0]
    assert "comment" not in read_csv(without)[0]
    assert all(r["kolom"] != "comment" for r in read_csv(tmp_path / "b-codebook.csv"))


def test_xlsx_has_data_and_codebook_sheets(survey_db, tmp_path):
    out = tmp_path / "jawaban.xlsx"
    result = run("data", "export", "--db", str(survey_db), "-o", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as book:
        sheets = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode("utf-8"))
        data = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert sheets == ["data", "codebook"]
    assert len(re.findall(r"<row ", data)) == 1 + int(re.search(r"wrote .*: (\d+) responses", result.output).group(1))


def test_missing_database_is_one_line(tmp_path):
    result = run("data", "export", "--db", str(tmp_path / "nope.db"), "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "nope.db: no merged database here" in result.output


def test_default_export_coarsens_what_can_identify(survey_db, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("data", "export", "--db", str(survey_db), "-o", str(first)).exit_code == 0
    assert run("data", "export", "--db", str(survey_db), "-o", str(second)).exit_code == 0
    rows, again = read_csv(first), read_csv(second)
    with sqlite3.connect(survey_db) as conn:
        stored = dict(conn.execute("select id, device_id from responses"))
        times = dict(conn.execute("select id, created_at from responses"))
        groups = conn.execute(
            "select a.unit, a.gender, count(*) from answers a join responses r on r.id = a.response_id "
            "where r.status = 'submitted' and a.gender is not null group by 1, 2"
        ).fetchall()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["created_at"]) and r["created_at"] == times[r["response_id"]][:10] for r in rows)
    # one pseudonym per device within an export, a different one in the next export
    pairs = {(stored[r["response_id"]], r["device_id"]) for r in rows}
    assert len(pairs) == len({d for d, _ in pairs}) == len({p for _, p in pairs}) == 2
    assert {r["device_id"] for r in rows}.isdisjoint({r["device_id"] for r in again})
    assert not {r["device_id"] for r in rows} & set(stored.values())
    small = {(u, g) for u, g, n in groups if n < 5}
    assert small, "the fixture should hold a small group"
    for unit, gender in small:
        assert not any(r["unit"] == unit and r["gender"] == gender for r in rows)
    # every other group is exported whole or blanked whole, and a unit's blanked answers are never
    # fewer than min_group_size (else the blank would stand for the one small group)
    for (unit, gender), n in {(u, g): n for u, g, n in groups if n >= 5}.items():
        assert sum(r["unit"] == unit and r["gender"] == gender for r in rows) in (0, n)
    for unit in {u for u, _, _ in groups}:
        shown = sum(r["unit"] == unit and r["gender"] != "" for r in rows)
        assert sum(n for u, _, n in groups if u == unit) - shown in (0, *range(5, 10_000))
    codebook = read_csv(tmp_path / "a-codebook.csv")
    assert next(r for r in codebook if r["kolom"] == "export.disclosure")["kode"] == "coarsened"


def test_full_export_keeps_everything_and_warns(survey_db, tmp_path):
    out = tmp_path / "full.csv"
    result = CliRunner().invoke(cli, ["data", "export", "--db", str(survey_db), "-o", str(out), "--full"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "warning:" not in result.stdout
    rows = read_csv(out)
    with sqlite3.connect(survey_db) as conn:
        stored = {r[0]: r[1:] for r in conn.execute("select r.id, r.device_id, r.created_at, a.gender from responses r join answers a on a.response_id = r.id")}
    assert all((r["device_id"], r["created_at"], r["gender"] or None) == stored[r["response_id"]] for r in rows)
    assert next(r for r in read_csv(tmp_path / "full-codebook.csv") if r["kolom"] == "export.disclosure")["kode"] == "full"


def test_xlsx_is_coarsened_like_the_csv(survey_db, tmp_path):
    out = tmp_path / "jawaban.xlsx"
    assert run("data", "export", "--db", str(survey_db), "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as book:
        text = "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    with sqlite3.connect(survey_db) as conn:
        devices = {d for (d,) in conn.execute("select distinct device_id from responses")}
        times = {t for (t,) in conn.execute("select created_at from responses where status = 'submitted'")}
    assert devices and not any(f">{d}<" in text for d in devices)
    assert not any(t in text for t in times) and {t[:10] for t in times} <= set(re.findall(r">(\d{4}-\d{2}-\d{2})<", text))
    assert len(set(re.findall(r">(d[0-9a-f]{12})<", text))) == len(devices)


def test_the_extension_chooses_the_format(survey_db, tmp_path):
    heads = {".xlsx": b"PK", ".sav": b"$FL2", ".csv": b"\xef\xbb\xbfresponse_id"}
    for suffix, head in heads.items():
        out = tmp_path / f"jawaban{suffix}"
        result = run("data", "export", "--db", str(survey_db), "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(head), (suffix, out.read_bytes()[:16])
    dta = tmp_path / "jawaban.dta"
    assert run("data", "export", "--db", str(survey_db), "-o", str(dta)).exit_code == 0
    assert dta.read_bytes().startswith(b"<stata_dta>")


def test_an_unknown_or_contradicting_extension_is_refused(survey_db, tmp_path):
    cases = [
        ((), "x.pdf", "cannot export to a '.pdf' file: name it .csv, .xlsx, .sav (SPSS) or .dta (Stata)"),
        ((), "x", "cannot export to a 'no extension' file"),
        (("--format", "sav"), "y.csv", "a '.csv' file is not --format sav: name it .sav, or leave out --format to write csv"),
        (("--format", "csv"), "y.xlsx", "a '.xlsx' file is not --format csv"),
        (("--format", "dta"), "y.sav", "a '.sav' file is not --format dta"),
    ]
    folder = tmp_path / "out"
    folder.mkdir()
    for args, name, problem in cases:
        out = folder / name
        result = run("data", "export", "--db", str(survey_db), *args, "-o", str(out))
        assert result.exit_code == 1, (name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {out}: {problem}"), lines
        assert list(folder.iterdir()) == []


def test_each_format_of_one_name_keeps_its_own_codebook(survey_db, tmp_path):
    said = {}
    for suffix in (".csv", ".sav", ".dta"):
        result = run("data", "export", "--db", str(survey_db), "-o", str(tmp_path / f"x{suffix}"))
        assert result.exit_code == 0, result.output
        said[suffix] = result.output.strip().rsplit("codebook ", 1)[1]
    assert said == {
        ".csv": str(tmp_path / "x-codebook.csv"),
        ".sav": str(tmp_path / "x-sav-codebook.csv"),
        ".dta": str(tmp_path / "x-dta-codebook.csv"),
    }
    plain = read_csv(tmp_path / "x-codebook.csv")
    assert all(r["nama sav/dta"] == "" for r in plain)  # not overwritten by the SAV/DTA codebooks
    for name in ("x-sav-codebook.csv", "x-dta-codebook.csv"):
        assert any(r["nama sav/dta"] for r in read_csv(tmp_path / name)), name
