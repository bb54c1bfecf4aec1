"""`akhlak tui` (and bare `akhlak`): open the survey app in the terminal."""

from __future__ import annotations

import click

from akhlak_tui.cli.context import CliContext, pass_cli


@click.command()
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=10),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="Kiosk mode: seconds without a key or click before the response is abandoned and the screen reset.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Let an unexpected error end the app with its traceback (as `akhlak --debug`). Without it the "
    "error is written to akhlak-errors.log in the data dir, without answers, and the app goes on.",
)
@pass_cli
def tui(obj: CliContext, idle_timeout: float, debug: bool) -> None:
    """Open the survey app (the same as running `akhlak` with no command).

    Interviews in enumerator mode, or kiosk mode where ASN answer alone at a
    shared terminal. Every answer is saved at once; after a crash, start it
    again to resume where it stopped. Keys are listed at the bottom of each
    screen (and in docs/tui.md). A store that cannot be written (full disk,
    read-only folder, damaged file) is explained on screen; an unexpected error
    is logged to akhlak-errors.log in the data dir and the app goes on (kiosk
    mode stays locked).

    \b
    Examples:
      akhlak tui
      akhlak tui --idle-timeout 120      kiosk responses abandoned after 2 idle minutes
      akhlak --data-dir D:\\akhlak tui
    """
    from akhlak_tui.tui.app import make_app
    from akhlak_tui.tui.failures import say_unlogged

    app = make_app(obj.data_dir, idle_timeout=idle_timeout, debug=debug or obj.debug)
    app.run()
    say_unlogged(app.unlogged, obj.data_dir)
    if app.exit_note:
        click.echo(app.exit_note, err=True)
    if app.return_code:
        raise SystemExit(app.return_code)
