"""Exit codes and the errors that map onto them: the one place that says what a failure means to a script."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README for script writers. 1 means a bug in ketacost, nothing else."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    CONFLICT = 3
    SYSTEM = 4  # the system refused: disk full, permission denied, an I/O error
    SAVED_NOT_WRITTEN = 5  # a quote was saved in the register, but a file asked for was not written
    DIFFERENT = 6  # `pricing diff`: the sheets differ


class KetacostError(Exception):
    """A known failure: one or more lines for stderr and an exit code. Never shown with a traceback."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines: tuple[str, ...] = lines


class BadInput(KetacostError):
    """The user's input (flags, values, a price sheet) is wrong: exit 2."""


class UnknownIds(BadInput):
    """Ids the sheet does not have. ``fields`` names, line by line, the scenario field that gave each id
    (``treatment``, ``options`` or ``add_ons``), so that a command can name the flag that was wrong."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(*(message for _, message in problems))
        self.fields: tuple[str, ...] = tuple(field for field, _ in problems)


class Conflict(KetacostError):
    """Somebody else holds the sheet or changed it meanwhile: exit 3."""

    exit_code = ExitCode.CONFLICT


class SystemRefused(KetacostError):
    """The operating system refused (disk full, permission denied, I/O error, read-only file system): exit 4."""

    exit_code = ExitCode.SYSTEM


class SavedNotWritten(KetacostError):
    """The quote is saved in the register but a file asked for was not written: exit 5, so a script that retries
    writes the file again from the register (``quotes show ID --html FILE``) instead of issuing a second quote."""

    exit_code = ExitCode.SAVED_NOT_WRITTEN
