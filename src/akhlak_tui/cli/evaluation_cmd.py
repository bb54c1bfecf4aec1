"""`akhlak evaluation`: the evidence-based evaluation: instrument, template, import, status, verify."""

from __future__ import annotations

from pathlib import Path

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError

DB_OPTION = click.option("--db", type=click.Path(dir_okay=False), help="Merged database (default: merged.db in the data dir).")
INSTRUMENT_OPTION = click.option(
    "--instrument", type=click.Path(dir_okay=False), help="Evaluation file (default: the one the merged database holds, else the built-in one)."
)


@click.group()
def evaluation() -> None:
    """The evidence-based evaluation (Evaluasi Implementasi BerAKHLAK) and the composite index.

    Each unit gets a form, returns it with its evidence, and an evaluator checks the evidence
    and sets the verified level. Reports then show the survey index, the evaluation index and
    the composite side by side (docs/evaluation-format.md, docs/scoring.md).

    \b
    Examples:
      akhlak evaluation template -o evaluasi.xlsx
      akhlak evaluation import kembali/*.xlsx
      akhlak evaluation status
      akhlak evaluation verify DINKES agd_agen 50 --note "SK ada, laporan belum"
    """


def _load_file(name: str):
    from akhlak_tui.evaluation.loading import EvaluationError, load_instrument, read_instrument_text

    try:
        return read_instrument_text(name), load_instrument(name)
    except EvaluationError as exc:
        raise UserError(str(exc.problems[0]), exit_code=2) from None


def _instrument(store, file: str | None, obj: CliContext | None = None, mdb=None):
    """The instrument to use and its text: --instrument, else the one the merged database holds,
    else the one the survey's package carries, else the built-in one."""
    from akhlak_tui.evaluation.loading import builtin_instrument, builtin_instrument_text, parse_instrument

    if file:
        return _load_file(file)
    bound = store.instrument() if store is not None else None
    if bound is not None:
        row = next(iter(store.db["evaluation_instrument"].rows))
        return row["toml"], bound
    carried = _package_evaluation(obj, mdb) if obj is not None and mdb is not None else None
    if carried is not None:
        return carried, parse_instrument(carried, "survey package evaluation")
    return builtin_instrument_text(), builtin_instrument()


def _package_evaluation(obj: CliContext, mdb) -> str | None:
    """The evaluation carried by the merged survey's package in this coordinator's data dir, if any."""
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError
    from akhlak_tui.survey import SurveyPackageError
    from akhlak_tui.survey.library import coordinator_survey

    try:
        return coordinator_survey(obj.data_dir, mdb.require_survey()["id"]).evaluation_toml
    except (SurveyPackageError, CoordinatorKeyError, OSError):
        return None  # no coordinator here, or the package is elsewhere: the built-in instrument


def _open(obj: CliContext, db: str | None):
    from akhlak_tui.cli.report_cmd import merged_db_path, open_merged
    from akhlak_tui.evaluation.store import EvaluationStore

    mdb = open_merged(merged_db_path(obj, db))
    return mdb, EvaluationStore(mdb.db)


def _bound(store):
    instrument = store.instrument()
    if instrument is None:
        raise UserError("no evaluation imported yet (run `akhlak evaluation import FILE...` first)")
    return instrument


@evaluation.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate(files: tuple[str, ...]) -> None:
    """Check evaluation FILES: every problem on one line, exit 2 if any.

    \b
    Example:
      akhlak evaluation validate questionnaires/evaluasi.toml
    """
    from akhlak_tui.cli.questionnaire_cmd import validate_files
    from akhlak_tui.evaluation.loading import load_instrument

    validate_files(
        files,
        load_instrument,
        lambda ins: f"{ins.id} {ins.version}, {len(ins.stages)} stages, {len(ins.criteria)} criteria, hash {ins.content_hash[:12]}",
    )


@evaluation.command()
def schema() -> None:
    """Print the JSON Schema of evaluation files (docs/evaluation-schema.json).

    \b
    Example:
      akhlak evaluation schema > evaluation.schema.json
    """
    from akhlak_tui.evaluation.loading import instrument_json_schema

    click.echo(instrument_json_schema(), nl=False)


@evaluation.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The workbook to write (.xlsx).")
@click.option("--units", "units_file", type=click.Path(dir_okay=False), help="Unit list CSV (default: the units of the merged database).")
@click.option("--unit", "only", multiple=True, metavar="CODE", help="Only this unit's sheet (repeat for more): a form to send to one unit.")
@DB_OPTION
@INSTRUMENT_OPTION
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True, help="Language of the form.")
@pass_cli
def template(obj: CliContext, output: str, units_file: str | None, only: tuple[str, ...], db: str | None, instrument: str | None, lang: str) -> None:
    """Write the form units fill in: one sheet per unit, the criteria and levels spelled out,
    a drop-down for the level claimed, columns for the evidence and notes.

    \b
    Examples:
      akhlak evaluation template -o evaluasi.xlsx
      akhlak evaluation template -o evaluasi.xlsx --units unit.csv --lang en
      akhlak evaluation template -o evaluasi-dinkes.xlsx --unit DINKES

    A workbook with every unit's sheet may go to every unit: a sheet nobody filled in is
    not taken as that unit's return.
    """
    from akhlak_tui import locations
    from akhlak_tui.evaluation.workbook import write_template

    if units_file:
        from akhlak_tui.questionnaire.units import UnitsError, load_units_csv

        try:
            units = load_units_csv(units_file)
        except UnitsError as exc:
            raise UserError(str(exc)) from None
        mdb = store = None
        if db or locations.merged_path(obj.data_dir).is_file():
            mdb, store = _open(obj, db)
    else:
        if not db and not locations.merged_path(obj.data_dir).is_file():
            raise UserError(f"{locations.merged_path(obj.data_dir)}: no merged database here: give --units FILE.csv, or --db FILE")
        mdb, store = _open(obj, db)
        units = mdb.units
    unknown = [code for code in only if code not in {u.code for u in units}]
    if unknown:
        raise UserError(f"--unit: unknown unit {unknown[0]!r} (not in the unit list)")
    if only:
        units = [u for u in units if u.code in only]
    _, ins = _instrument(store, instrument, obj, mdb)
    target = Path(output)
    try:
        write_template(target, ins, units, lang)
    except OSError as exc:
        raise UserError(f"{target}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {target} ({len(units)} units, {len(ins.criteria)} criteria)")


@evaluation.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@DB_OPTION
@INSTRUMENT_OPTION
@pass_cli
def import_(obj: CliContext, files: tuple[str, ...], db: str | None, instrument: str | None) -> None:
    """Import returned forms (xlsx or csv: unit,criterion,level,evidence,note), all or none.

    Evidence files named in a form that sit beside it are copied into the data dir under
    their SHA-256. A re-imported unit's claims replace the earlier ones; history keeps both.

    \b
    Examples:
      akhlak evaluation import kembali/DINKES.xlsx kembali/RSUD.xlsx
      akhlak evaluation import klaim.csv
    """
    from akhlak_tui.evaluation.store import EvaluationStoreError
    from akhlak_tui.evaluation.workbook import FormError, read_forms

    mdb, store = _open(obj, db)
    text, ins = _instrument(store, instrument, obj, mdb)
    try:
        returns = read_forms([Path(f) for f in files], ins, mdb.units, obj.data_dir / "evidence")
        store.store_returns(returns, text, ins)
    except (FormError, EvaluationStoreError) as exc:
        raise UserError(str(exc)) from None
    for ret in returns:
        claimed = sum(1 for c in ret.claims if c.level is not None)
        click.echo(f"{ret.unit}: {claimed} of {len(ret.claims)} criteria claimed, {len(ret.evidence)} evidence files ({ret.file})")


@evaluation.command()
@DB_OPTION
@pass_cli
def status(obj: CliContext, db: str | None) -> None:
    """Which units have returned the form, which are verified, which are missing.

    \b
    Example:
      akhlak evaluation status
    """
    from akhlak_tui.evaluation.store import EvaluationStore

    mdb, store = _open(obj, db)
    if not EvaluationStore.has_evaluation(mdb.db):
        click.echo(f"no evaluation imported yet: all {len(mdb.units)} units missing")
        return
    state = store.state()
    ins = state.instrument
    n = len(ins.criteria)
    counts = {"verified": 0, "in review": 0, "returned": 0, "missing": 0}
    click.echo(f"{ins.id} {ins.version} ({n} criteria)")
    for unit in mdb.units:
        verified = len([c for c in state.verified.get(unit.code, {}) if c in ins.criterion_by_id])
        if verified == n:
            word = "verified"
        elif verified:
            word = "in review"
        elif unit.code in state.returned:
            word = "returned"
        else:
            word = "missing"
        counts[word] += 1
        detail = f"{verified}/{n} verified" if word != "missing" else ""
        checked = state.verified.get(unit.code, {})
        changed = [c for c, claim in state.claims.get(unit.code, {}).items() if c in checked and claim["at"] > checked[c]["at"]]
        if changed:
            detail += f"; claims changed since verified: {', '.join(changed)}"
        click.echo(f"  {unit.code:<16} {word:<10} {detail}")
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@evaluation.command()
@click.argument("unit")
@click.argument("criterion")
@click.argument("level", type=int)
@click.option("--note", default="", help="Why this level: what evidence was seen.")
@DB_OPTION
@pass_cli
def verify(obj: CliContext, unit: str, criterion: str, level: int, note: str, db: str | None) -> None:
    """Set the verified LEVEL of CRITERION for UNIT (kept with its time and note in history).

    \b
    Example:
      akhlak evaluation verify DINKES agd_agen 50 --note "SK ada, laporan kegiatan belum"
    """
    mdb, store = _open(obj, db)
    ins = _bound(store)
    if unit not in {u.code for u in mdb.units}:
        raise UserError(f"unknown unit {unit!r} (not in the survey's unit list)")
    c = ins.criterion_by_id.get(criterion)
    if c is None:
        raise UserError(f"unknown criterion {criterion!r} (known: {', '.join(ins.criterion_by_id)})")
    scores = ins.scale_for(c).scores
    if level not in scores:
        raise UserError(f"unknown level {level} for criterion {criterion!r} (levels: {', '.join(map(str, scores))})")
    store.verify(unit, criterion, level, note)
    click.echo(f"{unit} {criterion}: verified level {level}")


@evaluation.command()
@click.option("--survey-index", type=float, help="The organisation's survey index computed elsewhere (e.g. published by the ministry).")
@click.option("--evaluation-index", type=float, help="The organisation's evaluation index computed elsewhere.")
@click.option("--source", required=True, help="Where the number comes from (shown in every report).")
@click.option("--clear", is_flag=True, help="Remove the given entered numbers; the computed ones are used again.")
@DB_OPTION
@pass_cli
def organisation(obj: CliContext, survey_index: float | None, evaluation_index: float | None, source: str, clear: bool, db: str | None) -> None:
    """Enter the organisation's own result when it was computed elsewhere; reports name the source.

    \b
    Example:
      akhlak evaluation organisation --survey-index 78.0 --source "KemenPAN-RB, 2025"
    """
    _, store = _open(obj, db)
    given = {"survey_index": survey_index, "evaluation_index": evaluation_index}
    if all(v is None for v in given.values()):
        raise UserError("give --survey-index and/or --evaluation-index")
    for key, value in given.items():
        if value is None:
            continue
        if not 0 <= value <= 100:
            raise UserError(f"--{key.replace('_', '-')}: {value} is not between 0 and 100")
        store.set_organisation(key, None if clear else value, source)
        click.echo(f"{key}: {'removed' if clear else value} ({source})")


@evaluation.command()
@click.argument("unit", required=False)
@DB_OPTION
@pass_cli
def history(obj: CliContext, unit: str | None, db: str | None) -> None:
    """Every change to the evaluation, oldest first (of one UNIT if given).

    \b
    Example:
      akhlak evaluation history DINKES
    """
    _, store = _open(obj, db)
    for row in store.history(unit):
        note = f"  ({row['note']})" if row["note"] else ""
        click.echo(f"{row['at']}  {row['unit'] or '-':<12} {row['criterion'] or '-':<18} {row['kind']:<12} {row['old'] or '-'} -> {row['new'] or '-'}{note}")
