"""`akhlak merge` run as a command: the table, --json, --list, and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from merge_world import PASSPHRASE, make_coordinator

from akhlak_tui.cli import cli

ENV = {"AKHLAK_PASSPHRASE": PASSPHRASE}


def akhlak(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env={**ENV, **(env or {})}, catch_exceptions=False)


@pytest.fixture
def stick(isolated_home: Path, tmp_path: Path) -> Path:
    """Demo bundles of 2 laptops x 2 bundles, from the coordinator of the test's data dir."""
    make_coordinator(isolated_home, tmp_path / "unused")
    out = tmp_path / "stick"
    result = akhlak("demo", "--devices", "2", "--responses", "6", "--bundles", "2", "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    return out


def test_merge_a_directory_prints_the_table_and_exits_0(stick: Path, isolated_home: Path) -> None:
    result = akhlak("merge", str(stick))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Device", "Seq", "Result", "Accepted", "Duplicate", "Conflict", "Quarantined"]
    assert sum(1 for line in lines if " merged " in line) == 4
    assert "Total: 4 bundles: 4 merged, 0 already merged, 0 refused" in result.output
    assert "12 accepted" in result.output
    assert f"Database: {isolated_home / 'merged.db'}" in result.output
    assert all(len(line) <= 80 for line in lines if not line.startswith("Database:"))


def test_merging_again_reports_already_merged_and_exits_0(stick: Path) -> None:
    akhlak("merge", str(stick))

    result = akhlak("merge", str(stick), "--json")

    assert result.exit_code == 0
    report = json.loads(result.output)
    assert [b["status"] for b in report["bundles"]] == ["already merged"] * 4
    assert report["totals"]["accepted"] == 0 and report["exit_code"] == 0


def test_a_damaged_bundle_is_refused_with_its_reason_and_exit_1(stick: Path, tmp_path: Path) -> None:
    victim = sorted(stick.iterdir())[0]
    data = bytearray(victim.read_bytes())
    data[200] ^= 0x01  # inside the first sealed record
    victim.write_bytes(bytes(data))
    db = tmp_path / "elsewhere.db"

    result = akhlak("merge", str(stick), "--db", str(db))

    assert result.exit_code == 1
    assert "refused" in result.output and "payload is damaged (Bad CRC-32" in result.output
    assert victim.name in result.output.replace("\n    ", " ")
    assert "Total: 4 bundles: 3 merged, 0 already merged, 1 refused" in result.output
    assert db.is_file()


def test_json_has_the_same_content_as_the_table(stick: Path) -> None:
    result = akhlak("merge", str(stick), "--json")

    report = json.loads(result.output)
    assert report["totals"] == {
        "bundles": 4, "merged": 4, "already_merged": 0, "held": 0, "refused": 0,
        "accepted": 12, "duplicates": 0, "conflicts": 0, "quarantined": 0,
    }
    assert {(b["device_id"], b["sequence"]) for b in report["bundles"]} == {
        (b["device_id"], s) for b in report["bundles"] for s in (1, 2)
    }
    assert report["missing"] == []


def test_merge_list_shows_what_is_merged_per_device(stick: Path) -> None:
    akhlak("merge", str(stick))

    table = akhlak("merge", "--list")
    listing = json.loads(akhlak("merge", "--list", "--json").output)

    assert table.exit_code == 0
    assert len(listing["devices"]) == 2
    for device in listing["devices"]:
        assert device["bundles"] == 2 and device["highest_sequence"] == 2
        assert device["submitted"] + device["abandoned"] == 6
        assert device["device_id"] in table.output
    assert listing["totals"]["bundles_merged"] == 4
    assert "Total: 2 devices, 4 bundles merged, 0 refused" in table.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("merge",), "give at least one bundle file or directory (or --list)"),
        (("merge", "no-such-dir"), "no-such-dir: no such file or directory"),
        (("merge", "--list", "x"), "--list takes no bundle paths"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = akhlak(*args)

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {message}"]


def test_a_wrong_passphrase_or_no_bundles_exits_2(stick: Path, tmp_path: Path) -> None:
    wrong = akhlak("merge", str(stick), env={"AKHLAK_PASSPHRASE": "not the passphrase"})
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = akhlak("merge", str(empty))

    assert wrong.exit_code == 2 and "wrong passphrase" in wrong.output
    assert nothing.exit_code == 2 and "no bundle files" in nothing.output
