"""Sealed response records: a response's JSON compressed and encrypted to the coordinator, and opened again.

A laptop seals each response when it is submitted; from then on only the coordinator's X25519
private key opens it (docs/bundle-format.md, "Sealed records"). Two record kinds exist, told
apart by their first byte:

- `0x02` (written now): `0x02 || ephemeral public key (32) || nonce (24) || crypto_box(zlib(JSON))`,
  libsodium's crypto_box (X25519 + XSalsa20-Poly1305) from an ephemeral key pair to the
  coordinator's key. The ephemeral private key lives only in the memory of the running program
  and is replaced after `RECORDS_PER_KEY` records, so the coordinator does one X25519 operation
  per few dozen records instead of one per record.
- `0x01` (laptops of version 0.1): `0x01 || crypto_box_seal(JSON)`, one ephemeral key per record.

The JSON is compressed before it is encrypted (encrypted data does not compress): bundles and
the merged database get about 7 times smaller.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import nacl.exceptions
from nacl.public import Box, PrivateKey, PublicKey, SealedBox

try:  # zlib-ng reads the same streams twice as fast; stdlib zlib where it has no wheel (pyproject)
    from zlib_ng import zlib_ng as _inflating
except ImportError:  # pragma: no cover - platforms without a zlib-ng wheel
    _inflating = zlib  # type: ignore[assignment]

SEALED_BOX = 0x01
SESSION_BOX = 0x02
KEY_BYTES = 32
NONCE_BYTES = Box.NONCE_SIZE
TAG_BYTES = 16
MIN_RECORD_BYTES = 1 + KEY_BYTES + TAG_BYTES
"""The shortest possible record (an empty sealed box); anything shorter is damaged."""
RECORDS_PER_KEY = 32
"""A laptop makes a new ephemeral key after this many records (and every time the program starts)."""
COMPRESSION_LEVEL = 6
"""The zlib level of sealed records (and of documents the merge has to compress itself)."""
MAX_JSON_BYTES = 4 * 1024 * 1024
"""A record never opens to more than this (a response's JSON is about 12 KB): no zip bombs."""


class RecordUnreadable(Exception):
    """A record that cannot be opened; `reason` is one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RecordSealer:
    """Seals JSON to one coordinator key (`0x02` records), replacing its ephemeral key every `records_per_key`."""

    def __init__(self, coordinator_box_key: bytes, records_per_key: int = RECORDS_PER_KEY) -> None:
        self.coordinator = PublicKey(coordinator_box_key)
        self.records_per_key = records_per_key
        self._lock = threading.Lock()
        self._box: Box | None = None
        self._header = b""
        self._used = 0

    def __call__(self, plain_json: bytes) -> bytes:
        compressed = zlib.compress(plain_json, COMPRESSION_LEVEL)
        with self._lock:
            if self._box is None or self._used >= self.records_per_key:
                ephemeral = PrivateKey.generate()
                self._box = Box(ephemeral, self.coordinator)  # keeps only the shared key
                self._header = bytes([SESSION_BOX]) + bytes(ephemeral.public_key)
                self._used = 0
            self._used += 1
            box, header = self._box, self._header
        return header + bytes(box.encrypt(compressed))  # random nonce || tag || ciphertext


_sealers: dict[bytes, RecordSealer] = {}
_sealers_lock = threading.Lock()


def record_sealer(coordinator_box_key: bytes) -> RecordSealer:
    """This program's sealer for a coordinator key (one per key, so records share ephemeral keys)."""
    with _sealers_lock:
        sealer = _sealers.get(coordinator_box_key)
        if sealer is None:
            sealer = _sealers[coordinator_box_key] = RecordSealer(coordinator_box_key)
        return sealer


@dataclass(frozen=True)
class OpenedRecord:
    """What a record holds: the response JSON, and the zlib stream it came in (None for `0x01` records)."""

    json: bytes
    compressed: bytes | None


class RecordOpener:
    """Opens records with the coordinator's X25519 private key, keeping the shared keys of recent ephemeral keys."""

    def __init__(self, box_key: PrivateKey, cached_keys: int = 4096) -> None:
        self.box_key = box_key
        self.cached_keys = cached_keys
        self._sealed_box = SealedBox(box_key)
        self._boxes: OrderedDict[bytes, Box] = OrderedDict()

    def open(self, record: bytes, *, tagged: bool = True) -> OpenedRecord:
        """The record's content; RecordUnreadable (one line) if it cannot be opened.

        `tagged=False` reads a record of a `sealed-records-v1` bundle: a crypto_box_seal without a kind byte.
        """
        if not tagged:
            return OpenedRecord(self._open_sealed(record), None)
        if len(record) < MIN_RECORD_BYTES:
            raise RecordUnreadable(f"is {len(record)} bytes, too short to be a sealed record")
        kind = record[0]
        if kind == SEALED_BOX:
            return OpenedRecord(self._open_sealed(record[1:]), None)
        if kind != SESSION_BOX:
            raise RecordUnreadable(f"is of unknown kind {kind:#04x}")
        if len(record) < 1 + KEY_BYTES + NONCE_BYTES + TAG_BYTES:
            raise RecordUnreadable(f"is {len(record)} bytes, too short to be a sealed record")
        try:
            compressed = self._box(record[1 : 1 + KEY_BYTES]).decrypt(record[1 + KEY_BYTES :])
        except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError, nacl.exceptions.TypeError):
            raise RecordUnreadable(_NOT_OURS) from None
        return OpenedRecord(inflate(compressed), compressed)

    def _open_sealed(self, sealed: bytes) -> bytes:
        try:
            return self._sealed_box.decrypt(sealed)
        except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError, nacl.exceptions.TypeError):
            raise RecordUnreadable(_NOT_OURS) from None

    def _box(self, ephemeral_key: bytes) -> Box:
        box = self._boxes.get(ephemeral_key)
        if box is None:
            box = self._boxes[ephemeral_key] = Box(self.box_key, PublicKey(ephemeral_key))
            if len(self._boxes) > self.cached_keys:
                self._boxes.popitem(last=False)
        return box


_NOT_OURS = "cannot be opened with the coordinator key (damaged, or sealed to another key)"


def inflate(compressed: bytes, limit: int = MAX_JSON_BYTES) -> bytes:
    """The bytes of one whole zlib stream, at most `limit` of them; RecordUnreadable otherwise."""
    inflater = _inflating.decompressobj()
    try:
        plain = inflater.decompress(compressed, limit + 1)
    except _inflating.error as exc:
        raise RecordUnreadable(f"is not a zlib stream ({exc})") from None
    if len(plain) > limit:
        raise RecordUnreadable(f"decompresses to more than {limit:,} bytes")
    if not inflater.eof:
        raise RecordUnreadable("is cut short (a truncated zlib stream)")
    if inflater.unused_data:
        raise RecordUnreadable("has data after its zlib stream")
    return plain
