"""Safe writes of a sheet that people and scripts also edit: a sidecar lock, a hash check, an atomic replace.

An edit holds ``<file>.lock`` (filelock) from reading to writing, so two ketacost writers never lose each other's
changes; an editor that ignores the lock is caught by comparing the file's hash just before the write. The new
text goes to a temporary file in the same directory, is flushed and fsynced, then ``os.replace``d over the sheet
and the directory is fsynced: a crash at any moment leaves the old sheet or the new one, never a mix.
filelock is imported inside :func:`edit` only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ketacost.errors import BadInput, Conflict
from ketacost.sheet.load import BOM, SheetSource, read_text

if TYPE_CHECKING:
    from ketacost.sheet.edit import Edit


def lock_path(path: Path) -> Path:
    """The sidecar lock of a sheet: ``pricing.toml.lock`` next to the real file (symlinks followed)."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path, label: str, timeout: float) -> Iterator[None]:
    """Hold the sheet's sidecar lock, or fail with :class:`Conflict` (exit 3) after ``timeout`` seconds."""
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path(path), timeout=max(timeout, 0.0))
    try:
        lock.acquire()
    except Timeout:
        raise Conflict(
            f"{label}: locked by another writer ({lock_path(path).name}); nothing written. "
            "Try again, or wait longer with --lock-timeout."
        ) from None
    try:
        yield
    finally:
        lock.release()


def edit(
    source: SheetSource,
    change: Callable[[str], Edit],
    *,
    lock_timeout: float,
    dry_run: bool = False,
) -> tuple[str, Edit]:
    """Read the sheet, make ``change(text)`` and write its text safely; return (old text, the edit).

    ``change`` validates the new sheet (its :class:`BadInput` leaves the file untouched). With ``dry_run``
    nothing is locked or written.
    """
    if source.embedded:
        raise BadInput(
            f"{source.label}: the built-in sheet is never edited; run `ketacost pricing init` to write "
            "./pricing.toml, then edit that (or name a sheet with --pricing or $KETACOST_PRICING)"
        )
    path = source.path.resolve()  # write through a symlink, keeping the link
    if dry_run:
        text = read_text(source)
        return text, change(text)
    with locked(path, source.label, lock_timeout):
        text = read_text(source)
        result = change(text)
        if result.text != text:
            if _digest(_reread(source)) != _digest(text):
                raise Conflict(
                    f"{source.label}: changed on disk while this edit was being made; nothing written. "
                    "Run the command again."
                )
            mark = BOM.encode("utf-8") if _starts_with_bom(path) else b""  # keep the file's byte-order mark
            replace(path, mark + result.text.encode("utf-8"))
    return text, result


def create(path: Path, label: str, data: bytes, *, force: bool, lock_timeout: float) -> None:
    """Write a new sheet; an existing file is refused unless ``force``."""
    target = path.resolve()
    if target.is_dir():
        raise BadInput(f"{label}: is a directory")
    if not target.parent.is_dir():
        raise BadInput(f"{label}: no such directory: {target.parent}")
    with locked(target, label, lock_timeout):
        if target.exists() and not force:
            raise BadInput(f"{label}: already exists; nothing written (use --force to overwrite it)")
        replace(target, data)


def _reread(source: SheetSource) -> str:
    try:
        return read_text(source)
    except BadInput:  # gone or unreadable since it was read: somebody else is at work on it
        return ""


def _starts_with_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == BOM.encode("utf-8")


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def replace(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data`` (temp file, fsync, os.replace, fsync dir), keeping its mode.

    Call it holding the sheet's lock: it also removes temporary files that a killed writer left behind.
    """
    directory = path.parent
    for stale in directory.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed mid-write
        with contextlib.suppress(OSError):
            stale.unlink()
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable: without this a power cut can bring back the old directory entry."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
