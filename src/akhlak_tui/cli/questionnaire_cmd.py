"""`akhlak questionnaire validate|show|schema`: check, outline and describe questionnaire files."""

from __future__ import annotations

import json

import click

from akhlak_tui.cli.errors import UserError


@click.group()
def questionnaire() -> None:
    """Check and inspect questionnaire files.

    \b
    Examples:
      akhlak questionnaire validate questionnaires/berakhlak.toml
      akhlak questionnaire show questionnaires/berakhlak.toml
      akhlak questionnaire schema > questionnaire.schema.json
    """


@questionnaire.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate(files: tuple[str, ...]) -> None:
    """Check questionnaire FILES: every problem on one line, exit 2 if any.

    \b
    Example:
      akhlak questionnaire validate questionnaires/berakhlak.toml
    """
    from akhlak_tui.questionnaire import load_questionnaire

    validate_files(
        files,
        load_questionnaire,
        lambda q: f"{q.id} {q.version}, {len(q.answerable_items)} questions, hash {q.content_hash[:12]}",
    )


def validate_files(files: tuple[str, ...], load, describe) -> None:
    """Load each file with `load` (raising QuestionnaireError): print every problem, or `describe(loaded)`; exit 2 on any problem."""
    from akhlak_tui.questionnaire import QuestionnaireError

    failed = False
    for name in files:
        try:
            loaded = load(name)
        except QuestionnaireError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            continue
        click.echo(f"{name}: ok ({describe(loaded)})")
    if failed:
        raise SystemExit(2)


@questionnaire.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--lang", default=None, help="Language of the labels (default: the questionnaire's first).")
def show(file: str | None, lang: str | None) -> None:
    """Print an outline of FILE (default: the built-in BerAKHLAK questionnaire).

    \b
    Example:
      akhlak questionnaire show questionnaires/berakhlak.toml --lang en
    """
    from akhlak_tui.questionnaire import QuestionnaireError, load_questionnaire, tr
    from akhlak_tui.questionnaire.builtin import builtin_questionnaire

    try:
        q = load_questionnaire(file) if file else builtin_questionnaire()
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(2) from None
    lang = lang or q.languages[0]
    if lang not in q.languages:
        raise UserError(f"--lang {lang}: not offered by {q.id} (offered: {', '.join(q.languages)})", exit_code=2)

    click.echo(f"{tr(q.questionnaire.title, lang)}")
    click.echo(f"  id {q.id}, version {q.version}, languages {', '.join(q.languages)}")
    click.echo(f"  hash {q.content_hash}")
    click.echo(f"  scoring: {q.scoring.method}, minimum group size {q.scoring.min_group_size}")
    if q.dimensions:
        click.echo("Dimensions:")
        for dim in q.dimensions:
            n = sum(1 for i in q.items if getattr(i, "dimension", None) == dim.id)
            click.echo(f"  {dim.id:<4} {tr(dim.label, lang)} ({n} items)")
    for section in q.sections:
        click.echo(f"Section {section.id}: {tr(section.title, lang)}")
        for item in section.items:
            extra = []
            if getattr(item, "dimension", None):
                extra.append(item.dimension)  # type: ignore[attr-defined]
            if getattr(item, "reverse", False):
                extra.append("reverse")
            if item.type == "multi":  # type: ignore[attr-defined]
                extra.append(f"{len(item.options)} options, {item.min_picks}-{item.effective_max} picks")  # type: ignore[attr-defined]
            elif item.type == "single":  # type: ignore[attr-defined]
                extra.append(f"{len(item.options)} options")  # type: ignore[attr-defined]
            if item.required:
                extra.append("required")
            if item.relevant:
                extra.append(f"if {item.relevant}")
            label = tr(item.label, lang).replace("\n", " ")
            if len(label) > 60:
                label = label[:57] + "..."
            click.echo(f"  {item.id:<16} {item.type:<8} {label}" + (f"  [{'; '.join(extra)}]" if extra else ""))  # type: ignore[attr-defined]
    counts = q.count_by_type()
    values = q.scoring.values
    n_values = sum(1 for k in ("personal", "current", "desired") if values and getattr(values, k))
    click.echo(
        "Counts: "
        + ", ".join(f"{counts[t]} {t}" for t in sorted(counts))
        + f"; {len(q.dimensions)} dimensions; {n_values} values questions"
    )


@questionnaire.command()
def schema() -> None:
    """Print the JSON Schema of questionnaire files (for editor completion and checks).

    \b
    Example:
      akhlak questionnaire schema > questionnaire.schema.json
    """
    from akhlak_tui.questionnaire.model import Questionnaire

    click.echo(json.dumps(Questionnaire.model_json_schema(), indent=2, ensure_ascii=False))
