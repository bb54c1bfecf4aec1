"""The kiosk PIN lock: only a hash is kept; wrong PINs are counted and the wait doubles."""

from __future__ import annotations

import pytest

from akhlak_tui.tui.kiosk import KioskLock


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_right_pin_opens_and_resets_the_count():
    lock = KioskLock("4321", clock=Clock())
    assert lock.try_pin("4321")
    assert lock.failures == 0


def test_wrong_pins_wait_longer_each_time():
    clock = Clock()
    lock = KioskLock("4321", delay_base=1.0, clock=clock)
    waits = []
    for _ in range(4):
        assert not lock.try_pin("0000")
        waits.append(lock.wait_left())
        clock.now += lock.wait_left()
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert lock.failures == 4


def test_attempts_while_waiting_are_refused_even_when_right():
    clock = Clock()
    lock = KioskLock("4321", clock=clock)
    lock.try_pin("0000")
    assert not lock.try_pin("4321")
    assert lock.failures == 1
    clock.now += 1.0
    assert lock.try_pin("4321")


def test_the_pin_itself_is_not_kept():
    lock = KioskLock("98765432")
    assert all("98765432" not in repr(value) for value in vars(lock).values())


def test_short_pin_is_refused():
    with pytest.raises(ValueError):
        KioskLock("12")
