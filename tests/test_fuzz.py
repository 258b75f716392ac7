"""Fuzzing (hypothesis): generated price sheets and generated command lines never crash ketacost.

For every example: the exit code is 0 or 2 (1 only from `pricing diff`, meaning "different"; 3 never, since
nothing here runs concurrently), no traceback and no "internal error" on stdout or stderr, and when the command
succeeded with ``--format json`` the money adds up: for `estimate`, at every available price point,
``upfront + monthly x (months - 1) + final_payment == total_paid`` and ``net_cost == total_paid - tax_savings``,
every amount non-negative with exactly two decimals; for `schedule`, ``upfront + sum(payments) == total_paid``
(the estimate's own total_paid), and a financed plan's balance ends at 0.00 (a month's principal may be negative:
deferred interest charged at once). A sheet that fails to load reports each problem at a place
(``file:line:col: ``), a bad command line names the flag, and a command that edits writes nothing when it fails
and only a valid sheet when it succeeds.

Runs are reproducible (``derandomize=True``, no example database). Each example is counted; the count is
printed at the end of the session ("fuzz examples run: N", see tests/conftest.py) and checked by the last test.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import random
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from ketacost.cli.app import app
from tests.conftest import DEFAULT_SHEET

BASE_TEXT = DEFAULT_SHEET.read_text(encoding="utf-8")
BASE: dict[str, Any] = tomllib.loads(BASE_TEXT, parse_float=Decimal)
TREATMENTS = sorted(BASE["treatments"])
OPTIONS = sorted(BASE["options"])
FINANCED = {"loan", "clinic_plan", "deferred_interest", "reduced_apr"}

# Examples per test. The sum is what CI runs (at least 2,000: the last test checks it).
EXAMPLES = {
    "test_generated_sheets_estimate": 350,
    "test_generated_sheets_schedule": 250,
    "test_generated_sheets_validate": 250,
    "test_mangled_sheet_text": 250,
    "test_estimate_arguments": 300,
    "test_batch_inputs": 150,
    "test_schedule_arguments": 200,
    "test_quote_arguments": 150,
    "test_quotes_arguments": 150,
    "test_pricing_read_arguments": 150,
    "test_pricing_edit_arguments": 200,
}
MIN_EXAMPLES = 2000


def fuzz_settings(name: str) -> settings:
    # function_scoped_fixture: the fixtures here are shared by every example on purpose (the isolated working
    # directory, one saved quote); examples that write files get a fresh directory of their own (fresh_directory).
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )


@contextlib.contextmanager
def fresh_directory() -> Iterator[Path]:
    """A new empty working directory for one example, so that what one example writes cannot affect the next."""
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as directory, contextlib.chdir(directory):
        yield Path(directory)


# --- running and checking --------------------------------------------------------------------------------------


def invoke(args: list[str], *, color: bool = False) -> Result:
    env = {"COLUMNS": "80", "FORCE_COLOR": "1" if color else ""}
    return CliRunner().invoke(app, args, env=env)


def check_clean(result: Result, args: list[str], *, allowed: tuple[int, ...] = (0, 2)) -> None:
    """The exit code is an expected one; no traceback or internal error leaked; an error says something."""
    where = f"ketacost {' '.join(map(repr, args))}\nstdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (where, result.exc_info)
    assert result.exit_code in allowed, where
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, where
        assert "internal error" not in stream, where
    if result.exit_code == 2:
        assert result.stderr.strip(), where


USAGE = re.compile(r"^(Usage: |Try '|$)")  # click's lines around its one "Error: ..." line


def check_flags_named(result: Result, *also: str) -> None:
    """Each problem with a command line names the flag (or click's "Error: ..." does), or one of ``also``."""
    for line in result.stderr.splitlines():
        if not USAGE.match(line):
            assert line.startswith(("--", "Error: ", *also)), f"names no flag: {line!r}"


MONEY_KEYS = frozenset(
    {
        "upfront",
        "monthly",
        "final_payment",
        "total_paid",
        "interest",
        "fees",
        "tax_savings",
        "net_cost",
        "financed",
        "interest_at_risk",
        "amount",
        "payment",
        "principal",
        "balance",
        "low",
        "typical",
        "high",
        "horizon_total",
        "spending",
        "cumulative",
        "year_net_cost",
        "loan_amount",
        "fee_in_loan",
        "deferred_interest",
        "down_payment",
        "paid_at_visit",
        "left_to_pay",
    }
)
TWO_DECIMALS = re.compile(r"^[0-9]+\.[0-9]{2}$")


def money_strings(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, value) of a JSON document whose key names an amount of money and whose value is a string."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from money_strings(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from money_strings(item, key)
    elif isinstance(node, str) and key in MONEY_KEYS:
        yield key, node


def check_money_format(document: Any) -> None:
    for key, value in money_strings(document):
        assert TWO_DECIMALS.match(value), f"{key}: {value!r} is not a non-negative amount with two decimals"


def check_estimate(document: dict[str, Any]) -> None:
    check_money_format(document)
    for option in document["options"]:
        for point in ("low", "typical", "high"):
            p = option[point]
            if not p["available"]:
                assert p["reason"], option["id"]
                continue
            upfront, monthly, final = Decimal(p["upfront"]), Decimal(p["monthly"]), Decimal(p["final_payment"])
            total, savings = Decimal(p["total_paid"]), Decimal(p["tax_savings"])
            assert upfront + monthly * (p["months"] - 1) + final == total, (option["id"], point, p)
            back = Decimal(p.get("reimbursed", "0"))  # out-of-network: what the plan pays back
            assert Decimal(p["net_cost"]) == total - savings - back, (option["id"], point, p)
            assert p["months"] >= 0


def check_schedule(document: dict[str, Any], estimate: dict[str, Any] | None = None) -> None:
    check_money_format(document)
    rows = document["rows"]
    paid_key = "paid_at_visit" if document["per_visit"] else "payment"  # visits: a row per visit (issue 12)
    paid = Decimal(document["upfront"]) + sum((Decimal(row[paid_key]) for row in rows), Decimal(0))
    assert paid == Decimal(document["total_paid"]), document
    assert Decimal(document["totals"][paid_key]) == paid - Decimal(document["upfront"]), document
    if not document["per_visit"]:  # no principal is negative: deferred interest is its own row (issue 12)
        assert all(Decimal(row["principal"]) >= 0 for row in rows), document
    if rows and document["kind"] in FINANCED:
        assert rows[-1]["balance"] == "0.00", document
    if estimate is not None:
        (option,) = [o for o in estimate["options"] if o["id"] == document["option"]]
        point = option[document["price_point"]]
        if point["available"] and not document["minimum_only"]:
            assert document["total_paid"] == point["total_paid"], (document, point)


def count(fuzz_examples: dict[str, int], name: str) -> None:
    fuzz_examples[name] = fuzz_examples.get(name, 0) + 1


# --- generated price sheets ------------------------------------------------------------------------------------

EDGE_NUMBERS = [
    0,
    -1,
    1,
    2,
    12,
    100,
    120,
    121,
    200,
    201,
    10**6,
    10**6 + 1,
    2**63,
    -(2**63),
    Decimal("0.00"),
    Decimal("-0.00"),
    Decimal("0.01"),
    Decimal("0.001"),
    Decimal("-0.01"),
    Decimal("99.99"),
    Decimal("100.00"),
    Decimal("100.0001"),
    Decimal("100.01"),
    Decimal("999999.99"),
    Decimal("1000000.00"),
    Decimal("1000000.01"),
    Decimal("1E+400"),
    Decimal("1E-400"),
    Decimal("1.5E+3"),
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
]
numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(-(10**7), 10**7),
    st.decimals(min_value=0, max_value=5000, places=2),
    st.decimals(min_value=-(10**7), max_value=10**7, places=2),
    st.decimals(min_value=0, max_value=100, places=4),
    st.decimals(allow_nan=True, allow_infinity=True),
)
# Text: any unicode, and text full of what breaks things: quotes, TOML and Markdown syntax, controls, escapes.
texts = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="\"'\\#[]{}=.,\n\r\t \x00\x07\x08\x1b\x7f\x9b\u202e<>&|*_-+@", max_size=20),
    st.sampled_from(["", " ", "iv", "self_pay", "clinic", "F33.2", "96365", "=1+1", "\x1b[2J", "a" * 201, "é" * 2001]),
)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
scalars = st.one_of(numbers, texts, st.booleans(), dates)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
keys = st.one_of(st.sampled_from(["nmae", "price", "lo", "kind", "apr", "x", "", "a.b", "é", '"', "\x1b"]), texts)

Path_ = tuple[str | int, ...]


def walk(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) below ``node``, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def strip_line_items(data: dict[str, Any]) -> None:
    """Line items must add up to their price: without them, a changed price can still make a valid sheet."""
    for treatment in data.get("treatments", {}).values():
        treatment.pop("line_items", None)
        for add_on in treatment.get("add_ons", {}).values():
            add_on.pop("line_items", None)


# Plausible values: within the schema's bounds for the key, so that many generated sheets are valid and their
# estimates get checked (extremes included: 1,000,000.00 a session, 200 sessions, 100% APR over 120 months).
INT_RANGES = {
    "term_months": (1, 120),
    "months": (1, 120),
    "promo_months": (1, 120),
    "repay_months": (1, 120),
    "sessions": (1, 200),
    "weeks_min": (1, 104),
    "weeks_max": (1, 104),
    "boosters": (0, 200),
    "interval_weeks": (1, 104),
    "horizon_months": (1, 12),
    "quantity": (1, 100),
}
PERCENT_KEY = re.compile(r"(apr|_pct|_rate)$")
plausible_amounts = st.one_of(
    st.decimals(min_value=0, max_value=5000, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.sampled_from([Decimal("0.00"), Decimal("0.01"), Decimal("1000000.00")]),
)
plausible_percents = st.one_of(
    st.decimals(min_value=0, max_value=100, places=2), st.sampled_from([Decimal(0), Decimal("99.99"), Decimal(100)])
)


def plausible(draw: Callable[..., Any], key: str, old: int | Decimal) -> int | Decimal:
    if isinstance(old, int):
        low, high = INT_RANGES.get(key, (old, old))
        return int(draw(st.integers(low, high) | st.sampled_from([low, high])))
    return Decimal(draw(plausible_percents if PERCENT_KEY.search(key) else plausible_amounts))


MUTATIONS = ("plausible",) * 5 + ("drop", "unknown", "retype", "number", "swap", "string")


def mutate(draw: Callable[..., Any], data: dict[str, Any]) -> None:
    kind = draw(st.sampled_from(MUTATIONS))
    everything = [(p, v) for p, v in walk(data) if p]
    if kind in ("number", "plausible"):
        choices = [p for p, v in everything if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    elif kind == "string":
        choices = [p for p, v in everything if isinstance(v, str)]
    elif kind == "swap":
        choices = [p for p, v in everything if isinstance(v, dict) and {"low", "high"} <= set(v)]
    elif kind == "unknown":
        choices = [p for p, v in everything if isinstance(v, dict)] + [()]
    else:
        choices = [p for p, _ in everything]
    if not choices:
        return
    path = draw(st.sampled_from(choices))
    if kind == "unknown":
        at(data, path)[draw(keys)] = draw(values)
        return
    if kind == "swap":
        table = at(data, path)
        table["low"], table["high"] = table["high"], table["low"]
        return
    parent, last = at(data, path[:-1]), path[-1]
    if kind == "drop":
        del parent[last]
    elif kind == "number":
        parent[last] = draw(numbers)
    elif kind == "plausible":
        parent[last] = plausible(draw, str(last), parent[last])
        points = ("low", "typical", "high")
        if isinstance(parent, dict) and set(points) <= set(parent) and draw(st.integers(0, 3)):
            ordered = sorted(parent[point] for point in points)  # usually keep low <= typical <= high
            parent.update(zip(points, ordered, strict=True))
    elif kind == "string":
        parent[last] = draw(texts)
    else:
        parent[last] = draw(values)


# A tiny TOML emitter: each table is written, at random, as a [header], an inline table or dotted keys, arrays of
# tables as [[headers]] or inline arrays, strings as basic, literal or multi-line strings, with stray comments.
BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def basic_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else basic_string(key)


def number_text(value: int | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_nan():
        return "nan"
    if value.is_infinite():
        return "-inf" if value < 0 else "inf"
    text = str(value)
    return text if re.match(r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$", text) else f"{value:f}"


class Emitter:
    """Writes data as TOML; the layout choices come from one seeded ``random.Random`` (one draw, not hundreds)."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.lines: list[str] = []

    def choice(self, *options: str) -> str:
        return self.random.choice(options)

    def scalar(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | Decimal):
            return number_text(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        assert isinstance(value, str)
        style = self.choice("basic", "basic", "literal", "multiline")
        if style == "literal" and "'" not in value and not re.search(r"[\x00-\x1f\x7f]", value):
            return f"'{value}'"
        if style == "multiline" and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            return f'"""\n{escaped}"""'
        return basic_string(value)

    def inline(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{toml_key(k)} = {self.inline(v)}" for k, v in value.items()) + " }"
        if isinstance(value, list):
            return "[" + ", ".join(self.inline(v) for v in value) + "]"
        text = self.scalar(value)
        return text.replace('"""\n', '"""') if text.startswith('"""') else text  # one line: inline tables

    def pair(self, key: str, value: Any) -> None:
        comment = self.choice("", "", "", "  # a comment with \"quotes\", 'ticks', [brackets] = and {braces}")
        self.lines.append(
            f"{key} = {self.inline(value) if isinstance(value, dict | list) else self.scalar(value)}{comment}"
        )

    def table(self, path: tuple[str, ...], data: dict[str, Any]) -> None:
        later: list[tuple[str, tuple[str, ...], Any]] = []
        for key, value in data.items():
            if isinstance(value, dict):
                style = self.choice("header", "header", "inline", "dotted")
                if style == "header":
                    later.append(("header", (*path, key), value))
                elif style == "inline":
                    self.pair(toml_key(key), value)
                else:
                    self.dotted(toml_key(key), value)
            elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                if self.choice("array", "inline") == "array":
                    later.append(("array", (*path, key), value))
                else:
                    self.pair(toml_key(key), value)
            else:
                self.pair(toml_key(key), value)
        for style, sub, value in later:
            name = ".".join(toml_key(part) for part in sub)
            if style == "header":
                self.lines += ["", f"[{name}]"]
                self.table(sub, value)
            else:
                for item in value:
                    self.lines += ["", f"[[{name}]]"]
                    self.table(sub, item)

    def dotted(self, prefix: str, data: dict[str, Any]) -> None:
        if not data:
            self.pair(prefix, data)
        for key, value in data.items():
            if isinstance(value, dict) and value:
                self.dotted(f"{prefix}.{toml_key(key)}", value)
            else:
                self.pair(f"{prefix}.{toml_key(key)}", value)


@st.composite
def sheets(draw: Callable[..., Any]) -> str:
    """The default sheet's data, mutated one to three times, written back as TOML text."""
    data = copy.deepcopy(BASE)
    if draw(st.booleans()):
        strip_line_items(data)
    for _ in range(draw(st.integers(1, 3))):
        mutate(draw, data)
    emitter = Emitter(draw(st.integers(0, 2**32)))
    emitter.table((), data)
    return "\n".join(emitter.lines) + "\n"


@st.composite
def mangled_texts(draw: Callable[..., Any]) -> bytes:
    """The default sheet's text with characters inserted, spans deleted or lines repeated (often not TOML)."""
    text = BASE_TEXT
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if kind == "insert":
            inserted = draw(st.text(alphabet="[]{}\"'=.,#\n\\ \t-+_:0123456789abcxyzé\x00\x1b", min_size=1, max_size=6))
            text = text[:where] + inserted + text[where:]
        elif kind == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 40)) :]
        else:
            start = text.rfind("\n", 0, where) + 1
            end = text.find("\n", where)
            line = text[start : end + 1 if end >= 0 else len(text)]
            text = text[:start] + line + text[start:]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not UTF-8
        where = draw(st.integers(0, len(data)))
        data = data[:where] + draw(st.binary(min_size=1, max_size=3)) + data[where:]
    return data


def check_sheet_problems(result: Result, name: str, text: bytes) -> None:
    """Every problem in a sheet is reported at a place in it: ``name:line:col: ...``, the line within the file."""
    lines = result.stderr.splitlines()
    assert lines
    last_line = text.count(b"\n") + 1
    for line in lines:
        match = re.match(rf"^{re.escape(name)}:([0-9]+):([0-9]+): \S", line)
        assert match, f"not at a place in the sheet: {line!r}\n{result.stderr}"
        assert 1 <= int(match.group(1)) <= last_line and int(match.group(2)) >= 1, line


@pytest.fixture
def sheet_file(tmp_path: Path) -> Path:
    return tmp_path / "sheet.toml"


@fuzz_settings("test_generated_sheets_estimate")
@given(text=sheets(), form=st.sampled_from(["json", "json", "table", "csv", "markdown"]), color=st.booleans())
def test_generated_sheets_estimate(text: str, form: str, color: bool, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_generated_sheets_estimate")
    Path("sheet.toml").write_text(text, encoding="utf-8")
    args = ["--pricing", "sheet.toml", "estimate", "-f", form, "--budget", "300"]
    result = invoke(args, color=color)
    check_clean(result, args)
    if result.exit_code == 2:
        check_sheet_problems(result, "sheet.toml", text.encode())
    elif form == "json":
        check_estimate(json.loads(result.stdout))


@fuzz_settings("test_generated_sheets_schedule")
@given(text=sheets(), data=st.data())
def test_generated_sheets_schedule(text: str, data: st.DataObject, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_generated_sheets_schedule")
    Path("sheet.toml").write_text(text, encoding="utf-8")
    try:
        parsed = tomllib.loads(text)
        ids = sorted(k for k in parsed.get("options", {}) if isinstance(k, str)) or OPTIONS
    except (tomllib.TOMLDecodeError, AttributeError):
        ids = OPTIONS
    option = data.draw(st.sampled_from(ids))
    point = data.draw(st.sampled_from(["low", "typical", "high"]))
    extra = data.draw(st.sampled_from([[], ["--minimum-only"], ["--start", "2027-01-31"]]))
    args = ["--pricing", "sheet.toml", "schedule", "-o", option, "--at", point, *extra, "-f", "json"]
    result = invoke(args)
    check_clean(result, args)
    if result.exit_code == 0:
        estimate = invoke(["--pricing", "sheet.toml", "estimate", "-o", option, "-f", "json"])
        check_clean(estimate, args)
        assert estimate.exit_code == 0, estimate.stderr
        check_estimate(json.loads(estimate.stdout))
        check_schedule(json.loads(result.stdout), json.loads(estimate.stdout))


@fuzz_settings("test_generated_sheets_validate")
@given(text=sheets())
def test_generated_sheets_validate(text: str, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_generated_sheets_validate")
    Path("sheet.toml").write_text(text, encoding="utf-8")
    args = ["pricing", "validate", "sheet.toml"]
    result = invoke(args)
    check_clean(result, args)
    if result.exit_code == 2:
        check_sheet_problems(result, "sheet.toml", text.encode())
    else:
        assert result.stdout.startswith("sheet.toml: OK (")
        shown = invoke(["--pricing", "sheet.toml", "pricing", "show"])  # a valid sheet always shows
        check_clean(shown, args, allowed=(0,))


@fuzz_settings("test_mangled_sheet_text")
@given(data=mangled_texts(), command=st.sampled_from(["validate", "estimate", "show"]))
def test_mangled_sheet_text(data: bytes, command: str, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_mangled_sheet_text")
    Path("sheet.toml").write_bytes(data)
    args = {
        "validate": ["pricing", "validate", "sheet.toml"],
        "estimate": ["--pricing", "sheet.toml", "estimate", "-f", "json"],
        "show": ["--pricing", "sheet.toml", "pricing", "show"],
    }[command]
    result = invoke(args)
    check_clean(result, args)
    if result.exit_code == 2:
        check_sheet_problems(result, "sheet.toml", data)
    elif command == "estimate":
        check_estimate(json.loads(result.stdout))


# --- generated command lines -------------------------------------------------------------------------------------

# Values a person might type, right or wrong. Lone surrogates stand for bytes that are not UTF-8 in argv.
NASTY = [
    "",
    " ",
    "-1",
    "0",
    "1",
    "201",
    "abc",
    "1e3",
    "1E-2",
    "NaN",
    "-inf",
    "Infinity",
    "1.234",
    "1000000.01",
    "999999999999999999999999",
    "0x10",
    "1_000",
    "١٢٣",
    "½",
    " 5 ",
    "5%",
    "%",
    "-0",
    "+5",
    "2027-02-30",
    "2026-13-01",
    "1984-03-02",
    "=1+1",
    "\x1b[2J",
    "caf\udce9",
    "é" * 300,
    "--help",
    "-",
]
nasty = st.one_of(st.sampled_from(NASTY), st.text(max_size=12).filter(lambda s: "\x00" not in s))


def mostly(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Nine times in ten a valid value, else a nasty one: most command lines get past parsing."""
    return st.integers(0, 9).flatmap(lambda pick: nasty if pick == 5 else valid)


amounts = mostly(
    st.one_of(
        st.decimals(min_value=0, max_value=20000, places=2).map(str),
        st.integers(0, 5000).map(str),
        st.sampled_from(["0", "0.01", "1000000", "1000000.00"]),
    )
)
percents = mostly(
    st.one_of(st.decimals(min_value=0, max_value=100, places=2).map(str), st.sampled_from(["24%", "0", "100"]))
)
counts = mostly(st.integers(1, 200).map(str))


def flag(name: str, value: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return value.map(lambda v: [name, v])


def unknown_flags() -> st.SearchStrategy[list[str]]:
    return st.one_of(
        st.sampled_from([["--nope"], ["-z"], ["--sessions"], ["--format"], ["extra-argument"], ["--pricing"]]),
        nasty.map(lambda v: ["--" + v]),
    )


COURSE_FLAGS = [
    flag("--treatment", mostly(st.sampled_from(TREATMENTS))),
    flag("-t", st.sampled_from(TREATMENTS)),
    flag("--sessions", counts),
    flag("-n", counts),
    flag("--price", amounts),
    flag("--add-on", mostly(st.sampled_from(["consultation", "integration"]))),
    flag("--option", mostly(st.sampled_from(OPTIONS))),
]
MONEY_FLAGS = [
    flag("--boosters", counts),
    flag("--tax-rate", percents),
    flag("--hsa-balance", amounts),
    flag("--fsa-balance", amounts),
    flag("--down-payment", amounts),
    flag("--deductible-left", amounts),
    flag("--coinsurance", percents),
    flag("--copay", amounts),
    flag("--oop-max-left", amounts),
]
FORMATS = flag("--format", mostly(st.sampled_from(["table", "json", "json", "csv", "markdown"])))


def command_lines(*flags: st.SearchStrategy[list[str]], most: int = 6) -> st.SearchStrategy[list[str]]:
    """Up to ``most`` flags drawn from ``flags`` (and now and then an unknown one), flattened into argv."""
    pool = st.one_of(*flags, unknown_flags()) if flags else unknown_flags()
    return st.lists(pool, max_size=most).map(lambda parts: [token for part in parts for token in part])


def last_format(args: list[str]) -> str | None:
    chosen = None
    for index, token in enumerate(args[:-1]):
        if token in ("--format", "-f"):
            chosen = args[index + 1]
    return chosen


@fuzz_settings("test_estimate_arguments")
@given(args=command_lines(*COURSE_FLAGS, *MONEY_FLAGS, flag("--budget", amounts), FORMATS), color=st.booleans())
def test_estimate_arguments(args: list[str], color: bool, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_estimate_arguments")
    full = ["estimate", *args]
    result = invoke(full, color=color)
    check_clean(result, full)
    check_flags_named(result)
    if result.exit_code == 0 and last_format(args) == "json":
        check_estimate(json.loads(result.stdout))


CSV_HEADERS = ["treatment", "sessions", "price", "tax_rate", "hsa_balance", "options", "add_ons", "budget", "nope"]


@st.composite
def batch_files(draw: Callable[..., Any]) -> tuple[str, str]:
    """A small CSV or JSON Lines file of scenarios, with good and bad cells."""
    cell = st.one_of(
        st.sampled_from(TREATMENTS + OPTIONS + ["6", "650.50", "24", "1000", "hsa fsa"]), counts, amounts, nasty
    ).map(lambda s: s.encode("utf-8", "replace").decode("utf-8"))
    if draw(st.booleans()):
        header = draw(st.lists(st.sampled_from(CSV_HEADERS), min_size=1, max_size=5, unique=True))
        rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=4))
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return "scenarios.csv", buffer.getvalue()
    records = draw(
        st.lists(
            st.dictionaries(
                st.sampled_from(CSV_HEADERS),
                st.one_of(
                    cell, st.integers(-3, 300), st.decimals(allow_nan=False, places=3), st.none(), st.lists(cell)
                ),
                max_size=4,
            ).map(lambda d: json.dumps(d, default=str))
            | st.sampled_from(["", "{", "[1]", '"text"', "null", "{}"]),
            max_size=4,
        )
    )
    return "scenarios.jsonl", "".join(line + "\n" for line in records)


@fuzz_settings("test_batch_inputs")
@given(
    file=batch_files(), args=command_lines(*MONEY_FLAGS, flag("--format", st.sampled_from(["csv", "json", "table"])))
)
def test_batch_inputs(file: tuple[str, str], args: list[str], fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_batch_inputs")
    name, content = file
    Path(name).write_text(content, encoding="utf-8")
    full = ["estimate", "--input", name, *args]
    result = invoke(full)
    check_clean(result, full)


@fuzz_settings("test_schedule_arguments")
@given(
    option=mostly(st.sampled_from(OPTIONS)),
    args=command_lines(
        *COURSE_FLAGS[:-1],
        *MONEY_FLAGS,
        flag("--at", mostly(st.sampled_from(["low", "typical", "high"]))),
        flag("--start", mostly(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)).map(str))),
        st.just(["--minimum-only"]),
        FORMATS,
    ),
)
def test_schedule_arguments(option: str, args: list[str], fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_schedule_arguments")
    full = ["schedule", "--option", option, *args]
    result = invoke(full)
    check_clean(result, full)
    check_flags_named(result, f"{option} is not available")
    if result.exit_code == 0 and last_format(args) == "json":
        check_schedule(json.loads(result.stdout))


OUTPUTS = ["gfe.html", "gfe.md", "gfe.json"]


@fuzz_settings("test_quote_arguments")
@given(
    patient=mostly(st.sampled_from(["Ana Diaz", "=HYPERLINK(1)", "O'Brien <b>&"]) | st.text(min_size=1, max_size=30)),
    dob=mostly(st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)).map(str)),
    args=command_lines(
        *COURSE_FLAGS,
        flag("--scheduled", mostly(st.dates(dt.date(2027, 1, 1), dt.date(2100, 12, 31)).map(str))),
        flag("--diagnosis", mostly(st.sampled_from(["F33.2", "f332", "F32.A", "F32.9"]))),
        flag("--html", mostly(st.sampled_from(OUTPUTS[:1]))),
        flag("--markdown", st.sampled_from(OUTPUTS[1:2])),
        flag("--json", st.sampled_from(OUTPUTS[2:])),
        st.just(["--no-save"]),
    ),
)
def test_quote_arguments(patient: str, dob: str, args: list[str], fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_quote_arguments")
    full = ["quote", "--patient", patient, "--dob", dob, *args]
    with fresh_directory() as directory:
        result = invoke(full)
        written = sorted(p.name for p in directory.iterdir())
    check_clean(result, full)
    check_flags_named(result, "Quote ", "Wrote ")
    if result.exit_code == 2:
        assert written == [], "a failed quote wrote a file"
        assert "saved in" not in result.stderr


@pytest.fixture
def saved_quote(tmp_path: Path) -> str:
    result = invoke(["quote", "--patient", "Ana Diaz", "--dob", "1984-03-02", "--add-on", "consultation"])
    assert result.exit_code == 0, result.stderr
    match = re.search(r"Quote (Q-[0-9]{8}-[0-9A-Z]{4}) ", result.stderr)
    assert match
    return match.group(1)


@fuzz_settings("test_quotes_arguments")
@given(data=st.data())
def test_quotes_arguments(data: st.DataObject, saved_quote: str, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_quotes_arguments")
    quote_id = data.draw(mostly(st.sampled_from([saved_quote, saved_quote.lower(), "Q-20260101-AAAA"])))
    billed = mostly(st.sampled_from(["clinic=6400", "physician=749.99", "1234567893=1", "clinic", "=5", "x=y"]))
    command = data.draw(st.sampled_from(["list", "show", "check"]))
    if command == "list":
        args = [
            "list",
            *data.draw(
                command_lines(
                    flag("--patient", mostly(st.just("diaz"))),
                    flag("--since", mostly(st.just("2026-01-01"))),
                    FORMATS,
                    most=3,
                )
            ),
        ]
    elif command == "show":
        args = ["show", quote_id, *data.draw(command_lines(flag("--html", mostly(st.just("again.html"))), most=2))]
    else:
        args = [
            "check",
            quote_id,
            *data.draw(
                command_lines(flag("--billed", billed), flag("--bill-date", mostly(st.just("2026-01-15"))), FORMATS)
            ),
        ]
    full = ["quotes", *args]
    result = invoke(full)
    check_clean(result, full)
    check_flags_named(result, "no quote ", "Wrote ")


@fuzz_settings("test_pricing_read_arguments")
@given(data=st.data())
def test_pricing_read_arguments(data: st.DataObject, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_pricing_read_arguments")
    Path("other.toml").write_text(BASE_TEXT.replace("apr = 17.99", "apr = 15.99"), encoding="utf-8")
    paths = mostly(st.sampled_from([str(DEFAULT_SHEET), "other.toml", "missing.toml", "."]))
    dotted = st.sampled_from(["treatments.iv.price.high", "options", "treatments.iv.line_items.0", "tax.year"])
    command = data.draw(st.sampled_from(["validate", "show", "get", "diff", "schema"]))
    if command == "validate":
        args = ["validate", *data.draw(st.lists(paths, max_size=3))]
    elif command == "show":
        args = ["show", *data.draw(command_lines(flag("--format", mostly(st.sampled_from(["table", "json", "toml"])))))]
    elif command == "get":
        args = ["get", data.draw(mostly(dotted)), *data.draw(command_lines(flag("--format", mostly(st.just("json")))))]
    elif command == "diff":
        args = ["diff", data.draw(paths), data.draw(paths), *data.draw(command_lines(FORMATS, most=2))]
    else:
        args = ["schema", *data.draw(command_lines(most=1))]
    full = ["pricing", *args]
    result = invoke(full)
    check_clean(result, full, allowed=(0, 2, 6) if command == "diff" else (0, 2))


@fuzz_settings("test_pricing_edit_arguments")
@given(data=st.data())
def test_pricing_edit_arguments(data: st.DataObject, fuzz_examples: dict[str, int]) -> None:
    count(fuzz_examples, "test_pricing_edit_arguments")
    with fresh_directory():
        edit_once(data)


def edit_once(data: st.DataObject) -> None:
    sheet = Path("sheet.toml")
    sheet.write_text(BASE_TEXT, encoding="utf-8")
    command = data.draw(st.sampled_from(["set", "scale", "init"]))
    if command == "set":
        keys_ = st.sampled_from(
            ["options.medical_loan.apr", "treatments.iv.price.high", "treatments.iv.name", "tax.year", "nope"]
        )
        value = mostly(st.sampled_from(["15.99", "950", "0", '"IV"', "true", "[1]", "{a=1}", "nan", "1e400"]))
        pairs = data.draw(st.lists(st.tuples(mostly(keys_), value), min_size=1, max_size=3))
        args = ["set", *(f"{k}={v}" for k, v in pairs), *data.draw(command_lines(st.just(["--dry-run"]), most=1))]
    elif command == "scale":
        by = mostly(st.sampled_from(["3.5%", "-2%", "+10%", "1000%", "-99.99%", "-100%", "0%"]))
        args = [
            "scale",
            "--by",
            data.draw(by),
            *data.draw(
                command_lines(
                    flag("--round", mostly(st.sampled_from(["0.01", "1", "5"]))),
                    flag("--select", mostly(st.sampled_from(["treatments.*.price", "options.**", "**", "tax.*"]))),
                    st.just(["--dry-run"]),
                    most=3,
                )
            ),
        ]
    else:
        args = ["init", data.draw(mostly(st.sampled_from(["new.toml", "sheet.toml", ".", "no/such/dir.toml"])))]
        args += data.draw(command_lines(st.just(["--force"]), most=1))
    full = ["--pricing", "sheet.toml", "pricing", *args]
    result = invoke(full)
    check_clean(result, full)
    files = sorted(p.name for p in Path.cwd().iterdir() if not p.name.endswith(".lock"))
    if result.exit_code == 2 or "--dry-run" in args:
        assert sheet.read_text(encoding="utf-8") == BASE_TEXT, "a failed or dry-run edit changed the sheet"
        assert files == ["sheet.toml"], f"a failed or dry-run edit wrote {files}"
    if result.exit_code == 0:  # whatever was written is a valid sheet
        for name in files:
            check = invoke(["pricing", "validate", name])
            assert check.exit_code == 0, (full, check.stderr)


def test_enough_fuzz_examples_ran(fuzz_examples: dict[str, int]) -> None:
    """Runs last (file order): when every fuzz test above ran in this session, together they ran >= 2,000."""
    if set(fuzz_examples) != set(EXAMPLES):
        pytest.skip("only part of the fuzz tests ran in this session")
    assert sum(EXAMPLES.values()) >= MIN_EXAMPLES
    assert sum(fuzz_examples.values()) >= MIN_EXAMPLES, fuzz_examples
