"""Output formats: every command prints each format it offers as that format, and refuses (exit 2, one line,
before any work) a format it has no renderer for, instead of printing another one."""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

import pytest

from ketacost.cli import estimate, pricing, quotes, schedule
from ketacost.cli.options import OutputFormat, Renderer
from ketacost.errors import ExitCode
from tests.conftest import DEFAULT_SHEET, Run

TABLES: dict[str, Mapping[StrEnum, Renderer]] = {
    "estimate": estimate.RENDERERS,
    "estimate --timeline": estimate.WITH_TIMELINE,
    "schedule": schedule.RENDERERS,
    "quotes list": quotes.LIST_RENDERERS,
    "quotes check": quotes.CHECK_RENDERERS,
    "pricing show": pricing.SHOW_RENDERERS,
    "pricing get": pricing.GET_RENDERERS,
    "pricing diff": pricing.DIFF_RENDERERS,
}


@pytest.fixture
def register(run: Run) -> str:
    """A register of two quotes, one with a name full of Markdown and CSV markup; the first one's ID."""
    ids = []
    for name in ("Ada Lovelace", "=Bob | *Star* <x>"):
        result = run("quote", "--patient", name, "--dob", "1980-02-03")
        assert result.exit_code == 0, result.stderr
        found = re.search(r"Quote (Q-\d{8}-[0-9A-Z]{4}) ", result.stderr)
        assert found
        ids.append(found.group(1))
    return ids[0]


def commands(quote_id: str) -> dict[str, list[str]]:
    newer = Path("newer.toml")
    newer.write_text(DEFAULT_SHEET.read_text(encoding="utf-8").replace("apr = 17.99", "apr = 15.99"), "utf-8")
    return {
        "estimate": ["estimate", "--budget", "300"],
        "estimate --timeline": ["estimate", "--timeline"],
        "schedule": ["schedule", "-o", "medical_loan", "--start", "2026-12-01"],
        "quotes list": ["quotes", "list"],
        "quotes check": ["quotes", "check", quote_id, "--billed", "clinic=7000"],
        "pricing show": ["pricing", "show"],
        "pricing get": ["pricing", "get", "treatments.iv"],
        "pricing diff": ["pricing", "diff", str(DEFAULT_SHEET), str(newer)],
    }


def looks_like(output: str, text: str) -> bool:
    """Whether ``text`` is in the format ``output``, and not in any other."""
    first = text.splitlines()[0]
    is_json = text.lstrip()[:1] in ("[", "{")
    if output == "json":
        json.loads(text)
        return is_json
    if output == "csv":
        header = next(csv.reader(io.StringIO(text)))
        return len(header) > 2 and all(re.fullmatch(r"[a-z_]+", name) for name in header)
    if output == "markdown":
        return first.startswith(("## ", "| ", "**")) and bool(re.search(r"^\|[:-]", text, re.MULTILINE))
    if output == "toml":
        return "[treatments.iv]" in text
    # table (or pricing get's text): for people, never any of the above
    return not is_json and not first.startswith(("## ", "| ", "**")) and "|---" not in text and "---:" not in text


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_every_command_prints_each_format_it_offers_as_that_format(run: Run, register: str, terminal: bool) -> None:
    env = {"FORCE_COLOR": "1", "TERM": "dumb"} if terminal else {}
    for name, args in commands(register).items():
        enum = type(next(iter(TABLES[name])))
        for output in enum:
            result = run(*args, "--format", output.value, env=env)
            assert output in TABLES[name], (name, output)
            expected = ExitCode.DIFFERENT if name == "pricing diff" else ExitCode.OK  # the two sheets differ
            assert result.exit_code == expected, result.stderr
            assert looks_like(output.value, result.stdout), (name, output, result.stdout[:200])


def test_a_format_a_command_cannot_print_is_refused_before_any_work(
    run: Run, monkeypatch: pytest.MonkeyPatch, register_path: Path
) -> None:
    monkeypatch.delitem(quotes.CHECK_RENDERERS, OutputFormat.markdown)
    result = run("quotes", "check", "Q-20261127-ZZZZ", "--billed", "clinic=1", "--format", "markdown")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr == "--format markdown: ketacost quotes check cannot print markdown; choose table, json or csv\n"
    )
    assert not register_path.exists()  # refused before the register was even looked for

    monkeypatch.delitem(estimate.RENDERERS, OutputFormat.csv)
    result = run("estimate", "--format", "csv", "--sessions", "0")  # the format is refused first
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "--format csv: ketacost estimate cannot print csv; choose table, json or markdown\n"
    assert run("estimate", "--format", "json").exit_code == 0


def test_a_renderer_is_never_a_catch_all(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one format gone from each table, that format is refused and the others still print themselves."""
    for table, args in ((schedule.RENDERERS, ["schedule", "-o", "medical_loan"]), (estimate.RENDERERS, ["estimate"])):
        with monkeypatch.context() as patch:
            patch.delitem(table, OutputFormat.markdown)
            assert run(*args, "--format", "markdown").exit_code == 2
            for output in ("table", "json", "csv"):
                result = run(*args, "--format", output)
                assert result.exit_code == 0 and looks_like(output, result.stdout), output


@pytest.mark.parametrize("name", TABLES)
def test_every_renderer_named_in_a_table_exists(name: str) -> None:
    for chosen in TABLES[name].values():
        for spec in chosen if isinstance(chosen, tuple) else (chosen,):
            module, _, function = spec.partition(":")
            assert callable(getattr(importlib.import_module(module), function)), spec


def test_estimate_schedule_and_quotes_offer_the_same_formats_with_the_same_help(run: Run) -> None:
    helps = set()
    for args in (["estimate"], ["schedule"], ["quotes", "list"], ["quotes", "check"]):
        lines = run(*args, "--help").stdout.splitlines()
        (start,) = [index for index, line in enumerate(lines) if "--format" in line]
        block = [lines[start], *itertools.takewhile(lambda line: line.startswith(" " * 10), lines[start + 1 :])]
        helps.add(" ".join(" ".join(block).split()))
    assert helps == {
        "-f, --format <table|json|csv|markdown> table for people; json or csv for scripts; markdown to paste. "
        "[default: table]"
    }
    for table in (estimate.RENDERERS, schedule.RENDERERS, quotes.LIST_RENDERERS, quotes.CHECK_RENDERERS):
        assert list(table) == list(OutputFormat)


PROBE = """
import sys
sys.argv = ["ketacost", *sys.argv[1:]]
from ketacost.cli.app import main
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith("ketacost.render"))), file=sys.stderr)
"""


def test_estimate_imports_only_the_renderer_of_the_format_it_prints(tmp_path: Path) -> None:
    expected = {
        # notes are data, worded by render.notes for the formats that print them (CSV has no notes)
        "table": {"ketacost.render.plain", "ketacost.render.display", "ketacost.render.safe", "ketacost.render.notes"},
        "json": {"ketacost.render.json_out", "ketacost.render.fields", "ketacost.render.notes"},
        "csv": {"ketacost.render.csv_out", "ketacost.render.fields"},
    }
    for output, modules in expected.items():
        probe = [sys.executable, "-c", PROBE, "estimate", "--format", output]
        result = subprocess.run(probe, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert set(result.stderr.split()) == {"ketacost.render", *modules}, output


@pytest.fixture
def register_path(tmp_path: Path) -> Path:
    return tmp_path / "register" / "quotes.sqlite3"
