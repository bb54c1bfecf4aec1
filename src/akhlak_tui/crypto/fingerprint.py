"""Short, read-aloud fingerprints and ids of public keys (base32 of a BLAKE2b digest)."""

from __future__ import annotations

import base64
import hashlib


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def key_id(public_key: bytes, length: int = 8) -> str:
    """A short id of a public key, e.g. `7KQ2MX4A` (base32: no 0/1/8/9, easy to read aloud)."""
    return _b32(hashlib.blake2b(public_key, digest_size=10).digest())[:length]


def fingerprint(public_key: bytes) -> str:
    """A 128-bit fingerprint in groups of four, e.g. `7KQ2 MX4A ...`, for reading aloud and comparing."""
    digest = _b32(hashlib.blake2b(public_key, digest_size=20).digest())[:28]
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))
