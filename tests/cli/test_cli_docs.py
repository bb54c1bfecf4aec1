"""Every command has help with an example, and docs/cli.md is the help of every command, in sync.

Regenerate the reference after changing a command: AKHLAK_UPDATE_DOCS=1 python -m pytest tests/cli/test_cli_docs.py
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest

from akhlak_tui.cli import cli

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from walk(command.get_command(ctx, name), [*path, name])


def all_commands():
    return list(walk(cli, ["akhlak"]))


def help_text(path: list[str], command: click.Command) -> str:
    """The --help of a command, as `akhlak ... --help` prints it (same contexts, same settings)."""
    ctx = cli.make_context("akhlak", [*path[1:], "--help"], resilient_parsing=True)
    for name in path[1:]:
        group = ctx.command
        ctx = click.Context(group.get_command(ctx, name), info_name=name, parent=ctx)  # type: ignore[union-attr]
    ctx.terminal_width = ctx.max_content_width = 100
    return command.get_help(ctx)


def render_reference() -> str:
    parts = [
        "# Command reference\n",
        "Generated from `--help` by `AKHLAK_UPDATE_DOCS=1 python -m pytest tests/cli/test_cli_docs.py`;",
        "a test fails when it is out of date.\n",
    ]
    for path, command in all_commands():
        parts.append(f"## `{' '.join(path)}`\n")
        parts.append("```\n" + help_text(path, command).rstrip() + "\n```\n")
    return "\n".join(parts)


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in all_commands()])
def test_every_command_has_help_with_an_example(path):
    command = dict((" ".join(p), c) for p, c in all_commands())[path]
    assert command.help and len(command.help.strip()) > 20, path
    assert "Example" in command.help, f"{path}: --help has no example"


def test_reference_is_up_to_date():
    text = render_reference()
    if os.environ.get("AKHLAK_UPDATE_DOCS"):
        REFERENCE.write_text(text, encoding="utf-8")
    assert REFERENCE.read_text(encoding="utf-8") == text, "docs/cli.md is stale: regenerate it (see this file's docstring)"
