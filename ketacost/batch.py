"""Batch estimates: scenarios in (CSV rows or JSON lines), one row per scenario and payment option out, streamed.

Each input record holds the estimate's flags as columns or fields (treatment, sessions, price, add_ons, tax_rate,
hsa_balance, fsa_balance, options). Each output row is tagged with the record's line number and carries the
option's figures at the typical price plus its net cost at the low and high price. A bad record becomes an
error record naming its line, and the others go on. The sheet is loaded once by the caller; records are read,
priced and written one at a time, so memory does not grow with the input (:mod:`ketacost.batch_workers` has
worker processes price them, a chunk at a time).
"""

from __future__ import annotations

import csv
import io
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal, Protocol, TextIO

import ketacost.scenario as scenarios
from ketacost.errors import BadInput
from ketacost.estimator import Estimate, Memo, OptionEstimate, estimate
from ketacost.money import fmt
from ketacost.prices import PriceList
from ketacost.render.csv_out import budget_cells, safe_cell
from ketacost.render.fields import (
    LATER_COLUMNS,
    NO_INSTALLMENT,
    OPTION_COLUMNS,
    STATUS_COLUMNS,
    VALUE_FIELDS,
    later_values,
    point_values,
)
from ketacost.scenario import Scenario

InputKind = Literal["csv", "jsonl"]

FIELDS = tuple(each.field for each in scenarios.INPUTS)  # a column or key per scenario input, named as its field
_ALIASES = {"add_on": "add_ons", "option": "options"}  # the flag's own name (--add-on, --option) works too

# Named as in `estimate --format csv` (ketacost.render.fields): a row per option here, at the typical price.
COLUMNS = (
    "line",
    *OPTION_COLUMNS,
    *STATUS_COLUMNS,
    *VALUE_FIELDS,
    *LATER_COLUMNS,
    "net_cost_low",
    "net_cost_high",
    "error",
)

_NO_FLAGS = Scenario()


@dataclass(slots=True)
class Summary:
    """How a batch went: scenarios read, rows written (error records included), scenarios that failed."""

    scenarios: int = 0
    rows: int = 0
    failed: int = 0


def input_kind(name: str, first_line: str = "") -> InputKind:
    """CSV or JSON Lines, by the file's extension (``-``, standard input, by its first line)."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name == "-":
        return "jsonl" if first_line.lstrip().startswith("{") else "csv"
    raise BadInput(f"{name}: cannot tell the input format: name it .csv or .jsonl")


def field_name(name: str) -> str | None:
    """The canonical field for a column or key (``tax-rate`` and ``tax_rate`` alike), or None if unknown."""
    canonical = name.strip().lower().replace("-", "_")
    canonical = _ALIASES.get(canonical, canonical)
    return canonical if canonical in FIELDS else None


def _unknown_field(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name.strip().lower().replace("-", "_"), [*FIELDS, *_ALIASES], n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"fields: {', '.join(FIELDS)}"
    return f"unknown field {name!r} ({hint})"


Record = tuple[int, Mapping[str, Any] | str]  # (line, fields) or (line, what is wrong with it)

MAX_RECORD = 65_536  # characters in one record: a scenario needs a few hundred
MAX_MESSAGE = 300  # characters in one error record's message
TOO_LONG = f"record longer than {MAX_RECORD:,} characters"


class Skipped(str):
    """What stands for a line longer than :data:`MAX_RECORD`, which was skipped without being kept: its text is
    empty; ``odd_quotes`` tells whether it held an odd number of ``"`` (it opened or closed a quoted CSV field)."""

    odd_quotes: bool


class Bounded:
    """The lines of a text stream, each read in pieces of at most :data:`MAX_RECORD` characters: a longer line is
    skipped to its end and given as a :class:`Skipped`, so that memory stays flat whatever the input.
    ``read`` counts the characters read so far (what a progress bar advances by)."""

    def __init__(self, stream: TextIO, limit: int = MAX_RECORD) -> None:
        self.read = 0
        self._readline = stream.readline
        self._limit = limit

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = self._readline(self._limit + 1)
        if not text:
            raise StopIteration
        self.read += len(text)
        if len(text) <= self._limit or text[-1] in "\r\n":
            return text
        quotes = text.count('"')
        while text and text[-1] not in "\r\n":
            text = self._readline(self._limit)
            self.read += len(text)
            quotes += text.count('"')
        skipped = Skipped()
        skipped.odd_quotes = quotes % 2 == 1
        return skipped


class _TooLong(Exception):
    """A CSV record longer than :data:`MAX_RECORD`; the lines it spans have been skipped."""


class _RecordLines:
    """csv.reader's input: counts each record's lines and characters, and ends a record that grows too long.

    csv asks for a record's second line only inside a quoted field, so an overlong record is skipped up to the
    line that closes that field (an odd number of quotes); the reader then starts afresh on the next line.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.line = 0  # lines read so far
        self.first = 1  # the current record's first line
        self._size = 0

    def start(self) -> None:
        self.first, self._size = self.line + 1, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = next(self._lines)
        self.line += 1
        inside = self._size > 0  # a line after the record's first: csv is inside a quoted field
        self._size += MAX_RECORD + 1 if isinstance(text, Skipped) else len(text)
        if not isinstance(text, Skipped) and self._size <= MAX_RECORD:
            return text
        odd = text.odd_quotes if isinstance(text, Skipped) else text.count('"') % 2 == 1
        inside = inside != odd
        while inside:  # skip the rest of the quoted field
            following = next(self._lines, None)
            if following is None:
                break
            self.line += 1
            odd = following.odd_quotes if isinstance(following, Skipped) else following.count('"') % 2 == 1
            inside = not odd
        raise _TooLong


def read_csv(lines: Iterable[str], name: str) -> Iterator[Record]:
    """CSV with a header row of field names; empty cells are not given. Yields each row with its first line.

    The header is read and checked at once (an unknown column stops the batch before any output); rows are read
    as the iterator is consumed. A record longer than :data:`MAX_RECORD` characters becomes an error record.
    """
    source = _RecordLines(lines)
    reader = csv.reader(source)
    try:
        header = next(reader, None)
    except (_TooLong, csv.Error):
        raise BadInput(f"{name}:1: the header row is not a CSV header of field names") from None
    if header is None:
        return iter(())
    fields = [field_name(column) for column in header]
    unknown = [_unknown_field(column) for column, known in zip(header, fields, strict=True) if known is None]
    if unknown:
        raise BadInput(*(f"{name}:1: {short(message)}" for message in unknown))
    repeated = sorted({f for f in fields if f is not None and fields.count(f) > 1})
    if repeated:
        raise BadInput(f"{name}:1: column given twice: {', '.join(repeated)}")
    return _csv_records(reader, source, [f for f in fields if f is not None])


def _csv_records(reader: Any, source: _RecordLines, fields: list[str]) -> Iterator[Record]:
    while True:
        source.start()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _TooLong:
            yield source.first, TOO_LONG
            continue
        except csv.Error as error:
            yield source.first, f"invalid CSV: {error}"
            continue
        if not cells:
            continue  # a blank line
        if len(cells) != len(fields):
            yield source.first, f"expected {len(fields)} cells, got {len(cells)}"
            continue
        yield source.first, {f: cell for f, cell in zip(fields, cells, strict=True) if cell.strip()}


def read_jsonl(lines: Iterable[str], name: str) -> Iterator[Record]:
    """One JSON object per line; numbers are read as exact Decimals. A line that is not one (too long, nested too
    deeply, a number of thousands of digits) becomes an error record."""
    for line, text in enumerate(lines, 1):
        if isinstance(text, Skipped):
            yield line, TOO_LONG
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            yield line, f"invalid JSON: {error.msg} (column {error.colno})"
            continue
        except RecursionError:
            yield line, "invalid JSON: nested too deeply"
            continue
        except ValueError:  # an integer of more digits than int() converts (sys.get_int_max_str_digits)
            yield line, "invalid JSON: a number with too many digits"
            continue
        if not isinstance(record, dict):
            yield line, "expected a JSON object with the scenario's fields"
            continue
        fields: dict[str, Any] = {}
        for key, value in record.items():
            known = field_name(key)
            if known is None:
                yield line, _unknown_field(key)
                break
            if value is not None and value != "":
                fields[known] = value
        else:
            yield line, fields


def short(message: str) -> str:
    """A message of at most :data:`MAX_MESSAGE` characters: one that quotes a huge cell is cut, with an ellipsis."""
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "\u2026"


def scenario(fields: Mapping[str, Any], base: Scenario) -> Scenario:
    """A record's scenario: its fields over ``base`` (the command-line flags), each checked as its flag is."""
    return scenarios.parse(fields, base=base, name=lambda each: each.field)


class Rows(Protocol):
    """Makes an estimate's rows as text, apart from the line they carry, so that a scenario met again is written
    again without being priced or formatted again; with no stream, so that worker processes make them too."""

    def texts(self, result: Estimate) -> tuple[str, ...]: ...


class Writer(Rows, Protocol):
    """Writes a batch's output (in the main process only); ``ROWS`` makes the same rows without a stream."""

    ROWS: ClassVar[type[Rows]]

    def write(self, line: int, texts: tuple[str, ...]) -> None: ...

    def error(self, line: int, message: str) -> None: ...


_EMPTY_FIGURES = (None,) * (len(VALUE_FIELDS) + len(LATER_COLUMNS) + 2)  # the figures, later, net cost low, high
_NET = VALUE_FIELDS.index("net_cost")


def _option_values(result: Estimate) -> Iterator[tuple[OptionEstimate, bool, tuple[Any, ...]]]:
    """Each option, whether it is the cheapest, and its figures: :data:`COLUMNS` from ``months`` to
    ``net_cost_high``, money as two-decimal text, None for what does not apply (all of them when the option is
    not available)."""
    cheapest = result.cheapest
    for option in result.options:
        typical = option.typical
        if not typical.available:
            yield option, option.id == cheapest, _EMPTY_FIGURES
            continue
        figures = point_values(typical)
        net = figures[_NET]
        low, high = option.low, option.high
        yield (
            option,
            option.id == cheapest,
            (
                *figures,
                *later_values(option, "typical"),
                # one price for all three points: the same outcome; a point not available has no net cost (empty)
                net if low is typical else fmt(low.net_cost) if low.available else None,
                net if high is typical else fmt(high.net_cost) if high.available else None,
            ),
        )


_BOOL = {True: "true", False: "false"}


class CsvRows:
    """A CSV batch's rows made from an estimate, with no stream: what a worker process makes (see CsvWriter).

    Rows of available options are made as text: their own cells are numbers, two-decimal money, true/false
    or empty, none of which csv would quote, and the text cells (treatment, option id, kind, name) are encoded
    by csv itself, once each. Other rows go through csv.writer.
    """

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._encoder = csv.writer(self._buffer, lineterminator="")
        self._treatments: dict[str, str] = {}  # encoded once each: treatments and options are few
        self._options: dict[tuple[str, str, str], str] = {}

    def _encode(self, *cells: str | int | None) -> str:
        """Cells as csv.writer writes them within a row (None: an empty cell)."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._encoder.writerow((*cells, None))  # and an empty cell, dropped: one empty cell alone would be ""
        return self._buffer.getvalue()[:-1]

    def _treatment(self, treatment_id: str) -> str:
        text = self._treatments.get(treatment_id)
        if text is None:
            text = self._treatments[treatment_id] = self._encode(safe_cell(treatment_id))
        return text

    def _option(self, option: OptionEstimate) -> str:
        key = (option.id, option.kind, option.name)
        text = self._options.get(key)
        if text is None:
            text = self._options[key] = self._encode(safe_cell(option.id), option.kind, safe_cell(option.name))
        return text

    def texts(self, result: Estimate) -> tuple[str, ...]:
        """Each row after its line number and comma, newline included."""
        texts = []
        course = result.course
        treatment, total = self._treatment(course.treatment_id), fmt(course.total.typical)
        head = f"{treatment},{course.sessions},{total},"
        cheapest_id = result.cheapest
        for option in result.options:
            typical = option.typical
            cheapest = _BOOL[option.id == cheapest_id]
            if not typical.available:
                cells = (
                    safe_cell(course.treatment_id),
                    course.sessions,
                    total,
                    safe_cell(option.id),
                    option.kind,
                    safe_cell(option.name),
                    "false",
                    safe_cell(typical.reason),
                    cheapest,
                    *budget_cells(result, option),
                    *_EMPTY_FIGURES,
                    None,
                )
                texts.append(self._encode(*cells) + "\n")
                continue
            # What _option_values gives, written out (a batch writes a row per scenario and option); the JSON
            # Lines writer uses _option_values; tests/cli/test_batch.py holds both to the plainly built rows.
            installments = typical.installments
            paid = typical.total_paid
            savings = typical.tax_savings
            net = fmt(typical.net_cost if typical.reimbursements else paid - savings)
            apr = typical.apr
            risk = typical.risk
            low, high = option.low, option.high
            if installments:
                monthly, final = fmt(installments[0]), fmt(installments[-1])
            else:
                monthly = final = NO_INSTALLMENT
            fits, cheapest_fit = budget_cells(result, option)
            # A point not available has no net cost (empty), as in the JSON.
            back, year = later_values(option, "typical")
            net_low = net if low is typical else fmt(low.net_cost) if low.available else ""
            net_high = net if high is typical else fmt(high.net_cost) if high.available else ""
            # Empty cells for what does not apply and for the error column.
            texts.append(
                f"{head}{self._option(option)},true,,{cheapest},{fits},{cheapest_fit},{len(installments)},"
                f"{fmt(typical.upfront)},{monthly},{final},{fmt(paid)},{fmt(typical.interest)},{fmt(typical.fees)},"
                f"{fmt(savings)},{net},{'' if typical.plan is None else fmt(typical.financed)},"
                f"{'' if apr is None else f'{apr:.2f}'},{'' if risk is None else fmt(risk.interest)},"
                f"{back or ''},{year or ''},{net_low},{net_high},\n"
            )
        return tuple(texts)


class CsvWriter(CsvRows):
    """CSV with one header row; text cells defused against spreadsheet formulas; an ``error`` column."""

    ROWS: ClassVar[type[Rows]] = CsvRows

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self._write = out.write
        self._writer = csv.writer(out, lineterminator="\n")
        self._writer.writerow(COLUMNS)

    def rows(self, line: int, result: Estimate) -> int:
        """Write one estimate's rows; how many."""
        texts = self.texts(result)
        self.write(line, texts)
        return len(texts)

    def write(self, line: int, texts: tuple[str, ...]) -> None:
        prefix = f"{line},"
        self._write("".join([prefix + text for text in texts]))

    def error(self, line: int, message: str) -> None:
        self._writer.writerow([line, *[""] * (len(COLUMNS) - 2), safe_cell(message)])


class JsonlRows:
    """A JSON Lines batch's rows made from an estimate, with no stream: what a worker process makes."""

    def __init__(self) -> None:
        self._figures = COLUMNS[COLUMNS.index("months") : -1]

    def texts(self, result: Estimate) -> tuple[str, ...]:
        """Each row's JSON object after its opening brace and line number, newline included."""
        texts = []
        course = result.course
        head = {"treatment": course.treatment_id, "sessions": course.sessions}
        total = fmt(course.total.typical)
        for option, cheapest, figures in _option_values(result):
            typical = option.typical
            record: dict[str, Any] = {
                **head,
                "course_total": total,
                "option": option.id,
                "kind": option.kind,
                "name": option.name,
                "available": typical.available,
            }
            if not typical.available:
                record["reason"] = typical.reason
            record["cheapest"] = cheapest
            if result.budget is not None:
                record["fits_budget"] = option.id in result.budget.fitting
                record["cheapest_that_fits"] = option.id == result.budget.cheapest
            record.update(
                (name, value) for name, value in zip(self._figures, figures, strict=True) if value is not None
            )
            texts.append(", " + json.dumps(record, ensure_ascii=False)[1:] + "\n")  # what follows {"line": N
        return tuple(texts)


class JsonlWriter(JsonlRows):
    """One JSON object per line, without the fields that do not apply; an error is ``{"line": N, "error": "..."}``."""

    ROWS: ClassVar[type[Rows]] = JsonlRows

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self._out = out

    def rows(self, line: int, result: Estimate) -> int:
        """Write one estimate's rows; how many."""
        texts = self.texts(result)
        self.write(line, texts)
        return len(texts)

    def write(self, line: int, texts: tuple[str, ...]) -> None:
        prefix = f'{{"line": {line}'
        self._out.write("".join([prefix + text for text in texts]))

    def error(self, line: int, message: str) -> None:
        self._out.write(json.dumps({"line": line, "error": message}, ensure_ascii=False) + "\n")


# Scenarios whose rows are kept, the most recently met: a real batch repeats treatments, session counts and
# tax rates, and a scenario met again is written from its text (a few KiB each: memory stays flat).
KEPT = 4096


def _key(fields: Mapping[str, Any]) -> str:
    """The record's fields as given, exactly: ``950`` and ``950.00`` are different keys (equal as Decimals, they
    might not be written alike), and so are a text and a number. One string: small to keep, quick to hash (a
    repr never holds the separator, a control character it escapes)."""
    return "\x1f".join([f"{name}={type(value).__name__}:{value!r}" for name, value in fields.items()])


Priced = tuple[str, ...] | str  # a record's rows (Rows.texts) or what is wrong with it (its error record's message)


class Pricer:
    """Turns a record into its rows or its error message: the one definition a batch prices by, whether in this
    process or in a worker (:mod:`ketacost.batch_workers`). Each holds its own caches: the estimator's ``Memo``
    and the rows of the :data:`KEPT` scenarios met most recently."""

    def __init__(self, sheet: PriceList, source: str, rows: Rows, base: Scenario = _NO_FLAGS) -> None:
        self._sheet, self._source, self._texts, self._base = sheet, source, rows.texts, base
        self._memo = Memo(sheet)
        self._kept: OrderedDict[str, tuple[str, ...]] = OrderedDict()  # a record's fields -> its rows, the recent ones

    def __call__(self, fields: Mapping[str, Any] | str) -> Priced:
        try:
            if isinstance(fields, str):
                raise BadInput(fields)
            key = _key(fields)
            kept = self._kept
            texts = kept.get(key)
            if texts is None:
                result = estimate(self._sheet, scenario(fields, self._base), source=self._source, memo=self._memo)
                texts = kept[key] = self._texts(result)
                if len(kept) > KEPT:
                    kept.popitem(last=False)
            else:
                kept.move_to_end(key)
            return texts
        except BadInput as error:
            return short("; ".join(error.lines))


def write(
    priced: Iterable[tuple[int, Priced]], writer: Writer, progress: Callable[[int], None] | None = None
) -> Summary:
    """Write each record's rows (or its error record) in the order given, and count them."""
    summary = Summary()
    for line, texts in priced:
        summary.scenarios += 1
        if isinstance(texts, str):
            writer.error(line, texts)
            summary.rows += 1
            summary.failed += 1
        else:
            writer.write(line, texts)
            summary.rows += len(texts)
        if progress is not None and summary.scenarios % 1000 == 0:
            progress(summary.scenarios)
    if progress is not None:
        progress(summary.scenarios)
    return summary


def run(
    sheet: PriceList,
    source: str,
    records: Iterable[Record],
    writer: Writer,
    base: Scenario = _NO_FLAGS,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Price every record in this process and write its rows (or its error record); the sheet is validated once,
    by the caller. (:func:`ketacost.batch_workers.priced` prices them in worker processes.)"""
    price = Pricer(sheet, source, writer, base)
    return write(((line, price(fields)) for line, fields in records), writer, progress)
