"""`akhlak tui` (and bare `akhlak`): open the survey app in the terminal."""

from __future__ import annotations

import click

from akhlak_tui.cli.context import CliContext, pass_cli


@click.command()
@pass_cli
def tui(obj: CliContext) -> None:
    """Open the survey app (the same as running `akhlak` with no command).

    \b
    Example:
      akhlak tui
    """
    from akhlak_tui.tui.app import make_app

    make_app(obj.data_dir).run()
