"""Every dependency's wheel for one target, fetched with `pip download`, markers evaluated for the target.

pip evaluates environment markers for the Python running it, not for its --platform and
--python-version (tomli, needed on 3.10 only, would be left out of a 3.10 kit built on 3.11).
So pip is asked for one level at a time with --no-deps and the requirement strings without
their markers; this module evaluates the markers for the target and walks the tree until no
new requirement appears. Each round passes every requirement seen so far, so pip chooses one
version that satisfies all of them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from akhlak_tui.kit.targets import Target
from akhlak_tui.kit.wheels import WheelInfo, canonicalize_name, read_wheel, requirements_for

MAX_ROUNDS = 30
NO_MATCH = re.compile(r"No matching distribution found for (\S+)")


class FetchError(Exception):
    """A dependency could not be fetched for a target (one line)."""


def pip_download(target: Target, requirements: list[str], dest: Path, pip_options: list[str]) -> None:
    """One `pip download --no-deps --only-binary=:all:` for the target; FetchError naming what has no wheel."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
        "--implementation", "cp", "--python-version", target.python,
        *[option for platform in target.pip_platforms() for option in ("--platform", platform)],
        "--dest", str(dest), *pip_options, *requirements,
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode == 0:
        return
    missing = NO_MATCH.search(proc.stderr)
    if missing:
        raise FetchError(f"no wheel of {missing.group(1)} for {target.label}: that platform cannot have a kit (pip found no binary wheel)")
    lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
    last = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else f"exit {proc.returncode}")
    raise FetchError(f"pip download failed for {target.label}: {last}")


def _requirement_strings(wanted: dict[str, dict[str, object]]) -> list[str]:
    lines = []
    for name, entry in sorted(wanted.items()):
        extras = sorted(entry["extras"])  # type: ignore[arg-type]
        specifiers = sorted(entry["specifiers"]) or [""]  # type: ignore[arg-type]
        base = name + (f"[{','.join(extras)}]" if extras else "")
        lines.extend(base + spec for spec in specifiers)
    return lines


def fetch_target(project: WheelInfo, target: Target, dest: Path, pip_options: list[str]) -> list[WheelInfo]:
    """Download into `dest` the wheel of every dependency of `project` on `target`; returns them.

    FetchError if one has no wheel for the target, or pip fails.
    """
    environment = target.marker_environment()
    wanted: dict[str, dict[str, object]] = {}

    def want(info: WheelInfo, extras: set[str]) -> bool:
        grew = False
        for requirement in requirements_for(info.requires, environment, extras):
            name = canonicalize_name(requirement.name)
            entry = wanted.setdefault(name, {"extras": set(), "specifiers": set()})
            spec = str(requirement.specifier)
            for key, value in (("extras", set(requirement.extras)), ("specifiers", {spec} if spec else set())):
                if not value <= entry[key]:  # type: ignore[operator]
                    entry[key] |= value  # type: ignore[operator]
                    grew = True
            grew = grew or name not in seen
            seen.add(name)
        return grew

    seen: set[str] = set()
    want(project, set())
    with tempfile.TemporaryDirectory(prefix="akhlak-kit-") as scratch:
        for round_number in range(MAX_ROUNDS):
            round_dir = Path(scratch) / f"round-{round_number}"
            round_dir.mkdir()
            if wanted:
                pip_download(target, _requirement_strings(wanted), round_dir, pip_options)
            got = [read_wheel(path) for path in sorted(round_dir.glob("*.whl"))]
            grew = False
            for info in got:
                grew = want(info, set(wanted.get(info.name, {}).get("extras", set()))) or grew  # type: ignore[arg-type]
            if not grew:
                break
        else:
            raise FetchError(f"{target.label}: the dependencies did not settle after {MAX_ROUNDS} rounds")
        names = {info.name for info in got}
        if names != set(wanted):
            missing = ", ".join(sorted(set(wanted) - names)) or "none"
            raise FetchError(f"{target.label}: pip gave no wheel for {missing}")
        dest.mkdir(parents=True, exist_ok=True)
        kept = []
        for info in got:
            final = dest / info.path.name
            if not final.exists():
                shutil.copyfile(info.path, final)
            kept.append(WheelInfo(final, info.name, info.version, info.requires))
    return kept
