"""`akhlak receipt write|import`: signed receipts of merged responses, and purging them from laptops."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.passphrase import passphrase_file_option, resolve_passphrase, stdin_is_terminal
from akhlak_tui.plural import count

if TYPE_CHECKING:
    from akhlak_tui.crypto.coordinator import CoordinatorKeys
    from akhlak_tui.merge.database import MergedDatabase
    from akhlak_tui.receipt.laptop import ImportResult

USAGE = 2


@click.group()
def receipt() -> None:
    """Receipts: the coordinator says which responses arrived; laptops then purge them safely.

    \b
    Examples:
      akhlak receipt write --out /media/usb                    (coordinator, after `akhlak merge`)
      akhlak receipt import /media/usb --purge                   (laptop: its own receipts)
    """


@receipt.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory to write the receipts to (e.g. the USB stick).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="The merged database (default: merged.db in the data dir).")
@click.option("--device", "devices", multiple=True, metavar="DEVICE", help="Only this device (repeatable; default: every device with merged responses).")
@passphrase_file_option
@pass_cli
def write(obj: CliContext, out_dir: str, db_path: str | None, devices: tuple[str, ...], passphrase_file: str | None) -> None:
    """Write one signed receipt per device: the bundles merged from it and the responses stored from each.

    Only responses the merged database holds are named: a quarantined or conflicting response,
    or one held with a possibly copied device, is not, so its laptop keeps it. Each receipt
    names everything received from its device so far and replaces the one written before.

    \b
    Examples:
      akhlak receipt write --out /media/usb
      akhlak receipt write --out /media/usb --device 7KQ2MX4A --db merged.db
    """
    from akhlak_tui import locations
    from akhlak_tui.merge.database import MergedDatabase, MergedDatabaseError

    database = Path(db_path) if db_path else locations.merged_path(obj.data_dir)
    if not database.is_file():
        raise UserError(f"{database}: no merged database yet (run `akhlak merge BUNDLE_OR_DIR` first)", exit_code=USAGE)
    keys = unlock(obj, passphrase_file)
    try:
        db = MergedDatabase(database)
    except MergedDatabaseError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    with db:
        write_and_report(db, keys, Path(out_dir), [d.strip().upper() for d in devices] or None)


def unlock(obj: CliContext, passphrase_file: str | None = None) -> CoordinatorKeys:
    """The coordinator's keys (a usage error, exit 2, when they cannot be had)."""
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public, unlock_coordinator

    try:
        load_coordinator_public(obj.data_dir)
        return unlock_coordinator(obj.data_dir, resolve_passphrase(passphrase_file))
    except CoordinatorKeyError as exc:
        raise UserError(str(exc), exit_code=USAGE) from None


def write_and_report(
    db: MergedDatabase, keys: CoordinatorKeys, out_dir: Path, devices: list[str] | None = None, echo: Callable[[str], None] = click.echo
) -> None:
    """Write the receipts and print one line per receipt (shared with `akhlak merge --receipts`)."""
    from akhlak_tui.merge.database import MergedDatabaseError
    from akhlak_tui.receipt import ReceiptError
    from akhlak_tui.receipt.issue import write_receipts

    try:
        written = write_receipts(db, keys.signing_key, out_dir, devices)
    except (ReceiptError, MergedDatabaseError) as exc:
        raise UserError(str(exc)) from None
    for item in written:
        r = item.receipt
        echo(f"Receipt for device {r.device_id}: {count(r.response_count, 'response')} in {count(len(r.bundles), 'bundle')}: {item.path}")
    if not written:
        echo("No receipt written: no device has merged responses" + (" among those given" if devices else ""))


@receipt.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--purge/--keep", "purge", default=None, help="Purge the received responses now (--purge) or keep them (--keep); asked when not given in a terminal.")
@pass_cli
def import_receipts(obj: CliContext, files: tuple[str, ...], purge: bool | None) -> None:
    """Verify receipts from the coordinator and mark the responses they name as received; then offer to purge.

    FILES are receipt files, or folders (the USB stick): a folder gives this laptop's receipts in
    it, by their names, leaving those of other laptops that share the stick alone.

    A receipt must be signed by the coordinator key this laptop pinned when it installed the
    survey, and be for this laptop's device; anything else is refused. It marks only responses
    this laptop exported in the bundles it names; other ids are ignored and counted. Importing
    again changes nothing. Purging deletes the sealed records of received responses (securely,
    leaving no copy in the database's files); their counts stay for the tally. Responses
    without a receipt are never purged.

    Exit code: 0 when every receipt was imported, 1 when one was refused.

    \b
    Examples:
      akhlak receipt import /media/usb/survey-rjpykpayxtiyngsu_device-7KQ2MX4A.akhlak-receipt
      akhlak receipt import E:\\ --purge
    """
    from akhlak_tui.receipt import ReceiptError
    from akhlak_tui.receipt.laptop import import_receipt

    imported: list[ImportResult] = []
    refused = 0
    for path in _receipt_files(obj, files):
        try:
            result = import_receipt(obj.data_dir, path)
        except ReceiptError as exc:
            click.echo(f"error: {exc}", err=True)
            refused += 1
            continue
        imported.append(result)
        _report_import(result)
    for survey_id in dict.fromkeys(r.receipt.survey_id for r in imported):
        _offer_purge(obj, survey_id, purge)
    if refused:
        raise SystemExit(1)


def _receipt_files(obj: CliContext, names: tuple[str, ...]) -> list[Path]:
    """The files given, with each folder replaced by this laptop's receipts in it."""
    from akhlak_tui.crypto.device import DEVICE_KEY_FILE, load_or_create_device
    from akhlak_tui.receipt.laptop import receipts_in

    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if not path.is_dir():
            paths.append(path)
            continue
        if not (obj.data_dir / DEVICE_KEY_FILE).exists():
            raise UserError(f"{path}: this laptop has no device key yet, so no receipt can be for it")
        device_id = load_or_create_device(obj.data_dir).id
        found = receipts_in(path, device_id)
        if not found:
            raise UserError(f"{path}: no receipt for this laptop (device {device_id}) in this folder")
        paths += found
    return paths


def _report_import(result: ImportResult) -> None:
    r = result.receipt
    click.echo(f"{result.path}: receipt of survey {r.survey_id} for device {r.device_id}, issued {r.issued_at}")
    click.echo(f"  received: {result.marked} newly marked, {result.already} marked before")
    if result.ignored or result.foreign_bundles:
        click.echo(
            f"  ignored: {result.ignored} ids ({result.unknown} never on this laptop, {result.drafts} still drafts, "
            f"{result.not_exported} not exported in the bundle named)"
            + (f"; {result.foreign_bundles} bundles this laptop did not export" if result.foreign_bundles else "")
        )


def _offer_purge(obj: CliContext, survey_id: str, purge: bool | None) -> None:
    from akhlak_tui import locations
    from akhlak_tui.receipt.laptop import progress_of, purge_received
    from akhlak_tui.store import Store

    with Store(locations.store_path(obj.data_dir)) as store:
        waiting = progress_of(store, survey_id).received
    if not waiting:
        return
    if purge is None:
        if not stdin_is_terminal():
            click.echo(f"  {count(waiting, 'received response')} can be purged from this laptop: run again with --purge")
            return
        purge = click.confirm(f"Purge the {count(waiting, 'received response')} of survey {survey_id} from this laptop?", default=False)
    if not purge:
        click.echo(f"  kept: {count(waiting, 'received response')} stay{'s' if waiting == 1 else ''} on this laptop")
        return
    done = purge_received(obj.data_dir, survey_id)
    click.echo(f"  purged: {count(done.purged, 'received response')} deleted from this laptop (their counts are kept)")
    if not done.wal_emptied:
        click.echo("  note: another program has the store open; old copies leave its WAL file when it closes")
