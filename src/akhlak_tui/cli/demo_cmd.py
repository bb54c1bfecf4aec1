"""`akhlak demo`: a demo coordinator and survey, and real bundles from simulated laptops."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.passphrase import passphrase_file_option, resolve_passphrase


@click.command()
@click.option("--devices", type=click.IntRange(1, 100_000), default=5, show_default=True, help="Simulated laptops.")
@click.option("--responses", type=click.IntRange(1, 10_000_000), default=200, show_default=True, help="Responses per laptop.")
@click.option("--bundles", type=click.IntRange(1, 1000), default=1, show_default=True, help="Bundles each laptop exports (sequence 1, 2, ...).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="demo-bundles", show_default=True, help="Directory to write the bundles to.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same answers, ids and devices.")
@click.option("--workers", type=click.IntRange(1, 32), default=None, help="Processes that simulate and seal (default: CPU count, at most 4).")
@passphrase_file_option
@pass_cli
def demo(
    obj: CliContext,
    devices: int,
    responses: int,
    bundles: int,
    out_dir: str,
    seed: int,
    workers: int | None,
    passphrase_file: str | None,
) -> None:
    """Make demo data for the coordinator side: signed, sealed bundles of simulated laptops.

    Sets up a coordinator in the data dir unless one exists (with the passphrase from
    --passphrase-file, AKHLAK_PASSPHRASE or a prompt), creates the demo survey (the built-in
    questionnaire, sixteen units of a fictional regency), enrols the simulated laptops as if
    their requests were approved, and writes each laptop's bundles.
    Units differ in culture; answers, votes and profiles follow plausible patterns; a few
    responses are abandoned. `akhlak merge DIR` and `akhlak report` work right after.

    \b
    Examples:
      akhlak demo                                 5 laptops x 200 responses into ./demo-bundles
      akhlak demo --devices 30 --responses 500 --bundles 3 --out /tmp/stick
      akhlak demo && akhlak merge demo-bundles && akhlak report
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, check_new_passphrase, has_coordinator
    from akhlak_tui.demo.generate import demo_coordinator, demo_survey, enrol_demo_devices, write_demo_bundles
    from akhlak_tui.merge.run import default_workers

    data_dir = obj.data_dir
    new = not has_coordinator(data_dir)
    passphrase = resolve_passphrase(passphrase_file, new=new, prompt="Demo coordinator passphrase" if new else "Coordinator passphrase")
    try:
        if new:
            check_new_passphrase(passphrase)
        coordinator = demo_coordinator(data_dir, passphrase)
    except CoordinatorKeyError as exc:
        raise UserError(str(exc)) from None
    if coordinator.recovery_code:
        click.echo(f"Demo coordinator made in {data_dir} (fingerprint {coordinator.keys.public.fingerprint})")
        click.echo(f"  recovery file {coordinator.recovery_file}, recovery code {coordinator.recovery_code}")
    else:
        click.echo(f"Using the coordinator in {data_dir} (fingerprint {coordinator.keys.public.fingerprint})")
    package = demo_survey(data_dir, coordinator.keys, seed, devices * responses)
    click.echo(f"Survey: {package.name} ({package.survey_id}), {len(package.units)} units")
    enrolments = enrol_demo_devices(data_dir, coordinator.keys, package, devices, seed)
    click.echo(f"Enrolled {devices} simulated laptops (`akhlak device list`)")
    out = Path(out_dir)
    try:
        with click.progressbar(length=devices, label="Simulating laptops", file=sys.stderr) as bar:
            written = write_demo_bundles(
                package,
                out,
                devices=devices,
                responses=responses,
                bundles=bundles,
                seed=seed,
                workers=workers or default_workers(),
                progress=lambda done: bar.update(1),
                enrolments=enrolments,
            )
    except OSError as exc:
        raise UserError(f"{out}: cannot write bundles: {exc.strerror or exc}") from None
    total = sum(b.manifest.counts.records for b in written)
    click.echo(f"Wrote {len(written)} bundles ({total:,} responses from {devices} laptops) to {out}")
    from akhlak_tui.demo.evaluation import fill_demo_evaluation

    click.echo(fill_demo_evaluation(data_dir, package, seed))
    click.echo(f"Next: akhlak merge {out}")
