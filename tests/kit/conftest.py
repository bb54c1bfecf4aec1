"""Kit fixtures: akhlak's wheel, and a wheelhouse rebuilt from the installed dependencies (no network)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from akhlak_tui.kit.build import KitError, build_project_wheel
from akhlak_tui.kit.wheels import WheelError, canonicalize_name, read_wheel, repack_installed, requirements_for

try:
    from packaging.markers import default_environment
except ImportError:  # pragma: no cover
    from pip._vendor.packaging.markers import default_environment  # type: ignore[no-redef]

MANYLINUX = re.compile(r"manylinux_2_(\d+)_x86_64")
# pip must find nothing but what a test gives it: no index, no configured find-links, no proxy.
UNREACHABLE = "http://127.0.0.1:9"


def offline_environment(**extra: str) -> dict[str, str]:
    """os.environ without pip's configuration, with the network unreachable for pip and urllib."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env.update(
        PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
        HTTP_PROXY=UNREACHABLE, HTTPS_PROXY=UNREACHABLE, http_proxy=UNREACHABLE, https_proxy=UNREACHABLE,
    )  # fmt: skip
    env.update(extra)
    return env


def without_network() -> list[str]:
    """A command prefix that runs a program in a network namespace of its own (no network at all),
    where Linux allows it (`unshare -rn`); else nothing, and the proxy and pip settings suffice."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def index_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory) -> Path:
    """akhlak's wheel built from this source tree, as `akhlak kit build` builds it."""
    try:
        return build_project_wheel(tmp_path_factory.mktemp("project-wheel"), None, [])
    except KitError as exc:
        pytest.skip(f"akhlak's wheel cannot be built here (hatchling is not installed and the index is unreachable?): {exc}")


@pytest.fixture(scope="session")
def local_wheelhouse(tmp_path_factory, project_wheel: Path) -> Path:
    """The wheel of every installed dependency of akhlak, rebuilt from the installed files."""
    out = tmp_path_factory.mktemp("wheelhouse")
    environment = default_environment()
    todo = [(r, set(r.extras)) for r in requirements_for(read_wheel(project_wheel).requires, environment)]
    extras_of: dict[str, set[str]] = {}
    infos = {}
    while todo:
        requirement, extras = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in extras_of and extras <= extras_of[name]:
            continue
        extras_of.setdefault(name, set()).update(extras)
        if name not in infos:
            try:
                # Not checked against RECORD: a distributor may patch an installed file (pip's CA bundle).
                infos[name] = read_wheel(repack_installed(name, out, check_record=False))
            except WheelError as exc:
                pytest.skip(f"the local wheelhouse cannot be made from the installed dependencies: {exc}")
        todo.extend((r, set(r.extras)) for r in requirements_for(infos[name].requires, environment, extras_of[name]))
    return out


@pytest.fixture(scope="session")
def current_platform(local_wheelhouse: Path) -> str:
    """The kit platform of this machine: the newest manylinux tag among the installed wheels."""
    if not sys.platform.startswith("linux") or os.uname().machine != "x86_64":
        pytest.skip("the offline kit tests run on x86_64 Linux (install.sh)")
    minors = [int(m) for path in local_wheelhouse.glob("*.whl") for m in MANYLINUX.findall(path.name)]
    return f"manylinux_2_{max(minors, default=17)}_x86_64"


def current_python() -> str:
    return "%d.%d" % sys.version_info[:2]

