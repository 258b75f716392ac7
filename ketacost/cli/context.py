"""What every command shares: global options and the output streams (swapped by tests, never made at import)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


class Env:
    """Global options and streams. Rich consoles are made on first use: a Console made early keeps stale sizes."""

    def __init__(
        self,
        pricing: str | None = None,
        debug: bool = False,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.pricing = pricing
        self.debug = debug
        self.stdout: TextIO = stdout or sys.stdout
        self.stderr: TextIO = stderr or sys.stderr

    def console(self) -> Console:
        """A Rich console on stdout: colour only on a terminal, none with NO_COLOR (Rich honours it)."""
        from rich.console import Console

        return Console(file=self.stdout, highlight=False, emoji=False, soft_wrap=False)

    def is_terminal(self) -> bool:
        """Pretty output only for a terminal (or when FORCE_COLOR asks for it); plain text when piped."""
        return bool(os.environ.get("FORCE_COLOR")) or self.stdout.isatty()

    def width(self) -> int:
        """Columns for plain output: $COLUMNS when set to 40-9999, else 80 (thousands of digits are no width)."""
        columns = os.environ.get("COLUMNS", "")
        if columns.isascii() and columns.isdigit() and len(columns) <= 4 and int(columns) >= 40:
            return int(columns)
        return 80

    def error(self, line: str) -> None:
        """One line on stderr. Messages can quote sheet text: escape sequences and line breaks never get through."""
        from ketacost.render.safe import terminal_text

        self.stderr.write(" ".join(terminal_text(line).splitlines()) + "\n")
