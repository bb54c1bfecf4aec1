"""English counts for messages: "1 response", "2 responses", "1,234 bundles"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None, *, thousands: bool = False) -> str:
    """`n` and the noun in the form that goes with it (the plural adds "s" unless given)."""
    number = f"{n:,}" if thousands else str(n)
    return f"{number} {noun if n == 1 else plural or noun + 's'}"
