"""Benchmark: write and read (verify, open, parse) one bundle, against bare sealed-box baselines.

Usage: python bench/bench_bundle.py [N]   (default N = 1000 responses, a full BerAKHLAK response each)

Prints seconds and microseconds per record for: sealing (as laptops do on submit: compress, then
box to the coordinator), writing the bundle, verifying it (limits, signature, payload hash), and
reading its records (open + parse), with the ratio of each to the bare PyNaCl operation measured
in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from nacl.public import SealedBox

from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.bundle.writer import seal_responses, write_bundle
from akhlak_tui.crypto.coordinator import CoordinatorKeys
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.questionnaire.builtin import builtin_file, builtin_questionnaire, sample_units
from akhlak_tui.response import Answer, Event, Response
from akhlak_tui.survey.package import create_survey_package

AT = "2026-03-01T08:00:00.000Z"


def full_responses(n: int, survey_id: str, device_id: str) -> list[Response]:
    """n responses answering every item, with a shown and an answered event per item."""
    q = builtin_questionnaire()
    values = {"likert": 4, "single": "x", "multi": ["jujur", "ramah", "disiplin"], "text": "saran " * 20, "integer": 3, "unit": "RSUD"}
    answers = [Answer(item_id=i.id, value=values[i.type], answered_at=AT) for i in q.answerable_items]
    events = [Event(at=AT, kind=k, item_id=i.id, new=values[i.type] if k == "answered" else None) for i in q.answerable_items for k in ("shown", "answered")]
    return [
        Response(
            id=str(uuid.uuid4()), survey_id=survey_id, questionnaire_id=q.id, questionnaire_version=q.version,
            questionnaire_hash=q.content_hash, device_id=device_id, unit="RSUD", mode="kiosk", language="id",
            status="submitted", created_at=AT, updated_at=AT, submitted_at=AT, answers=answers, events=events,
        )
        for _ in range(n)
    ]


def timed(label: str, n: int, function, baseline: float | None = None):
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    ratio = f"  {seconds / baseline:5.1f}x baseline" if baseline else ""
    print(f"{label:<38} {seconds:7.3f} s  {seconds / n * 1e6:8.1f} us/record{ratio}")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    n = parser.parse_args().n
    keys = CoordinatorKeys.generate()
    package, _ = create_survey_package(
        coordinator=keys, name="bench", questionnaire_toml=builtin_file("berakhlak.toml").read_text(encoding="utf-8"), units=list(sample_units())
    )
    survey = package.active()
    with tempfile.TemporaryDirectory() as tmp:
        device = load_or_create_device(Path(tmp))
        responses = full_responses(n, package.survey_id, device.id)
        plain = [r.canonical_json().encode("utf-8") for r in responses]
        box = SealedBox(keys.box_key.public_key)
        sealed_raw, seal_base = timed("baseline: SealedBox.encrypt", n, lambda: [box.encrypt(p) for p in plain])
        opener = SealedBox(keys.box_key)
        _, open_base = timed("baseline: SealedBox.decrypt", n, lambda: [opener.decrypt(s) for s in sealed_raw])
        records, _ = timed("seal_responses (JSON, zlib, box)", n, lambda: seal_responses(responses, survey), seal_base)
        written, _ = timed("write_bundle", n, lambda: write_bundle(Path(tmp), device=device, survey=survey, sequence=1, records=records))
        opened, _ = timed("read_bundle (limits, signature, hash)", n, lambda: read_bundle(written.path, coordinator=keys))
        count, _ = timed("records (open + parse each)", n, lambda: sum(1 for _ in opened.records()), open_base)
        size = written.path.stat().st_size
        print(f"bundle: {n} records, {size / 1e6:.1f} MB, {size / n / 1e3:.1f} kB per record; read {count}")


if __name__ == "__main__":
    main()
