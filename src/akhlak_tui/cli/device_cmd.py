"""`akhlak device`: this laptop's device id and key fingerprint (the key is made on first use)."""

from __future__ import annotations

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError


@click.command()
@pass_cli
def device(obj: CliContext) -> None:
    """Show this laptop's device id and the fingerprint of its signing key.

    Every bundle this laptop exports is signed with this key; the coordinator sees the same id.

    \b
    Example:
      akhlak device
    """
    from akhlak_tui.crypto.device import DeviceKeyError, load_or_create_device

    try:
        dev = load_or_create_device(obj.data_dir)
    except DeviceKeyError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Device id:   {dev.id}")
    click.echo(f"Fingerprint: {dev.fingerprint}")
    click.echo(f"Public key:  {dev.public_key.hex()}")
