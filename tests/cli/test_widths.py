"""Any terminal width (issue 12 item 8): no money figure is ever cut at 40 columns or more; below the width a table
needs, each option becomes a block of its own; notes keep a hanging indent; piped output honours COLUMNS."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from ketacost.estimator import Estimate, estimate
from ketacost.render import display, plain
from ketacost.render.table import render_table
from ketacost.scenario import Scenario
from ketacost.sheet.load import discover, load_prices
from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _estimate(**given: object) -> Estimate:
    source = discover(None)
    return estimate(load_prices(source), Scenario(**given), source=source.label)  # type: ignore[arg-type]


def _figures(result: Estimate) -> Counter[str]:
    """Every money figure the estimate shows, as often as it shows it: the heading's, and each option's at the
    typical price and across the range (a monthly figure with its count, as shown: "189.17 x 24")."""
    shown = Counter(
        word for line in display.heading(result) for word in line.split() if re.fullmatch(r"[0-9,]+\.[0-9]{2}", word)
    )
    for row in display.rows(result):
        shown.update(cell for cell in (*row.cells, *row.range_cells) if cell != "-")
    return shown


def _missing(text: str, figures: Counter[str]) -> list[str]:
    """The figures that appear whole fewer times than the estimate shows them (a cut "3,600" is not "3,600.00")."""
    return sorted(
        f
        for f, times in figures.items()
        if len(re.findall(r"(?<![0-9,.])" + re.escape(f) + r"(?![0-9,.])", text)) < times
    )


def _stacked(text: str) -> bool:
    return re.search(r"^  Upfront +[0-9]", text, re.MULTILINE) is not None


def _rich(result: Estimate, width: int) -> str:
    buffer = io.StringIO()
    render_table(result, Console(file=buffer, width=width, force_terminal=True, color_system=None, highlight=False))
    return buffer.getvalue()


SCENARIOS = [{}, {"price": __import__("decimal").Decimal("1234.56"), "sessions": 12}, {"treatment": "spravato"}]


@pytest.mark.parametrize("given", SCENARIOS, ids=["default", "big", "spravato"])
@pytest.mark.parametrize("width", range(40, 121))
def test_no_figure_is_cut_on_a_terminal_of_any_width(width: int, given: dict[str, object]) -> None:
    result = _estimate(**given)
    text = _rich(result, width)
    assert _missing(text, _figures(result)) == []
    assert "…" not in text and "..." not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    for row in display.rows(result):  # every option is named (its first word begins a line)
        first = row.name.split()[0]
        assert re.search(rf"^(\* )?{re.escape(first)}", text, re.MULTILINE), row.name


@pytest.mark.parametrize("width", range(40, 121, 3))
def test_no_figure_is_cut_when_piped_at_any_columns(width: int, run: Run) -> None:
    result = _estimate()
    shown = run("estimate", env={"COLUMNS": str(width)})
    assert shown.exit_code == 0
    assert _missing(shown.stdout, _figures(result)) == []
    assert max(len(line) for line in shown.stdout.splitlines()) <= width


def test_below_the_tables_width_each_option_is_a_block() -> None:
    result = _estimate()
    body = [[row.name, *row.cells] for row in display.rows(result) if row.cells]
    needed = plain.table_width(display.COLUMNS, body)
    text = _rich(result, 60)
    assert needed > 60
    assert "  Net cost            2,591.90\n" in text
    assert "\nHealth FSA (pre-tax)\n  Upfront             3,600.00\n" in text
    assert "* Package: 6 infusions\n  Upfront             3,300.00\n" in text  # the cheapest, marked
    assert "Health insurance (n/a)\n" in text
    wide = _rich(result, 100)
    assert not _stacked(wide) and "Medical loan" in wide


def test_stacked_layout_takes_whatever_columns_it_is_given() -> None:
    columns = ("Option", "Upfront", "12-month cost", "A new figure")
    blocks = plain.stacked_lines(columns, [["Loan", "0.00", "7,200.00", "1.00"], ["None", "-", "-", "-"]])
    assert blocks == [
        ("Loan", ["  Upfront            0.00", "  12-month cost  7,200.00", "  A new figure       1.00"]),
        ("None", []),
    ]


@pytest.mark.parametrize("width", [60, 72, 80])
def test_wrapped_notes_keep_a_hanging_indent_on_a_terminal(width: int) -> None:
    lines = _rich(_estimate(), width).splitlines()
    notes = lines[next(i for i, line in enumerate(lines) if line.startswith("- ")) :][:-2]
    assert any(line.startswith("  ") for line in notes)
    assert all(line.startswith(("- ", "  ")) for line in notes), notes


def test_piped_output_honours_columns(run: Run) -> None:
    narrow = run("estimate", env={"COLUMNS": "60"}).stdout
    wide = run("estimate", env={"COLUMNS": "120"}).stdout
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert "Upfront             3,600.00" in narrow
    assert re.search(r"^VA coverage \(eligible veterans\) +300\.00 ", wide, re.MULTILINE)  # one line at 120


def test_plain_and_rich_views_switch_at_the_same_width() -> None:
    result = _estimate()
    for width in (70, 77, 78, 79, 80, 90):
        piped = io.StringIO()
        plain.render_plain(result, piped, width)
        assert _stacked(piped.getvalue()) == _stacked(_rich(result, width + 1)), width


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a real terminal")
@pytest.mark.parametrize("width", [72, 60])
def test_in_a_real_terminal_every_figure_appears_whole(width: int, tmp_path: Path) -> None:
    """The installed program on a pseudo-terminal (script(1)) of ``width`` columns, sized with stty: Rich reads
    the size from the terminal itself (COLUMNS is unset)."""
    program = installed_ketacost()
    environment = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    environment["TERM"] = "xterm-256color"
    shown = subprocess.run(
        ["script", "-q", "-e", "-c", f"stty cols {width} rows 50; {program} estimate", "/dev/null"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=True,
        timeout=120,
    )
    text = ANSI.sub("", shown.stdout).replace("\r\n", "\n")
    assert "At the typical price" in text  # it is ketacost's table, on a terminal (colour codes were stripped)
    assert ANSI.search(shown.stdout), "Rich should have seen a terminal"
    assert _missing(text, _figures(_estimate())) == []
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
