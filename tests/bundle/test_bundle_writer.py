"""The writer: limits it shares with the reader, refusals, and no partial file after a failure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from akhlak_tui.active import practice_survey
from akhlak_tui.bundle.format import DEFAULT_LIMITS
from akhlak_tui.bundle.writer import BundleWriteError, SealedRecord, fitting_count, write_bundle
from akhlak_tui.crypto.device import load_or_create_device

T = "2026-01-01T00:00:00.000Z"


def record(n: int, size: int = 100, status: str = "submitted") -> SealedRecord:
    return SealedRecord(f"r{n}", status, T, T, bytes(size))


def test_fitting_count_stops_at_the_record_and_payload_limits():
    limits = replace(DEFAULT_LIMITS, max_records=3, max_payload_bytes=350, max_record_bytes=200)
    assert fitting_count([record(i) for i in range(2)], limits) == 2
    assert fitting_count([record(i) for i in range(5)], limits) == 3
    assert fitting_count([record(i, 150) for i in range(5)], limits) == 2  # 2 x 154 bytes fit in 350
    with pytest.raises(BundleWriteError, match="response r0 is 300 bytes sealed; the limit is 200 bytes"):
        fitting_count([record(0, 300)], limits)


def test_writer_refuses_practice_drafts_and_too_much(world):
    device = load_or_create_device(world.laptop)
    with pytest.raises(BundleWriteError, match="practice responses are never exported"):
        write_bundle(world.out, device=device, survey=practice_survey(), sequence=1, records=[record(0)])
    with pytest.raises(BundleWriteError, match="only submitted and abandoned"):
        write_bundle(world.out, device=device, survey=world.survey, sequence=1, records=[record(0, status="draft")])
    with pytest.raises(BundleWriteError, match="do not fit in one bundle"):
        write_bundle(world.out, device=device, survey=world.survey, sequence=1, records=[record(i) for i in range(3)], limits=replace(DEFAULT_LIMITS, max_records=2))
    assert list(world.out.iterdir()) == []


def test_a_failure_while_writing_removes_the_partial_file(world):
    device = load_or_create_device(world.laptop)

    def fail(done: int, total: int) -> None:
        if done == 2:
            raise RuntimeError("stick pulled out")

    with pytest.raises(RuntimeError, match="stick pulled out"):
        write_bundle(world.out, device=device, survey=world.survey, sequence=1, records=[record(i) for i in range(4)], progress=fail)
    assert list(world.out.iterdir()) == []


def test_progress_is_reported_at_most_about_a_hundred_times(world):
    calls = []
    device = load_or_create_device(world.laptop)
    records = [record(i) for i in range(250)]
    write_bundle(world.out, device=device, survey=world.survey, sequence=1, records=records, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (250, 250) and 100 <= len(calls) <= 126
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
