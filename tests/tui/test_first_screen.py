"""The first screen: title and keys before the survey is loaded, keys typed meanwhile act after, nothing heavy imported first."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from akhlak_tui.tui.texts import t

from .support import screen_name, screen_text

HEAVY = ("pydantic", "sqlite_utils", "nacl", "jinja2", "xlsxwriter", "msgspec", "numpy", "akhlak_tui.store", "akhlak_tui.questionnaire")
"""Loaded with the survey, after the first screen, never before it."""


def hold_the_load(app, monkeypatch: pytest.MonkeyPatch) -> list:
    """Keep what waits for the first frame (loading the survey) until the test lets it run."""
    held: list = []
    monkeypatch.setattr(app, "after_first_frame", held.append)
    return held


async def test_the_first_screen_has_the_title_and_keys_before_the_survey_is_loaded(app_factory, monkeypatch):
    app = app_factory()
    held = hold_the_load(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.core is None and len(held) == 1
        text = screen_text(pilot)
        assert text.splitlines()[0] == "akhlak"
        assert "Memuat survei ..." in text
        for key in ("key.next_interview", "key.kiosk", "key.resume", "key.export", "key.language", "key.quit"):
            assert t(key, "id") in text
        app.call_later(held[0])
        await pilot.pause()
        assert app.core is not None
        text = screen_text(pilot)
        assert text.startswith("akhlak · Survei Budaya Kerja BerAKHLAK ASN")
        assert "Memuat" not in text and "n  Mulai wawancara" in text
        assert app.screen.query_one("#home-menu").highlighted == 0


async def test_keys_typed_while_the_survey_loads_act_once_it_is_loaded(app_factory, monkeypatch):
    app = app_factory()
    held = hold_the_load(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l", "n")
        assert app.core is None and screen_name(pilot) == "HomeScreen"
        app.call_later(held[0])
        await pilot.pause()
        assert app.lang == "en"
        assert screen_name(pilot) == "WelcomeScreen"
        await pilot.press("n")  # declines: back home, nothing stored
        assert screen_name(pilot) == "HomeScreen"


def test_starting_the_app_imports_nothing_heavy_before_the_first_screen(tmp_path: Path):
    """The survey (pydantic models), the store (sqlite-utils), keys (PyNaCl) and the report
    libraries load only once the first screen is drawn."""
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import akhlak_tui.cli, akhlak_tui.cli.tui_cmd
        from akhlak_tui.tui.app import AkhlakApp, make_app

        def load_core(app):
            heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))
            print("at the first screen:", ",".join(heavy))
            app.exit()

        AkhlakApp.load_core = load_core
        make_app(Path(sys.argv[1]), offer_resume=False).run(headless=True, size=(80, 24))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "at the first screen:"


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_the_home_screen_reaches_a_real_terminal_before_the_survey_loads(tmp_path: Path):
    """`akhlak` in an 80x24 pseudo-terminal, its survey load held until the test has seen the
    home screen's title and keys on the terminal."""
    pexpect = pytest.importorskip("pexpect")
    go = tmp_path / "go"
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from akhlak_tui.tui.app import AkhlakApp

        load_core = AkhlakApp.load_core

        def held_load_core(app):
            while not Path({str(go)!r}).exists():
                time.sleep(0.01)
            load_core(app)

        AkhlakApp.load_core = held_load_core
        sys.argv = ["akhlak"]
        from akhlak_tui.cli import main
        main()
        """
    )
    env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(tmp_path / "data")}
    env.pop("TEXTUAL", None)
    child = pexpect.spawn(sys.executable, ["-c", code], env=env, dimensions=(24, 80), timeout=30)
    try:
        child.expect("akhlak")
        child.expect("Memuat survei")
        child.expect("Keluar")  # the key bar, in the same frame
        go.touch()
        child.expect("Kuesioner")  # the survey, loaded after
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_a_key_typed_before_the_app_starts_reaches_the_home_screen(tmp_path: Path):
    """`n` typed right after `akhlak`, before anything is on screen, starts an interview."""
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "TERM": "xterm-256color", "AKHLAK_HOME": str(tmp_path / "data")}
    env.pop("TEXTUAL", None)
    child = pexpect.spawn(sys.executable, ["-m", "akhlak_tui"], env=env, dimensions=(24, 80), timeout=30)
    try:
        child.send("n")
        child.expect("bersedia")  # the welcome screen's question
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
