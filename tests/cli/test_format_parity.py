"""Every format says what the table says (issue 12 item 10): CSV carries the cheapest and budget marks; --timeline
reaches Markdown and is named on stderr for CSV; estimate CSV and batch CSV name the same things alike; a figure
JSON calls unavailable is empty in CSV, never 0.00."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ketacost import batch
from ketacost.render import csv_out, fields
from tests.conftest import Run


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _both(run: Run, *args: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    document = json.loads(run("estimate", *args, "-f", "json").stdout)
    shown = run("estimate", *args, "-f", "csv")
    assert shown.exit_code == 0, shown.stderr
    return document, _csv(shown.stdout)


def test_estimate_csv_marks_the_cheapest_as_json_does(run: Run) -> None:
    document, rows = _both(run)
    marked = {row["option"] for row in rows if row["cheapest"] == "true"}
    assert marked == {document["cheapest"]}
    assert {row["cheapest"] for row in rows} == {"true", "false"}


def test_estimate_csv_carries_the_budget(run: Run) -> None:
    document, rows = _both(run, "--budget", "200")
    budget = document["budget"]
    assert {row["option"] for row in rows if row["fits_budget"] == "true"} == set(budget["fits"])
    assert {row["option"] for row in rows if row["cheapest_that_fits"] == "true"} == {budget["cheapest_that_fits"]}
    without = _csv(run("estimate", "-f", "csv").stdout)
    assert {row["fits_budget"] for row in without} == {""} == {row["cheapest_that_fits"] for row in without}


@pytest.mark.parametrize(
    "flags",
    [("--budget", "200"), ("-t", "spravato", "--deductible-left", "500", "--oon-coinsurance", "30")],
    ids=["iv-budget", "spravato-claims"],
)
def test_estimate_csv_has_every_field_json_has_for_a_price_point(run: Run, flags: tuple[str, ...]) -> None:
    document, rows = _both(run, *flags)
    for option in document["options"]:
        for point in ("low", "typical", "high"):
            row = next(r for r in rows if r["option"] == option["id"] and r["price_point"] == point)
            for name, value in option[point].items():
                if name == "reimbursements":  # each claim's amount and week: a list; CSV has their sum, reimbursed
                    continue
                expected = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
                assert row[name] == expected, (option["id"], point, name)
            assert row["course_total"] == document["course"]["total"][point]


def test_estimate_csv_and_batch_csv_share_their_column_names(run: Run, tmp_path: Path) -> None:
    """One definition (ketacost.render.fields): the batch adds only its line, the range and its error column;
    estimate CSV only the price point of each row."""
    assert [c for c in batch.COLUMNS if c not in ("line", "net_cost_low", "net_cost_high", "error")] == [
        c for c in csv_out.COLUMNS if c != "price_point"
    ]
    assert set(fields.OPTION_COLUMNS + fields.STATUS_COLUMNS + fields.VALUE_FIELDS) <= set(csv_out.COLUMNS)
    (tmp_path / "in.csv").write_text("treatment,budget\niv,200\n", encoding="utf-8")
    batch_rows = _csv(run("estimate", "--input", "in.csv").stdout)
    estimate_rows = [row for row in _csv(run("estimate", "--budget", "200", "-f", "csv").stdout)]
    typical = [row for row in estimate_rows if row["price_point"] == "typical"]
    for mine, theirs in zip(batch_rows, typical, strict=True):
        shared = set(mine) & set(theirs)
        assert {name: mine[name] for name in shared} == {name: theirs[name] for name in shared}


def test_batch_csv_leaves_a_figure_empty_where_json_says_unavailable(run: Run, tmp_path: Path) -> None:
    """card_60 needs 2,500.00 financed: at the low price (2,400.00) it is not available, so it has no net cost."""
    (tmp_path / "in.csv").write_text("treatment\niv\n", encoding="utf-8")
    (tmp_path / "in.jsonl").write_text('{"treatment": "iv"}\n', encoding="utf-8")
    document = json.loads(run("estimate", "-f", "json").stdout)
    card = next(option for option in document["options"] if option["id"] == "card_60")
    assert card["low"]["available"] is False
    row = next(row for row in _csv(run("estimate", "--input", "in.csv").stdout) if row["option"] == "card_60")
    assert row["net_cost_low"] == "" and row["net_cost_high"] == card["high"]["net_cost"]
    lines = run("estimate", "--input", "in.jsonl").stdout.splitlines()
    record = next(json.loads(line) for line in lines if '"card_60"' in line)
    assert "net_cost_low" not in record and record["net_cost_high"] == card["high"]["net_cost"]


def test_batch_json_lines_carry_the_budget_marks(run: Run, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"budget": 200}\n{}\n', encoding="utf-8")
    records = [json.loads(line) for line in run("estimate", "--input", "in.jsonl").stdout.splitlines()]
    document = json.loads(run("estimate", "--budget", "200", "-f", "json").stdout)
    first = [r for r in records if r["line"] == 1]
    assert {r["option"] for r in first if r["fits_budget"]} == set(document["budget"]["fits"])
    assert all("fits_budget" not in r for r in records if r["line"] == 2)


def test_timeline_in_csv_is_named_on_stderr(run: Run) -> None:
    shown = run("estimate", "-f", "csv", "--timeline")
    assert shown.exit_code == 0
    assert shown.stderr == "--timeline: left out of --format csv (json, markdown and table show it)\n"
    assert shown.stdout == run("estimate", "-f", "csv").stdout


def test_a_budget_suggestion_csv_cannot_carry_is_named_on_stderr(run: Run) -> None:
    document = json.loads(run("estimate", "--budget", "10", "-f", "json").stdout)
    shown = run("estimate", "--budget", "10", "-f", "csv")
    assert document["budget"]["suggestion"]
    assert shown.stderr == f"--budget: --format csv leaves out the suggestion: {document['budget']['suggestion']}\n"


def test_timeline_in_markdown_is_a_table(run: Run) -> None:
    document = json.loads(run("estimate", "--timeline", "-f", "json").stdout)
    shown = run("estimate", "--timeline", "-f", "markdown")
    assert shown.exit_code == 0 and shown.stderr == ""
    assert "| Month | Spending | Cumulative |" in shown.stdout
    last = document["timeline"][-1]
    assert f"| {last['month']} | " in shown.stdout and "| 7,200.00 |" in shown.stdout
    assert "Month |" not in run("estimate", "-f", "markdown").stdout


def test_markdown_and_table_say_the_same_budget_lines(run: Run) -> None:
    table = run("estimate", "--budget", "200", env={"COLUMNS": "200"}).stdout
    markdown = run("estimate", "--budget", "200", "-f", "markdown").stdout
    line = next(line for line in table.splitlines() if line.startswith("Within 200.00 a month"))
    assert line.replace("(", "\\(").replace(")", "\\)") in markdown
