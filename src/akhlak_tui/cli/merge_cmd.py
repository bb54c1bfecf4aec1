"""`akhlak merge BUNDLE_OR_DIR...`: verify bundles and merge them, exactly once, into the merged database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.passphrase import passphrase_file_option, resolve_passphrase

if TYPE_CHECKING:
    from akhlak_tui.crypto.coordinator import CoordinatorKeys
    from akhlak_tui.merge.database import MergedDatabase
    from akhlak_tui.merge.ingest import BundleOutcome
    from akhlak_tui.merge.run import FoundBundles, MergeResult
    from akhlak_tui.enrolment.record import DeviceRecord
    from akhlak_tui.survey.package import SurveyPackage

USAGE = 2


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="The merged database (default: merged.db in the data dir).")
@passphrase_file_option
@click.option("--list", "list_only", is_flag=True, help="Show what has been merged so far, per device, and merge nothing.")
@click.option("--accept-copied", "accept_copied", metavar="DEVICE", default=None, help="Decide that the held bundles of a device flagged as possibly copied all count, and merge them.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
@click.option("--receipts", "receipts_dir", type=click.Path(file_okay=False), default=None, help="After merging, write a signed receipt per device into this directory (see `akhlak receipt write`).")
@click.option("--workers", type=click.IntRange(1, 32), default=None, help="Processes that open and check bundles (default: CPU count, at most 4).")
@pass_cli
def merge(
    obj: CliContext,
    paths: tuple[str, ...],
    db_path: str | None,
    passphrase_file: str | None,
    list_only: bool,
    accept_copied: str | None,
    as_json: bool,
    receipts_dir: str | None,
    workers: int | None,
) -> None:
    """Verify bundle files (or every bundle in directories) and merge them into one database.

    Each bundle is checked (format, limits, device signature, survey, payload hash), its device
    must be enrolled by this coordinator for the survey and not revoked (`akhlak device`), it
    is opened with the coordinator key, and its responses are checked against the
    questionnaire. A bundle merges completely or not at all; the same bundle or response
    twice changes nothing; a response id seen with other content is a conflict: the version of
    the earliest bundle in the device's sequence is kept, the other set aside.

    Two different bundles with the same device and sequence number whose responses differ
    mean one device key on two machines: the device is flagged "possible copied device" and
    all its bundles are held apart, not scored, until the coordinator decides: check the
    laptops, then `--accept-copied DEVICE` counts them, or `akhlak device revoke DEVICE`
    refuses its later bundles and leaves them held.

    Exit code: 0 when everything merged (or was merged before), 1 when a bundle was refused or
    a response quarantined or in conflict, 2 when the command could not start.

    \b
    Examples:
      akhlak merge /media/usb                   every bundle on the stick
      akhlak merge a.akhlak-bundle b.akhlak-bundle --db merged.db
      akhlak merge /media/usb --json
      akhlak merge /media/usb --receipts /media/usb   merge, then leave receipts for the laptops
      akhlak merge --list
      akhlak merge --accept-copied 7KQ2MX4A
    """
    from akhlak_tui import locations
    from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError

    database = Path(db_path) if db_path else locations.merged_path(obj.data_dir)
    if receipts_dir is not None and (list_only or accept_copied is not None):
        other = "--list" if list_only else "--accept-copied"
        raise UserError(f"--receipts goes with bundles to merge, not {other} (then run `akhlak receipt write --out DIR`)", exit_code=USAGE)
    if list_only:
        if paths:
            raise UserError("--list takes no bundle paths", exit_code=USAGE)
        if not database.is_file():
            raise UserError(f"{database}: no merged database yet (run `akhlak merge BUNDLE_OR_DIR` first)", exit_code=USAGE)
        _print_listing(database, as_json)
        return
    if accept_copied is not None:
        if paths:
            raise UserError("--accept-copied takes no bundle paths", exit_code=USAGE)
        _accept_copied(database, accept_copied.strip().upper(), as_json)
        return
    if not paths:
        raise UserError("give at least one bundle file or directory (or --list)", exit_code=USAGE)
    if receipts_dir is not None and not Path(receipts_dir).is_dir():
        raise UserError(f"--receipts {receipts_dir}: no such directory", exit_code=USAGE)
    found, keys, surveys = _prepare(obj, paths, passphrase_file)
    from akhlak_tui.enrolment.record import DeviceRecord, DeviceRecordError

    try:
        db = MergedDatabase(database)
        enrolments = DeviceRecord(obj.data_dir, keys.public.signing_key)
    except (MergedDatabaseError, DeviceRecordError) as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    with db, enrolments:
        result = _run(db, found, keys, surveys, enrolments, workers, show_progress=not as_json)
        if as_json:
            from akhlak_tui.merge.report import result_json

            click.echo(json.dumps(result_json(result), indent=2, ensure_ascii=False))
        else:
            from akhlak_tui.merge.report import result_lines

            for line in result_lines(result):
                click.echo(line)
        if receipts_dir is not None and db.survey_row() is not None:
            from akhlak_tui.cli.receipt_cmd import write_and_report

            write_and_report(db, keys, Path(receipts_dir), echo=click.echo if not as_json else _to_stderr)
    sys.exit(result.exit_code)


def _to_stderr(line: str) -> None:
    click.echo(line, err=True)


def _prepare(
    obj: CliContext, paths: tuple[str, ...], passphrase_file: str | None
) -> tuple[FoundBundles, CoordinatorKeys, dict[str, SurveyPackage]]:
    """Everything checked before merging starts (each problem is a usage error, exit 2)."""
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public, unlock_coordinator
    from akhlak_tui.merge.run import BundlePathError, find_bundles
    from akhlak_tui.survey import SurveyPackageError, coordinator_surveys

    try:
        found = find_bundles(paths)
    except BundlePathError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    if not found.files and not found.refused:
        raise UserError(f"{', '.join(paths)}: no bundle files (*.akhlak-bundle) found", exit_code=USAGE)
    data_dir = obj.data_dir
    try:
        load_coordinator_public(data_dir)
        keys = unlock_coordinator(data_dir, resolve_passphrase(passphrase_file))
        surveys = coordinator_surveys(data_dir)
    except (CoordinatorKeyError, SurveyPackageError) as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    if not surveys:
        raise UserError(
            f"{data_dir}: this coordinator has created no survey yet (see `akhlak survey create`; "
            "on a new computer, `akhlak survey import PACKAGE_FILE` restores one)",
            exit_code=USAGE,
        )
    return found, keys, surveys


def _run(
    db: MergedDatabase,
    found: FoundBundles,
    keys: CoordinatorKeys,
    surveys: dict[str, SurveyPackage],
    enrolments: DeviceRecord,
    workers: int | None,
    *,
    show_progress: bool,
) -> MergeResult:
    from akhlak_tui.merge.run import default_workers, merge_bundles

    workers = workers or default_workers()
    files, refused = found.files, found.refused
    if not (show_progress and sys.stderr.isatty()):
        return merge_bundles(db, files, box_key=keys.box_key, surveys=surveys, enrolments=enrolments, workers=workers, refused_paths=refused)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("Merging"), BarColumn(), MofNCompleteColumn(), TextColumn("bundles, {task.fields[responses]:,} responses"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("merge", total=len(files) + len(refused), responses=0)
        done = 0

        def advance(outcome: BundleOutcome) -> None:
            nonlocal done
            done += outcome.accepted + outcome.duplicates + outcome.conflicts + outcome.quarantined
            bar.update(task, advance=1, responses=done)

        return merge_bundles(
            db, files, box_key=keys.box_key, surveys=surveys, enrolments=enrolments, workers=workers, progress=advance, refused_paths=refused
        )


def _accept_copied(database: Path, device_id: str, as_json: bool) -> None:
    """Merge the held bundles of a flagged device, and say what came of them."""
    from dataclasses import asdict

    from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError
    from akhlak_tui.merge.ingest import Merger
    from akhlak_tui.merge.run import keep_report_sums

    if not database.is_file():
        raise UserError(f"{database}: no merged database yet", exit_code=USAGE)
    try:
        db = MergedDatabase(database)
    except MergedDatabaseError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    with db:
        try:
            outcomes = Merger(db, {}, enrolments=None).accept_copied(device_id)
        except ValueError as exc:
            raise UserError(str(exc), exit_code=USAGE) from None
        keep_report_sums(db)
    if as_json:
        click.echo(json.dumps({"device_id": device_id, "bundles": [asdict(o) for o in outcomes]}, indent=2, ensure_ascii=False))
        return
    for o in outcomes:
        click.echo(f"{device_id} bundle {o.sequence}: {o.accepted} accepted, {o.duplicates} duplicate, {o.conflicts} conflict")
    click.echo(f"Device {device_id}: {len(outcomes)} held bundle(s) now merged; a new collision would flag it again.")


def _print_listing(database: Path, as_json: bool) -> None:
    from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError
    from akhlak_tui.merge.report import listing_json, listing_lines

    try:
        db = MergedDatabase(database)
    except MergedDatabaseError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    with db:
        if as_json:
            click.echo(json.dumps(listing_json(db), indent=2, ensure_ascii=False))
        else:
            for line in listing_lines(db):
                click.echo(line)
