"""Store failures and unexpected errors: a message in the user's language, nothing committed lost, no
traceback, and kiosk mode stays locked.

Full disk, read-only folder and damaged file are each tested twice: at start-up on the real thing
(a tiny tmpfs filled up, a tmpfs remounted read-only with the -wal/-shm files left by a crash, a
page of the file overwritten) where the test can mount (root), and while answering by a fault
injected into the store's commit (SQLite's own error, raised inside the transaction so that it
is rolled back), in enumerator and in kiosk mode. Root ignores folder permissions, so a chmod
would not make a read-only folder here: the tmpfs is remounted read-only instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from akhlak_tui import locations
from akhlak_tui.store import Store
from akhlak_tui.tui.failures import LOG_NAME

from .support import load, ready, screen_name, screen_text, type_text
from .test_kiosk import PIN, enter_kiosk

ERRORS = {
    "full": sqlite3.OperationalError("database or disk is full"),
    "read_only": sqlite3.OperationalError("attempt to write a readonly database"),
    "damaged": sqlite3.DatabaseError("database disk image is malformed"),
}
SAYS = {
    "full": "Jawaban tidak dapat disimpan: disk penuh.",
    "read_only": "Jawaban tidak dapat disimpan: folder data tidak dapat ditulisi.",
    "damaged": "Jawaban tidak dapat disimpan: berkas data rusak.",
}
COMMITTED = {"unit": "PKM-01", "role": "fungsional", "bp1": 4}


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch):
    """fault[0] = an sqlite3 error: every store write then fails at its end, inside the transaction."""
    failing: list[BaseException | None] = [None]
    write = Store._write

    @contextlib.contextmanager
    def failing_write(self):
        with write(self):
            yield
            if failing[0] is not None:
                raise failing[0]

    monkeypatch.setattr(Store, "_write", failing_write)
    return failing


def text_of(pilot) -> str:
    return " ".join(screen_text(pilot).split())


def notified(pilot) -> str:
    """The toasts shown so far."""
    return " ".join(n.message for n in pilot.app._notifications)

async def start(pilot, mode: str) -> str:
    """Open a response in `mode` and answer unit, role and bp1 (committed); on bp2 after."""
    if mode == "kiosk":
        await enter_kiosk(pilot)
    else:
        await ready(pilot)
        await pilot.press("n")
    await pilot.press("enter")
    await type_text(pilot, "puskes")
    await pilot.press("enter", "1", "enter", "4", "enter")
    assert pilot.app.interview.item.id == "bp2"
    return pilot.app.interview.response_id


async def assert_locked(pilot) -> None:
    """Kiosk mode: still on, not home, and Ctrl+Q only asks for the PIN."""
    app = pilot.app
    assert app.is_running and app.kiosk is not None
    assert screen_name(pilot) != "HomeScreen"
    before = screen_name(pilot)
    await pilot.press("ctrl+q")
    assert screen_name(pilot) == "PinScreen"
    await pilot.press("escape")
    assert screen_name(pilot) == before and app.kiosk is not None


@pytest.mark.parametrize("mode", ["enumerator", "kiosk"])
@pytest.mark.parametrize("kind", ["full", "read_only"])
async def test_a_failed_answer_is_said_not_saved_and_can_be_given_again(app_factory, data_dir, rules_survey, fault, kind, mode):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        response_id = await start(pilot, mode)
        fault[0] = ERRORS[kind]
        await pilot.press("5")  # a digit saves at once: it fails
        text = text_of(pilot)
        assert SAYS[kind] in text and "Jawaban terakhir BELUM tersimpan." in text
        assert "Traceback" not in text and "Error" not in text
        assert app.interview.item.id == "bp2" and "bp2" not in app.interview.answers
        assert pilot.app.screen.query_one("#choices").chosen is None  # not shown as chosen: it is not stored
        await pilot.press("enter")  # going on with the highlighted option fails too: still bp2
        assert app.interview.item.id == "bp2" and "bp2" not in app.interview.answers
        assert SAYS[kind] in text_of(pilot)
        await pilot.press("escape")  # moving back cannot be recorded either
        assert app.interview.item.id == "bp2"
        assert app.is_running and screen_name(pilot) == "QuestionScreen"
        if mode == "kiosk":
            await assert_locked(pilot)
        assert load(data_dir, response_id).answer_map == COMMITTED
        fault[0] = None  # space freed (or the folder writable again): the same key works
        await pilot.press("5")
        assert app.interview.answers["bp2"] == 5 and SAYS[kind] not in text_of(pilot)
    assert load(data_dir, response_id).answer_map == {**COMMITTED, "bp2": 5}


@pytest.mark.parametrize("mode", ["enumerator", "kiosk"])
async def test_a_damaged_file_stops_the_interview_and_is_not_written_again(app_factory, data_dir, rules_survey, fault, mode):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        response_id = await start(pilot, mode)
        fault[0] = ERRORS["damaged"]
        await pilot.press("5")
        assert screen_name(pilot) == "FailureScreen"
        text = text_of(pilot)
        assert SAYS["damaged"] in text and "hubungi koordinator" in text and "Jangan hapus" in text
        assert app.core.store.damaged
        fault[0] = None  # the file stays refused: nothing is written to a damaged store
        await pilot.press("enter", "5", "enter")
        assert screen_name(pilot) == "FailureScreen"
        if mode == "kiosk":
            await assert_locked(pilot)
            await pilot.press("ctrl+q")
            await type_text(pilot, PIN)
            await pilot.press("enter")  # the PIN leaves kiosk mode; the draft cannot be abandoned: kept
            assert app.kiosk is None and screen_name(pilot) == "HomeScreen"
            assert "tetap tersimpan sebagai belum selesai" in notified(pilot)
        else:
            await pilot.press("ctrl+q", "enter")  # quit, confirmed
            assert not app.is_running
    response = load(data_dir, response_id)
    assert response.status == "draft" and response.answer_map == COMMITTED


@pytest.mark.parametrize("mode", ["enumerator", "kiosk"])
async def test_a_failed_submit_keeps_the_draft_and_says_so(app_factory, data_dir, rules_survey, fault, mode):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        response_id = await start(pilot, mode)
        await pilot.press("5", "enter", "space", "enter", "7", "enter", "enter")
        assert screen_name(pilot) == "ReviewScreen"
        answers = dict(app.interview.answers)
        fault[0] = ERRORS["full"]
        await pilot.press("s")
        text = text_of(pilot)
        assert screen_name(pilot) == "ReviewScreen"
        assert SAYS["full"] in text and "Jawaban BELUM terkirim" in text
        if mode == "kiosk":
            await assert_locked(pilot)
        fault[0] = None
        await pilot.press("s")
        assert screen_name(pilot) == "ThanksScreen"
    response = load(data_dir, response_id)
    assert response.status == "submitted" and response.answer_map == answers


async def test_english_is_said_in_english(app_factory, rules_survey, fault):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        await start(pilot, "kiosk")
        await pilot.press("ctrl+l")
        fault[0] = ERRORS["full"]
        await pilot.press("5")
        text = text_of(pilot)
        assert "The answer cannot be saved: the disk is full." in text
        assert "The last answer was NOT saved." in text


@pytest.mark.parametrize("mode", ["enumerator", "kiosk"])
async def test_no_response_can_start_on_a_failing_store(app_factory, data_dir, rules_survey, fault, mode):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        if mode == "kiosk":
            await enter_kiosk(pilot)
        else:
            await ready(pilot)
            await pilot.press("n")
        fault[0] = ERRORS["read_only"]
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "WelcomeScreen" and app.interview is None
        assert SAYS["read_only"] in text_of(pilot)  # under the consent question, not in a toast over it
        if mode == "kiosk":
            await assert_locked(pilot)
        fault[0] = None
        await pilot.press("enter")
        assert screen_name(pilot) == "QuestionScreen"


async def test_enumerator_pause_abandon_and_quit_on_a_full_disk(app_factory, data_dir, rules_survey, fault):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        response_id = await start(pilot, "enumerator")
        await pilot.press("5", "enter", "space", "enter", "7")  # on years: 7 typed, not yet confirmed
        assert app.interview.item.id == "years"
        fault[0] = ERRORS["full"]
        await pilot.press("ctrl+p")  # pause saves what is typed first: it cannot
        assert screen_name(pilot) == "QuestionScreen" and "Jawaban terakhir BELUM tersimpan." in text_of(pilot)
        await pilot.press("ctrl+x")
        await type_text(pilot, "pergi")
        await pilot.press("enter")  # abandon cannot be stored either: the response goes on
        assert screen_name(pilot) == "QuestionScreen" and SAYS["full"] in text_of(pilot)
        await pilot.press("ctrl+l")  # the language switch is recorded: it cannot be, and stays
        assert app.lang == "id" and SAYS["full"] in notified(pilot)
        await pilot.press("ctrl+q")  # the typed 7 cannot be saved: said, before the quit is confirmed
        assert app.is_running and "BELUM tersimpan: jika keluar sekarang" in notified(pilot)
        assert screen_name(pilot) == "QuitScreen"
        await pilot.press("enter")
        assert not app.is_running
    response = load(data_dir, response_id)
    assert response.status == "draft" and "years" not in response.answer_map
    assert response.answer_map["bp2"] == 5


async def test_the_resume_dialog_and_the_idle_timeout_on_a_failing_store(app_factory, data_dir, rules_survey, fault):
    app = app_factory(survey=rules_survey, debug=False, idle_timeout=1.2, idle_warning=0.6)
    async with app.run_test() as pilot:
        response_id = await start(pilot, "enumerator")
        await pilot.press("ctrl+p", "r")
        assert screen_name(pilot) == "ResumeScreen"
        fault[0] = ERRORS["read_only"]
        await pilot.press("a")  # abandoning the draft as interrupted cannot be stored
        await pilot.pause()
        assert app.is_running and SAYS["read_only"] in notified(pilot)
        await pilot.press("enter")  # resuming writes "resumed": it cannot, so home stays
        await pilot.pause()
        assert screen_name(pilot) == "HomeScreen" and app.interview is None
        fault[0] = None
        await pilot.press("k")
        for _ in range(2):
            await type_text(pilot, PIN)
            await pilot.press("enter")
        await pilot.press("enter")
        kiosk_response = app.interview.response_id
        await type_text(pilot, "puskes")
        await pilot.press("enter")
        fault[0] = ERRORS["full"]  # the respondent walks away; the abandon cannot be stored
        await pilot.pause(1.5)
        assert screen_name(pilot) == "WelcomeScreen" and app.interview is None and app.kiosk is not None
        assert "Puskesmas" not in text_of(pilot)  # nothing of the respondent stays on screen
    assert load(data_dir, response_id).status == "draft"
    kiosk = load(data_dir, kiosk_response)
    assert kiosk.status == "draft" and kiosk.answer_map == {"unit": "PKM-01"}  # kept, to resume or abandon
    assert (data_dir / LOG_NAME).exists()


async def test_an_unexpected_error_is_logged_without_answers_and_kiosk_stays_locked(app_factory, data_dir, rules_survey, monkeypatch):
    from akhlak_tui.tui.interview import Interview

    secret = "rahasia-4711"
    check = Interview.check

    def broken(self, value):
        if value == secret:
            raise RuntimeError(f"a bug that shows the answer {value}")
        return check(self, value)

    monkeypatch.setattr(Interview, "check", broken)
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        response_id = await start(pilot, "kiosk")
        await pilot.press("5", "enter", "space", "enter", "7", "enter")
        assert app.interview.item.id == "comment"
        await type_text(pilot, secret)
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert "Terjadi kesalahan tak terduga" in notified(pilot) + text_of(pilot)
        assert "Traceback" not in text_of(pilot)
        await assert_locked(pilot)
        await pilot.press("ctrl+c")
        assert screen_name(pilot) == "PinScreen" and app.kiosk is not None
    log = (data_dir / LOG_NAME).read_text(encoding="utf-8")
    assert "RuntimeError" in log and "question.py" in log
    assert secret not in log and "shows the answer" not in log
    assert load(data_dir, response_id).answer_map["bp2"] == 5


async def until(condition, seconds: float = 5.0) -> None:
    """Wait without the pilot (it would wait for a screen whose message loop died)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def broken_drawing(monkeypatch) -> None:
    from akhlak_tui.tui.screens.question import QuestionScreen

    def broken(self, note="", keep_input=False):
        raise RuntimeError("drawing fails every time")

    monkeypatch.setattr(QuestionScreen, "show_item", broken)


async def test_repeated_unexpected_errors_leave_the_failure_screen_locked(app_factory, rules_survey, monkeypatch):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        broken_drawing(monkeypatch)
        app.screen.action_agree()  # the question's screen fails as it opens, and each one opened again
        await until(lambda: screen_name(pilot) == "FailureScreen" and not app.screen.retry)
        assert "Terjadi kesalahan tak terduga" in text_of(pilot)
        await pilot.press("enter", "escape", "n")  # nothing to try again, nowhere to go
        assert screen_name(pilot) == "FailureScreen"
        await assert_locked(pilot)
        await pilot.press("ctrl+q")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        assert app.kiosk is None and screen_name(pilot) == "HomeScreen"
    assert not app.return_code


async def test_when_even_the_failure_screen_fails_the_app_ends_with_status_1(app_factory, rules_survey, monkeypatch):
    from akhlak_tui.tui.screens.failure import FailureScreen

    def broken(self):
        raise RuntimeError("composing fails too")

    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        await enter_kiosk(pilot)
        broken_drawing(monkeypatch)
        monkeypatch.setattr(FailureScreen, "compose", broken)
        app.screen.action_agree()
        await until(lambda: not app.is_running)
    assert app.return_code == 1
    assert "stopped after repeated unexpected errors" in app.exit_note


# -- the real thing, at start-up ---------------------------------------------------------------
def make_draft(data_dir: Path, rules_survey) -> str:
    with Store(locations.store_path(data_dir)) as store:
        rid = store.start_response(rules_survey.questionnaire, device_id="d", mode="enumerator", language="id")
        store.save_answer(rid, "bp1", 4)
        return rid


async def opened(app_factory, rules_survey) -> tuple:
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        for _ in range(30):
            await pilot.pause()
            if app.load_error:
                break
        text = text_of(pilot)
        await pilot.press("n")
        name = screen_name(pilot)
    return app, text, name


async def test_a_full_disk_at_start_is_named(tmpfs, fill_disk, rules_survey):
    from akhlak_tui.tui.app import make_app

    data_dir = tmpfs / "data"
    data_dir.mkdir()
    rid = make_draft(data_dir, rules_survey)
    fill_disk(tmpfs)
    app, text, name = await opened(lambda **o: make_app(data_dir, **o), rules_survey)
    assert "Survei tidak dapat dibuka: disk penuh." in text and "Kosongkan ruang" in text
    assert name == "HomeScreen" and app.core is None
    (tmpfs / "filler").unlink()
    assert load(data_dir, rid).answer_map == {"bp1": 4}


async def test_a_read_only_folder_with_wal_files_at_start_is_named(tmpfs, rules_survey, tmp_path):
    from akhlak_tui.tui.app import make_app

    data_dir = tmpfs / "data"
    data_dir.mkdir()
    rid = make_draft(data_dir, rules_survey)
    # A crash leaves the -wal and -shm files: copy them while a connection holds them open.
    keep = sqlite3.connect(locations.store_path(data_dir))
    keep.execute("select count(*) from answers").fetchall()
    snapshot = tmp_path / "snapshot"
    shutil.copytree(data_dir, snapshot)
    keep.close()
    shutil.rmtree(data_dir)
    shutil.copytree(snapshot, data_dir)
    assert {p.name for p in data_dir.iterdir()} >= {"responses.db", "responses.db-wal", "responses.db-shm"}
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    app, text, name = await opened(lambda **o: make_app(data_dir, **o), rules_survey)
    assert f"Survei tidak dapat dibuka: folder data {data_dir} tidak dapat ditulisi." in text
    assert name == "HomeScreen" and app.core is None
    assert load(data_dir, rid).answer_map == {"bp1": 4}  # still readable


async def test_a_corrupted_page_at_start_is_named_and_left_alone(app_factory, data_dir, rules_survey):
    rid = make_draft(data_dir, rules_survey)
    with Store(locations.store_path(data_dir)) as store:
        for i in range(200):
            store.set_setting(f"padding{i}", "x" * 300)
    db = locations.store_path(data_dir)
    page = 4096
    with open(db, "r+b") as file:
        file.seek(page * (db.stat().st_size // page - 2))
        file.write(b"\xff" * 64)
    damaged = db.read_bytes()
    app, text, name = await opened(app_factory, rules_survey)
    assert "Survei tidak dapat dibuka: berkas data" in text and "rusak" in text
    assert "Jangan hapus atau timpa berkas itu" in text and "hubungi koordinator" in text
    assert name == "HomeScreen" and app.core is None
    assert db.read_bytes() == damaged  # not written to
    assert rid


@pytest.mark.parametrize("error", [ERRORS["full"], RuntimeError("a bug")], ids=["full", "bug"])
async def test_a_failed_export_says_why_in_the_dialog(app_factory, data_dir, tmp_path, monkeypatch, rules_survey, error):
    import dataclasses

    import akhlak_tui.bundle.export as export

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(export, "export_bundle", failing)
    app = app_factory(debug=False, survey=dataclasses.replace(rules_survey, survey_id="S-1"))  # not practice
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("e")
        await type_text(pilot, str(tmp_path))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = text_of(pilot)
        assert screen_name(pilot) == "ExportScreen" and app.is_running
        if isinstance(error, RuntimeError):
            assert "Terjadi kesalahan tak terduga" in text and "RuntimeError" not in text
            assert "RuntimeError" in (data_dir / LOG_NAME).read_text(encoding="utf-8")
        else:
            assert "Ekspor gagal. Jawaban tidak dapat disimpan: disk penuh." in text and "OperationalError" not in text
        await pilot.press("ctrl+l")  # the failure is said again in English
        await pilot.pause()
        text = text_of(pilot)
        if isinstance(error, RuntimeError):
            assert "An unexpected error" in text and "Terjadi kesalahan" not in text, text
            assert (data_dir / LOG_NAME).read_text(encoding="utf-8").count("RuntimeError") == 1  # logged once
        else:
            assert "The export failed. The answer cannot be saved: the disk is full." in text and "Ekspor gagal" not in text, text


async def test_a_failed_worker_does_not_end_kiosk_mode(app_factory, data_dir, rules_survey):
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        await start(pilot, "kiosk")

        def fails() -> None:
            raise OSError(5, "Input/output error")

        worker = app.run_worker(fails, thread=True, exit_on_error=True)
        await until(lambda: worker.is_finished)
        await pilot.pause()
        assert app.is_running and app.interview is not None
        assert "Terjadi kesalahan tak terduga" in notified(pilot)
        await assert_locked(pilot)
    assert "OSError" in (data_dir / LOG_NAME).read_text(encoding="utf-8")


async def test_enter_after_a_failed_answer_still_says_it_was_not_saved(app_factory, rules_survey, fault):
    """On a required question, Enter after a digit that could not be saved must not replace the
    disk-full message with "required": the respondent would never learn to call for help."""
    app = app_factory(survey=rules_survey, debug=False)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("n", "enter")
        await type_text(pilot, "puskes")
        await pilot.press("enter", "1", "enter")
        assert app.interview.item.id == "bp1"  # required
        fault[0] = ERRORS["full"]
        await pilot.press("3")
        await pilot.press("enter")
        assert app.interview.item.id == "bp1"
        said = str(app.screen.query_one("#message").render())
        assert SAYS["full"] in said and "wajib dijawab" not in said
        fault[0] = None  # room again; until an answer is saved, the screen still says it is not
        await pilot.press("enter")
        assert SAYS["full"] in str(app.screen.query_one("#message").render())
        await pilot.press("3")
        assert str(app.screen.query_one("#message").render()) == ""
        await pilot.press("enter")
        assert app.interview.item.id == "bp2" and app.interview.answers["bp1"] == 3
