"""A whole merge run: find bundle files, prepare them (in worker processes), apply them in order.

Workers verify, decrypt and check bundles; this process alone writes the database, committing
verified bundles in groups (ingest.CommitGroup). At most a few bundles are in flight at once, so
memory stays bounded however many bundles there are.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nacl.public import PrivateKey

from akhlak_tui.bundle.format import DEFAULT_LIMITS, PARTIAL_SUFFIX, SUFFIX, BundleLimits
from akhlak_tui.bundle.reader import BundleRefused
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.merge.ingest import GROUP_RECORDS, REFUSED, BundleOutcome, CommitGroup, CopiedDevice, Merger, copied_devices, missing_sequences
from akhlak_tui.merge.prepare import CHUNK_RECORDS, BundlePreparer, PreparedBundle, init_worker, prepare_in_worker, unpickle_prepared
from akhlak_tui.enrolment.record import DeviceRecord
from akhlak_tui.survey.package import SurveyPackage

IN_FLIGHT_PER_WORKER = 6
"""Bundles in flight per worker: one being prepared and the others queued, so a worker that finishes
while this process writes goes straight on, also while a commit or a WAL checkpoint holds up the
writing; at most this many prepared bundles per worker (pickled: 2.3 MB for 1,000 responses) wait
in memory, and at most MAX_IN_FLIGHT in all, however many workers there are."""
MAX_IN_FLIGHT = 12


MAX_DEPTH = 32
"""Directories are searched this many levels deep below a directory given; a deeper one is refused, not searched."""


class BundlePathError(ValueError):
    """A path given to merge that is neither a bundle file nor a directory."""


@dataclass
class FoundBundles:
    """What a search of the given paths found: bundle files, and paths refused without reading (path, reason)."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)


def find_bundles(paths: Sequence[str | Path]) -> FoundBundles:
    """The bundle files named by `paths`: files as given (whatever they are: the reader refuses what is not a
    bundle), directories searched for `*.akhlak-bundle` names, without following links to directories (so
    no link loop is followed) and at most MAX_DEPTH levels deep. Names whose search failed are refused."""
    found = FoundBundles()
    seen: set[str] = set()
    for name in paths:
        path = Path(name)
        try:
            os.lstat(path)
        except FileNotFoundError:
            raise BundlePathError(f"{path}: no such file or directory") from None
        except OSError as exc:
            raise BundlePathError(f"{path}: cannot read: {exc.strerror or exc}") from None
        candidates = _search(path, found.refused) if path.is_dir() else [path]
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.files.append(candidate)
    return found


def bundle_files(paths: Sequence[str | Path]) -> list[Path]:
    """The bundle files named by `paths` (see `find_bundles`)."""
    return find_bundles(paths).files


def _search(top: Path, refused: list[tuple[Path, str]]) -> list[Path]:
    """Bundle names under the directory `top`, in name order, walked without recursion."""
    found: list[Path] = []
    too_deep: Path | None = None
    stack: list[tuple[Path, int]] = [(top, 0)]
    while stack:
        directory, depth = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            refused.append((directory, f"directory cannot be searched: {exc.strerror or exc}"))
            continue
        subdirectories = []
        for entry in entries:
            try:
                is_directory = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_directory = False
            if is_directory:
                subdirectories.append(Path(entry.path))
            elif entry.name.endswith(SUFFIX) and not entry.name.endswith(PARTIAL_SUFFIX) and not _is_linked_directory(entry):
                # anything else named as a bundle is kept: the reader refuses a FIFO, device or broken link with its reason
                found.append(Path(entry.path))
        if subdirectories and depth >= MAX_DEPTH:
            too_deep = too_deep or subdirectories[0]
            continue
        stack.extend((sub, depth + 1) for sub in reversed(subdirectories))
    if too_deep is not None:
        refused.append((too_deep, f"directories nested more than {MAX_DEPTH} levels deep below {top}; not searched"))
    return sorted(found)


def _is_linked_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


@dataclass
class MergeResult:
    """Every bundle's outcome, the sequence gaps afterwards, and the totals."""

    database: str
    outcomes: list[BundleOutcome] = field(default_factory=list)
    missing: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    copied: list[CopiedDevice] = field(default_factory=list)
    """Devices flagged as possibly copied and not yet decided on (their bundles are held)."""

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def total(self, attribute: str) -> int:
        return sum(getattr(o, attribute) for o in self.outcomes)

    @property
    def clean(self) -> bool:
        """Everything merged or already merged, nothing quarantined or in conflict."""
        return all(o.clean for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        return 0 if self.clean and not self.copied else 1


Progress = Callable[[BundleOutcome], None]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def merge_bundles(
    db: MergedDatabase,
    files: Sequence[Path],
    *,
    box_key: PrivateKey,
    surveys: dict[str, SurveyPackage],
    enrolments: DeviceRecord,
    workers: int = 1,
    limits: BundleLimits = DEFAULT_LIMITS,
    chunk_records: int = CHUNK_RECORDS,
    group_records: int = GROUP_RECORDS,
    progress: Progress | None = None,
    refused_paths: Sequence[tuple[Path, str]] = (),
) -> MergeResult:
    """Merge `files` into `db`; `workers` > 1 prepares bundles in that many processes.

    Only bundles of devices `enrolments` holds (or whose carried enrolment it takes in) count.
    Bundles of more than `chunk_records` records are streamed here in chunks of that size. With
    workers, verified bundles are committed in groups of about `group_records` records.
    `refused_paths` (from `find_bundles`) are reported as refused first.
    """
    merger = Merger(db, surveys, enrolments=enrolments)
    local = BundlePreparer(box_key, surveys, limits=limits, chunk_records=chunk_records, file_identities=merger.file_identities())
    result = MergeResult(str(db.path) if db.path else ":memory:")
    for path, reason in refused_paths:
        result.outcomes.append(BundleOutcome(str(path), REFUSED, reason))
        if progress is not None:
            progress(result.outcomes[-1])
    if workers > 1 and len(files) > 1:
        outcomes = _merge_with_workers(merger, local, files, workers, group_records)
    else:
        outcomes = (_merge_here(merger, local, path) for path in files)
    for outcome in outcomes:
        result.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    keep_report_sums(db)
    result.missing = missing_sequences(db.db.conn)
    result.copied = copied_devices(db.db.conn)
    return result


def keep_report_sums(db: MergedDatabase) -> str:
    """After merging: bring the sums `akhlak report` reads up to date (scoring/cell_cache.py). If
    that fails (a full disk), nothing is lost: the report counts every row instead."""
    from akhlak_tui.scoring.cell_cache import refresh

    return refresh(db.db.conn, db.questionnaire, db.units) if db.survey_row() is not None else "current"


def _merge_here(merger: Merger, preparer: BundlePreparer, path: Path) -> BundleOutcome:
    """Verify and merge one bundle in this process, streaming its records."""
    file = str(path)
    for key in preparer.identities(path):
        known = merger.already_merged(file, key)
        if known is not None:
            return known
    try:
        header, chunks = preparer.open(path)
    except BundleRefused as exc:
        return merger.refuse(file, exc.reason)
    decided = merger.admit(file, header)
    if decided is not None:
        chunks.close()
        return decided
    return merger.apply(file, header, chunks)


def _merge_with_workers(
    merger: Merger,
    local: BundlePreparer,
    files: Sequence[Path],
    workers: int,
    group_records: int,
) -> Iterator[BundleOutcome]:
    initargs = (bytes(local.box_key), local.surveys, local.limits, local.chunk_records, merger.merged_hashes(), local.file_identities)
    group = CommitGroup(merger, max_records=group_records)
    with ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=initargs) as pool:
        pending: deque[Future[bytes]] = deque()
        queue = iter(files)
        for path in queue:
            pending.append(pool.submit(prepare_in_worker, str(path)))
            if len(pending) >= min(workers * IN_FLIGHT_PER_WORKER, MAX_IN_FLIGHT):
                break
        try:
            while pending:
                prepared = unpickle_prepared(pending.popleft().result())
                next_path = next(queue, None)
                if next_path is not None:
                    pending.append(pool.submit(prepare_in_worker, str(next_path)))
                yield from _apply_prepared(merger, group, local, prepared)
        except BaseException:
            group.rollback()
            raise
        yield from group.commit()


def _apply_prepared(merger: Merger, group: CommitGroup, local: BundlePreparer, prepared: PreparedBundle) -> list[BundleOutcome]:
    """Apply a worker's result; the outcomes committed by it (a verified bundle usually waits for its group)."""
    file = prepared.path
    if prepared.known and prepared.bundle_hash is not None:
        known = merger.already_merged(file, prepared.bundle_hash)
        if known is not None:
            return group.hold(known)
        return [*group.commit(), _merge_here(merger, local, Path(file))]
    if prepared.refused is not None or prepared.header is None:
        return group.hold(merger.refuse(file, prepared.refused or "not prepared", prepared.bundle_hash, file_hash=prepared.file_hash))
    decided = merger.admit(file, prepared.header)
    if decided is not None:
        return group.hold(decided)
    if not prepared.stream:
        return group.apply(file, prepared.header, prepared.chunks)
    released = group.commit()  # a streamed bundle gets a transaction of its own: it may yet be refused half way
    try:
        header, chunks = local.open(file)
    except BundleRefused as exc:
        return [*released, merger.refuse(file, exc.reason, prepared.bundle_hash, prepared.header)]
    if header != prepared.header:
        chunks.close()
        return [*released, merger.refuse(file, "the file changed while it was being merged", prepared.bundle_hash, prepared.header)]
    return [*released, merger.apply(file, header, chunks)]
