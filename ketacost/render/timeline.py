"""The cumulative cost of care by month, at the typical price, as a bar chart (Rich on a terminal, text otherwise)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ketacost.estimator import Estimate
from ketacost.money import ZERO, fmt_grouped

if TYPE_CHECKING:
    from rich.console import Console

    from ketacost.render.out import Out

TITLE = "Cumulative cost of care by month (typical price, paying per session)"


def timeline_rows(estimate: Estimate) -> list[tuple[int, Decimal, Decimal]]:
    """(month, spent that month, spent so far) for each month of the horizon."""
    rows, total = [], ZERO
    for month, spent in enumerate(estimate.course.spending_by_month("typical"), start=1):
        total += spent
        rows.append((month, spent, total))
    return rows


def _bars(estimate: Estimate, width: int) -> list[tuple[str, int, str]]:
    rows = timeline_rows(estimate)
    top = rows[-1][2] if rows else ZERO
    labels = [f"{fmt_grouped(total)}" for _, _, total in rows]
    room = max(10, width - 10 - max((len(label) for label in labels), default=0) - 2)
    return [
        (f"Month {month:>2}", int(total * room / top) if top else 0, label)
        for (month, _, total), label in zip(rows, labels, strict=True)
    ]


def render_timeline_plain(estimate: Estimate, width: int = 80) -> str:
    lines = ["", TITLE]
    lines += [f"{name}  {'#' * length}{' ' if length else ''}{label}" for name, length, label in _bars(estimate, width)]
    return "\n".join(lines) + "\n"


def render_timeline_rich(estimate: Estimate, console: Console) -> None:
    from rich.text import Text

    console.print()
    console.print(Text(TITLE, style="bold"))
    for name, length, label in _bars(estimate, console.width):
        line = Text(f"{name}  ")
        line.append("█" * length, style="cyan")
        line.append(f"{' ' if length else ''}{label}")
        console.print(line)


def print_with_chart_rich(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --timeline`` on a terminal: the tables, then the chart."""
    from ketacost.render.table import render_table

    console = out.console()
    render_table(estimate, console)
    render_timeline_rich(estimate, console)


def print_with_chart_plain(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --timeline``, piped: the tables, then the chart in text."""
    from ketacost.render.plain import render_plain

    render_plain(estimate, out.stdout, out.width())
    out.stdout.write(render_timeline_plain(estimate, out.width()))
