"""`akhlak dashboard`: the coordinator's live view of the index, the seven values and the units."""

from __future__ import annotations

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.report_cmd import check_is_merged, merged_db_path


@click.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Merged database (default: merged.db in the data dir).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True, help="Language of the labels.")
@pass_cli
def dashboard(obj: CliContext, db: str | None, lang: str) -> None:
    """Open the coordinator's dashboard in the terminal: the index and category, the seven values
    as bars and the unit table, refreshed by itself after each merge (and on `r`). `e` opens the
    evaluation review: set each unit's verified levels with a note (docs/evaluation-format.md).

    \b
    Example:
      akhlak dashboard
    """
    from akhlak_tui.tui.dashboard_app import make_dashboard_app

    path = merged_db_path(obj, db)
    check_is_merged(path)
    make_dashboard_app(path, lang).run()
