"""The coordinator passphrase for any command: --passphrase-file, else AKHLAK_PASSPHRASE, else a prompt."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from akhlak_tui.cli.errors import UserError
from akhlak_tui.files import read_at_most

ENV_PASSPHRASE = "AKHLAK_PASSPHRASE"
MAX_PASSPHRASE_FILE = 4096

F = TypeVar("F", bound=Callable[..., Any])


def passphrase_file_option(function: F) -> F:
    """The `--passphrase-file FILE` option, shared by every command that needs the coordinator's keys."""
    return click.option(
        "--passphrase-file",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"Read the passphrase from the first line of FILE (else ${ENV_PASSPHRASE}, else a prompt).",
    )(function)


def read_secret_file(path: str, what: str = "passphrase") -> str:
    """The first line of a small file (the line ending removed); UserError if it cannot be used."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_PASSPHRASE_FILE:
            raise UserError(f"{path}: too large for a {what} file")
        text = read_at_most(file, MAX_PASSPHRASE_FILE).decode("utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the {what}: {getattr(exc, 'strerror', None) or exc}") from None
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise UserError(f"{path}: the first line is empty; expected the {what}")
    return secret


def stdin_is_terminal() -> bool:
    """Whether a person can answer a prompt: standard input is a terminal."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced standard input
        return False


def require_terminal(what: str, instead: str) -> None:
    """Refuse (one line, exit 2) to prompt for `what` when nobody can answer: no terminal on standard input."""
    if not stdin_is_terminal():
        raise UserError(f"{what} is needed and there is no terminal to ask on: give {instead}", exit_code=2)


def resolve_passphrase(passphrase_file: str | None, *, new: bool = False, prompt: str = "Coordinator passphrase") -> str:
    """The passphrase from --passphrase-file, else $AKHLAK_PASSPHRASE, else asked (twice when `new`)."""
    if passphrase_file:
        return read_secret_file(passphrase_file)
    from_env = os.environ.get(ENV_PASSPHRASE)
    if from_env:
        return from_env
    require_terminal("the passphrase", f"--passphrase-file FILE or set {ENV_PASSPHRASE}")
    value = click.prompt(prompt, hide_input=True, confirmation_prompt="Repeat to confirm" if new else False, err=True)
    if not value:
        raise UserError("the passphrase is empty")
    return value
