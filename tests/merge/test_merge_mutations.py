"""Property-based: altered, mixed-up, replayed or booby-trapped bundles never change the merged data.

Each example starts from a merged database holding bundle A, then merges a mutation of bundle A
or B. Whatever the mutation, the merge must not crash, and either refuses the file with a reason
or (for a change to zip metadata that carries no content) finds exactly the original responses.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from merge_world import Coordinator, make_coordinator, snapshot
from nacl.public import PrivateKey

from akhlak_tui.bundle.format import MANIFEST_MEMBER, PAYLOAD_MEMBER, SIGNATURE_MEMBER, BundleLimits
from akhlak_tui.demo.generate import demo_device
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import ALREADY_MERGED, MERGED, REFUSED, BundleOutcome
from akhlak_tui.merge.run import merge_bundles

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@dataclass(repr=False)
class Stick:
    """Two valid bundles (A from one device, B from another) and where to write mutations."""

    coordinator: Coordinator
    a: Path
    b: Path
    b_ids: set[str]
    scratch: Path

    def __repr__(self) -> str:
        return f"Stick(a={self.a.name}, b={self.b.name})"


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory) -> Stick:
    base = tmp_path_factory.mktemp("mutations")
    coordinator = make_coordinator(base / "home", base / "stick")
    first, second = demo_device(5, 1), demo_device(5, 2)
    b_responses = coordinator.responses(second, 4)
    a = coordinator.bundle(first, 1, coordinator.responses(first, 4))
    b = coordinator.bundle(second, 1, b_responses)
    scratch = base / "scratch"
    scratch.mkdir()
    return Stick(coordinator, a, b, {r.id for r in b_responses}, scratch)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(target: Path, entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(target, "w", compression=compression) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 9, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return target


@dataclass
class Attempt:
    outcome: BundleOutcome
    db: MergedDatabase
    before: dict[str, list[tuple[object, ...]]]


@contextmanager
def merge_mutant(stick: Stick, data: bytes, name: str = "mutant.akhlak-bundle", **options: object) -> Iterator[Attempt]:
    """Merge A into a fresh database, then the mutated bytes; yields what happened."""
    path = stick.scratch / name
    path.write_bytes(data)
    with MergedDatabase(None) as db:
        stick.coordinator.merge(db, [stick.a])
        before = snapshot(db)
        with stick.coordinator.record() as enrolments:
            [outcome] = merge_bundles(
                db,
                [path],
                box_key=options.pop("box_key", stick.coordinator.keys.box_key),
                surveys=stick.coordinator.surveys,
                enrolments=enrolments,
                **options,  # type: ignore[arg-type]
            ).outcomes
        yield Attempt(outcome, db, before)


def assert_refused(attempt: Attempt) -> None:
    assert attempt.outcome.status == REFUSED, attempt.outcome
    assert attempt.outcome.reason
    assert snapshot(attempt.db) == attempt.before


def assert_refused_or_authentic(attempt: Attempt, stick: Stick, source: Path) -> None:
    """Refused with a reason, or merged content identical to the unaltered bundle's."""
    outcome, db = attempt.outcome, attempt.db
    if outcome.status == REFUSED:
        assert_refused(attempt)
        return
    assert outcome.status in (MERGED, ALREADY_MERGED)
    assert outcome.conflicts == outcome.quarantined == 0
    if source == stick.a:
        unchanged = [t for t in attempt.before if t != "devices"]  # only the device's last_seen may move
        assert snapshot(db, unchanged) == {t: attempt.before[t] for t in unchanged}
        assert outcome.accepted == 0
    else:
        ids = {row[0] for row in db.db.execute("select id from responses")}
        assert ids - {row[0] for row in attempt.before["responses"]} == stick.b_ids


positions = st.one_of(st.integers(0, 300), st.integers(-800, -1), st.integers(0, 10**9))


@SETTINGS
@given(which=st.sampled_from("ab"), position=positions, bit=st.integers(0, 7))
def test_a_flipped_bit_is_refused_or_changes_nothing(stick: Stick, which: str, position: int, bit: int) -> None:
    source = stick.a if which == "a" else stick.b
    data = bytearray(source.read_bytes())
    data[position % len(data)] ^= 1 << bit
    with merge_mutant(stick, bytes(data)) as attempt:
        assert_refused_or_authentic(attempt, stick, source)


@SETTINGS
@given(which=st.sampled_from("ab"), keep=st.floats(0.0, 0.9999))
def test_a_truncated_bundle_is_refused(stick: Stick, which: str, keep: float) -> None:
    data = (stick.a if which == "a" else stick.b).read_bytes()
    with merge_mutant(stick, data[: int(len(data) * keep)]) as attempt:
        assert_refused(attempt)


@SETTINGS
@given(which=st.sampled_from("ab"), extra=st.binary(min_size=1, max_size=200))
def test_appended_bytes_are_refused_or_change_nothing(stick: Stick, which: str, extra: bytes) -> None:
    source = stick.a if which == "a" else stick.b
    with merge_mutant(stick, source.read_bytes() + extra) as attempt:
        assert_refused_or_authentic(attempt, stick, source)


MEMBERS = [PAYLOAD_MEMBER, MANIFEST_MEMBER, SIGNATURE_MEMBER]


@SETTINGS
@given(swapped=st.sets(st.sampled_from(MEMBERS), min_size=1, max_size=2), order=st.permutations(MEMBERS))
def test_members_swapped_between_bundles_are_refused(stick: Stick, swapped: set[str], order: list[str]) -> None:
    own, other = members(stick.b), members(stick.a)
    mixed = {name: other[name] if name in swapped else own[name] for name in MEMBERS}
    data = rezip(stick.scratch / "mixed.zip", [(name, mixed[name]) for name in order]).read_bytes()
    with merge_mutant(stick, data) as attempt:
        if MANIFEST_MEMBER in swapped:  # A's signed manifest: a bundle is its manifest, and A is merged already
            assert attempt.outcome.status == ALREADY_MERGED, attempt.outcome
            assert snapshot(attempt.db) == attempt.before
        else:
            assert_refused(attempt)


ARCHIVE_TRICKS = {
    "absolute name": lambda m: [("/" + PAYLOAD_MEMBER, m[PAYLOAD_MEMBER]), (MANIFEST_MEMBER, m[MANIFEST_MEMBER]), (SIGNATURE_MEMBER, m[SIGNATURE_MEMBER])],
    "dot-dot name": lambda m: [("../" + PAYLOAD_MEMBER, m[PAYLOAD_MEMBER]), (MANIFEST_MEMBER, m[MANIFEST_MEMBER]), (SIGNATURE_MEMBER, m[SIGNATURE_MEMBER])],
    "duplicate member": lambda m: [*m.items(), (PAYLOAD_MEMBER, m[PAYLOAD_MEMBER])],
    "extra member": lambda m: [*m.items(), ("notes.txt", b"hello")],
    "missing member": lambda m: [(k, v) for k, v in m.items() if k != SIGNATURE_MEMBER],
}


@pytest.mark.parametrize("trick", sorted(ARCHIVE_TRICKS))
def test_archive_tricks_are_refused(stick: Stick, trick: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is asked to write
        data = rezip(stick.scratch / f"{trick}.zip", ARCHIVE_TRICKS[trick](members(stick.b))).read_bytes()
    with merge_mutant(stick, data) as attempt:
        assert_refused(attempt)


def test_a_highly_compressed_member_is_refused(stick: Stick) -> None:
    m = members(stick.b)
    bomb = [(PAYLOAD_MEMBER, m[PAYLOAD_MEMBER] + b"\0" * 20_000_000), (MANIFEST_MEMBER, m[MANIFEST_MEMBER]), (SIGNATURE_MEMBER, m[SIGNATURE_MEMBER])]
    data = rezip(stick.scratch / "bomb.zip", bomb, compression=zipfile.ZIP_DEFLATED).read_bytes()
    assert len(data) < 200_000
    with merge_mutant(stick, data) as attempt:
        assert_refused(attempt)


def test_an_oversized_bundle_is_refused_before_reading(stick: Stick) -> None:
    small = BundleLimits(max_file_bytes=1000)
    with merge_mutant(stick, stick.b.read_bytes(), limits=small) as attempt:
        assert_refused(attempt)
        assert "the limit is" in (attempt.outcome.reason or "")


def test_a_bundle_for_another_coordinator_is_refused(stick: Stick) -> None:
    with merge_mutant(stick, stick.b.read_bytes(), box_key=PrivateKey.generate()) as attempt:
        assert_refused(attempt)
        assert "coordinator key" in (attempt.outcome.reason or "")


def test_a_replayed_bundle_changes_nothing(stick: Stick) -> None:
    with merge_mutant(stick, stick.a.read_bytes(), name="replayed-copy.akhlak-bundle") as attempt:
        assert attempt.outcome.status == ALREADY_MERGED
        assert snapshot(attempt.db) == attempt.before
