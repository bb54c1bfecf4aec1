"""The laptop's own Ed25519 device key: made on first use, stored owner-only, with a short device id."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey

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


def _write_private(path: Path, data: bytes) -> None:
    """Write a secret file readable by its owner only, atomically and durably."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def load_or_create_device(data_dir: Path) -> Device:
    """The device key of this data dir, created (owner-only permissions) on first use."""
    path = Path(data_dir) / DEVICE_KEY_FILE
    if path.exists():
        raw = path.read_bytes().strip()
        try:
            seed = bytes.fromhex(raw.decode("ascii"))
            if len(seed) != 32:
                raise ValueError
        except ValueError:
            raise DeviceKeyError(f"{path}: not a device key (expected 64 hex characters)") from None
        return Device(SigningKey(seed))
    key = SigningKey.generate()
    _write_private(path, bytes(key).hex().encode("ascii") + b"\n")
    return Device(key)
