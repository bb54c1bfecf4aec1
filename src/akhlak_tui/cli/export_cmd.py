"""`akhlak export --out DIR`: write the active survey's new responses as one signed, encrypted bundle."""

from __future__ import annotations

from pathlib import Path

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.plural import count


@click.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory to write the bundle to (e.g. the USB stick).")
@click.option("--all", "include_all", is_flag=True, help="Export every response again, not only new ones (the merge de-duplicates).")
@pass_cli
def export(obj: CliContext, out_dir: str, include_all: bool) -> None:
    """Export submitted (and, flagged, abandoned) responses not yet exported into one bundle.

    The bundle is signed with this laptop's device key and sealed to the coordinator: neither
    the stick nor this laptop can read it afterwards. Practice responses are never exported.

    \b
    Examples:
      akhlak export --out /media/usb
      akhlak export --out E:\\ --all
    """
    from akhlak_tui.bundle.export import ExportError, export_bundle

    try:
        result = export_bundle(obj.data_dir, Path(out_dir), include_all=include_all)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Bundle {result.sequence}: {result.path}")
    click.echo(f"  {count(result.count, 'response')} ({result.count - result.abandoned} submitted, {result.abandoned} abandoned)")
    click.echo(f"  sha256 {result.bundle_hash}")
    if result.remaining:
        click.echo(f"  {count(result.remaining, 'response')} did not fit in this bundle: run the export again")
    if not result.enrolled:
        click.echo(
            "  note: this laptop holds no enrolment for the survey; its bundles count only if the coordinator "
            "approved its request (`akhlak device enrol FILE` installs the enrolment the coordinator sends back)"
        )
