"""Secrets protected by a passphrase: Argon2id key derivation and a SecretBox (XSalsa20-Poly1305)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost: passes over memory (opslimit) and memory in bytes (memlimit)."""

    opslimit: int
    memlimit: int


# libsodium's "moderate" profile (~0.7 s and 256 MiB on a 2020 laptop): worth it for a key that
# opens every bundle of a survey.
MODERATE = KdfCost(nacl.pwhash.argon2id.OPSLIMIT_MODERATE, nacl.pwhash.argon2id.MEMLIMIT_MODERATE)
# The cheapest cost libsodium allows; only for tests and throwaway demo keys.
FAST = KdfCost(nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)
# A key file asking for more than this is refused (it could stall or exhaust the machine).
MAX_OPSLIMIT = 32
MAX_MEMLIMIT = 2 * 1024**3


class WrongPassphrase(Exception):
    """The passphrase (or recovery code) does not open the protected secret."""


class ProtectedFormatError(Exception):
    """The protected secret is malformed (message says which field)."""


def _derive(passphrase: str, salt: bytes, cost: KdfCost) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        passphrase.encode("utf-8"),
        salt,
        opslimit=cost.opslimit,
        memlimit=cost.memlimit,
    )


def protect(secret: bytes, passphrase: str, cost: KdfCost = MODERATE) -> dict[str, Any]:
    """Encrypt `secret` under a key derived from `passphrase`; a JSON-ready dict."""
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    box = nacl.secret.SecretBox(_derive(passphrase, salt, cost))
    return {
        "kdf": "argon2id13",
        "opslimit": cost.opslimit,
        "memlimit": cost.memlimit,
        "salt": salt.hex(),
        "secretbox": base64.b64encode(bytes(box.encrypt(secret))).decode("ascii"),
    }


def unprotect(protected: dict[str, Any], passphrase: str) -> bytes:
    """The secret inside a `protect` dict; WrongPassphrase if the passphrase does not open it."""
    try:
        if protected["kdf"] != "argon2id13":
            raise ProtectedFormatError(f"unknown key derivation {protected['kdf']!r}")
        cost = KdfCost(int(protected["opslimit"]), int(protected["memlimit"]))
        salt = bytes.fromhex(protected["salt"])
        sealed = base64.b64decode(protected["secretbox"], validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtectedFormatError(f"malformed protected secret ({type(exc).__name__}: {exc})") from None
    if not (1 <= cost.opslimit <= MAX_OPSLIMIT and 8192 <= cost.memlimit <= MAX_MEMLIMIT):
        raise ProtectedFormatError(f"key derivation cost out of range (opslimit {cost.opslimit}, memlimit {cost.memlimit})")
    if len(salt) != nacl.pwhash.argon2id.SALTBYTES:
        raise ProtectedFormatError("salt has the wrong length")
    try:
        return nacl.secret.SecretBox(_derive(passphrase, salt, cost)).decrypt(sealed)
    except nacl.exceptions.CryptoError:
        raise WrongPassphrase() from None
