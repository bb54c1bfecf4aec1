"""The laptop database's schema, as sqlite-utils migrations applied on open."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("akhlak_tui.store")


@migrations()
def m001_responses_answers_events(db: Database) -> None:
    db["responses"].create(
        {
            "id": str,
            "survey_id": str,
            "questionnaire_id": str,
            "questionnaire_version": str,
            "questionnaire_hash": str,
            "device_id": str,
            "unit": str,
            "mode": str,
            "language": str,
            "status": str,
            "abandon_reason": str,
            "created_at": str,
            "updated_at": str,
            "submitted_at": str,
            "position": str,
            "sealed": bytes,
            "exported_seq": int,
        },
        pk="id",
        not_null={"questionnaire_id", "questionnaire_hash", "device_id", "mode", "status", "created_at", "updated_at"},
    )
    db["responses"].create_index(["status"])
    db["responses"].create_index(["survey_id", "status", "exported_seq"])
    db["answers"].create(
        {"response_id": str, "item_id": str, "value": str, "answered_at": str},
        pk=("response_id", "item_id"),
        foreign_keys=[("response_id", "responses", "id")],
    )
    db["events"].create(
        {
            "id": int,
            "response_id": str,
            "at": str,
            "kind": str,
            "item_id": str,
            "old": str,
            "new": str,
            "detail": str,
        },
        pk="id",
        foreign_keys=[("response_id", "responses", "id")],
    )
    db["events"].create_index(["response_id"])
    db["settings"].create({"key": str, "value": str}, pk="key")


@migrations()
def m002_installed_surveys_and_exports(db: Database) -> None:
    # Signed survey packages installed on this laptop (the active one's id is in settings).
    db["installed_surveys"].create(
        {
            "id": str,
            "name": str,
            "coordinator_fingerprint": str,
            "package": bytes,
            "installed_at": str,
        },
        pk="id",
        not_null={"name", "coordinator_fingerprint", "package", "installed_at"},
    )
    # One row per completed export: its per-device sequence number and what it carried.
    db["exports"].create(
        {
            "sequence": int,
            "survey_id": str,
            "file_name": str,
            "bundle_hash": str,
            "records": int,
            "abandoned": int,
            "include_all": int,
            "created_at": str,
        },
        pk="sequence",
        not_null={"survey_id", "file_name", "bundle_hash", "records", "created_at"},
    )


@migrations()
def m003_sealed_record_kind(db: Database) -> None:
    # Sealed blobs now start with their kind byte (akhlak_tui.crypto.records); the blobs sealed
    # before are crypto_box_seal boxes: kind 0x01.
    rows = db.execute("select id, sealed from responses where sealed is not null").fetchall()
    db.conn.executemany("update responses set sealed = ? where id = ?", [(b"\x01" + bytes(sealed), rid) for rid, sealed in rows])


@migrations()
def m004_receipts(db: Database) -> None:
    # Exports record the bundle's signed identity (the SHA-256 of its signed manifest, as the
    # coordinator's merged database knows it) and which responses each carried, so a receipt
    # can only mark responses this laptop exported in the bundle it names.
    db["exports"].add_column("bundle_identity", str)
    db["export_records"].create({"sequence": int, "response_id": str}, pk=("sequence", "response_id"))
    db["export_records"].create_index(["response_id"])
    db.execute(
        "insert into export_records (sequence, response_id) select exported_seq, id from responses where exported_seq is not null"
    )
    # When a coordinator's receipt said a response arrived, and when its sealed record was purged.
    db["responses"].add_column("received_at", str)
    db["responses"].add_column("purged_at", str)
    # No statement, whatever runs it, purges a response without a receipt.
    db.execute(
        "create trigger purge_only_received before update of sealed, purged_at on responses "
        "when old.received_at is null and (new.purged_at is not null or (old.sealed is not null and new.sealed is null)) "
        "begin select raise(abort, 'a response without a receipt is never purged'); end"
    )
