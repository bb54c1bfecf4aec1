"""merged.db, its -wal and its -shm are readable by their owner only, wherever --db puts them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from merge_world import PASSPHRASE, Coordinator

from akhlak_tui.cli import cli
from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="file modes are POSIX (docs/security.md says what applies on Windows)")


def modes(db: Path) -> dict[str, int]:
    """Mode of the database and of its -wal and -shm, for those that exist."""
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    return {p.name: p.stat().st_mode & 0o777 for p in files if p.exists()}


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_merge_creates_the_database_and_its_wal_owner_only(coordinator: Coordinator, device, tmp_path: Path, umask: int) -> None:
    bundle = coordinator.bundle(device, 1, coordinator.responses(device, 3))
    db = tmp_path / "elsewhere" / "hasil.db"
    db.parent.mkdir()
    old = os.umask(umask)
    try:
        result = CliRunner().invoke(cli, ["merge", str(bundle), "--db", str(db)], env={"AKHLAK_PASSPHRASE": PASSPHRASE})
        assert result.exit_code == 0, result.output
        assert modes(db) == {"hasil.db": 0o600}
        with MergedDatabase(db) as mdb:  # while open, SQLite keeps a -wal and a -shm beside it
            mdb.db.execute("insert into devices (device_id, public_key) values ('X', 'y')")
            assert modes(db) == {"hasil.db": 0o600, "hasil.db-wal": 0o600, "hasil.db-shm": 0o600}
    finally:
        os.umask(old)


def test_a_copied_world_readable_database_is_made_owner_only_when_opened(coordinator: Coordinator, device, tmp_path: Path) -> None:
    made = tmp_path / "made.db"
    with MergedDatabase(made) as mdb:
        coordinator.merge(mdb, [coordinator.bundle(device, 1, coordinator.responses(device, 2))])
    copied = tmp_path / "copied.db"
    shutil.copy(made, copied)
    copied.chmod(0o644)

    with MergedDatabase(copied):
        assert modes(copied)["copied.db"] == 0o600


def test_a_database_in_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(MergedDatabaseError, match=r"missing/merged.db: cannot create: No such file or directory$"):
        MergedDatabase(tmp_path / "missing" / "merged.db")
