"""The envelope of small signed documents (enrolments, receipts): `{"format", "format_version", "body", "signature"}`."""

from __future__ import annotations

import json
from collections.abc import Callable

ENVELOPE_FIELDS = {"format", "format_version", "body", "signature"}


def open_envelope(
    data: bytes, label: str, *, fmt: str, version: int, max_bytes: int, error: Callable[[str], Exception], what: str
) -> tuple[str, bytes]:
    """The body text and the 64-byte signature of a document, its envelope checked (not yet its signature).

    Raises `error(one line starting with label)`; `what` names the document ("enrolment", "receipt").
    """
    a_what = f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"
    if len(data) > max_bytes:
        raise error(f"{label}: {len(data)} bytes; {a_what} is at most {max_bytes}")
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise error(f"{label}: not {a_what} (not JSON)") from None
    if not isinstance(envelope, dict) or envelope.get("format") != fmt:
        raise error(f"{label}: not {a_what} (format is not {fmt!r})")
    if envelope.get("format_version") != version or isinstance(envelope.get("format_version"), bool):
        raise error(f"{label}: {what} format version {envelope.get('format_version')!r:.20} is not supported (this akhlak reads {version})")
    text, signature_hex = envelope.get("body"), envelope.get("signature")
    if set(envelope) != ENVELOPE_FIELDS or not isinstance(text, str) or not isinstance(signature_hex, str):
        raise error(f"{label}: malformed {what} (expected exactly format, format_version, body, signature)")
    try:
        signature = bytes.fromhex(signature_hex)
        if len(signature) != 64:
            raise ValueError
    except ValueError:
        raise error(f"{label}: malformed {what} (the signature is not 128 hex characters)") from None
    return text, signature
