"""The CPU side of a merge: open and verify a bundle, check its responses, build database rows.

Nothing here touches the merged database, so it runs in worker processes. A worker turns one
bundle file into a `PreparedBundle` (its header, then accepted rows and quarantined records in
chunks) that the writing process applies all or nothing. Bundles too large to hand over in
one piece are streamed chunk by chunk in the writing process instead, so memory stays bounded
whatever the size of a bundle or the number of bundles.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from nacl.public import PrivateKey

from akhlak_tui.bundle.format import DEFAULT_LIMITS, BundleLimits, Manifest
from akhlak_tui.bundle.reader import BundleRefused, OpenedBundle, RecordFailure, bundle_identity, read_bundle, regular_file_sha256
from akhlak_tui.enrolment.documents import EnrolmentError, read_enrolment
from akhlak_tui.merge.checks import ResponseChecker
from akhlak_tui.merge.incoming import IncomingResponse, InvalidResponse, read_incoming
from akhlak_tui.merge.rows import AcceptedRows
from akhlak_tui.survey.package import SurveyPackage

T = TypeVar("T")

CHUNK_RECORDS = 2000
"""Records per chunk; a worker hands over whole bundles of at most this many records."""


@dataclass(frozen=True)
class BundleHeader:
    """What the merge decides on before looking at records: who made the bundle, for which survey."""

    bundle_hash: str
    device_id: str
    device_public_key: str
    sequence: int
    created_at: str
    survey_id: str
    include_all: bool
    records: int
    enrolment: str | None = None
    """The enrolment the bundle carries, verified: signed by this coordinator, for this survey and device key."""


@dataclass(frozen=True)
class QuarantinedRecord:
    """A record kept aside: its response id and content (when it could be read) and why."""

    response_id: str | None
    content_hash: str | None
    document: str | None
    reason: str


@dataclass
class RecordChunk:
    """Accepted rows (`responses` and `answers`, in record order) and quarantined records of a run of records."""

    response_rows: list[tuple[Any, ...]] = field(default_factory=list)
    answer_rows: list[tuple[Any, ...]] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    paradata_rows: list[tuple[Any, ...]] | None = None
    """The paradata summaries of `response_rows` (merge/paradata.py); None: made from the documents when written."""

    def __len__(self) -> int:
        return len(self.response_rows) + len(self.quarantined)


@dataclass
class PreparedBundle:
    """A worker's result for one file: refused (with a reason), or a header with its record chunks.

    `stream` means the bundle is verified but too large to hand over: the writing process
    opens it again and streams its records.
    """

    path: str
    bundle_hash: str | None = None
    """The bundle's identity (or, for a bundle merged by an earlier version, its file's hash) when known."""
    header: BundleHeader | None = None
    refused: str | None = None
    file_hash: str | None = None
    """Of a refused file (a regular file within the size limit): the SHA-256 its refusal is logged by."""
    known: bool = False
    """The bundle was merged before (`bundle_hash` says which): nothing was verified."""
    chunks: list[RecordChunk] = field(default_factory=list)
    stream: bool = False


def header_of(opened: OpenedBundle, enrolment: str | None = None) -> BundleHeader:
    m = opened.manifest
    return BundleHeader(
        bundle_hash=opened.bundle_hash,
        device_id=m.device_id,
        device_public_key=m.device_public_key,
        sequence=m.sequence,
        created_at=m.created_at,
        survey_id=m.survey_id,
        include_all=m.include_all,
        records=m.counts.records,
        enrolment=enrolment,
    )


def carried_enrolment(manifest: Manifest, survey: SurveyPackage) -> str | None:
    """The enrolment a bundle carries, once verified as this coordinator's for its survey and device key.

    BundleRefused if it is not: a bundle does not carry someone else's enrolment by accident.
    """
    if manifest.enrolment is None:
        return None
    try:
        signed = read_enrolment(
            manifest.enrolment.encode("utf-8"), "manifest: enrolment", coordinator_signing_key=survey.coordinator_public.signing_key
        )
    except EnrolmentError as exc:
        raise BundleRefused(str(exc)) from None
    body = signed.body
    if (body.survey_id, body.device_id, body.device_public_key) != (manifest.survey_id, manifest.device_id, manifest.device_public_key):
        raise BundleRefused(
            f"manifest: enrolment: it enrols device {body.device_id} for survey {body.survey_id}, not this bundle's device and survey"
        )
    return manifest.enrolment


class BundlePreparer:
    """Opens bundles with the coordinator key and checks them against the coordinator's surveys."""

    def __init__(
        self,
        box_key: PrivateKey,
        surveys: dict[str, SurveyPackage],
        *,
        limits: BundleLimits = DEFAULT_LIMITS,
        merged_hashes: frozenset[str] = frozenset(),
        chunk_records: int = CHUNK_RECORDS,
        file_identities: bool = False,
    ) -> None:
        self.box_key = box_key
        self.surveys = surveys
        self.limits = limits
        self.merged_hashes = merged_hashes
        self.chunk_records = chunk_records
        self.file_identities = file_identities
        """Some bundles were merged by an earlier version, which knew a bundle by its file's SHA-256."""
        self._checkers: dict[str, ResponseChecker] = {}

    def checker(self, survey_id: str) -> ResponseChecker:
        if survey_id not in self._checkers:
            self._checkers[survey_id] = ResponseChecker.for_package(self.surveys[survey_id])
        return self._checkers[survey_id]

    def open(self, path: str | Path) -> tuple[BundleHeader, RecordChunks]:
        """Verify a bundle; its header and a lazy iterator of record chunks. BundleRefused if it fails."""
        with _refusing_unexpected_errors():
            opened = read_bundle(path, coordinator=self.box_key, limits=self.limits)
        m = opened.manifest
        survey = self.surveys.get(m.survey_id)
        try:
            if survey is None:
                raise BundleRefused(f"survey {m.survey_id} was not created by this coordinator")
            if m.questionnaire_hash != survey.questionnaire_hash:
                raise BundleRefused(
                    f"questionnaire {m.questionnaire_id} {m.questionnaire_version} (hash {m.questionnaire_hash[:12]}) "
                    f"is not the one of survey {m.survey_id} (hash {survey.questionnaire_hash[:12]})"
                )
            header = header_of(opened, carried_enrolment(m, survey))
        except BaseException:
            opened.close()
            raise
        return header, RecordChunks(self._chunks(opened), opened)

    def _chunks(self, opened: OpenedBundle) -> Iterator[RecordChunk]:
        checker = self.checker(opened.manifest.survey_id)
        rows = AcceptedRows(checker.questionnaire)
        m = opened.manifest
        binding = {"survey_id": m.survey_id, "device_id": m.device_id, "questionnaire_hash": m.questionnaire_hash}
        quarantined: list[QuarantinedRecord] = []
        for index, record in _refusing_errors_of(opened.opened_records()):
            if isinstance(record, RecordFailure):
                quarantined.append(QuarantinedRecord(None, None, None, f"record {index + 1}: {record.reason}"))
            else:
                try:
                    response = read_incoming(record.json)
                except InvalidResponse as exc:
                    quarantined.append(QuarantinedRecord(exc.response_id, None, None, f"record {index + 1}: {exc.reason}"))
                else:
                    document = response.fields
                    problem = opened.binding_problem(document["survey_id"], document["device_id"], document["questionnaire_hash"], document["status"])
                    if problem is not None:
                        quarantined.append(QuarantinedRecord(document["id"], None, None, f"record {index + 1}: {problem}"))
                    elif (reason := _reason(checker, response)) is None:
                        # equal values (checked just above), but one object each for all rows: they pickle once
                        document.update(binding)
                        rows.add(document, opened.bundle_hash, record.json, record.compressed, response.values, response.events)
                    else:
                        digest = hashlib.sha256(record.json).hexdigest()
                        quarantined.append(QuarantinedRecord(document["id"], digest, record.json.decode("utf-8"), reason))
            if len(rows) + len(quarantined) >= self.chunk_records:
                yield RecordChunk(*rows.take(), quarantined, rows.take_paradata())
                quarantined = []
        if len(rows) or quarantined:
            yield RecordChunk(*rows.take(), quarantined, rows.take_paradata())

    def identities(self, path: str | Path) -> Iterator[str]:
        """What a bundle merged before would be known by: the identity of the manifest the file holds (read
        leniently, so another wrapping of the same signed content is recognised), and, where bundles
        merged by an earlier version are in the database, the file's SHA-256. Nothing is verified:
        only for looking up bundles verified and merged before."""
        identity = bundle_identity(path, self.limits)
        if identity is not None:
            yield identity
        if self.file_identities:
            file_hash = regular_file_sha256(path, self.limits)
            if file_hash is not None:
                yield file_hash

    def prepare(self, path: str) -> PreparedBundle:
        """Everything a worker can do for one file without the database."""
        result = PreparedBundle(path=path)
        try:
            if self.merged_hashes:
                known = next((key for key in self.identities(path) if key in self.merged_hashes), None)
                if known is not None:
                    result.bundle_hash, result.known = known, True
                    return result
            result.header, chunks = self.open(path)
            result.bundle_hash = result.header.bundle_hash
            if result.header.records > self.chunk_records:
                result.stream = True
                chunks.close()
            else:
                result.chunks = list(chunks)
        except BundleRefused as exc:
            result.refused = exc.reason
            result.chunks = []
            result.file_hash = regular_file_sha256(path, self.limits)
        return result


class RecordChunks(Iterator[RecordChunk]):
    """A bundle's record chunks, and `close()` for the file when they are not read (a bundle streamed elsewhere)."""

    def __init__(self, chunks: Iterator[RecordChunk], opened: OpenedBundle) -> None:
        self._chunks = chunks
        self._opened = opened

    def __next__(self) -> RecordChunk:
        return next(self._chunks)

    def close(self) -> None:
        self._opened.close()


@contextmanager
def _refusing_unexpected_errors() -> Iterator[None]:
    """Bundles are untrusted input: any failure to read one refuses that file, never stops the merge."""
    try:
        yield
    except BundleRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary with untrusted files
        raise BundleRefused(f"cannot be read ({type(exc).__name__}: {exc})") from None


def _refusing_errors_of(records: Iterator[T]) -> Iterator[T]:
    with _refusing_unexpected_errors():
        yield from records


def _reason(checker: ResponseChecker, response: IncomingResponse) -> str | None:
    """Why a response is quarantined (None: accepted); a response that breaks the checks is quarantined too."""
    try:
        return checker.reason(response)
    except Exception as exc:  # noqa: BLE001 - untrusted content
        return f"cannot be checked ({type(exc).__name__}: {exc})"


# -- worker processes ----------------------------------------------------------------------------
_preparer: BundlePreparer | None = None


def init_worker(
    box_secret: bytes,
    surveys: dict[str, SurveyPackage],
    limits: BundleLimits,
    chunk_records: int,
    merged_hashes: frozenset[str],
    file_identities: bool = False,
) -> None:
    """Process-pool initializer: one preparer per worker process, which ends when the merge process does."""
    global _preparer
    _preparer = BundlePreparer(
        PrivateKey(box_secret), surveys, limits=limits, merged_hashes=merged_hashes, chunk_records=chunk_records,
        file_identities=file_identities,
    )
    _exit_with_parent()


PARENT_CHECK_SECONDS = 0.5


def _exit_with_parent() -> None:
    """End this worker once the merge process has gone.

    A merge process killed outright (not by Ctrl+C or a closed terminal, which reach its workers
    too) leaves its workers waiting for work forever, each holding its memory.
    """
    parent_pid = os.getppid()
    parent = multiprocessing.parent_process()

    def watch() -> None:
        if sys.platform == "win32" and parent is not None:
            multiprocessing.connection.wait([parent.sentinel])  # a handle to the parent process: ready once it ends
        else:
            while os.getppid() == parent_pid:  # an orphan is adopted by another process
                time.sleep(PARENT_CHECK_SECONDS)
        os._exit(3)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def prepare_in_worker(path: str) -> bytes:
    """The pickled PreparedBundle of `path`: it waits in the writing process as bytes, a third smaller than as
    objects, and is unpickled only when its turn comes (`unpickle_prepared`)."""
    assert _preparer is not None, "init_worker was not called"
    return pickle.dumps(_preparer.prepare(path), protocol=pickle.HIGHEST_PROTOCOL)


def unpickle_prepared(data: bytes) -> PreparedBundle:
    """A worker's result, from our own worker process (never from a file or other untrusted source)."""
    prepared = pickle.loads(data)  # noqa: S301 - made by prepare_in_worker in a process of this merge
    assert isinstance(prepared, PreparedBundle)
    return prepared
