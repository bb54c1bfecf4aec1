"""The coordinator's record of enrolled devices (`coordinator/devices.db`): approvals and revocations.

Every enrolment kept here is the signed document the coordinator made, so the record can be
rebuilt from the enrolments laptops carry in their bundles (the merge imports any it does not
know) or from enrolment files; revocations live only here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from akhlak_tui.crypto.coordinator import CoordinatorKeys, coordinator_dir
from akhlak_tui.crypto.fingerprint import fingerprint
from akhlak_tui.enrolment.documents import EnrolmentBody, EnrolmentError, Signed, read_enrolment, sign_enrolment
from akhlak_tui.response import utc_now

RECORD_FILE = "devices.db"
HOW_TO_ENROL = (
    "on the laptop, `akhlak survey install PACKAGE` writes an enrolment request next to the package; "
    "approve it here with `akhlak device approve DIR`, then merge again"
)

_SCHEMA = """
create table if not exists enrolments (
    survey_id text not null, device_id text not null, public_key text not null, name text not null,
    approved_at text not null, document text not null, source text not null,
    primary key (survey_id, device_id));
create table if not exists revocations (
    survey_id text not null, device_id text not null, revoked_at text not null,
    primary key (survey_id, device_id));
"""

_SELECT_DEVICES = (
    "select e.survey_id, e.device_id, e.public_key, e.name, e.approved_at, r.revoked_at, e.document "
    "from enrolments e left join revocations r using (survey_id, device_id)"
)


class DeviceRecordError(Exception):
    """An approval or revocation that cannot be made; the message is one line."""


@dataclass(frozen=True)
class EnrolledDevice:
    """One device enrolled for one survey, and when it was revoked (None: it counts)."""

    survey_id: str
    device_id: str
    public_key: str
    name: str
    approved_at: str
    revoked_at: str | None
    document: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(bytes.fromhex(self.public_key))


def record_path(data_dir: Path) -> Path:
    return coordinator_dir(Path(data_dir)) / RECORD_FILE


class DeviceRecord:
    """The enrolments and revocations of a coordinator's data dir (created on first use)."""

    def __init__(self, data_dir: Path, coordinator_signing_key: bytes) -> None:
        self.path = record_path(data_dir)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.signing_key = coordinator_signing_key
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise DeviceRecordError(f"{self.path}: not a usable device record ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> DeviceRecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Many approvals in one transaction (one write to disk, not one per device)."""
        self.conn.execute("begin immediate")
        try:
            yield
        except BaseException:
            self.conn.execute("rollback")
            raise
        self.conn.execute("commit")

    # -- reading -------------------------------------------------------------------------------
    def devices(self, survey_id: str | None = None) -> list[EnrolledDevice]:
        """Enrolled devices (revoked ones too), by survey, then name and device id."""
        sql = _SELECT_DEVICES
        params: list[str] = []
        if survey_id is not None:
            sql += " where e.survey_id = ?"
            params.append(survey_id)
        return [EnrolledDevice(*row) for row in self.conn.execute(sql + " order by e.survey_id, e.name, e.device_id", params)]

    def device(self, survey_id: str, device_id: str) -> EnrolledDevice | None:
        row = self.conn.execute(_SELECT_DEVICES + " where e.survey_id = ? and e.device_id = ?", [survey_id, device_id]).fetchone()
        return None if row is None else EnrolledDevice(*row)

    def revoked_at(self, survey_id: str, device_id: str) -> str | None:
        row = self.conn.execute("select revoked_at from revocations where survey_id = ? and device_id = ?", [survey_id, device_id]).fetchone()
        return None if row is None else row[0]

    # -- writing -------------------------------------------------------------------------------
    def approve(self, survey_id: str, device_id: str, public_key: str, name: str, keys: CoordinatorKeys, *, now: str | None = None) -> Signed:
        """Sign and keep the enrolment of a device for a survey (the same one again if it is enrolled already).

        A revoked device stays revoked: DeviceRecordError. So does a device id enrolled with another key.
        """
        revoked = self.revoked_at(survey_id, device_id)
        if revoked is not None:
            raise DeviceRecordError(f"device {device_id} was revoked for survey {survey_id} on {revoked}; a revoked device is not enrolled again")
        known = self.device(survey_id, device_id)
        if known is not None:
            if known.public_key != public_key:
                raise DeviceRecordError(
                    f"device {device_id} is enrolled with key {known.fingerprint}, not {fingerprint(bytes.fromhex(public_key))}; refused"
                )
            return read_enrolment(known.document.encode("utf-8"), f"{self.path}: device {device_id}")
        body = EnrolmentBody(
            survey_id=survey_id,
            device_id=device_id,
            device_public_key=public_key,
            name=name,
            approved_at=now or utc_now(),
            coordinator_signing_key=bytes(keys.signing_key.verify_key).hex(),
        )
        signed = sign_enrolment(body, keys.signing_key)
        self._insert(signed, "approved")
        return signed

    def add_enrolment(self, data: bytes, label: str, source: str) -> tuple[EnrolledDevice, bool]:
        """Keep an enrolment this coordinator signed before (from a bundle or a file); True when it was not known.

        EnrolmentError (one line naming `label`) if it is not this coordinator's; DeviceRecordError if the
        device id is enrolled with another key.
        """
        signed = read_enrolment(data, label, coordinator_signing_key=self.signing_key)
        body = signed.body
        known = self.device(body.survey_id, body.device_id)
        if known is not None:
            if known.public_key != body.device_public_key:
                raise DeviceRecordError(f"{label}: device {body.device_id} is enrolled with another key ({known.fingerprint}); refused")
            return known, False
        self._insert(signed, source)
        added = self.device(body.survey_id, body.device_id)
        assert added is not None
        return added, True

    def _insert(self, signed: Signed, source: str) -> None:
        b = signed.body
        assert isinstance(b, EnrolmentBody)
        self.conn.execute(
            "insert or ignore into enrolments (survey_id, device_id, public_key, name, approved_at, document, source) values (?, ?, ?, ?, ?, ?, ?)",
            [b.survey_id, b.device_id, b.device_public_key, b.name, b.approved_at, signed.text, source],
        )

    def revoke(self, device_id: str, survey_id: str | None = None, *, now: str | None = None) -> list[EnrolledDevice]:
        """Revoke a device (for one survey, or every survey it is enrolled for); the enrolments revoked now."""
        targets = [d for d in self.devices(survey_id) if d.device_id == device_id and d.revoked_at is None]
        if not targets:
            known = [d for d in self.devices(survey_id) if d.device_id == device_id]
            if known:
                raise DeviceRecordError(f"device {device_id} was already revoked on {known[0].revoked_at}")
            raise DeviceRecordError(f"device {device_id} is not enrolled{f' for survey {survey_id}' if survey_id else ''} (see `akhlak device list`)")
        at = now or utc_now()
        with self.transaction():
            for d in targets:
                self.conn.execute("insert or ignore into revocations (survey_id, device_id, revoked_at) values (?, ?, ?)", [d.survey_id, d.device_id, at])
        return [self.device(d.survey_id, d.device_id) for d in targets]  # type: ignore[misc]

    # -- the merge's question ------------------------------------------------------------------
    def admission_problem(self, survey_id: str, device_id: str, public_key: str, carried: str | None) -> str | None:
        """Why a bundle of this device and key for this survey does not count now (None: it does).

        It counts when the device is enrolled (in this record, or by the enrolment the bundle
        carries, which is then kept here) with this key, and not revoked.
        """
        revoked = self.revoked_at(survey_id, device_id)
        if revoked is not None:
            return f"device {device_id} was revoked on {revoked}: its bundles merged since are refused (those merged before stay)"
        known = self.device(survey_id, device_id)
        if known is None and carried is not None:
            try:
                known, _ = self.add_enrolment(carried.encode("utf-8"), f"the enrolment carried by the bundle of device {device_id}", "bundle")
            except (EnrolmentError, DeviceRecordError) as exc:
                return str(exc)
        if known is None:
            return (
                f"device {device_id} (fingerprint {fingerprint(bytes.fromhex(public_key))}) is not enrolled for survey {survey_id} "
                f"by this coordinator: {HOW_TO_ENROL}"
            )
        if known.public_key != public_key:
            return f"device {device_id} is enrolled with key {known.fingerprint}, but this bundle is signed with {fingerprint(bytes.fromhex(public_key))}"
        return None
