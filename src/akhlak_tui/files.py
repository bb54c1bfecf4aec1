"""Files: atomic, durable writes (temporary name, fsync, rename), owner-only for secrets; bounded reads."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO


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
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
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


def _write_temporary(path: Path, data: bytes, private: bool) -> Path:
    """A fsynced file next to `path`, under a hidden name unique to this call."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600 if private else 0o644)
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
