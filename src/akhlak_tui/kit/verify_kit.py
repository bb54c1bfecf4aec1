"""Check an install kit against its manifest before installing: stdlib only, copied into every kit.

Run by the install scripts with the Python that is on the laptop (`python verify_kit.py KITDIR`):
the same check on Windows and Linux, with no PowerShell policy or certutil output to depend on.
It is written for any Python 3, so that a too old Python gets a clear message, not a syntax error.
Exit 0 and one line when the kit is whole and has wheels for this Python; else exit 1 and one line
(Bahasa Indonesia / English) naming the file and the problem.
"""

import hashlib
import json
import os
import platform
import sys

MANIFEST_NAME = "MANIFEST.sha256"
KIT_INFO_NAME = "kit.json"
# Folders pip reads from: a file there that the manifest does not list is refused (a wheel slipped
# in would otherwise be installed). Elsewhere an unlisted file is ignored (exported bundles,
# Thumbs.db, .DS_Store).
CLOSED_FOLDERS = ("wheels", "survey")
MIN_PYTHON = (3, 10)


class KitError(Exception):
    """The kit cannot be trusted or used; the message is one line."""


def file_sha256(path):
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_text(entries):
    """The manifest for {relative path: sha256}: `HEX  PATH` lines (as `sha256sum -c` reads them), sorted."""
    return "".join("%s  %s\n" % (entries[name], name) for name in sorted(entries))


def kit_fingerprint(manifest_bytes):
    """A short fingerprint of the whole kit: the first 16 hex digits of the manifest's SHA-256, grouped."""
    hexed = hashlib.sha256(manifest_bytes).hexdigest()[:16]
    return " ".join(hexed[i:i + 4] for i in range(0, 16, 4))


def read_manifest(kit):
    """{relative path: sha256} from the kit's manifest; KitError if it is missing or malformed."""
    path = os.path.join(kit, MANIFEST_NAME)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except (IOError, OSError):
        raise KitError("%s: tidak ada / missing: this is not a complete kit" % path)
    entries = {}
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        digest, sep, name = raw.partition("  ")
        parts = name.split("/")
        if (
            not sep
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
            or not name
            or name.startswith("/")
            or ":" in name
            or "\\" in name
            or any(part in ("", ".", "..") for part in parts)
            or name in entries
        ):
            raise KitError("%s: baris %d rusak / line %d is malformed" % (path, number, number))
        entries[name] = digest
    if not entries:
        raise KitError("%s: kosong / empty" % path)
    return entries, data


def verify_kit(kit):
    """Check every file of the manifest and the closed folders; returns (files checked, fingerprint)."""
    entries, data = read_manifest(kit)
    for name in sorted(entries):
        path = os.path.join(kit, *name.split("/"))
        if not os.path.isfile(path):
            raise KitError("%s: tidak ada / missing: salin ulang kit / copy the kit again" % name)
        if file_sha256(path) != entries[name]:
            raise KitError("%s: isinya berubah (SHA-256 tidak cocok) / was changed (SHA-256 mismatch): kit ditolak / kit refused" % name)
    for folder in CLOSED_FOLDERS:
        top = os.path.join(kit, folder)
        for root, _dirs, files in os.walk(top):
            for filename in files:
                relative = os.path.relpath(os.path.join(root, filename), kit).replace(os.sep, "/")
                if relative not in entries:
                    raise KitError("%s: tidak tercantum di manifest / not in the manifest: kit ditolak / kit refused" % relative)
    return len(entries), kit_fingerprint(data)


def this_platform():
    """The kit's name for this machine's platform family (as kit.json's targets give it)."""
    machine = platform.machine()
    if sys.platform == "win32":
        return {"AMD64": "win_amd64", "x86": "win32", "ARM64": "win_arm64"}.get(machine, "win_" + machine.lower())
    if sys.platform.startswith("linux"):
        return "linux_" + {"amd64": "x86_64", "arm64": "aarch64"}.get(machine.lower(), machine.lower())
    return sys.platform + "_" + machine.lower()


def check_python(kit):
    """KitError unless this Python is new enough and the kit has wheels for it."""
    here = "%d.%d" % sys.version_info[:2]
    if tuple(sys.version_info[:2]) < MIN_PYTHON:
        raise KitError("Python %s terlalu lama / too old: perlu / needs Python %d.%d atau lebih baru / or newer" % ((here,) + MIN_PYTHON))
    with open(os.path.join(kit, KIT_INFO_NAME), "rb") as handle:
        info = json.loads(handle.read().decode("utf-8"))
    family = this_platform()
    have = [(t["family"], t["python"]) for t in info["targets"]]
    if (family, here) not in have:
        built = ", ".join("%s Python %s" % pair for pair in have)
        raise KitError(
            "kit ini tidak punya wheel untuk %s Python %s / this kit has no wheels for %s Python %s (it has: %s)"
            % (family, here, family, here, built)
        )
    [platform_tag] = [t["platform"] for t in info["targets"] if (t["family"], t["python"]) == (family, here)]
    check_glibc(platform_tag)


def check_glibc(platform_tag):
    """KitError if a manylinux_2_N kit meets a Linux whose glibc is older than 2.N."""
    if not platform_tag.startswith("manylinux_2_"):
        return
    needed = int(platform_tag.split("_")[2])
    library, version = platform.libc_ver()
    parts = version.split(".")
    if library == "glibc" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < needed:
        raise KitError(
            "glibc %s di Linux ini terlalu lama / on this Linux is too old: kit ini perlu / this kit needs glibc 2.%d "
            "(minta kit dengan / ask for a kit built with --platform manylinux_2_17_x86_64)" % (version, needed)
        )


def main(argv):
    kit = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    try:
        count, fingerprint = verify_kit(kit)
        check_python(kit)
    except KitError as exc:
        sys.stderr.write("GAGAL / FAILED: %s\n" % exc)
        return 1
    sys.stdout.write("Kit utuh / kit verified: %d berkas / files, sidik kit / kit fingerprint %s\n" % (count, fingerprint))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
