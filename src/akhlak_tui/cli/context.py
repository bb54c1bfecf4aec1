"""What every command shares: the data dir, --debug, and lazily opened store and device."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from akhlak_tui import locations


@dataclass
class CliContext:
    """Options of the `akhlak` group, handed to each command."""

    data_dir_option: str | None = None
    debug: bool = False
    _data_dir: Path | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        if self._data_dir is None:
            from akhlak_tui.cli.errors import UserError

            try:
                self._data_dir = locations.data_dir(self.data_dir_option)
            except OSError as exc:
                raise UserError(f"{self.data_dir_option or 'data dir'}: cannot use as data dir: {exc.strerror or exc}") from None
        return self._data_dir


pass_cli = click.make_pass_decorator(CliContext, ensure=True)
