"""A purge killed half way (SIGKILL, in its transaction or before the WAL is emptied) leaves nothing half done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from receipt_world import World
from test_purge import sealed_of, store_bytes

from akhlak_tui.receipt.laptop import import_receipt, purge_received

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX test")

SRC = str(Path(__file__).resolve().parents[2] / "src")

# Runs purge_received and kills its own process at a chosen point: `update` while SQLite runs the
# statement that clears the sealed records (the transaction is open, the answers already deleted),
# `checkpoint` after the commit, before the WAL is emptied.
KILLER = """
import os, signal, sys
from pathlib import Path
import akhlak_tui.receipt.laptop as laptop

where, data_dir, survey_id = sys.argv[1:4]
die = lambda: os.kill(os.getpid(), signal.SIGKILL)

class Store(laptop.Store):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.db.conn.set_progress_handler(lambda: die() if armed else 0, 50)

armed = False
def now():
    global armed
    armed = where == "update"
    return "2026-01-01T00:00:00Z"

laptop.Store, laptop.utc_now = Store, now
if where == "checkpoint":
    laptop.empty_wal = lambda store: die()
laptop.purge_received(Path(data_dir), survey_id)
"""


def killed_purge(world: World, where: str) -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, where, str(world.laptop), world.coordinator.survey.survey_id], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


def received_world(world: World) -> tuple[list[str], dict[str, bytes]]:
    ids = world.answer(3)
    world.export()
    world.merge_with_receipts()
    import_receipt(world.laptop, world.receipt_file())
    return ids, sealed_of(world)


def test_killed_in_its_transaction_purges_nothing_and_can_run_again(world: World) -> None:
    ids, sealed = received_world(world)
    killed_purge(world, "update")
    assert sealed_of(world) == sealed  # every record still there, byte for byte
    assert [world.rows()[r][2:] for r in ids] == [(True, False, True)] * 3  # received, none marked purged
    with world.store() as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert purge_received(world.laptop, world.coordinator.survey.survey_id).purged == 3
    assert sealed_of(world) == {}


def test_killed_before_the_wal_is_emptied_the_purge_holds_and_no_copy_stays(world: World) -> None:
    ids, sealed = received_world(world)
    killed_purge(world, "checkpoint")
    assert [world.rows()[r][2:] for r in ids] == [(True, True, False)] * 3  # committed: purged
    with world.store():
        pass  # the next program to open and close the store checkpoints it
    everything = store_bytes(world.laptop)
    assert not any(blob[8:40] in everything or blob[-32:] in everything for blob in sealed.values())
