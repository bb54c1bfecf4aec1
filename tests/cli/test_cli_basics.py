"""The CLI run for real: version, status on a fresh data dir, questionnaire show/schema, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from akhlak_tui import __version__
from akhlak_tui.cli import cli


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "akhlak_tui", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"akhlak, version {__version__}"


def test_status_on_a_fresh_data_dir(tmp_path: Path):
    home = tmp_path / "fresh"
    proc = run("status", env={"AKHLAK_HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    assert f"Data dir:      {home}  (new: nothing was stored here before)" in proc.stdout
    assert "Responses:     0 (0 submitted, 0 draft, 0 abandoned)" in proc.stdout
    assert (home / "responses.db").exists() and (home / "device.key").exists()
    again = run("status", env={"AKHLAK_HOME": str(home)})
    assert f"Data dir:      {home}\n" in again.stdout  # no longer new


def test_status_on_a_damaged_store_is_one_line_naming_the_file(tmp_path: Path):
    home = tmp_path / "home"
    assert run("status", env={"AKHLAK_HOME": str(home)}).returncode == 0
    db = home / "responses.db"
    data = bytearray(db.read_bytes())
    data[4096 : 4096 + 2048] = b"rusak!" * 341 + b"xx"  # the second page overwritten
    db.write_bytes(bytes(data))
    proc = run("status", env={"AKHLAK_HOME": str(home)})
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"error: {db}: ")
    assert "damaged" in proc.stderr and "internal error" not in proc.stderr


def test_status_counts_by_unit(isolated_home: Path):
    from akhlak_tui.questionnaire.builtin import builtin_questionnaire
    from akhlak_tui.store import Store

    with Store(isolated_home / "responses.db") as store:
        rid = store.start_response(builtin_questionnaire(), device_id="D", mode="enumerator", language="id")
        store.save_answer(rid, "unit", "RSUD", is_unit=True)
        store.submit(rid)
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 0, result.output
    assert "Responses:     1 (1 submitted, 0 draft, 0 abandoned)" in result.output
    assert "RSUD" in result.output and "submitted 1" in result.output


def test_show_builtin_lists_items_dimensions_and_values_questions():
    proc = run("questionnaire", "show", "questionnaires/berakhlak.toml", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    counts = proc.stdout.strip().splitlines()[-1]
    likert = int(counts.split("Counts: ")[1].split(" likert")[0])
    assert likert >= 21 and "7 dimensions" in counts and "3 values questions" in counts


def test_show_with_an_unoffered_language_is_one_line_exit_2():
    result = CliRunner().invoke(cli, ["questionnaire", "show", "--lang", "fr"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --lang fr: not offered by berakhlak (offered: id, en)"


def test_schema_is_json_schema_of_the_questionnaire():
    result = CliRunner().invoke(cli, ["questionnaire", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "Questionnaire"
    assert set(schema["required"]) >= {"questionnaire", "sections"}


def test_unusable_data_dir_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run("--data-dir", str(blocker / "sub"), "status")
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert "Traceback" not in proc.stderr
