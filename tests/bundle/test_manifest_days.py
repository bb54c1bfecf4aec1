"""The manifest, readable by anyone holding the stick, gives only days, not a respondent's exact times."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.bundle.format import MANIFEST_MEMBER
from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.bundle.writer import BundleWriteError, SealedRecord, manifest_day, write_bundle
from akhlak_tui.crypto.device import load_or_create_device

CLOCK = re.compile(rb"T(?!00:00:00Z)\d{2}:\d{2}")
"""A time of day other than midnight, anywhere in the manifest's bytes."""


def test_an_exported_manifest_has_days_and_counts_and_the_records_keep_exact_times(world, answer):
    answer(3)
    answer(1, status="abandoned")
    bundle = export_bundle(world.laptop, world.out).path

    with zipfile.ZipFile(bundle) as archive:
        raw = archive.read(MANIFEST_MEMBER)
        member_times = {info.date_time[3:] for info in archive.infolist()}
    manifest = json.loads(raw)
    assert CLOCK.search(raw) is None, raw
    day, first, last = manifest["created_at"], manifest["time_range"]["first"], manifest["time_range"]["last"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", t) for t in (day, first, last))
    assert first <= last <= day  # the same day, unless the test ran across midnight
    assert manifest["counts"] == {"records": 4, "submitted": 3, "abandoned": 1}
    assert member_times == {(0, 0, 0)}  # the ZIP's own timestamps say only the day too

    responses = list(read_bundle(bundle, coordinator=world.keys))
    assert len(responses) == 4
    assert all(first[:10] <= r.created_at[:10] <= last[:10] and CLOCK.search(r.created_at.encode()) for r in responses)
    assert all(r.submitted_at and CLOCK.search(r.submitted_at.encode()) for r in responses if r.status == "submitted")


def test_the_range_spans_the_days_of_the_earliest_start_and_latest_change(world):
    device = load_or_create_device(world.laptop)
    records = [
        SealedRecord("a", "submitted", "2026-11-23T23:59:59.999Z", "2026-11-24T00:10:00.000Z", bytes(60)),
        SealedRecord("b", "abandoned", "2026-11-24T06:30:00+07:00", "2026-11-26T01:00:00+07:00", bytes(60)),
    ]
    written = write_bundle(world.out, device=device, survey=world.survey, sequence=1, records=records, created_at="2026-11-27T08:15:02.120Z")

    m = written.manifest
    assert (m.created_at, m.time_range.first, m.time_range.last) == ("2026-11-27T00:00:00Z", "2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z")


@pytest.mark.parametrize(
    ("time", "day"),
    [
        ("2026-11-24T20:33:41.513Z", "2026-11-24T00:00:00Z"),
        ("2026-11-24T20:33:41Z", "2026-11-24T00:00:00Z"),
        ("2026-11-25T03:00:00+07:00", "2026-11-24T00:00:00Z"),  # the UTC day, as every time in a manifest
        ("2026-11-24T20:00:00-05:00", "2026-11-25T00:00:00Z"),
        ("2026-11-24T00:00:00Z", "2026-11-24T00:00:00Z"),
    ],
)
def test_manifest_day_is_the_utc_day(time, day):
    assert manifest_day(time) == day


def test_a_record_time_that_is_not_iso_8601_is_refused_by_the_writer():
    with pytest.raises(BundleWriteError, match="'yesterday' is not an ISO 8601 time"):
        manifest_day("yesterday")
