"""Wheel files: their metadata and requirements for a target, and a wheel rebuilt from an installed distribution."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

try:  # packaging is pip's own; a venv always has pip, not always packaging
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pragma: no cover - depends on the environment
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

__all__ = ["Requirement", "canonicalize_name"]

# Zip entries get this fixed time, so a wheel rebuilt twice is the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# What an installer adds to .dist-info; a wheel never carries these.
INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


class WheelError(Exception):
    """A wheel or installed distribution that cannot be used (one line)."""


@dataclass(frozen=True)
class WheelInfo:
    """What a wheel says about itself."""

    path: Path
    name: str  # canonical: lower case, dashes
    version: str
    requires: tuple[str, ...]

    @property
    def tags(self) -> set[tuple[str, str, str]]:
        """(python, abi, platform) tags from the file name, compressed sets expanded."""
        parts = self.path.name[: -len(".whl")].split("-")
        pythons, abis, platforms = parts[-3], parts[-2], parts[-1]
        return {(p, a, s) for p in pythons.split(".") for a in abis.split(".") for s in platforms.split(".")}


def read_wheel(path: Path) -> WheelInfo:
    """Name, version and Requires-Dist of a wheel file; WheelError if it is not a wheel."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            if len(names) != 1:
                raise WheelError(f"{path}: not a wheel (expected one .dist-info/METADATA, found {len(names)})")
            text = archive.read(names[0]).decode("utf-8")
    except (OSError, zipfile.BadZipFile) as exc:
        raise WheelError(f"{path}: not a readable wheel: {exc}") from None
    headers = HeaderParser().parsestr(text)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        raise WheelError(f"{path}: METADATA has no Name or Version")
    return WheelInfo(path, canonicalize_name(name), version, tuple(headers.get_all("Requires-Dist") or ()))


def requirements_for(requires: tuple[str, ...] | list[str], environment: dict[str, str], extras: set[str] = frozenset()) -> list[Requirement]:  # type: ignore[assignment]
    """The requirements that apply where `environment` holds, for the requested extras."""
    chosen = []
    for line in requires:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            raise WheelError(f"requirement {line!r}: {exc}") from None
        marker = requirement.marker
        if marker is None or any(marker.evaluate({**environment, "extra": extra}) for extra in ("", *sorted(extras))):
            chosen.append(requirement)
    return chosen


def wheel_name(name: str) -> str:
    """A distribution name as wheel file names spell it."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _record_digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _tag_of(dist: metadata.Distribution, name: str) -> str:
    wheel_text = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")]
    if not tags:
        raise WheelError(f"{name}: its .dist-info/WHEEL names no tag; it was not installed from a wheel")
    columns = [dict.fromkeys(tag.split("-")[i] for tag in tags) for i in range(3)]
    return "-".join(".".join(column) for column in columns)


def _is_editable(dist: metadata.Distribution) -> bool:
    text = dist.read_text("direct_url.json")
    if not text:
        return False
    try:
        return bool(json.loads(text).get("dir_info", {}).get("editable"))
    except (ValueError, AttributeError):
        return False


def repack_installed(name: str, out_dir: Path, *, check_record: bool = True) -> Path:
    """Rebuild the wheel a distribution was installed from, out of its installed files.

    Every file is checked against the hash in its RECORD first (unless `check_record` is false),
    so the wheel holds what was installed, not something changed since. Scripts and data outside site-packages are left out
    (the installer makes console scripts again from entry_points.txt). WheelError if the
    distribution is missing, editable, or changed.
    """
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise WheelError(f"{name}: not installed") from None
    if _is_editable(dist):
        raise WheelError(f"{name}: installed in editable mode from a source tree, so there is no wheel to rebuild")
    tag = _tag_of(dist, name)
    real_name = dist.metadata["Name"]
    version = dist.version
    contents: list[tuple[str, bytes, int]] = []
    for file in dist.files or ():
        posix = file.as_posix()
        parts = posix.split("/")
        if parts[0] in ("..", "") or "__pycache__" in parts or posix.endswith(".pyc"):
            continue
        if parts[0].endswith(".dist-info") and len(parts) == 2 and parts[1] in INSTALLER_FILES:
            continue
        located = Path(dist.locate_file(file))
        try:
            data = located.read_bytes()
            mode = located.stat().st_mode
        except OSError as exc:
            raise WheelError(f"{real_name}: cannot read installed file {posix}: {exc.strerror or exc}") from None
        if check_record and file.hash is not None and file.hash.mode == "sha256" and _record_digest(data) != f"sha256={file.hash.value}":
            raise WheelError(f"{real_name}: installed file {posix} was changed since it was installed (its hash differs from RECORD)")
        contents.append((posix, data, mode))
    if not any(path.endswith(".dist-info/METADATA") for path, _, _ in contents):
        raise WheelError(f"{real_name}: its RECORD lists no .dist-info/METADATA; cannot rebuild a wheel")
    dist_info = next(path for path, _, _ in contents if path.endswith(".dist-info/METADATA")).split("/")[0]
    contents.sort(key=lambda item: (item[0].startswith(dist_info + "/"), item[0]))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{wheel_name(real_name)}-{version}-{tag}.whl"
    record = io.StringIO()
    rows = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data, mode in contents:
            info = zipfile.ZipInfo(path, ZIP_TIME)
            info.external_attr = ((mode & 0o777) | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            rows.writerow([path, _record_digest(data), len(data)])
        rows.writerow([f"{dist_info}/RECORD", "", ""])
        info = zipfile.ZipInfo(f"{dist_info}/RECORD", ZIP_TIME)
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, record.getvalue())
    return target
