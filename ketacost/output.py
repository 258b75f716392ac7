"""Output files written whole or not at all: checked before anything is done, then written atomically.

A temp file in the target's directory is written, flushed and fsynced, then renamed over the target
(``os.replace``) and the directory fsynced: a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ketacost.errors import BadInput


def check_targets(targets: dict[str, Path | None]) -> list[str]:
    """Problems with the files a command will write (flag -> path), before anything is written."""
    problems: list[str] = []
    seen: dict[Path, str] = {}
    for flag, path in targets.items():
        if path is None:
            continue
        resolved = path.resolve()
        if resolved in seen:
            problems.append(f"{flag}: {path} is also given to {seen[resolved]}")
            continue
        seen[resolved] = flag
        parent = resolved.parent
        if path.is_dir():
            problems.append(f"{flag}: {path} is a directory")
        elif not parent.is_dir():
            problems.append(f"{flag}: {path}: no such directory {str(path.parent)!r}")
        elif not os.access(parent, os.W_OK):
            problems.append(f"{flag}: {path}: cannot write in {str(path.parent)!r} (permission denied)")
    return problems


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; the new file gets the usual permissions (umask)."""
    directory = path.resolve().parent
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise BadInput(f"{path}: cannot write: {error.strerror or error}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; a written document is an ordinary file
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise BadInput(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some systems cannot open a directory; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
