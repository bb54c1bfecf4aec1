"""The coordinator's keys: Ed25519 to sign survey packages, X25519 to receive sealed data.

Both private keys live in one JSON file in the coordinator's data dir, encrypted under the
passphrase (Argon2id + SecretBox). `init_coordinator` also returns a recovery file's text: the
same keys encrypted under a random recovery code, to be kept on separate media (see
docs/security.md).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from akhlak_tui.files import read_at_most, write_private_file
from akhlak_tui.crypto.fingerprint import fingerprint, key_id
from akhlak_tui.crypto.protect import MODERATE, KdfCost, ProtectedFormatError, WrongPassphrase, protect, unprotect
from akhlak_tui.response import utc_now

KEYS_FORMAT = "akhlak-coordinator-keys"
RECOVERY_FORMAT = "akhlak-coordinator-recovery"
FORMAT_VERSION = 1
MIN_PASSPHRASE = 10
MAX_KEY_FILE_BYTES = 64 * 1024


class CoordinatorKeyError(Exception):
    """Coordinator keys that cannot be made, found or opened; the message is one line."""


@dataclass(frozen=True)
class CoordinatorPublic:
    """The coordinator's public keys (raw 32 bytes each) and their read-aloud fingerprints."""

    signing_key: bytes
    box_key: bytes

    @property
    def fingerprint(self) -> str:
        """One fingerprint over both keys: comparing it checks both."""
        return fingerprint(self.signing_key + self.box_key)

    @property
    def id(self) -> str:
        return key_id(self.signing_key + self.box_key)

    @property
    def signing_fingerprint(self) -> str:
        return fingerprint(self.signing_key)

    @property
    def box_fingerprint(self) -> str:
        return fingerprint(self.box_key)

    def to_json(self) -> dict[str, str]:
        return {"signing_key": self.signing_key.hex(), "box_key": self.box_key.hex()}


@dataclass(frozen=True)
class CoordinatorKeys:
    """The unlocked private keys: sign packages with `signing_key`, open bundles with `box_key`."""

    signing_key: SigningKey
    box_key: PrivateKey

    @property
    def public(self) -> CoordinatorPublic:
        return CoordinatorPublic(bytes(self.signing_key.verify_key), bytes(self.box_key.public_key))

    def secret_bytes(self) -> bytes:
        return bytes(self.signing_key) + bytes(self.box_key)

    @classmethod
    def from_secret_bytes(cls, secret: bytes) -> CoordinatorKeys:
        if len(secret) != 64:
            raise ValueError("the secret must be 64 bytes")
        return cls(SigningKey(secret[:32]), PrivateKey(secret[32:]))

    @classmethod
    def generate(cls) -> CoordinatorKeys:
        return cls(SigningKey.generate(), PrivateKey.generate())


@dataclass(frozen=True)
class CoordinatorInit:
    """What `init_coordinator` made: the public keys, the key file, and the recovery material."""

    public: CoordinatorPublic
    key_file: Path
    recovery_code: str
    recovery_text: str
    """The recovery file's content (JSON): useless without the recovery code, and vice versa."""


def coordinator_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "coordinator"


def key_file(data_dir: Path) -> Path:
    return coordinator_dir(data_dir) / "keys.json"


def new_recovery_code() -> str:
    """A random recovery code: 160 bits in base32 groups of four, e.g. `K7QD 2MXA ...`."""
    raw = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _normal_code(code: str) -> str:
    """Recovery codes compare without spaces or dashes and in any case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _document(fmt: str, keys: CoordinatorKeys, passphrase: str, cost: KdfCost, note: str) -> dict[str, Any]:
    public = keys.public
    return {
        "format": fmt,
        "format_version": FORMAT_VERSION,
        "note": note,
        "created_at": utc_now(),
        "fingerprint": public.fingerprint,
        "public": public.to_json(),
        "private": protect(keys.secret_bytes(), passphrase, cost),
    }


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _write_keys(data_dir: Path, keys: CoordinatorKeys, passphrase: str, cost: KdfCost) -> Path:
    path = key_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    note = "The coordinator's private keys, encrypted with the coordinator's passphrase."
    write_private_file(path, _dump(_document(KEYS_FORMAT, keys, passphrase, cost, note)).encode("utf-8"))
    return path


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise CoordinatorKeyError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")


def init_coordinator(data_dir: Path, passphrase: str, *, cost: KdfCost = MODERATE) -> CoordinatorInit:
    """Make the coordinator's key pairs, store them under `passphrase`, and return recovery material.

    Refuses if the data dir already has coordinator keys: keys are never replaced silently,
    since every survey in the field seals its data to them.
    """
    check_new_passphrase(passphrase)
    path = key_file(data_dir)
    if path.exists():
        existing = load_coordinator_public(data_dir)
        raise CoordinatorKeyError(f"{path}: coordinator keys already exist (fingerprint {existing.fingerprint}); they are never replaced")
    keys = CoordinatorKeys.generate()
    written = _write_keys(data_dir, keys, passphrase, cost)
    code = new_recovery_code()
    note = (
        "Recovery file of akhlak coordinator keys. Keep it on separate media, away from the recovery "
        "code. To restore: akhlak coordinator recover THIS-FILE"
    )
    recovery = _dump(_document(RECOVERY_FORMAT, keys, _normal_code(code), cost, note))
    return CoordinatorInit(public=keys.public, key_file=written, recovery_code=code, recovery_text=recovery)


def _read_document(path: Path, fmt: str) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_KEY_FILE_BYTES:
            raise CoordinatorKeyError(f"{path}: file is {size} bytes; a key file is at most {MAX_KEY_FILE_BYTES}")
        document = json.loads(read_at_most(path, MAX_KEY_FILE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise CoordinatorKeyError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CoordinatorKeyError(f"{path}: not readable as a key file ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != fmt:
        raise CoordinatorKeyError(f"{path}: not an {fmt} file")
    if document.get("format_version") != FORMAT_VERSION:
        raise CoordinatorKeyError(f"{path}: format version {document.get('format_version')!r} is not supported (expected {FORMAT_VERSION})")
    return document


def _public_of(document: dict[str, Any], path: Path) -> CoordinatorPublic:
    try:
        public = CoordinatorPublic(bytes.fromhex(document["public"]["signing_key"]), bytes.fromhex(document["public"]["box_key"]))
    except (KeyError, TypeError, ValueError):
        raise CoordinatorKeyError(f"{path}: public: missing or malformed keys") from None
    if len(public.signing_key) != 32 or len(public.box_key) != 32:
        raise CoordinatorKeyError(f"{path}: public: keys must be 32 bytes each")
    return public


def _open(document: dict[str, Any], secret: str, path: Path, what: str) -> CoordinatorKeys:
    public = _public_of(document, path)
    try:
        keys = CoordinatorKeys.from_secret_bytes(unprotect(document.get("private") or {}, secret))
    except WrongPassphrase:
        raise CoordinatorKeyError(f"{path}: wrong {what}") from None
    except (ProtectedFormatError, ValueError) as exc:
        raise CoordinatorKeyError(f"{path}: private: {exc}") from None
    if keys.public != public:
        raise CoordinatorKeyError(f"{path}: the private keys do not match the public keys in the file")
    return keys


def has_coordinator(data_dir: Path) -> bool:
    return key_file(data_dir).exists()


def load_coordinator_public(data_dir: Path) -> CoordinatorPublic:
    """The public keys of the coordinator in `data_dir` (no passphrase needed)."""
    path = key_file(data_dir)
    if not path.exists():
        raise CoordinatorKeyError(f"{coordinator_dir(data_dir)}: no coordinator keys here (run `akhlak coordinator init`)")
    return _public_of(_read_document(path, KEYS_FORMAT), path)


def unlock_coordinator(data_dir: Path, passphrase: str) -> CoordinatorKeys:
    """The coordinator's private keys; CoordinatorKeyError (one line) on a wrong passphrase."""
    load_coordinator_public(data_dir)
    path = key_file(data_dir)
    return _open(_read_document(path, KEYS_FORMAT), passphrase, path, "passphrase")


def check_recovery_file(recovery_file: Path) -> CoordinatorPublic:
    """The public keys in a recovery file, read before its code is asked for; CoordinatorKeyError if it is not one."""
    path = Path(recovery_file)
    return _public_of(_read_document(path, RECOVERY_FORMAT), path)


def recover_coordinator(
    data_dir: Path, recovery_file: Path, recovery_code: str, new_passphrase: str, *, cost: KdfCost = MODERATE
) -> CoordinatorPublic:
    """Restore the keys from a recovery file and its code, protected by a new passphrase.

    Works on a fresh data dir (the old computer is lost) and over existing keys of the same
    coordinator (the passphrase is forgotten); refuses to replace a different coordinator's keys.
    """
    check_new_passphrase(new_passphrase)
    recovery_file = Path(recovery_file)
    keys = _open(_read_document(recovery_file, RECOVERY_FORMAT), _normal_code(recovery_code), recovery_file, "recovery code")
    if has_coordinator(data_dir):
        existing = load_coordinator_public(data_dir)
        if existing != keys.public:
            raise CoordinatorKeyError(
                f"{key_file(data_dir)}: holds another coordinator's keys (fingerprint {existing.fingerprint}); "
                f"the recovery file is for {keys.public.fingerprint}"
            )
    _write_keys(data_dir, keys, new_passphrase, cost)
    return keys.public
