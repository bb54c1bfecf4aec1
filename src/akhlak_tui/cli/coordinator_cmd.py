"""`akhlak coordinator init|show|recover`: the coordinator's key pairs, fingerprints and key recovery."""

from __future__ import annotations

import os
from pathlib import Path

import click

from akhlak_tui.cli.context import CliContext, pass_cli
from akhlak_tui.cli.errors import UserError
from akhlak_tui.cli.passphrase import passphrase_file_option, read_secret_file, require_terminal, resolve_passphrase

ENV_RECOVERY_CODE = "AKHLAK_RECOVERY_CODE"


@click.group()
def coordinator() -> None:
    """The coordinator's keys: sign survey packages, open the bundles laptops send.

    \b
    Examples:
      akhlak coordinator init
      akhlak coordinator show
      akhlak coordinator recover /media/safe/akhlak-recovery-7KQ2MX4A.json
    """


def _show_public(public) -> None:
    click.echo(f"Coordinator fingerprint: {public.fingerprint}")
    click.echo(f"  signing key (Ed25519):    {public.signing_fingerprint}")
    click.echo(f"  encryption key (X25519):  {public.box_fingerprint}")


@coordinator.command()
@passphrase_file_option
@click.option(
    "--recovery-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the recovery file (default: akhlak-recovery-<ID>.json in the current directory).",
)
@pass_cli
def init(obj: CliContext, passphrase_file: str | None, recovery_file: str | None) -> None:
    """Create the coordinator's key pairs, protected by a passphrase (asked twice).

    Also writes a recovery file and prints a recovery code: together they restore the keys
    if the passphrase is forgotten or this computer is lost. Keep the file on separate media
    and the code on paper, apart from each other.

    \b
    Examples:
      akhlak coordinator init
      akhlak coordinator init --passphrase-file ~/secret.txt --recovery-file /media/usb/recovery.json
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, check_new_passphrase, has_coordinator, init_coordinator, key_file
    from akhlak_tui.files import write_private_file

    data_dir = obj.data_dir
    if has_coordinator(data_dir):
        raise UserError(f"{key_file(data_dir)}: coordinator keys already exist; they are never replaced (see `akhlak coordinator show`)")
    if recovery_file:
        _check_recovery_target(Path(recovery_file))
    else:
        _check_recovery_target(Path.cwd() / "akhlak-recovery-ID.json", named=False)
    passphrase = resolve_passphrase(passphrase_file, new=True, prompt="New coordinator passphrase")
    try:
        check_new_passphrase(passphrase)
        made = init_coordinator(data_dir, passphrase)
    except CoordinatorKeyError as exc:
        raise UserError(str(exc)) from None
    target = Path(recovery_file) if recovery_file else Path.cwd() / f"akhlak-recovery-{made.public.id}.json"
    try:
        write_private_file(target, made.recovery_text.encode("utf-8"))
    except OSError as exc:
        raise UserError(
            f"{target}: cannot write the recovery file: {exc.strerror or exc}; the keys were made ({made.key_file}); "
            "run `akhlak coordinator init` on a fresh data dir to start over"
        ) from None
    click.echo(f"Coordinator keys made: {made.key_file}")
    _show_public(made.public)
    click.echo("")
    click.echo(f"Recovery file: {target}")
    click.echo(f"Recovery code: {made.recovery_code}")
    click.echo("")
    click.echo("Copy the recovery file to separate media (e.g. a USB stick kept in a safe) and delete it here.")
    click.echo("Write the recovery code on paper and keep it apart from the file. Together they restore")
    click.echo("the keys (`akhlak coordinator recover FILE`); without both, a forgotten passphrase loses every bundle.")


def _check_recovery_target(target: Path, *, named: bool = True) -> None:
    """Refuse, before any key is made, a recovery file that could not be written where asked.

    Its directory must exist and take a new file (tried with a hidden file, removed at once), and
    a file of that name must not exist: it could be the recovery file of other keys.
    """
    from akhlak_tui.files import create_private_file

    where = target if named else target.parent
    if named and (target.exists() or target.is_symlink()):
        raise UserError(f"{target}: already exists (another coordinator's recovery file?); give a new file name with --recovery-file")
    if not target.parent.is_dir():
        raise UserError(f"{target.parent}: no such directory for the recovery file; create it or give another --recovery-file")
    probe = target.parent / f".akhlak-recovery-probe-{os.getpid()}"
    try:
        create_private_file(probe)
        probe.unlink()
    except OSError as exc:
        raise UserError(f"{where}: cannot write the recovery file there: {exc.strerror or exc}; give another --recovery-file") from None


@coordinator.command()
@pass_cli
def show(obj: CliContext) -> None:
    """Show the coordinator's public key fingerprints, for reading aloud and comparing.

    Laptops show the same fingerprint when a survey package is installed.

    \b
    Example:
      akhlak coordinator show
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, load_coordinator_public

    try:
        public = load_coordinator_public(obj.data_dir)
    except CoordinatorKeyError as exc:
        raise UserError(str(exc)) from None
    _show_public(public)


@coordinator.command()
@click.argument("recovery_file", type=click.Path(dir_okay=False))
@click.option("--code-file", type=click.Path(dir_okay=False), default=None, help=f"Read the recovery code from FILE (else ${ENV_RECOVERY_CODE}, else a prompt).")
@passphrase_file_option
@pass_cli
def recover(obj: CliContext, recovery_file: str, code_file: str | None, passphrase_file: str | None) -> None:
    """Restore the coordinator's keys from RECOVERY_FILE and its recovery code, under a new passphrase.

    Use it when the passphrase is forgotten or the coordinator's computer is lost.

    \b
    Example:
      akhlak coordinator recover /media/safe/akhlak-recovery-7KQ2MX4A.json
    """
    from akhlak_tui.crypto.coordinator import CoordinatorKeyError, check_recovery_file, recover_coordinator

    try:
        check_recovery_file(Path(recovery_file))
    except CoordinatorKeyError as exc:
        raise UserError(str(exc)) from None
    if code_file:
        code = read_secret_file(code_file, "recovery code")
    else:
        code = os.environ.get(ENV_RECOVERY_CODE)
        if not code:
            require_terminal("the recovery code", f"--code-file FILE or set {ENV_RECOVERY_CODE}")
            code = click.prompt("Recovery code", err=True)
    passphrase = resolve_passphrase(passphrase_file, new=True, prompt="New coordinator passphrase")
    try:
        public = recover_coordinator(obj.data_dir, Path(recovery_file), code, passphrase)
    except CoordinatorKeyError as exc:
        raise UserError(str(exc)) from None
    click.echo("Coordinator keys restored under the new passphrase.")
    _show_public(public)
