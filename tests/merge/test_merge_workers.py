"""The merge's worker processes end with the merge process, even when it is killed outright."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOLD_WORKERS = """
import multiprocessing, time
from concurrent.futures import ProcessPoolExecutor
from akhlak_tui.bundle.format import DEFAULT_LIMITS
from akhlak_tui.merge.prepare import init_worker
pool = ProcessPoolExecutor(2, initializer=init_worker, initargs=(bytes(32), {}, DEFAULT_LIMITS, 10, frozenset()))
list(pool.map(time.sleep, [0.3, 0.3]))  # both workers started and initialised
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(600)  # the merge process, busy writing
"""


def running(pid: int) -> bool:
    """Whether a process exists and has not ended (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_workers_end_when_the_merge_process_is_killed_outright() -> None:
    merge = subprocess.Popen([sys.executable, "-c", HOLD_WORKERS], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        workers = [int(pid) for pid in merge.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(workers) == 2 and all(map(running, workers))

        merge.send_signal(signal.SIGKILL)  # the merge process alone, not its process group
        merge.wait()

        deadline = time.monotonic() + 10
        while any(map(running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(running, workers)), "workers outlived the merge process"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(merge.pid, signal.SIGKILL)
