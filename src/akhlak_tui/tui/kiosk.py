"""The kiosk PIN: kept only as a salted scrypt hash in memory, wrong attempts counted and slowed down."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable

MIN_PIN_LENGTH = 4
MAX_DELAY_SECONDS = 60.0


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)


class KioskLock:
    """What guards leaving kiosk mode. The PIN itself is never stored, on disk or in memory."""

    def __init__(self, pin: str, *, delay_base: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if len(pin) < MIN_PIN_LENGTH:
            raise ValueError(f"a PIN needs at least {MIN_PIN_LENGTH} characters")
        self._salt = os.urandom(16)
        self._digest = _hash(pin, self._salt)
        self.delay_base = delay_base
        self.clock = clock
        self.failures = 0
        """Wrong PINs typed since kiosk mode started (reset by a right one)."""
        self._blocked_until = 0.0

    def wait_left(self) -> float:
        """Seconds before another attempt is accepted (0 when one is)."""
        return max(0.0, self._blocked_until - self.clock())

    def try_pin(self, pin: str) -> bool:
        """True for the right PIN. Each wrong one doubles the wait; while waiting, attempts are refused unchecked."""
        if self.wait_left() > 0:
            return False
        if hmac.compare_digest(_hash(pin, self._salt), self._digest):
            self.failures = 0
            return True
        self.failures += 1
        delay = min(MAX_DELAY_SECONDS, self.delay_base * 2 ** (self.failures - 1))
        self._blocked_until = self.clock() + delay
        return False
