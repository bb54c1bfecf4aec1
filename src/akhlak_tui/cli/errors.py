"""One-line user errors for the CLI: `error: FILE: place: problem` on stderr and a non-zero exit."""

from __future__ import annotations

import click


class UserError(click.ClickException):
    """A problem the user can fix; printed as one line, never with a traceback."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    def show(self, file=None) -> None:  # type: ignore[override]
        click.echo(f"error: {self.format_message()}", err=True, file=file)


def usage_error(exc: click.UsageError, command_path: str = "akhlak") -> UserError:
    """A click usage error (bad option value, unknown command) as one line naming the command, exit 2;
    `command_path` names it when click gives no context (a missing option value)."""
    command = exc.ctx.command_path if exc.ctx is not None else command_path
    return UserError(f"{command}: {exc.format_message()} (see `{command} --help`)", exit_code=exc.exit_code)
