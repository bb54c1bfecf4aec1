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
    from akhlak_tui.merge.trust import TrustedDevices
    from akhlak_tui.survey.package import SurveyPackage

USAGE = 2


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="The merged database (default: merged.db in the data dir).")
@click.option("--trusted-devices", type=click.Path(dir_okay=False), help="Refuse devices not listed in FILE (one device id, optionally its fingerprint, per line).")
@passphrase_file_option
@click.option("--list", "list_only", is_flag=True, help="Show what has been merged so far, per device, and merge nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
@click.option("--workers", type=click.IntRange(1, 32), default=None, help="Processes that open and check bundles (default: CPU count, at most 4).")
@pass_cli
def merge(
    obj: CliContext,
    paths: tuple[str, ...],
    db_path: str | None,
    trusted_devices: str | None,
    passphrase_file: str | None,
    list_only: bool,
    as_json: bool,
    workers: int | None,
) -> None:
    """Verify bundle files (or every bundle in directories) and merge them into one database.

    Each bundle is checked (format, limits, device signature and pinned key, survey, payload
    hash), opened with the coordinator key, and its responses checked against the
    questionnaire. A bundle merges completely or not at all; the same bundle or response
    twice changes nothing; a response id seen with other content is kept aside as a conflict.

    Exit code: 0 when everything merged (or was merged before), 1 when a bundle was refused or
    a response quarantined or in conflict, 2 when the command could not start.

    \b
    Examples:
      akhlak merge /media/usb                   every bundle on the stick
      akhlak merge a.akhlak-bundle b.akhlak-bundle --db merged.db
      akhlak merge /media/usb --trusted-devices devices.txt --json
      akhlak merge --list
    """
    from akhlak_tui import locations
    from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError

    database = Path(db_path) if db_path else locations.merged_path(obj.data_dir)
    if list_only:
        if paths:
            raise UserError("--list takes no bundle paths", exit_code=USAGE)
        if not database.is_file():
            raise UserError(f"{database}: no merged database yet (run `akhlak merge BUNDLE_OR_DIR` first)", exit_code=USAGE)
        _print_listing(database, as_json)
        return
    if not paths:
        raise UserError("give at least one bundle file or directory (or --list)", exit_code=USAGE)
    found, keys, surveys, trusted = _prepare(obj, paths, trusted_devices, passphrase_file)
    try:
        db = MergedDatabase(database)
    except MergedDatabaseError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    with db:
        result = _run(db, found, keys, surveys, trusted, workers, show_progress=not as_json)
    if as_json:
        from akhlak_tui.merge.report import result_json

        click.echo(json.dumps(result_json(result), indent=2, ensure_ascii=False))
    else:
        from akhlak_tui.merge.report import result_lines

        for line in result_lines(result):
            click.echo(line)
    sys.exit(result.exit_code)


def _prepare(
    obj: CliContext, paths: tuple[str, ...], trusted_devices: str | None, passphrase_file: str | None
) -> tuple[FoundBundles, CoordinatorKeys, dict[str, SurveyPackage], TrustedDevices | None]:
    """Everything checked before merging starts (each problem is a usage error, exit 2)."""
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public, unlock_coordinator
    from akhlak_tui.merge.run import BundlePathError, find_bundles
    from akhlak_tui.merge.trust import TrustedDevices, TrustedDevicesError
    from akhlak_tui.survey import SurveyPackageError, coordinator_surveys

    try:
        found = find_bundles(paths)
    except BundlePathError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    if not found.files and not found.refused:
        raise UserError(f"{', '.join(paths)}: no bundle files (*.akhlak-bundle) found", exit_code=USAGE)
    try:
        trusted = TrustedDevices.load(trusted_devices) if trusted_devices else None
    except TrustedDevicesError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    data_dir = obj.data_dir
    try:
        load_coordinator_public(data_dir)
        keys = unlock_coordinator(data_dir, resolve_passphrase(passphrase_file))
        surveys = coordinator_surveys(data_dir)
    except (CoordinatorKeyError, SurveyPackageError) as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    if not surveys:
        raise UserError(f"{data_dir}: this coordinator has created no survey yet (see `akhlak survey create`)", exit_code=USAGE)
    return found, keys, surveys, trusted


def _run(
    db: MergedDatabase,
    found: FoundBundles,
    keys: CoordinatorKeys,
    surveys: dict[str, SurveyPackage],
    trusted: TrustedDevices | None,
    workers: int | None,
    *,
    show_progress: bool,
) -> MergeResult:
    from akhlak_tui.merge.run import default_workers, merge_bundles

    workers = workers or default_workers()
    files, refused = found.files, found.refused
    if not (show_progress and sys.stderr.isatty()):
        return merge_bundles(db, files, box_key=keys.box_key, surveys=surveys, trusted=trusted, workers=workers, refused_paths=refused)
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
            db, files, box_key=keys.box_key, surveys=surveys, trusted=trusted, workers=workers, progress=advance, refused_paths=refused
        )


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
