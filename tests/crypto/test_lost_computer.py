"""docs/security.md, "Lost the coordinator's computer", followed step by step through the real CLI.

The old computer makes the keys (recovery file and package copy kept in a "safe" folder), merges
the first trip of bundles, and is lost. A new computer recovers the keys, imports the survey and
merges again: with the copied merged.db and without it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from akhlak_tui.crypto.coordinator import init_coordinator, unlock_coordinator
from akhlak_tui.crypto.protect import FAST
from akhlak_tui.demo.generate import enrol_demo_devices, write_demo_bundles
from akhlak_tui.questionnaire.builtin import BUILTIN_QUESTIONNAIRE, SAMPLE_UNITS, builtin_file
from akhlak_tui.survey.package import create_survey_package, read_survey_package

OLD_PASSPHRASE = "the old computer's passphrase"
NEW_PASSPHRASE = "the new computer's passphrase"


def akhlak(data_dir: Path, *args: str, passphrase: str | None = None) -> subprocess.CompletedProcess[str]:
    """`akhlak --data-dir DATA_DIR ARGS...` in its own process, no terminal, as a script would run it."""
    env = {k: v for k, v in os.environ.items() if k not in ("AKHLAK_PASSPHRASE", "AKHLAK_RECOVERY_CODE")}
    if passphrase:
        env["AKHLAK_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "akhlak_tui", "--data-dir", str(data_dir), *args],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
    )


def merged(data_dir: Path, *paths: Path, db: Path | None = None) -> dict:
    """`akhlak merge --json`: its report, after checking it exited 0."""
    result = akhlak(data_dir, "merge", *map(str, paths), "--json", "--workers", "1", *(["--db", str(db)] if db else []), passphrase=NEW_PASSPHRASE if "new" in data_dir.name else OLD_PASSPHRASE)
    assert result.returncode == 0, result.stderr + result.stdout
    return json.loads(result.stdout)


def responses(db: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("select id, content_hash from responses"))
    finally:
        conn.close()


def test_a_new_computer_recovers_imports_the_survey_and_merges_again(tmp_path: Path) -> None:
    old, new, safe = tmp_path / "old-computer", tmp_path / "new-computer", tmp_path / "safe"
    safe.mkdir()

    # -- the old computer: keys, survey, the first trip of bundles merged -------------------------
    made = akhlak(old, "coordinator", "init", "--recovery-file", str(safe / "recovery.json"), passphrase=OLD_PASSPHRASE)
    assert made.returncode == 0, made.stderr
    code = next(line.split(": ", 1)[1] for line in made.stdout.splitlines() if line.startswith("Recovery code:"))
    fingerprint = next(line.split(": ", 1)[1] for line in made.stdout.splitlines() if line.startswith("Coordinator fingerprint:"))
    package_file = safe / "survei.akhlak-survey"
    created = akhlak(
        old, "survey", "create", "--questionnaire", str(builtin_file(BUILTIN_QUESTIONNAIRE)), "--units", str(builtin_file(SAMPLE_UNITS)),
        "--name", "Survei 2026", "-o", str(package_file), passphrase=OLD_PASSPHRASE,
    )
    assert created.returncode == 0, created.stderr
    package = read_survey_package(package_file)
    field = tmp_path / "field"
    # The two laptops were enrolled on the old computer; their bundles carry the enrolments, and
    # that is how the new computer, whose device record starts empty, knows them (step 5).
    enrolments = enrol_demo_devices(old, unlock_coordinator(old, OLD_PASSPHRASE), package, devices=2, seed=1)
    write_demo_bundles(package, field, devices=2, responses=6, bundles=2, seed=1, enrolments=enrolments)
    archive, stick = tmp_path / "archive", tmp_path / "stick"
    archive.mkdir(), stick.mkdir()
    for bundle in field.iterdir():  # sequence 1 came in and was archived; sequence 2 is still on a stick
        shutil.move(bundle, (archive if "seq-000001" in bundle.name else stick) / bundle.name)
    first = merged(old, archive)
    assert first["totals"]["merged"] == 2 and first["totals"]["accepted"] == 6
    shutil.copy(old / "merged.db", safe / "merged.db")
    before = responses(old / "merged.db")
    shutil.rmtree(old)  # the computer is lost

    # -- step 1: recover the keys -----------------------------------------------------------------
    (tmp_path / "code.txt").write_text(code + "\n")
    recovered = akhlak(new, "coordinator", "recover", str(safe / "recovery.json"), "--code-file", str(tmp_path / "code.txt"), passphrase=NEW_PASSPHRASE)
    assert recovered.returncode == 0, recovered.stderr
    assert f"Coordinator fingerprint: {fingerprint}" in akhlak(new, "coordinator", "show").stdout
    no_survey = akhlak(new, "merge", str(stick), passphrase=NEW_PASSPHRASE)
    assert no_survey.returncode == 2
    assert no_survey.stderr.strip().endswith("`akhlak survey import PACKAGE_FILE` restores one)")

    # -- step 2: import the survey (only one this coordinator signed) ------------------------------
    stranger = tmp_path / "stranger"
    init_coordinator(stranger, OLD_PASSPHRASE, cost=FAST)
    _, data = create_survey_package(
        coordinator=unlock_coordinator(stranger, OLD_PASSPHRASE), name="Survei 2026",
        questionnaire_toml=builtin_file(BUILTIN_QUESTIONNAIRE).read_text("utf-8"), units=package.units, survey_id=package.survey_id,
    )
    swapped = tmp_path / "swapped.akhlak-survey"
    swapped.write_bytes(data)
    refused = akhlak(new, "survey", "import", str(swapped))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and f"{swapped}: signed by coordinator " in refused.stderr
    assert f"not by this coordinator ({fingerprint})" in refused.stderr
    imported = akhlak(new, "survey", "import", str(package_file))
    assert imported.returncode == 0, imported.stderr
    assert f"Survey {package.survey_id}: Survei 2026" in imported.stdout
    assert "already kept" in akhlak(new, "survey", "import", str(package_file)).stdout  # twice changes nothing

    # -- step 3: with the copy of merged.db, merge what came in since -------------------------------
    copy = new / "with-copy.db"
    shutil.copy(safe / "merged.db", copy)
    again = merged(new, archive, stick, db=copy)
    assert sorted(b["status"] for b in again["bundles"]) == ["already merged"] * 2 + ["merged"] * 2
    assert again["totals"]["accepted"] == 6
    with_copy = responses(copy)
    assert before < with_copy and len(with_copy) == 12

    # -- step 4: without a copy, the bundles rebuild the database -----------------------------------
    rebuilt = merged(new, archive, stick)
    assert rebuilt["totals"]["merged"] == 4 and rebuilt["totals"]["accepted"] == 12
    assert responses(new / "merged.db") == with_copy
