"""`akhlak device`: this laptop's key and enrolment; approving, listing and revoking devices on the coordinator's side."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.passphrase import passphrase_file_option, resolve_passphrase

if TYPE_CHECKING:
    from akhlak_tui.crypto.device import Device
    from akhlak_tui.enrolment.record import DeviceRecord

USAGE = 2


def _device(obj: CliContext) -> Device:
    from akhlak_tui.crypto.device import DeviceKeyError, load_or_create_device

    try:
        return load_or_create_device(obj.data_dir)
    except DeviceKeyError as exc:
        raise UserError(str(exc)) from None


@click.group(invoke_without_command=True)
@click.pass_context
def device(ctx: click.Context) -> None:
    """Show this laptop's device id and key fingerprint; enrol laptops (coordinator: approve, list, revoke).

    Every bundle a laptop exports is signed with its device key. The merge counts a bundle only
    when the coordinator has enrolled that key for the survey: `akhlak survey install` writes an
    enrolment request next to the package, the coordinator approves the requests of a whole stick
    at once, and each laptop picks up its enrolment (again `akhlak survey install`, or
    `akhlak device enrol`).

    \b
    Examples:
      akhlak device                          this laptop's id and fingerprint
      akhlak device approve /media/usb       coordinator: approve every request on the stick
      akhlak device enrol /media/usb         laptop: install its enrolment from the stick
      akhlak device list
      akhlak device revoke 7KQ2MX4A
    """
    if ctx.invoked_subcommand is not None:
        return
    obj = ctx.find_object(CliContext) or ctx.ensure_object(CliContext)
    dev = _device(obj)
    click.echo(f"Device id:   {dev.id}")
    click.echo(f"Fingerprint: {dev.fingerprint}")
    click.echo(f"Public key:  {dev.public_key.hex()}")
    enrolments = sorted((obj.data_dir / "enrolments").glob("*.akhlak-enrolment")) if (obj.data_dir / "enrolments").is_dir() else []
    for path in enrolments:
        click.echo(f"Enrolled:    survey {path.name.split('.')[0]}")
    if not enrolments:
        click.echo("Enrolled:    not yet (see `akhlak device --help`)")


@device.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--yes", is_flag=True, help="Approve every request found without asking.")
@passphrase_file_option
@pass_cli
def approve(obj: CliContext, paths: tuple[str, ...], yes: bool, passphrase_file: str | None) -> None:
    """Approve enrolment requests (files, or every *.akhlak-request in directories): coordinator.

    Shows each device's fingerprint and the name typed on the laptop, asks (or --yes), and
    writes the signed enrolment next to its request, where the laptop picks it up. Approved
    devices are kept in the data dir (`akhlak device list`); the merge counts their bundles.

    Exit code: 0 when every request was approved (or was approved before), 1 when one was
    refused or declined, 2 when the command could not start.

    \b
    Examples:
      akhlak device approve /media/usb                 one stick, 40 laptops: asks for each
      akhlak device approve /media/usb --yes
      akhlak device approve survey-..._device-7KQ2MX4A.akhlak-request
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public, unlock_coordinator
    from akhlak_tui.enrolment.documents import ENROLMENT_SUFFIX, REQUEST_SUFFIX, EnrolmentError, document_name, read_document_file, read_request
    from akhlak_tui.enrolment.record import DeviceRecord, DeviceRecordError
    from akhlak_tui.files import write_file_atomically
    from akhlak_tui.survey import SurveyPackageError, coordinator_surveys

    files = _request_files(paths, REQUEST_SUFFIX)
    if not yes and not sys.stdin.isatty():
        raise UserError("not a terminal: give --yes to approve every request shown", exit_code=USAGE)
    try:
        public = load_coordinator_public(obj.data_dir)
        keys = unlock_coordinator(obj.data_dir, resolve_passphrase(passphrase_file))
        surveys = coordinator_surveys(obj.data_dir)
        record = DeviceRecord(obj.data_dir, public.signing_key)
    except (CoordinatorKeyError, SurveyPackageError, DeviceRecordError) as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
    approved = declined = failed = 0
    with record:
        for path in files:
            try:
                request = read_request(read_document_file(path), str(path))
                body = request.body
                survey = surveys.get(body.survey_id)
                if survey is None:
                    raise EnrolmentError(f"{path}: survey {body.survey_id} was not created by this coordinator")
                if body.coordinator_fingerprint != public.fingerprint:
                    raise EnrolmentError(f"{path}: made from a package of coordinator {body.coordinator_fingerprint}, not this one")
            except EnrolmentError as exc:
                click.echo(f"error: {exc}", err=True)
                failed += 1
                continue
            click.echo(f"{body.device_id}  {body.device_fingerprint}  {body.name!r}  survey {survey.name} ({survey.survey_id})")
            if not yes and not click.confirm("  approve this laptop?", default=False):
                declined += 1
                continue
            try:
                enrolment = record.approve(body.survey_id, body.device_id, body.device_public_key, body.name, keys)
                target = path.parent / document_name(body.survey_id, body.device_id, ENROLMENT_SUFFIX)
                write_file_atomically(target, enrolment.data)
            except DeviceRecordError as exc:
                click.echo(f"error: {path}: {exc}", err=True)
                failed += 1
                continue
            except OSError as exc:
                click.echo(f"error: {path.parent}: cannot write the enrolment: {exc.strerror or exc}", err=True)
                failed += 1
                continue
            approved += 1
    click.echo(f"Approved {approved} of {len(files)} requests" + (f", {declined} declined" if declined else "") + (f", {failed} refused" if failed else ""))
    if approved:
        click.echo("Each laptop picks up its enrolment from the stick: `akhlak survey install PACKAGE` or `akhlak device enrol DIR`.")
    if declined or failed:
        sys.exit(1)


def _request_files(paths: tuple[str, ...], suffix: str) -> list[Path]:
    """Request files named, or found directly inside the directories named (usage error if none)."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob(f"*{suffix}") if p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            raise UserError(f"{path}: no such file or directory", exit_code=USAGE)
    if not files:
        raise UserError(f"{', '.join(paths)}: no enrolment requests (*{suffix}) found", exit_code=USAGE)
    return files


@device.command()
@click.argument("path", type=click.Path())
@pass_cli
def enrol(obj: CliContext, path: str) -> None:
    """Install this laptop's enrolment (the file, or found by its name in a directory): laptop.

    The enrolment must be signed by the coordinator of an installed survey and name this
    laptop's key. Every bundle exported afterwards carries it.

    \b
    Examples:
      akhlak device enrol /media/usb
      akhlak device enrol /media/usb/survey-rjpykpayxtiyngsu_device-7KQ2MX4A.akhlak-enrolment
    """
    from akhlak_tui.enrolment.documents import EnrolmentError
    from akhlak_tui.enrolment.laptop import install_enrolment

    dev = _device(obj)
    try:
        installed = install_enrolment(obj.data_dir, dev, Path(path))
    except EnrolmentError as exc:
        raise UserError(str(exc)) from None
    body = installed.enrolment.body
    state = "Enrolled" if installed.new else "Already enrolled"
    click.echo(f"{state}: device {dev.id} ({body.name!r}) for survey {body.survey_id}, approved {body.approved_at[:10]}")


@device.command(name="list")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="The merged database to count from (default: merged.db in the data dir).")
@pass_cli
def list_devices(obj: CliContext, db_path: str | None) -> None:
    """List enrolled devices (coordinator): name, fingerprint, approval, revocation, what was merged.

    A revoked device's bundles merged before its revocation stay merged and are counted here.

    \b
    Example:
      akhlak device list
    """
    from akhlak_tui import locations

    with _record(obj) as record:
        devices = record.devices()
    if not devices:
        click.echo("No device enrolled yet (`akhlak device approve DIR`).")
        return
    merged = _merged_counts(Path(db_path) if db_path else locations.merged_path(obj.data_dir))
    click.echo(f"{'Device':<8}  {'Name':<20}  {'Fingerprint':<14}  {'Approved':<10}  {'Bundles':>7}  {'Responses':>9}  State")
    for d in devices:
        bundles, responses = merged.get(d.device_id, (0, 0))
        state = f"revoked {d.revoked_at[:10]}" if d.revoked_at else "enrolled"
        name = d.name if len(d.name) <= 20 else d.name[:19] + "~"
        click.echo(f"{d.device_id:<8}  {name:<20}  {d.fingerprint[:14]:<14}  {d.approved_at[:10]:<10}  {bundles:>7}  {responses:>9,}  {state}")
    click.echo(f"Total: {len(devices)} enrolments, {sum(1 for d in devices if d.revoked_at)} revoked; merged counts from bundles merged so far")


def _merged_counts(database: Path) -> dict[str, tuple[int, int]]:
    """Device id -> (bundles merged, responses accepted) in a merged database, read only; empty if there is none."""
    if not database.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            bundles = dict(conn.execute("select device_id, count(*) from bundles where status = 'merged' group by device_id").fetchall())
            responses = dict(conn.execute("select device_id, count(*) from responses group by device_id").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{database}: not a usable merged database ({exc})") from None
    return {device_id: (count, responses.get(device_id, 0)) for device_id, count in bundles.items()}


@device.command()
@click.argument("device_id")
@click.option("--survey", "survey_id", default=None, help="Revoke for this survey only (default: every survey it is enrolled for).")
@pass_cli
def revoke(obj: CliContext, device_id: str, survey_id: str | None) -> None:
    """Revoke a device (coordinator): its bundles merged from now on are refused.

    What was merged before stays merged and is listed by `akhlak device list` and
    `akhlak merge --list`. A revoked device is not enrolled again.

    \b
    Example:
      akhlak device revoke 7KQ2MX4A
    """
    from akhlak_tui.enrolment.record import DeviceRecordError

    with _record(obj) as record:
        try:
            revoked = record.revoke(device_id.strip().upper(), survey_id)
        except DeviceRecordError as exc:
            raise UserError(str(exc)) from None
    for d in revoked:
        click.echo(f"Revoked {d.device_id} ({d.name!r}) for survey {d.survey_id} on {d.revoked_at}")
    click.echo("Its bundles merged from now on are refused; what was merged before stays.")


def _record(obj: CliContext) -> DeviceRecord:
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public
    from akhlak_tui.enrolment.record import DeviceRecord, DeviceRecordError

    try:
        return DeviceRecord(obj.data_dir, load_coordinator_public(obj.data_dir).signing_key)
    except (CoordinatorKeyError, DeviceRecordError) as exc:
        raise UserError(str(exc), exit_code=USAGE) from None
