"""The core never imports Textual, and importing the package loads nothing heavy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import akhlak_tui


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(akhlak_tui.__path__, "akhlak_tui."):
        if info.name.startswith("akhlak_tui.tui") or info.name == "akhlak_tui.__main__":
            continue
        names.append(info.name)
    return names


def test_core_modules_do_not_load_textual():
    modules = core_modules()
    assert "akhlak_tui.store.store" in modules and "akhlak_tui.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_importing_the_package_loads_nothing_heavy():
    code = "import sys, akhlak_tui; print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic','textual','sqlite_utils','nacl','click')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
