"""`akhlak kit build|verify`: an offline install kit for a USB stick, and its check."""

from __future__ import annotations

from pathlib import Path

import click

from akhlak_tui.cli.errors import UserError


@click.group()
def kit() -> None:
    """Build an offline install kit for laptops without internet (at the bureau, once).

    \b
    Examples:
      akhlak kit build --out /media/usb/akhlak-kit --survey survei-2026.akhlak-survey
      akhlak kit verify /media/usb/akhlak-kit
    """


@kit.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="The folder to write (new or empty); copy it onto the stick.")
@click.option("--survey", "survey_file", type=click.Path(dir_okay=False), help="A survey package the install scripts install.")
@click.option("--platform", "platforms", multiple=True, metavar="TAG", help="win_amd64, manylinux_x86_64 (glibc 2.28+), manylinux_2_17_x86_64, win32 ... (repeatable; default win_amd64 and manylinux_x86_64).")
@click.option("--python", "pythons", multiple=True, metavar="X.Y", help="Python version of the laptops (repeatable; default 3.10 3.11 3.12 3.13).")
@click.option("--wheel", "wheel_file", type=click.Path(dir_okay=False), help="akhlak's own wheel (default: built from the source tree, or rebuilt from this installation).")
@click.option("--find-links", "find_links", multiple=True, type=click.Path(file_okay=False), help="A local folder of wheels for pip (repeatable).")
@click.option("--no-index", is_flag=True, help="Do not use the package index: only --find-links.")
def build(
    out_dir: str,
    survey_file: str | None,
    platforms: tuple[str, ...],
    pythons: tuple[str, ...],
    wheel_file: str | None,
    find_links: tuple[str, ...],
    no_index: bool,
) -> None:
    """Write an install kit: akhlak's wheel and every dependency's wheel for each platform and
    Python version, install.bat and install.sh, the enumerator's guide, and a SHA-256 manifest.

    Needs the internet (pip download) unless --no-index with --find-links. Stops, naming it, if a
    dependency has no wheel for a chosen platform.

    \b
    Examples:
      akhlak kit build --out kit --survey survei-2026.akhlak-survey
      akhlak kit build --out kit --platform win_amd64 --python 3.12
      akhlak kit build --out kit --no-index --find-links ./wheelhouse
    """
    from akhlak_tui.kit.build import KitError, build_kit
    from akhlak_tui.kit.targets import TargetError, targets

    try:
        chosen = targets(platforms, pythons)
    except TargetError as exc:
        raise UserError(str(exc), exit_code=2) from None
    pip_options = [option for path in find_links for option in ("--find-links", str(Path(path).resolve()))]
    if no_index:
        pip_options.append("--no-index")
    try:
        result = build_kit(
            Path(out_dir),
            chosen,
            survey=Path(survey_file) if survey_file else None,
            wheel=Path(wheel_file) if wheel_file else None,
            pip_options=pip_options,
            progress=lambda message: click.echo(f"  fetching {message} ...", err=True),
        )
    except KitError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Kit: {result.out}")
    click.echo(f"  {result.project_wheel.name} and {result.wheel_count - 1} dependency wheels")
    click.echo(f"  for {', '.join(sorted({t.platform for t in chosen}))}; Python {', '.join(sorted({t.python for t in chosen}))}")
    if result.survey_name:
        click.echo(f"  survey {result.survey_name}, coordinator fingerprint {result.survey_fingerprint}")
    else:
        click.echo("  no survey package: laptops run practice until one is installed")
    click.echo(f"  kit fingerprint {result.fingerprint} (install.bat / install.sh show it after their check)")
    click.echo("Print PANDUAN-ENUMERATOR.html for each enumerator; copy the whole folder onto the stick.")


@kit.command()
@click.argument("kit_dir", type=click.Path(file_okay=False))
def verify(kit_dir: str) -> None:
    """Check a kit against its manifest, as the install scripts do first.

    \b
    Example:
      akhlak kit verify /media/usb/akhlak-kit
    """
    from akhlak_tui.kit.verify_kit import KitError, verify_kit

    try:
        count, fingerprint = verify_kit(kit_dir)
    except KitError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Kit verified: {count} files, kit fingerprint {fingerprint}")
