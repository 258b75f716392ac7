"""Output files: checked against what must never be overwritten before anything is done, then written atomically
and privately (0600 from creation: a Good Faith Estimate holds patient data) by :mod:`ketacost.atomic`, which
also removes a killed writer's leftover temp files (unlocked, and untouched for STALE_AFTER_SECONDS).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ketacost.errors import BadInput, KetacostError, SystemRefused

# The operating system said no: not the user's mistake, and retrying later may work (exit 4).
SYSTEM_ERRNOS = frozenset(
    code
    for code in (
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.EIO,
        errno.EXDEV,
        errno.EMFILE,
        errno.ENFILE,
        errno.ENOMEM,
    )
)
REGISTER_SIDECARS = ("-wal", "-shm", "-journal")
# Seconds a temp file must have been left alone before a later write may remove it; it must also be unlocked.
STALE_AFTER_SECONDS = 2.0


def register_paths(register: Path) -> dict[str, Path]:
    """The quote register and the files SQLite keeps beside it, each named for an error message."""
    paths = {"the quote register": register}
    for suffix in REGISTER_SIDECARS:
        paths[f"the quote register's {suffix[1:]} file"] = register.with_name(register.name + suffix)
    return paths


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def check_targets(targets: Mapping[str, Path | None], protected: Mapping[str, Path] | None = None) -> list[str]:
    """Problems with the files a command will write (flag -> path), before anything is written: one that is a
    protected file or another target (see :func:`overwrites`), a directory, or in a directory it cannot write."""
    problems = overwrites(targets, protected)
    for flag, path in targets.items():
        if path is None or any(line.startswith(f"{flag}: ") for line in problems):
            continue
        if path.is_dir():
            problems.append(f"{flag}: {path} is a directory")
        elif not path.resolve().parent.is_dir():
            problems.append(f"{flag}: {path}: no such directory {str(path.parent)!r}")
        elif not os.access(path.resolve().parent, os.W_OK):
            problems.append(f"{flag}: {path}: cannot write in {str(path.parent)!r} (permission denied)")
    return problems


def overwrites(targets: Mapping[str, Path | None], protected: Mapping[str, Path] | None = None) -> list[str]:
    """Targets that would replace a protected file (the register and its sidecars, the sheet in use, an input
    file; name -> path) or another target. Two paths are the same file when they resolve alike, or, for a file
    that exists, when its device and inode are the same (a symlink, a hard link, another spelling)."""
    problems: list[str] = []
    by_path: dict[Path, str] = {}
    by_inode: dict[tuple[int, int], str] = {}
    for name, kept in (protected or {}).items():
        by_path.setdefault(kept.resolve(), name)
        identity = _identity(kept)
        if identity is not None:
            by_inode.setdefault(identity, name)
    for flag, path in targets.items():
        if path is None:
            continue
        resolved = path.resolve()
        identity = _identity(path)
        same = by_path.get(resolved) or (by_inode.get(identity) if identity is not None else None)
        if same is not None:
            problems.append(f"{flag}: {path} is {same}; give another file")
            continue
        by_path[resolved] = f"also given to {flag}"
        if identity is not None:
            by_inode[identity] = f"also given to {flag}"
    return problems


def refusal(path: Path, error: OSError, doing: str = "cannot write") -> KetacostError:
    """An OSError as one line: the system refusing (disk full, permission, I/O) is exit 4, anything else exit 2."""
    line = f"{path}: {doing}: {error.strerror or error}"
    return SystemRefused(line) if error.errno in SYSTEM_ERRNOS else BadInput(line)


def reason(error: KetacostError, path: Path) -> str:
    """Why ``path`` was not written, without the path in front (``cannot write: No space left on device``)."""
    line = "; ".join(error.lines)
    return line.removeprefix(f"{path}: ")


def combined(errors: Sequence[KetacostError]) -> KetacostError:
    """Several failures as one error: every line, and exit 4 if the system refused any of them."""
    kind = SystemRefused if any(isinstance(error, SystemRefused) for error in errors) else BadInput
    return kind(*(line for error in errors for line in error.lines))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (:func:`ketacost.atomic.replace_file`), readable by its owner
    only (0600 from creation, whatever the umask).

    Raises SystemRefused (exit 4) when the system refuses, BadInput (exit 2) otherwise; nothing is left behind.
    """
    from ketacost.atomic import Unsynced, replace_file

    target = path.resolve()  # a symlinked target is written through its link
    try:
        replace_file(target, text.encode("utf-8"), mode=0o600, stale_after=STALE_AFTER_SECONDS)
    except OSError as error:
        raise refusal(path, error) from None
    except Unsynced:  # the file is whole and in place; some systems cannot sync a directory
        pass
