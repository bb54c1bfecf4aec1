"""The laptop's own Ed25519 device key: made on first use, stored owner-only, with a short device id."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey

from akhlak_tui.files import create_file_once
from akhlak_tui.crypto.fingerprint import fingerprint, key_id

DEVICE_KEY_FILE = "device.key"


class DeviceKeyError(Exception):
    """The device key file exists but cannot be used."""


@dataclass(frozen=True)
class Device:
    """This laptop's identity: the signing key, its public key, a short id and a fingerprint."""

    signing_key: SigningKey

    @property
    def public_key(self) -> bytes:
        return bytes(self.signing_key.verify_key)

    @property
    def id(self) -> str:
        return key_id(self.public_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def load_or_create_device(data_dir: Path) -> Device:
    """The device key of this data dir, created (owner-only permissions) on first use."""
    path = Path(data_dir) / DEVICE_KEY_FILE
    if not path.exists():
        # Two processes starting at once must not end up with two different keys.
        create_file_once(path, bytes(SigningKey.generate()).hex().encode("ascii") + b"\n", private=True)
    raw = path.read_bytes().strip()
    try:
        seed = bytes.fromhex(raw.decode("ascii"))
        if len(seed) != 32:
            raise ValueError
    except ValueError:
        raise DeviceKeyError(f"{path}: not a device key (expected 64 hex characters)") from None
    return Device(SigningKey(seed))
