"""One way to replace a file atomically: a temp file beside it, written, fsynced, renamed over it, directory fsynced.

A reader sees the old file or the new one, never half of one, and a crash at any moment leaves one of them. The
temp file ``.<name>.<random>.tmp`` is created 0600 (``tempfile.mkstemp``: O_EXCL, O_NOFOLLOW) and locked while it
is written, so a later write can tell a killed writer's leftover (unlocked) from one still being written, and
removes it. Callers word the errors: an OSError comes out as it is, the temp file gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# The random part of a temp file's name: mkstemp's 8 characters, or what earlier ketacost versions used.
_RANDOM = re.compile(r"[A-Za-z0-9_]{1,16}")


class Unsynced(Exception):
    """The file was replaced, but its directory could not be synced (the rename may not survive a power cut)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))


def replace_file(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    stale_after: float,
    check: Callable[[], None] | None = None,
) -> None:
    """Atomically replace ``path`` (already resolved: a symlink would be replaced, not followed) with ``data``.

    ``mode``: the new file's permission bits; ``None`` keeps the existing file's (a new file gets 0666 less the
    umask). Temp files of this target left by a killed writer are removed first when unlocked and untouched for
    ``stale_after`` seconds (0 when the caller holds a lock that rules out any live writer). ``check`` runs after
    the data is on disk and immediately before the rename; what it raises leaves the file as it was. Raises the
    OSError of a failed step (nothing replaced), or :class:`Unsynced` when only the directory's fsync failed.
    """
    directory = path.parent
    remove_stale(directory, path.name, stale_after)
    if mode is None:
        mode = _mode_of(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        _lock(fd)  # held until the rename: until then a later writer must leave this temp file alone
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fchmod(fd, mode)
        os.fsync(fd)
        if check is not None:
            check()
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    finally:
        os.close(fd)
    try:
        _fsync_directory(directory)
    except OSError as error:
        raise Unsynced(error) from None


def _mode_of(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _lock(fd: int) -> None:
    """Hold an exclusive lock on the temp file while it is written; the kernel drops it when the writer dies."""
    try:
        import fcntl
    except ImportError:  # Windows: stale temp files are then told apart by age alone
        return
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale(directory: Path, name: str, stale_after: float) -> None:
    """Remove temp files a killed writer left for ``name``: unlocked, and untouched for ``stale_after`` seconds."""
    try:
        candidates = [entry for entry in os.scandir(directory) if is_temp_of(entry.name, name)]
    except OSError:
        return
    for entry in candidates:
        with contextlib.suppress(OSError):
            if not entry.is_file(follow_symlinks=False):
                continue
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < stale_after:
                continue
            if _unlocked(entry.path):
                os.unlink(entry.path)


def is_temp_of(entry: str, name: str) -> bool:
    """Whether ``entry`` is a temp file :func:`replace_file` makes for ``name``."""
    prefix = f".{name}."
    return (
        entry.startswith(prefix)
        and entry.endswith(".tmp")
        and _RANDOM.fullmatch(entry[len(prefix) : -len(".tmp")]) is not None
    )


def _unlocked(path: str) -> bool:
    try:
        import fcntl
    except ImportError:
        return True
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live writer holds it
    finally:
        os.close(fd)
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable: without this a power cut can bring back the old directory entry."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
