"""Where a renderer prints: every renderer the CLI dispatches to is ``(data, out: Out) -> None``.

The CLI's ``Env`` is one; renderers import this module only for type checking (it costs no start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.console import Console


class Out(Protocol):
    @property
    def stdout(self) -> TextIO: ...

    def console(self) -> Console:
        """A Rich console on ``stdout`` (made on each call: it must see the stream's current size)."""
        ...

    def width(self) -> int:
        """Columns for plain text."""
        ...

    def is_terminal(self) -> bool: ...

    def error(self, line: str) -> None:
        """One line on stderr (what a format leaves out, say)."""
        ...
