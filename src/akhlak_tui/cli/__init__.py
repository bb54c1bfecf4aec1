"""The `akhlak` command: a click group whose subcommands load lazily; no subcommand opens the TUI."""

from __future__ import annotations

import importlib
import os
import sys

import click

from akhlak_tui import __version__
from akhlak_tui.cli.context import CliContext
from akhlak_tui.cli.errors import UserError, usage_error

# name -> "module:attribute"; modules load only when their command runs (fast start, and the
# core commands never import Textual).
COMMANDS: dict[str, str] = {
    "coordinator": "akhlak_tui.cli.coordinator_cmd:coordinator",
    "dashboard": "akhlak_tui.cli.dashboard_cmd:dashboard",
    "data": "akhlak_tui.cli.data_cmd:data",
    "demo": "akhlak_tui.cli.demo_cmd:demo",
    "device": "akhlak_tui.cli.device_cmd:device",
    "evaluation": "akhlak_tui.cli.evaluation_cmd:evaluation",
    "export": "akhlak_tui.cli.export_cmd:export",
    "kit": "akhlak_tui.cli.kit_cmd:kit",
    "merge": "akhlak_tui.cli.merge_cmd:merge",
    "questionnaire": "akhlak_tui.cli.questionnaire_cmd:questionnaire",
    "receipt": "akhlak_tui.cli.receipt_cmd:receipt",
    "report": "akhlak_tui.cli.report_cmd:report",
    "survey": "akhlak_tui.cli.survey_cmd:survey",
    "status": "akhlak_tui.cli.status_cmd:status",
    "tui": "akhlak_tui.cli.tui_cmd:tui",
}


class AkhlakGroup(click.Group):
    """Lazy subcommands, and unexpected errors as one line unless --debug."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[override]
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise usage_error(exc) from None

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        args = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise usage_error(exc, _command_path(ctx, args)) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader (`akhlak status | head`) stopped reading: nothing to say
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(1) from None
        except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into one line
            obj = ctx.find_object(CliContext)
            if obj is not None and obj.debug:
                raise
            from akhlak_tui.store.errors import StoreError

            if isinstance(exc, StoreError):  # the laptop's store: a full disk, a read-only folder, a damaged file
                raise UserError(str(exc)) from None
            raise UserError(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)") from None


def _command_path(ctx: click.Context, args: list[str]) -> str:
    """`akhlak data export` from the words that name subcommands: for the usage errors click raises
    without a context (a missing option value), which would otherwise name only `akhlak`."""
    names, command = [ctx.command_path], ctx.command
    for arg in args:
        sub = command.get_command(ctx, arg) if isinstance(command, click.Group) else None
        if sub is None:
            break
        names.append(arg)
        command = sub
    return " ".join(names)


@click.group(cls=AkhlakGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="akhlak")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="AKHLAK_HOME",
    help="Where data lives (default: the user data dir; also AKHLAK_HOME).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, debug: bool) -> None:
    """akhlak-tui: the BerAKHLAK work-culture survey, offline.

    With no command, opens the survey app in the terminal.

    \b
    Examples:
      akhlak                       open the survey app
      akhlak status                where data lives and what is stored
      akhlak questionnaire validate my-survey.toml
    """
    ctx.obj = CliContext(data_dir_option=data_dir, debug=debug)
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.get_command(ctx, "tui"))  # type: ignore[union-attr]


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="akhlak")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
