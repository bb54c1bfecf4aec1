"""The real `akhlak receipt import` process: a forged receipt is refused in one line, exit 1, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from nacl.signing import SigningKey
from receipt_world import World

from akhlak_tui.receipt.document import Receipt, sign_receipt

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AKHLAK_HOME": str(home), "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "akhlak_tui", *args], env=env, capture_output=True, text=True, timeout=120)


def test_real_process_refuses_a_forged_receipt_and_imports_the_genuine_one(world: World) -> None:
    world.answer(2)
    world.export()
    world.merge_with_receipts()
    genuine = world.receipt_file()
    forged = world.stick / "forged.akhlak-receipt"
    forged.write_bytes(sign_receipt(Receipt.model_validate_json(json.loads(genuine.read_bytes())["body"]), SigningKey.generate()))

    done = run(world.laptop, "receipt", "import", str(forged), str(genuine), "--purge")

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {forged}: the signature does not verify: altered, or not signed by the coordinator of survey "
        f"{world.coordinator.survey.survey_id!r} (the key pinned when the survey was installed)"
    ]
    assert "received: 2 newly marked" in done.stdout and "purged: 2 received responses deleted" in done.stdout
    assert [row[2:] for row in world.rows().values()] == [(True, True, False)] * 2
