"""Safe writes of a sheet that people and scripts also edit: a sidecar lock, a hash check, an atomic replace.

An edit holds ``<file>.lock`` (filelock) from reading to writing, so two ketacost writers never lose each other's
changes. The new text goes to a temporary file in the same directory, is flushed and fsynced; then, immediately
before ``os.replace`` puts it over the sheet, the sheet's hash and identity (inode, mtime, size) are compared
with what was read, so that an editor that ignores the lock is caught unless it saves in the microseconds
between that check and the rename. The directory is fsynced last: a crash at any moment leaves the old sheet or
the new one, never a mix; a refusal of the system (disk full, permissions) leaves the old one (exit 4).
filelock is imported inside :func:`edit` only.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ketacost.errors import BadInput, Conflict, SystemRefused
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
    except Timeout:  # (a TimeoutError, so an OSError: caught first)
        raise Conflict(
            f"{label}: locked by another writer ({lock_path(path).name}); nothing written. "
            "Try again, or wait longer with --lock-timeout."
        ) from None
    except OSError as error:  # the lock file is a directory, a symlink loop, in a read-only directory, ...
        raise SystemRefused(
            f"{label}: cannot take the lock {lock_path(path).name}: {error.strerror or error}; nothing written"
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
        seen = _identity(path)  # before reading: a save between the two is then a conflict, never missed
        text = read_text(source)
        result = change(text)  # the expensive part (parse, edit, validate), done before the final check
        if result.text != text:
            mark = BOM.encode("utf-8") if _starts_with_bom(path) else b""  # keep the file's byte-order mark

            def unchanged() -> None:
                # Last thing before the rename, after the new text is on disk: the content, then the file's
                # identity (inode, mtime, size), so that an editor's save is missed only in the microseconds
                # between this stat and os.replace.
                if _digest(_reread(source)) != _digest(text) or _identity(path) != seen:
                    raise Conflict(
                        f"{source.label}: changed on disk while this edit was being made; nothing written. "
                        "Run the command again."
                    )

            replace(path, mark + result.text.encode("utf-8"), label=source.label, check=unchanged)
    return text, result


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What changes when anyone saves the file: a new inode (an editor's rename), its mtime or its size."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


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
        replace(target, data, label=label)


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


def replace(path: Path, data: bytes, *, label: str | None = None, check: Callable[[], None] | None = None) -> None:
    """Atomically replace ``path`` with ``data`` (:func:`ketacost.atomic.replace_file`), keeping its mode.

    ``check`` runs after the new text is safely on disk and immediately before the rename; what it raises leaves
    the file as it was. When the system refuses (disk full, permission denied, read-only file system, I/O error)
    nothing is replaced and :class:`SystemRefused` says so in one line. Call it holding the sheet's lock: every
    temp file of the sheet is then a killed writer's, and is removed.
    """
    from ketacost.atomic import Unsynced, replace_file

    try:
        replace_file(path, data, stale_after=0, check=check)
    except OSError as error:
        raise SystemRefused(f"{label or path}: not written: {error.strerror or error}; the file is unchanged") from None
    except Unsynced as error:
        raise SystemRefused(f"{label or path}: written, but its directory could not be synced: {error}") from None
