"""Where akhlak-tui keeps its data: the platform's user data dir, or AKHLAK_HOME / --data-dir."""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "AKHLAK_HOME"
APP_NAME = "akhlak-tui"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: `override` if given, else $AKHLAK_HOME, else the user data dir.

    The directory is created (owner-only where the platform supports it) if missing.
    """
    if override:
        path = Path(override)
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store_path(base: Path) -> Path:
    """The laptop's survey database inside a data directory."""
    return base / "responses.db"


def merged_path(base: Path) -> Path:
    """The coordinator's merged database inside a data directory."""
    return base / "merged.db"
