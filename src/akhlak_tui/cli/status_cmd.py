"""`akhlak status`: where data lives, the survey in use, and counts by status and unit."""

from __future__ import annotations

import click

from akhlak_tui.cli.context import CliContext, pass_cli


@click.command()
@pass_cli
def status(obj: CliContext) -> None:
    """Show where data lives, the survey in use, and how many responses are stored.

    Per installed survey it also shows how far its responses have travelled: unexported,
    exported but not yet received by the coordinator, received (a receipt was imported),
    and purged from this laptop.

    \b
    Example:
      AKHLAK_HOME=/tmp/try akhlak status
    """
    from akhlak_tui import locations
    from akhlak_tui.active import active_survey
    from akhlak_tui.crypto.device import load_or_create_device
    from akhlak_tui.questionnaire.model import tr
    from akhlak_tui.store import Store

    data_dir = obj.data_dir
    new = not any(data_dir.iterdir())  # a mistyped --data-dir is made anew, empty: say so
    survey = active_survey(data_dir)
    device = load_or_create_device(data_dir)
    q = survey.questionnaire
    click.echo(f"Data dir:      {data_dir}" + ("  (new: nothing was stored here before)" if new else ""))
    click.echo(f"Device:        {device.id}")
    click.echo(f"Survey:        {survey.name}" + (f" ({survey.survey_id})" if survey.survey_id else ""))
    click.echo(f"Questionnaire: {tr(q.questionnaire.title, 'en')} [{q.id} {q.version}, hash {q.content_hash[:12]}]")
    from akhlak_tui.receipt.laptop import survey_progress

    with Store(locations.store_path(data_dir)) as store:
        by_status = store.counts_by_status()
        by_unit = store.counts_by_unit()
        progress = survey_progress(store)
    total = sum(by_status.values())
    click.echo(
        f"Responses:     {total} ("
        + ", ".join(f"{by_status.get(s, 0)} {s}" for s in ("submitted", "draft", "abandoned"))
        + ")"
    )
    if by_unit:
        click.echo("By unit:")
        for unit in sorted(by_unit, key=lambda u: (u is None, u or "")):
            counts = by_unit[unit]
            name = survey.unit_name(unit) if unit else "(unit not yet answered)"
            click.echo(
                f"  {unit or '-':<10} {name[:36]:<36} "
                + "  ".join(f"{s} {counts.get(s, 0)}" for s in ("submitted", "draft", "abandoned"))
            )
    if progress:
        click.echo("By survey:")
        for p in progress:
            click.echo(
                f"  {p.survey_id:<18} drafts {p.drafts}  unexported {p.unexported}  "
                f"exported-not-received {p.exported_not_received}  received {p.received}  purged {p.purged}"
            )
