"""Build an offline install kit: akhlak's wheel, every dependency's wheel per target, install scripts, guide, manifest."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import akhlak_tui
from akhlak_tui.kit import verify_kit
from akhlak_tui.kit.fetch import FetchError, fetch_target
from akhlak_tui.kit.targets import Target
from akhlak_tui.kit.wheels import WheelError, WheelInfo, read_wheel, repack_installed
from akhlak_tui.response import utc_now

KIT_FORMAT = "akhlak-kit"
KIT_FORMAT_VERSION = 1
PROJECT = "akhlak-tui"
GUIDE_NAME = "PANDUAN-ENUMERATOR.html"
SCRIPTS = ("install.sh", "install.bat")


class KitError(Exception):
    """The kit cannot be built (one line)."""


@dataclass
class KitResult:
    """What was written."""

    out: Path
    project_wheel: Path
    wheel_count: int
    targets: list[Target]
    fingerprint: str
    survey_fingerprint: str | None = None
    survey_name: str | None = None


def source_tree() -> Path | None:
    """The source tree the running akhlak_tui comes from, if it runs from one (an editable install, PYTHONPATH)."""
    root = Path(akhlak_tui.__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return root if f'name = "{PROJECT}"' in text else None


def build_project_wheel(dest: Path, given: Path | None, pip_options: list[str]) -> Path:
    """akhlak's own wheel in `dest`: the one given, else built from the source tree, else rebuilt from
    the installed distribution; KitError if none works or its version is not the running one."""
    dest.mkdir(parents=True, exist_ok=True)
    if given is not None:
        if not given.is_file() or not given.name.startswith("akhlak_tui-") or given.suffix != ".whl":
            raise KitError(f"{given}: --wheel must be an existing akhlak_tui-*.whl file")
        wheel = dest / given.name
        shutil.copyfile(given, wheel)
    elif (root := source_tree()) is not None:
        with tempfile.TemporaryDirectory(prefix="akhlak-kit-") as scratch:
            isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
            command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", *isolation, "-w", scratch, *pip_options, str(root)]
            proc = subprocess.run(command, capture_output=True, text=True)
            built = sorted(Path(scratch).glob("akhlak_tui-*.whl"))
            if proc.returncode != 0 or len(built) != 1:
                lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()] or ["no wheel written"]
                raise KitError(f"{root}: cannot build akhlak's wheel (pip wheel needs hatchling, from the index or --find-links): {lines[-1]}")
            wheel = dest / built[0].name
            shutil.copyfile(built[0], wheel)
    else:
        try:
            wheel = repack_installed(PROJECT, dest)
        except WheelError as exc:
            raise KitError(f"cannot find akhlak's wheel: {exc}; give one with --wheel FILE") from None
    info = read_wheel(wheel)
    if info.name != PROJECT or info.version != akhlak_tui.__version__:
        wheel.unlink()
        raise KitError(f"{wheel.name}: is {info.name} {info.version}, not the running {PROJECT} {akhlak_tui.__version__}")
    return wheel


def survey_summary(path: Path) -> tuple[str, str]:
    """(name, coordinator fingerprint) of a verified survey package; KitError if it does not verify."""
    from akhlak_tui.survey import SurveyPackageError
    from akhlak_tui.survey.package import read_survey_package

    try:
        package = read_survey_package(path)
    except SurveyPackageError as exc:
        raise KitError(str(exc)) from None
    return package.name, package.coordinator_public.fingerprint


def _template(name: str) -> str:
    return resources.files("akhlak_tui.kit").joinpath("files", name).read_text(encoding="utf-8")


def write_guide(out: Path, survey_name: str | None, fingerprint: str | None, built_at: str) -> None:
    """The enumerator's one-page guide (Bahasa Indonesia), self-contained HTML."""
    from jinja2 import Environment

    environment = Environment(autoescape=True, keep_trailing_newline=True)
    html = environment.from_string(_template("panduan.html")).render(
        survey_name=survey_name, fingerprint=fingerprint, version=akhlak_tui.__version__, built_at=built_at[:10]
    )
    (out / GUIDE_NAME).write_text(html, encoding="utf-8")


def write_manifest(out: Path) -> str:
    """MANIFEST.sha256 over every file of the kit; returns the kit's fingerprint."""
    entries = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != verify_kit.MANIFEST_NAME:
            entries[path.relative_to(out).as_posix()] = verify_kit.file_sha256(path)
    data = verify_kit.manifest_text(entries).encode("utf-8")
    (out / verify_kit.MANIFEST_NAME).write_bytes(data)
    return verify_kit.kit_fingerprint(data)


def _copy_scripts(out: Path) -> None:
    for name in SCRIPTS:
        text = _template(name)
        newline = "\r\n" if name.endswith(".bat") else "\n"
        (out / name).write_bytes(text.replace("\r\n", "\n").replace("\n", newline).encode("utf-8"))
    (out / "install.sh").chmod(0o755)
    shutil.copyfile(verify_kit.__file__, out / "verify_kit.py")


def _write_kit(out: Path, targets: list[Target], survey: Path | None, survey_name: str | None, survey_fingerprint: str | None, wheel: Path | None, pip_options: list[str], progress) -> tuple[str, WheelInfo, list[dict]]:
    """Everything build_kit writes; returns the kit's fingerprint, akhlak's wheel and the targets' lists."""
    wheels = out / "wheels"
    try:
        progress("akhlak's own wheel")
        project = read_wheel(build_project_wheel(wheels, wheel, pip_options))
        listed = []
        for target in targets:
            progress(f"dependencies for {target.label}")
            got = fetch_target(project, target, wheels, pip_options)
            listed.append({
                "platform": target.platform,
                "family": target.family,
                "python": target.python,
                "wheels": sorted(f"wheels/{info.path.name}" for info in [project, *got]),
            })  # fmt: skip
    except (WheelError, FetchError) as exc:
        raise KitError(str(exc)) from None
    built_at = utc_now()
    info = {
        "format": KIT_FORMAT,
        "format_version": KIT_FORMAT_VERSION,
        "akhlak_version": akhlak_tui.__version__,
        "built_at": built_at,
        "project_wheel": f"wheels/{project.path.name}",
        "survey": None,
        "targets": listed,
    }
    if survey is not None:
        (out / "survey").mkdir()
        shutil.copyfile(survey, out / "survey" / survey.name)
        info["survey"] = {"file": f"survey/{survey.name}", "name": survey_name, "coordinator_fingerprint": survey_fingerprint}
    (out / verify_kit.KIT_INFO_NAME).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _copy_scripts(out)
    write_guide(out, survey_name, survey_fingerprint, built_at)
    fingerprint = write_manifest(out)
    return fingerprint, project, listed


def _remove_partial(out: Path, created: bool) -> None:
    if created:
        shutil.rmtree(out, ignore_errors=True)
        return
    for child in out.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def build_kit(
    out: Path,
    targets: list[Target],
    *,
    survey: Path | None = None,
    wheel: Path | None = None,
    pip_options: list[str] | None = None,
    progress=lambda message: None,
) -> KitResult:
    """Write a kit into `out` (which must be missing or empty); KitError (one line) if it cannot,
    and then nothing is left in `out`."""
    pip_options = list(pip_options or [])
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KitError(f"{out}: exists and is not an empty folder; give a new --out")
    survey_name = survey_fingerprint = None
    if survey is not None:
        survey_name, survey_fingerprint = survey_summary(survey)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        fingerprint, project, _ = _write_kit(out, targets, survey, survey_name, survey_fingerprint, wheel, pip_options, progress)
    except BaseException as exc:
        # Everything in `out` is this build's (it was missing or empty): leave no half kit behind.
        _remove_partial(out, created)
        if isinstance(exc, OSError):
            raise KitError(f"{exc.filename or out}: cannot write: {exc.strerror or exc}") from None
        raise
    wheels = out / "wheels"
    return KitResult(
        out=out,
        project_wheel=project.path,
        wheel_count=len(list(wheels.glob("*.whl"))),
        targets=targets,
        fingerprint=fingerprint,
        survey_fingerprint=survey_fingerprint,
        survey_name=survey_name,
    )
