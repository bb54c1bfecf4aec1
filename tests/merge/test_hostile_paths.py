"""Nothing hangs, nothing recurses: FIFOs, devices, sockets, deep trees and link loops given to `akhlak merge`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from merge_world import PASSPHRASE, Coordinator, make_coordinator

from akhlak_tui.merge.run import MAX_DEPTH, find_bundles

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and /dev are POSIX")
TIMEOUT = 60
"""Seconds a merge of a few small files may take on a busy 2-core machine; a hang is stopped there and fails."""


def merge_cli(*args: str, workers: int) -> tuple[int, dict]:
    """`akhlak merge ARGS --json --workers N` in a process of its own, stopped (and failed) if it hangs."""
    env = {**os.environ, "AKHLAK_PASSPHRASE": PASSPHRASE}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "akhlak_tui", "merge", *args, "--json", "--workers", str(workers)],
            capture_output=True, text=True, env=env, timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"akhlak merge {' '.join(args)} with {workers} workers still ran after {TIMEOUT} s")
    assert "Traceback" not in done.stderr and "internal error" not in done.stdout + done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def coordinator(isolated_home: Path, tmp_path: Path) -> Coordinator:
    return make_coordinator(isolated_home, tmp_path / "stick")


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path (a socket's path is limited to about 100 bytes)."""
    with tempfile.TemporaryDirectory(prefix="akh-") as name:
        yield Path(name)


def hostile_files(directory: Path) -> dict[str, str]:
    """File name -> the reason each is refused with: a FIFO, a socket, links to devices."""
    directory.mkdir(parents=True, exist_ok=True)
    os.mkfifo(directory / "fifo.akhlak-bundle")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(directory / "socket.akhlak-bundle"))
    server.close()  # the socket file stays
    for device in ("zero", "urandom", "null"):
        os.symlink(f"/dev/{device}", directory / f"{device}.akhlak-bundle")
    return {
        "fifo.akhlak-bundle": "a FIFO (named pipe), not a bundle file",
        "socket.akhlak-bundle": "a socket, not a bundle file",
        "zero.akhlak-bundle": "a character device, not a bundle file",
        "urandom.akhlak-bundle": "a character device, not a bundle file",
        "null.akhlak-bundle": "a character device, not a bundle file",
    }


@pytest.mark.parametrize("already_merged", [False, True], ids=["fresh", "merged-before"])
@pytest.mark.parametrize("workers", [1, 2])
def test_fifos_sockets_and_devices_are_refused_at_once(
    coordinator: Coordinator, device, other_device, short_dir: Path, workers: int, already_merged: bool
) -> None:
    genuine = [
        coordinator.bundle(device, 1, coordinator.responses(device, 2), out=short_dir),
        coordinator.bundle(other_device, 1, coordinator.responses(other_device, 3), out=short_dir),
    ]
    if already_merged:
        assert merge_cli(*map(str, genuine), workers=workers)[0] == 0
    reasons = hostile_files(short_dir)
    expected = "already merged" if already_merged else "merged"

    for args in ([str(short_dir)], [*map(str, genuine), *(str(short_dir / name) for name in reasons)]):
        code, report = merge_cli(*args, workers=workers)

        seen = {Path(b["file"]).name: (b["status"], b["reason"]) for b in report["bundles"]}
        assert {name: seen[name] for name in reasons} == {name: ("refused", reason) for name, reason in reasons.items()}
        assert [seen[path.name][0] for path in genuine] == [expected, expected]
        assert code == 1
        expected = "already merged"


def test_a_tree_1200_levels_deep_is_refused_not_a_recursion_error(coordinator: Coordinator, device, tmp_path: Path) -> None:
    top = tmp_path / "usb"
    shallow = coordinator.bundle(device, 1, coordinator.responses(device, 2), out=top / "d")
    levels = [top.joinpath(*["d"] * depth) for depth in range(1, 1201)]
    for directory in levels:  # os.makedirs recurses, so it cannot make this tree
        directory.mkdir(exist_ok=True)
    deep = coordinator.bundle(device, 2, coordinator.responses(device, 2, seed=2), out=levels[-1])
    try:
        code, report = merge_cli(str(top), workers=2)
    finally:
        os.replace(deep, tmp_path / "deep.akhlak-bundle")
        for directory in reversed(levels[1:]):  # nor can shutil.rmtree remove it
            directory.rmdir()

    statuses = {Path(b["file"]).name: (b["status"], b["reason"]) for b in report["bundles"]}
    assert statuses[shallow.name] == ("merged", None)
    assert statuses["d"] == ("refused", f"directories nested more than {MAX_DEPTH} levels deep below {top}; not searched")
    assert deep.name not in statuses
    assert code == 1


def test_link_loops_are_not_followed(coordinator: Coordinator, device, tmp_path: Path) -> None:
    top = tmp_path / "usb"
    bundle = coordinator.bundle(device, 1, coordinator.responses(device, 2), out=top / "inner")
    os.symlink(top, top / "inner" / "back-to-top")  # a directory loop
    os.symlink("self.akhlak-bundle", top / "self.akhlak-bundle")  # a link to itself
    os.symlink("gone", top / "broken.akhlak-bundle")

    found = find_bundles([top])

    assert found.files == [top / "broken.akhlak-bundle", bundle, top / "self.akhlak-bundle"]
    code, report = merge_cli(str(top), workers=1)
    statuses = {Path(b["file"]).name: (b["status"], b["reason"]) for b in report["bundles"]}
    assert statuses == {
        bundle.name: ("merged", None),
        "self.akhlak-bundle": ("refused", "a symbolic link loop, not a bundle file"),
        "broken.akhlak-bundle": ("refused", "a symbolic link to nothing"),
    }
    assert code == 1
