"""The coordinator's optional allowlist of devices (`--trusted-devices FILE`).

One device per line: its id, optionally followed by its fingerprint as `akhlak status` shows it
on the laptop (spaces ignored). `#` starts a comment. A device not listed is refused; a listed
device whose bundle is signed by a key with another fingerprint is refused too.

    # Puskesmas Bukit Sentosa, front desk laptop
    7KQ2MX4A  7KQ2 MX4A B3DE FGHI JKLM NOPQ RSTU
    Q4ZZ6PXA
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui.files import read_at_most
from akhlak_tui.crypto.fingerprint import fingerprint

DEVICE_ID = re.compile(r"^[A-Z2-7]{8}$")
FINGERPRINT = re.compile(r"^[A-Z2-7]{28}$")
MAX_FILE_BYTES = 1024 * 1024


class TrustedDevicesError(ValueError):
    """An allowlist that cannot be read; the message is one line naming the file and line."""


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


@dataclass(frozen=True)
class TrustedDevices:
    """Device id -> expected fingerprint (compact, or None when only the id is listed)."""

    source: str
    devices: dict[str, str | None]

    @classmethod
    def parse(cls, text: str, source: str = "<trusted devices>") -> TrustedDevices:
        devices: dict[str, str | None] = {}
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            device_id, _, rest = line.partition(" ")
            device_id = device_id.upper()
            if not DEVICE_ID.match(device_id):
                raise TrustedDevicesError(f"{source}:{number}: {device_id!r} is not a device id (8 characters A-Z, 2-7)")
            expected = _compact(rest) or None
            if expected is not None and not FINGERPRINT.match(expected):
                raise TrustedDevicesError(f"{source}:{number}: {rest.strip()!r} is not a device fingerprint (7 groups of 4)")
            if device_id in devices:
                raise TrustedDevicesError(f"{source}:{number}: device {device_id} is listed twice")
            devices[device_id] = expected
        return cls(source, devices)

    @classmethod
    def load(cls, path: str | Path) -> TrustedDevices:
        path = Path(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise TrustedDevicesError(f"{path}: larger than {MAX_FILE_BYTES} bytes; not a device list")
            text = read_at_most(path, MAX_FILE_BYTES).decode("utf-8")
        except FileNotFoundError:
            raise TrustedDevicesError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise TrustedDevicesError(f"{path}: not UTF-8 text") from None
        except OSError as exc:
            raise TrustedDevicesError(f"{path}: cannot read: {exc.strerror or exc}") from None
        return cls.parse(text, str(path))

    def problem(self, device_id: str, public_key: bytes) -> str | None:
        """Why a bundle from this device and key is not trusted, or None."""
        if device_id not in self.devices:
            return f"device {device_id} is not on the trusted devices list {self.source}"
        expected = self.devices[device_id]
        actual = fingerprint(public_key)
        if expected is not None and _compact(actual) != expected:
            return f"device {device_id} signed with key {actual}, not the fingerprint listed in {self.source}"
        return None
