"""The platforms and Python versions a kit is built for, with the environment markers of each."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PLATFORMS = ("win_amd64", "manylinux_x86_64")
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# The Linux laptops' floor: glibc 2.28 (Debian 10, Ubuntu 18.10, RHEL 8 and later).
DEFAULT_GLIBC = 28
ALIASES = {
    "manylinux_x86_64": f"manylinux_2_{DEFAULT_GLIBC}_x86_64",
    "manylinux_aarch64": f"manylinux_2_{DEFAULT_GLIBC}_aarch64",
    "manylinux2014_x86_64": "manylinux_2_17_x86_64",
    "manylinux2014_aarch64": "manylinux_2_17_aarch64",
}
WINDOWS_MACHINES = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}
MANYLINUX = re.compile(r"manylinux_2_(\d+)_(x86_64|aarch64|i686)")
PYTHON = re.compile(r"3\.(\d+)")


class TargetError(ValueError):
    """An unknown platform or Python version (one line)."""


@dataclass(frozen=True)
class Target:
    """One platform and Python version: what pip is told, and what markers see there."""

    platform: str  # e.g. win_amd64, manylinux_2_28_x86_64
    python: str  # e.g. 3.10

    @property
    def label(self) -> str:
        return f"{self.platform} Python {self.python}"

    @property
    def is_windows(self) -> bool:
        return self.platform in WINDOWS_MACHINES

    @property
    def machine(self) -> str:
        return WINDOWS_MACHINES[self.platform] if self.is_windows else MANYLINUX.fullmatch(self.platform).group(2)  # type: ignore[union-attr]

    @property
    def family(self) -> str:
        """The name verify_kit.this_platform() gives a laptop this target runs on."""
        return self.platform if self.is_windows else f"linux_{self.machine}"

    def pip_platforms(self) -> list[str]:
        """pip's --platform values: a manylinux target accepts every older manylinux tag too
        (pip expands only the legacy manylinux2014/2010 names itself)."""
        if self.is_windows:
            return [self.platform]
        glibc = int(MANYLINUX.fullmatch(self.platform).group(1))  # type: ignore[union-attr]
        arch = self.machine
        tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc, 4, -1)]
        legacy = [("manylinux2014", 17), ("manylinux2010", 12), ("manylinux1", 5)]
        for name, minimum in legacy:
            if glibc >= minimum and (arch in ("x86_64", "i686") or name == "manylinux2014"):
                tags.append(f"{name}_{arch}")
        return tags

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker variables as CPython on the target sets them."""
        full = f"{self.python}.0"
        windows = self.is_windows
        return {
            "implementation_name": "cpython",
            "implementation_version": full,
            "platform_python_implementation": "CPython",
            "python_version": self.python,
            "python_full_version": full,
            "os_name": "nt" if windows else "posix",
            "sys_platform": "win32" if windows else "linux",
            "platform_system": "Windows" if windows else "Linux",
            "platform_machine": self.machine,
            "platform_release": "",
            "platform_version": "",
        }


def parse_platform(name: str) -> str:
    """A --platform value as the tag the kit uses; TargetError if it is not one the kit supports."""
    name = ALIASES.get(name, name)
    if name in WINDOWS_MACHINES or MANYLINUX.fullmatch(name):
        return name
    raise TargetError(
        f"--platform {name!r}: not supported; use win_amd64, win32, win_arm64, manylinux_x86_64, "
        "manylinux_aarch64 or manylinux_2_N_x86_64 (N = the oldest glibc minor version to support)"
    )


def parse_python(version: str) -> str:
    """A --python value (3.10 ... 3.x); TargetError otherwise."""
    match = PYTHON.fullmatch(version.strip())
    if not match or int(match.group(1)) < 10:
        raise TargetError(f"--python {version!r}: give a version like 3.12 (3.10 or newer)")
    return f"3.{int(match.group(1))}"


def targets(platforms: tuple[str, ...], pythons: tuple[str, ...]) -> list[Target]:
    """Every platform with every Python version, defaults where none was given, without repeats."""
    chosen_platforms = dict.fromkeys(parse_platform(p) for p in platforms or DEFAULT_PLATFORMS)
    chosen_pythons = dict.fromkeys(parse_python(v) for v in pythons or DEFAULT_PYTHONS)
    return [Target(p, v) for p in chosen_platforms for v in chosen_pythons]
