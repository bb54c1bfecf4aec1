"""`akhlak survey create|import|install|list|activate|uninstall`: signed survey packages, on the coordinator's side and on laptops."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.passphrase import passphrase_file_option, resolve_passphrase
from akhlak_tui.plural import count

if TYPE_CHECKING:
    from akhlak_tui.survey.package import SurveyPackage


@click.group()
def survey() -> None:
    """Make a signed survey package (coordinator) and install it (laptops).

    \b
    Examples:
      akhlak survey create --questionnaire questionnaires/berakhlak.toml --units units.csv --name "Survei 2026" -o survei-2026.akhlak-survey
      akhlak survey install /media/usb/survei-2026.akhlak-survey --name "Front desk 1"
      akhlak survey list
      akhlak survey import /media/safe/survei-2026.akhlak-survey
    """


@survey.command()
@click.option("--questionnaire", "questionnaire_file", required=True, type=click.Path(dir_okay=False), help="The questionnaire TOML file.")
@click.option("--units", "units_file", required=True, type=click.Path(dir_okay=False), help="CSV with code,name and optionally headcount.")
@click.option("--name", required=True, help="The survey's name, shown on laptops.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The package file to write.")
@click.option("--evaluation", "evaluation_file", type=click.Path(dir_okay=False), help="Evaluation instrument TOML carried with the survey (default: the built-in one).")
@passphrase_file_option
@pass_cli
def create(
    obj: CliContext, questionnaire_file: str, units_file: str, name: str, output: str, evaluation_file: str | None, passphrase_file: str | None
) -> None:
    """Make a survey package signed by the coordinator: questionnaire, units and public keys in one file.

    A copy is kept in the coordinator's data dir, where `akhlak merge` finds it.

    \b
    Example:
      akhlak survey create --questionnaire questionnaires/berakhlak.toml \\
        --units units.csv --name "Survei BerAKHLAK 2026" -o survei-2026.akhlak-survey
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public, unlock_coordinator
    from akhlak_tui.files import write_file_atomically
    from akhlak_tui.questionnaire import QuestionnaireError, UnitsError, load_questionnaire, load_units_csv
    from akhlak_tui.questionnaire.units import check_staff_profile
    from akhlak_tui.survey import SurveyPackageError, create_survey_package, keep_created_package

    try:
        questionnaire = load_questionnaire(questionnaire_file)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(2) from None
    try:
        units = load_units_csv(units_file)
        check_staff_profile(units, questionnaire, units_file)
    except UnitsError as exc:
        raise UserError(str(exc), exit_code=2) from None
    from akhlak_tui.evaluation.loading import EvaluationError, builtin_instrument_text, read_instrument_text

    try:
        evaluation_toml = read_instrument_text(evaluation_file) if evaluation_file else builtin_instrument_text()
    except EvaluationError as exc:
        raise UserError(str(exc.problems[0]), exit_code=2) from None
    data_dir = obj.data_dir
    try:
        load_coordinator_public(data_dir)
        keys = unlock_coordinator(data_dir, resolve_passphrase(passphrase_file))
        package, data = create_survey_package(
            coordinator=keys,
            name=name,
            questionnaire_toml=Path(questionnaire_file).read_text(encoding="utf-8"),
            units=units,
            questionnaire_file=questionnaire_file,
            evaluation_toml=evaluation_toml,
            evaluation_file=evaluation_file or "evaluasi.toml",
        )
    except (CoordinatorKeyError, SurveyPackageError) as exc:
        raise UserError(str(exc)) from None
    except EvaluationError as exc:
        raise UserError(str(exc.problems[0]), exit_code=2) from None
    target = Path(output)
    try:
        write_file_atomically(target, data)
    except OSError as exc:
        raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
    kept = keep_created_package(data_dir, package, data)
    click.echo(f"Survey package: {target}")
    click.echo(f"  survey {package.survey_id}: {package.name}")
    click.echo(f"  questionnaire {package.questionnaire_id} {package.questionnaire_version} (hash {package.questionnaire_hash[:12]}), {len(units)} units")
    click.echo(f"  evaluation hash {package.evaluation_hash[:12]}")  # type: ignore[index]
    click.echo(f"  coordinator fingerprint {keys.public.fingerprint}")
    click.echo(f"  copy kept in {kept}")
    click.echo("Keep a copy of the package file with the recovery file: on a new computer, `akhlak survey import FILE` restores the survey.")


@survey.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_cli
def import_survey(obj: CliContext, file: str) -> None:
    """Restore a survey this coordinator created from its package file (on a new computer).

    After `akhlak coordinator recover` on a new computer, `akhlak merge` knows no survey until
    it is imported. FILE is the package `akhlak survey create` wrote (a copy travels on every
    USB stick). It must be signed by this coordinator's keys; a package signed by another key is
    refused. No passphrase is needed. See docs/security.md, "Lost the coordinator's computer".

    \b
    Example:
      akhlak survey import /media/usb/survei-2026.akhlak-survey
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, coordinator_dir, has_coordinator
    from akhlak_tui.survey import SurveyPackageError, import_created_package

    data_dir = obj.data_dir
    if not has_coordinator(data_dir):
        raise UserError(
            f"{coordinator_dir(data_dir)}: no coordinator keys here; restore them first "
            "(`akhlak coordinator recover RECOVERY_FILE`), then import the survey"
        )
    try:
        imported = import_created_package(data_dir, Path(file))
    except (CoordinatorKeyError, SurveyPackageError) as exc:
        raise UserError(str(exc)) from None
    package = imported.package
    click.echo(f"Survey {package.survey_id}: {package.name}")
    click.echo(f"  signed by this coordinator ({package.coordinator_public.fingerprint})")
    click.echo(f"  {'already kept' if imported.already else 'kept'} in {imported.path}; `akhlak merge` takes its bundles")


@survey.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--new-coordinator", is_flag=True, help="Accept a package from a coordinator this laptop has not seen before.")
@click.option("--name", default=None, help="This laptop's name for the coordinator (asked when run in a terminal; else the one given before, or the computer's name).")
@pass_cli
def install(obj: CliContext, file: str, new_coordinator: bool, name: str | None) -> None:
    """Verify a survey package's signature, install it as the active survey, and enrol the laptop.

    Compare the fingerprint shown with the one the coordinator gave you. Unless the laptop is
    enrolled for the survey already, it picks up its enrolment from the package's directory
    if the coordinator put it there (`akhlak device approve`), or else writes its enrolment
    request there for the coordinator to approve. Bundles of a laptop count only once the
    coordinator has approved it.

    \b
    Examples:
      akhlak survey install /media/usb/survei-2026.akhlak-survey --name "Puskesmas Sentosa 1"
      akhlak survey install /media/usb/survei-2026.akhlak-survey      (again: picks up the enrolment)
    """
    from akhlak_tui.survey import SurveyPackageError, install_survey

    try:
        result = install_survey(obj.data_dir, Path(file), allow_new_coordinator=new_coordinator)
    except SurveyPackageError as exc:
        raise UserError(str(exc)) from None
    package = result.package
    click.echo(f"Survey:      {package.name} ({package.survey_id})")
    click.echo(f"Coordinator: {package.coordinator_public.fingerprint}")
    click.echo(f"Units:       {len(package.units)}; questionnaire {package.questionnaire_id} {package.questionnaire_version}")
    click.echo(("Already installed; now active." if result.already_installed else "Installed and active.") + " Compare the fingerprint with the coordinator's.")
    _enrol(obj, package, Path(file).parent, name)


def _enrol(obj: CliContext, package: SurveyPackage, directory: Path, name: str | None) -> None:
    """Pick up this laptop's enrolment from `directory`, or write its request there."""
    import sys

    from pydantic import ValidationError

    from akhlak_tui.crypto.device import DeviceKeyError, load_or_create_device
    from akhlak_tui.enrolment.documents import EnrolmentError
    from akhlak_tui.enrolment.laptop import default_name, find_enrolment, install_enrolment, laptop_enrolment, remembered_name, write_request

    try:
        device = load_or_create_device(obj.data_dir)
    except DeviceKeyError as exc:
        raise UserError(str(exc)) from None
    if laptop_enrolment(obj.data_dir, package.survey_id) is not None:
        click.echo(f"Enrolment:   device {device.id} is enrolled for this survey.")
        return
    found = find_enrolment(directory, package.survey_id, device.id)
    if found is not None:
        try:
            installed = install_enrolment(obj.data_dir, device, found)
        except EnrolmentError as exc:
            raise UserError(str(exc)) from None
        click.echo(f"Enrolment:   installed from {found.name}: device {device.id} ({installed.enrolment.body.name!r}) is enrolled.")
        return
    if name is None:
        name = remembered_name(obj.data_dir) or default_name()
        if sys.stdin.isatty():
            name = click.prompt("Name of this laptop, for the coordinator", default=name)
    try:
        request = write_request(obj.data_dir, device, package, directory, name)
    except ValidationError:
        raise UserError(f"--name {name!r}: give 1 to 80 characters, no control characters", exit_code=2) from None
    except OSError as exc:
        raise UserError(f"{directory}: cannot write the enrolment request: {exc.strerror or exc} (install from a writable stick)") from None
    click.echo(f"Enrolment:   request written to {request}")
    click.echo(f"             device {device.id}, fingerprint {device.fingerprint}, name {name.strip()!r}.")
    click.echo("             The coordinator approves it (`akhlak device approve`); then run this install again to pick up the enrolment.")


@survey.command(name="list")
@pass_cli
def list_surveys(obj: CliContext) -> None:
    """List the surveys installed on this laptop; `*` marks the active one.

    \b
    Example:
      akhlak survey list
    """
    from akhlak_tui.survey import installed_surveys

    rows = installed_surveys(obj.data_dir)
    if not rows:
        click.echo("No survey installed: the app runs practice on the built-in questionnaire.")
        return
    for row in rows:
        click.echo(f"{'*' if row.active else ' '} {row.id}  {row.name}  (coordinator {row.coordinator_fingerprint[:14]}, installed {row.installed_at[:10]})")
    if not any(row.active for row in rows):
        click.echo("No survey is active: the app runs practice (`akhlak survey activate ID`).")


@survey.command()
@click.argument("survey_id", required=False)
@click.option("--practice", is_flag=True, help="Run practice on the built-in questionnaire instead.")
@pass_cli
def activate(obj: CliContext, survey_id: str | None, practice: bool) -> None:
    """Make an installed survey the active one (or --practice for the built-in questionnaire).

    \b
    Examples:
      akhlak survey activate rjpykpayxtiyngsu
      akhlak survey activate --practice
    """
    from akhlak_tui.survey import SurveyPackageError, activate_survey

    if practice == bool(survey_id):
        raise UserError("give a SURVEY_ID or --practice (one of them)", exit_code=2)
    try:
        package = activate_survey(obj.data_dir, survey_id)
    except SurveyPackageError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Active: {package.name} ({package.survey_id})" if package else "Active: practice on the built-in questionnaire")


@survey.command()
@click.argument("survey_id")
@click.option("--force", is_flag=True, help="Remove it even though responses would be lost (warns and asks first).")
@click.option("--yes", is_flag=True, help="With --force: do not ask for confirmation.")
@pass_cli
def uninstall(obj: CliContext, survey_id: str, force: bool, yes: bool) -> None:
    """Remove a finished survey from this laptop: its package, responses, exports and enrolment.

    Refused while any of its responses is unfinished, not exported, or exported but not yet
    received by the coordinator (import the coordinator's receipt first: `akhlak receipt
    import`). `--force` removes it anyway, after a warning of what is lost and a confirmation
    (`--yes` skips the question). If it was the active survey, the app runs practice afterwards.

    \b
    Examples:
      akhlak survey uninstall rjpykpayxtiyngsu
      akhlak survey uninstall rjpykpayxtiyngsu --force
    """
    from akhlak_tui.cli.passphrase import require_terminal
    from akhlak_tui.survey import SurveyPackageError
    from akhlak_tui.survey.uninstall import SurveyAtRisk, at_risk_text, uninstall_survey

    try:
        try:
            result = uninstall_survey(obj.data_dir, survey_id)
        except SurveyAtRisk as exc:
            if not force:
                raise
            click.echo(
                f"WARNING: {count(exc.progress.at_risk, 'response')} of survey {survey_id} {'has' if exc.progress.at_risk == 1 else 'have'} not reached the coordinator "
                f"({at_risk_text(exc.progress)}); removing the survey deletes them for ever.",
                err=True,
            )
            if not yes:
                require_terminal("a confirmation", "--yes to confirm")
                if not click.confirm("Delete them and remove the survey?", default=False, err=True):
                    raise UserError("not removed: nothing was deleted") from None
            result = uninstall_survey(obj.data_dir, survey_id, force=True)
    except SurveyPackageError as exc:
        raise UserError(str(exc)) from None
    lost = (", never received by the coordinator" if result.removed == 1 else f", {result.lost} of them never received by the coordinator") if result.lost else ""
    click.echo(f"Removed survey {result.survey_id} ({result.name}): {count(result.removed, 'response')} deleted from this laptop{lost}")
    if result.was_active:
        click.echo("It was the active survey: the app now runs practice (`akhlak survey activate ID` picks another).")
    if not result.wal_emptied:
        click.echo("Note: another program has the store open; old copies of what was removed leave its WAL file when it closes.")
