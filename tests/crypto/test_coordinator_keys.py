"""Coordinator keys: made, protected by a passphrase, unlocked, recovered; device keys."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from akhlak_tui.cli import cli
from akhlak_tui.crypto.coordinator import (
    CoordinatorKeyError,
    init_coordinator,
    key_file,
    load_coordinator_public,
    recover_coordinator,
    unlock_coordinator,
)
from akhlak_tui.crypto.device import DEVICE_KEY_FILE, DeviceKeyError, load_or_create_device
from akhlak_tui.crypto.protect import FAST

PASS = "correct horse battery staple"


def test_init_then_unlock_gives_the_same_keys(tmp_path):
    made = init_coordinator(tmp_path, PASS, cost=FAST)
    keys = unlock_coordinator(tmp_path, PASS)
    assert keys.public == made.public == load_coordinator_public(tmp_path)
    assert len(made.public.fingerprint.split()) == 7  # read aloud in groups of four
    raw = key_file(tmp_path).read_text()
    assert bytes(keys.signing_key).hex() not in raw and bytes(keys.box_key).hex() not in raw
    if sys.platform != "win32":
        assert key_file(tmp_path).stat().st_mode & 0o777 == 0o600


def test_wrong_passphrase_is_a_one_line_error(tmp_path):
    init_coordinator(tmp_path, PASS, cost=FAST)
    with pytest.raises(CoordinatorKeyError, match=r"keys.json: wrong passphrase$"):
        unlock_coordinator(tmp_path, "not the passphrase")


def test_keys_are_never_replaced_and_short_passphrases_refused(tmp_path):
    made = init_coordinator(tmp_path, PASS, cost=FAST)
    with pytest.raises(CoordinatorKeyError, match="already exist .*never replaced"):
        init_coordinator(tmp_path, PASS, cost=FAST)
    assert load_coordinator_public(tmp_path) == made.public
    with pytest.raises(CoordinatorKeyError, match="at least 10 characters"):
        init_coordinator(tmp_path / "other", "short", cost=FAST)


def test_recovery_file_and_code_restore_the_keys_under_a_new_passphrase(tmp_path):
    made = init_coordinator(tmp_path / "old", PASS, cost=FAST)
    recovery = tmp_path / "recovery.json"
    recovery.write_text(made.recovery_text)
    assert made.recovery_code.replace(" ", "") not in made.recovery_text

    with pytest.raises(CoordinatorKeyError, match="wrong recovery code"):
        recover_coordinator(tmp_path / "new", recovery, "AAAA BBBB", "a new passphrase", cost=FAST)
    typed = made.recovery_code.lower().replace(" ", "-")  # as someone might type it from paper
    public = recover_coordinator(tmp_path / "new", recovery, typed, "a new passphrase", cost=FAST)
    assert public == made.public
    assert unlock_coordinator(tmp_path / "new", "a new passphrase").public == made.public

    # a forgotten passphrase: recover in place; the old passphrase no longer opens the keys
    recover_coordinator(tmp_path / "old", recovery, made.recovery_code, "another passphrase", cost=FAST)
    with pytest.raises(CoordinatorKeyError, match="wrong passphrase"):
        unlock_coordinator(tmp_path / "old", PASS)


def test_recovery_refuses_to_overwrite_another_coordinator(tmp_path):
    made = init_coordinator(tmp_path / "a", PASS, cost=FAST)
    init_coordinator(tmp_path / "b", PASS, cost=FAST)
    recovery = tmp_path / "recovery.json"
    recovery.write_text(made.recovery_text)
    with pytest.raises(CoordinatorKeyError, match="holds another coordinator's keys"):
        recover_coordinator(tmp_path / "b", recovery, made.recovery_code, "a new passphrase", cost=FAST)


def test_tampered_key_files_are_refused(tmp_path):
    init_coordinator(tmp_path, PASS, cost=FAST)
    path = key_file(tmp_path)
    document = json.loads(path.read_text())
    swapped = dict(document, public=dict(document["public"], box_key="11" * 32))
    path.write_text(json.dumps(swapped))
    with pytest.raises(CoordinatorKeyError, match="do not match the public keys"):
        unlock_coordinator(tmp_path, PASS)
    greedy = dict(document, private=dict(document["private"], memlimit=2**40))
    path.write_text(json.dumps(greedy))
    with pytest.raises(CoordinatorKeyError, match="cost out of range"):
        unlock_coordinator(tmp_path, PASS)
    path.write_text("{not json")
    with pytest.raises(CoordinatorKeyError, match="not readable as a key file"):
        load_coordinator_public(tmp_path)


def test_device_key_is_made_once_owner_only_and_stable(tmp_path):
    first = load_or_create_device(tmp_path)
    again = load_or_create_device(tmp_path)
    assert first.id == again.id and len(first.id) == 8 and first.fingerprint == again.fingerprint
    if sys.platform != "win32":
        assert (tmp_path / DEVICE_KEY_FILE).stat().st_mode & 0o777 == 0o600
    (tmp_path / DEVICE_KEY_FILE).write_text("garbage")
    with pytest.raises(DeviceKeyError, match="not a device key"):
        load_or_create_device(tmp_path)


# -- the CLI ------------------------------------------------------------------------------------
@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A person types at the prompts (CliRunner's input stands for the terminal)."""
    monkeypatch.setattr("akhlak_tui.cli.passphrase.stdin_is_terminal", lambda: True)


def test_cli_init_show_and_recover(isolated_home: Path, tmp_path: Path, at_a_terminal: None):
    runner = CliRunner()
    recovery = tmp_path / "stick" / "recovery.json"
    recovery.parent.mkdir()
    result = runner.invoke(cli, ["coordinator", "init", "--recovery-file", str(recovery)], input=f"{PASS}\n{PASS}\n")
    assert result.exit_code == 0, result.output
    fingerprint = load_coordinator_public(isolated_home).fingerprint
    assert f"Coordinator fingerprint: {fingerprint}" in result.output
    code = next(line.split(": ", 1)[1] for line in result.output.splitlines() if line.startswith("Recovery code:"))
    assert recovery.is_file() and "separate media" in result.output

    shown = runner.invoke(cli, ["coordinator", "show"])
    assert shown.exit_code == 0 and fingerprint in shown.output

    again = runner.invoke(cli, ["coordinator", "init"], env={"AKHLAK_PASSPHRASE": PASS})
    assert again.exit_code == 1 and "already exist" in again.output

    fresh = tmp_path / "fresh"
    (tmp_path / "code.txt").write_text(code + "\n")
    (tmp_path / "pass.txt").write_text("the new passphrase\n")
    restored = runner.invoke(
        cli,
        ["--data-dir", str(fresh), "coordinator", "recover", str(recovery), "--code-file", str(tmp_path / "code.txt"), "--passphrase-file", str(tmp_path / "pass.txt")],
    )
    assert restored.exit_code == 0, restored.output
    assert load_coordinator_public(fresh).fingerprint == fingerprint


def test_cli_mismatched_confirmation_and_missing_keys(isolated_home: Path, tmp_path: Path, monkeypatch, at_a_terminal: None):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["coordinator", "init"], input=f"{PASS}\nsomething else\n{PASS}\n{PASS}\n")
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("akhlak-recovery-*.json"))  # default: the current directory
    missing = runner.invoke(cli, ["--data-dir", str(tmp_path / "none"), "coordinator", "show"])
    assert missing.exit_code == 1
    assert missing.output.strip().endswith("no coordinator keys here (run `akhlak coordinator init`)")
    assert len(missing.output.strip().splitlines()) == 1


@pytest.mark.parametrize("where", ["missing/recovery.json", "existing.json"])
def test_cli_init_refuses_a_recovery_file_it_cannot_write_before_making_any_key(isolated_home: Path, tmp_path: Path, where: str):
    existing = tmp_path / "existing.json"
    existing.write_text("the recovery file of other keys")
    target = tmp_path / where

    result = CliRunner().invoke(cli, ["coordinator", "init", "--recovery-file", str(target)], env={"AKHLAK_PASSPHRASE": PASS})

    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    expected = f"{tmp_path / 'missing'}: no such directory" if where.startswith("missing") else f"{existing}: already exists"
    assert result.output.startswith(f"error: {expected}"), result.output
    assert not key_file(isolated_home).exists() and list(isolated_home.rglob("*")) == []  # no key, no file at all
    assert existing.read_text() == "the recovery file of other keys"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["akhlak-home", "existing.json"]


RACE = """
import sys, time
from pathlib import Path
from akhlak_tui.crypto.device import load_or_create_device
print("ready", flush=True)
while not Path(sys.argv[2]).exists():
    time.sleep(0.001)
print(load_or_create_device(Path(sys.argv[1])).id, flush=True)
"""


def test_processes_starting_at_once_share_one_device_key(tmp_path):
    import subprocess

    go = tmp_path / "go"
    data_dir = tmp_path / "laptop"
    data_dir.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", RACE, str(data_dir), str(go)], stdout=subprocess.PIPE, text=True) for _ in range(8)]
    assert all(p.stdout.readline().strip() == "ready" for p in procs)
    go.touch()  # all of them ask for the key at the same moment
    ids = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert ids == {load_or_create_device(data_dir).id}
    assert [p.name for p in data_dir.iterdir()] == [DEVICE_KEY_FILE]  # no temporary files left
