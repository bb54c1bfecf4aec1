"""Files: atomic, durable writes (temporary name, fsync, rename), owner-only for secrets; bounded reads."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

OWNER_ONLY = 0o600
"""The mode of every file holding answers or keys: read and written by its owner only."""
_BINARY = getattr(os, "O_BINARY", 0)


class FileTooLarge(OSError):
    """A file holds more than a reader's limit (`limit`, in bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit} bytes")
        self.limit = limit


def read_at_most(path: Path, limit: int) -> bytes:
    """The bytes of a small file; FileTooLarge when it holds more than `limit` (also a device or
    pipe, whose size stat cannot tell), other OSErrors as opening and reading raise them."""
    with Path(path).open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data


def read_small_file(path: Path, limit: int, error: Callable[[str], Exception], *, what: str = "") -> bytes:
    """`read_at_most`, with every failure raised as `error(one line naming the file)`; `what`
    names what the file should have been ("a returned form"), for a directory given instead."""
    try:
        return read_at_most(path, limit)
    except FileTooLarge:
        raise error(f"{path}: file is larger than the limit of {limit} bytes") from None
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory" + (f", not {what}" if what else "")) from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None


class NotARegularFile(OSError):
    """A path that is not a regular file (a directory, FIFO, socket, device, or a symbolic link loop); `kind` says which."""

    def __init__(self, kind: str) -> None:
        super().__init__(errno.EINVAL, kind)
        self.kind = kind


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def file_kind(mode: int) -> str | None:
    """What a file of this `st_mode` is when it is not a regular file (`a FIFO (named pipe)`, ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def open_regular_file(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open `path` for reading, and its status, only if it is (or links to) a regular file.

    Anything else raises NotARegularFile at once, without reading a byte: opening never waits
    for a FIFO's writer (non-blocking open where the platform has it), and the type is checked
    again on the open file, so swapping the name for a FIFO or a device in between does not help.
    Other OSErrors as opening raises them (FileNotFoundError also for a link to nothing).
    """
    try:
        before = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotARegularFile("a symbolic link loop") from None
        raise
    kind = file_kind(before.st_mode)
    if kind is not None:
        raise NotARegularFile(kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | _BINARY
    fd = os.open(path, flags)
    try:
        status = os.fstat(fd)
        kind = file_kind(status.st_mode)
        if kind is not None:
            raise NotARegularFile(kind)
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), status
    except BaseException:
        os.close(fd)
        raise


def fsync_directory(directory: Path) -> None:
    """Make a rename inside `directory` durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows: directories cannot be opened; NTFS journals the rename itself
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _owner_only(fd: int) -> None:
    """Set an open file's mode to exactly 0600, whatever the umask (POSIX; Windows has no modes)."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, OWNER_ONLY)


def _open_new(path: Path, private: bool) -> int:
    """Create `path` (it must not exist) and return its descriptor; owner-only when `private`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, OWNER_ONLY if private else 0o644)
    if private:
        try:
            _owner_only(fd)
        except OSError:
            os.close(fd)
            Path(path).unlink(missing_ok=True)
            raise
    return fd


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def _write_temporary(path: Path, data: bytes, private: bool) -> Path:
    """A fsynced file next to `path`, under a hidden name unique to this call."""
    tmp = _temporary_name(path)
    fd = _open_new(tmp, private)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def write_file_atomically(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `path` so that it holds either its old content or all of `data`, even after a crash.

    `private` makes the file readable by its owner only (where the platform has modes).
    """
    path = Path(path)
    os.replace(_write_temporary(path, data, private), path)
    fsync_directory(path.parent)


def create_file_once(path: Path, data: bytes, *, private: bool = False) -> bool:
    """Create `path` with all of `data` only if it does not exist yet; False if it already did.

    Atomic against a crash and against another process doing the same at the same moment
    (a hard link never replaces an existing name); where hard links are not supported, the
    file is renamed into place instead.
    """
    path = Path(path)
    tmp = _write_temporary(path, data, private)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if path.exists():
            return False
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_directory(path.parent)
    return True


def write_private_file(path: Path, data: bytes) -> None:
    """A secret file: written atomically and durably, readable by its owner only."""
    write_file_atomically(path, data, private=True)


def create_private_file(path: Path) -> bool:
    """Create `path` empty and owner-only (0600, whatever the umask) unless it exists; True if made.

    For files another library then fills, such as an SQLite database: SQLite gives its -wal and
    -shm files the mode of the database file.
    """
    try:
        fd = _open_new(Path(path), private=True)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def restrict_to_owner(*paths: Path) -> None:
    """Make existing files owner-only (0600); files missing, not this user's, or on Windows are left as they are."""
    for path in paths:
        try:
            if Path(path).is_file() and Path(path).stat().st_mode & 0o777 != OWNER_ONLY:
                os.chmod(path, OWNER_ONLY)
        except OSError:
            pass


def keep_private(database: Path, error: type[Exception]) -> None:
    """Before SQLite opens `database`: create it owner-only if new, else make it and its -wal and
    -shm owner-only. `error(one line)` is raised when it cannot be created."""
    try:
        if create_private_file(database):
            return
    except OSError as exc:
        raise error(f"{database}: cannot create: {exc.strerror or exc}") from None
    restrict_to_owner(database, Path(f"{database}-wal"), Path(f"{database}-shm"))


@contextmanager
def private_output(path: Path) -> Iterator[Path]:
    """An owner-only temporary file beside `path` to write into; it replaces `path` when the block ends.

    The new content is never readable by others, not even while it is written, and `path` holds
    either its old content or the whole new one. If the block raises, the temporary file is removed.
    """
    path = Path(path)
    tmp = _temporary_name(path)
    os.close(_open_new(tmp, private=True))
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
