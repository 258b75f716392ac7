"""The one Rich table every terminal view uses: a rule under the headings, no frame, two spaces between columns."""

from __future__ import annotations

from rich import box
from rich.table import Table


def rich_table(title: str | None = None, *, pad_edge: bool = False) -> Table:
    """An empty table to add columns and rows to. A space divider plus right padding keeps two spaces between
    columns, the least that stays readable; ``pad_edge`` keeps that padding after the last column too."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
        pad_edge=pad_edge,
    )
