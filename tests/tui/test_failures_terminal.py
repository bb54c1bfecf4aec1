"""A full disk under the real `akhlak` in kiosk mode, in an 80x24 pseudo-terminal: the message shows,
no traceback, signals do not end it, and only the PIN leaves kiosk mode (SIGHUP: status 129).
Outside kiosk mode SIGTERM quits with status 143.

The data dir is a small tmpfs filled up while a respondent answers (root only: skipped where a
tmpfs cannot be mounted).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")

PIN = "2468"
TIMEOUT = 20.0


class Terminal:
    """The app in a pseudo-terminal, its screen kept by pyte, everything it wrote kept too."""

    def __init__(self, data_dir: Path) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(data_dir)}
        env.pop("TEXTUAL", None)
        self.child = pexpect.spawn(
            sys.executable, ["-m", "akhlak_tui", "--data-dir", str(data_dir)], env=env, dimensions=(24, 80), timeout=TIMEOUT
        )
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.written = b""

    def drain(self, seconds: float = 0.05) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.02)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                return
            self.written += data
            self.stream.feed(data)

    def text(self) -> str:
        return " ".join(" ".join(self.screen.display).split())

    def wait_for(self, words: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.drain()
            if words in self.text():
                return
        raise AssertionError(f"timed out waiting for {words!r}; the screen shows: {self.text()}")

    def send(self, keys: str, pause: float = 0.3) -> None:
        self.child.send(keys)
        self.drain(pause)

    def start_kiosk(self) -> None:
        self.wait_for("Mulai mode kios")
        self.send("k")
        self.wait_for("Tentukan PIN")
        self.send(PIN + "\r")
        self.wait_for("Ketik PIN sekali lagi")
        self.send(PIN + "\r")
        self.wait_for("Apakah Anda bersedia")

    def answer_unit(self) -> None:
        """Kiosk mode on, a respondent agrees and answers the unit (committed); on the next question."""
        self.start_kiosk()
        self.send("\r")
        self.wait_for("Unit kerja")
        self.send("rsud\r")
        self.wait_for("Jenis kelamin")


def stopped(pid: int) -> bool:
    """Whether the process is suspended (its terminal given back to the shell)."""
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in ("T", "t")


def answers(db: Path) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {item: json.loads(value) for item, value in conn.execute("select item_id, value from answers")}
    finally:
        conn.close()


def test_full_disk_in_kiosk_mode_no_traceback_no_shell_only_the_pin_leaves(tmpfs, fill_disk):
    data_dir = tmpfs / "data"
    term = Terminal(data_dir)
    try:
        term.answer_unit()
        fill_disk(tmpfs)
        for _ in range(3):  # the first key whose commit needs a new block of the disk fails
            term.send("1", pause=0.5)
            if "disk penuh" in term.text():
                break
        term.wait_for("Jawaban tidak dapat disimpan: disk penuh.")
        assert "BELUM tersimpan" in term.text()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGTSTP):
            term.child.kill(signum)
            term.drain(0.5)
            assert term.child.isalive() and not stopped(term.child.pid), signal.Signals(signum).name
        term.send("\x03")  # ctrl+c: asks for the PIN
        term.wait_for("PIN untuk keluar")
        term.send("\x1b", pause=0.5)  # esc: back to the question
        assert term.child.isalive()
        (tmpfs / "filler").unlink()  # the enumerator frees some space
        term.send("\x11")  # ctrl+q
        term.wait_for("PIN untuk keluar")
        term.send(PIN + "\r")
        term.wait_for("Mulai mode kios")  # home: kiosk mode left with the PIN
        term.send("q")
        term.child.expect(pexpect.EOF)
        term.child.close()
        assert term.child.exitstatus == 0
        assert b"Traceback" not in term.written and b"Error" not in term.written
    finally:
        term.child.close(force=True)
    assert answers(data_dir / "responses.db").get("unit") == "RSUD"


def test_sighup_in_kiosk_mode_ends_with_status_129_and_keeps_the_draft(tmp_path):
    data_dir = tmp_path / "data"
    term = Terminal(data_dir)
    try:
        term.answer_unit()
        term.child.kill(signal.SIGHUP)
        term.child.expect(pexpect.EOF)
        term.child.close()
        assert term.child.exitstatus == 129
        assert b"Traceback" not in term.written
    finally:
        term.child.close(force=True)
    assert answers(data_dir / "responses.db") == {"unit": "RSUD"}


def test_sigterm_outside_kiosk_mode_quits_with_status_143_without_a_traceback(tmp_path):
    data_dir = tmp_path / "data"
    term = Terminal(data_dir)
    try:
        term.wait_for("Mulai wawancara")
        term.send("n")
        term.wait_for("Apakah Anda bersedia")
        term.send("\r")
        term.wait_for("Unit kerja")
        term.send("rsud")
        term.child.kill(signal.SIGTERM)
        term.child.expect(pexpect.EOF)
        term.child.close()
        assert term.child.exitstatus == 143
        assert b"Traceback" not in term.written
    finally:
        term.child.close(force=True)
