"""``ketacost estimate``: the course total and what each way of paying costs, per month and in all."""

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.context import Env
from ketacost.cli.options import (
    FormatOption,
    InputOption,
    JobsOption,
    OutputFormat,
    Renderers,
    check_format,
    render,
)
from ketacost.cli.scenario import ScenarioFlags, naming_flags, scenario_flags
from ketacost.scenario import Scenario

if TYPE_CHECKING:
    from ketacost.batch import Bounded

# What `estimate` prints in each format (see ketacost.cli.options.render); --timeline adds the chart to the table,
# the months to JSON and Markdown, and a line on stderr to CSV (it has no place for them).
RENDERERS: Renderers[OutputFormat] = {
    OutputFormat.table: ("ketacost.render.table:print_table", "ketacost.render.plain:print_plain"),
    OutputFormat.json: "ketacost.render.json_out:print_json",
    OutputFormat.csv: "ketacost.render.csv_out:print_csv",
    OutputFormat.markdown: "ketacost.render.markdown_out:print_markdown",
}
WITH_TIMELINE: Renderers[OutputFormat] = {
    **RENDERERS,
    OutputFormat.table: (
        "ketacost.render.timeline:print_with_chart_rich",
        "ketacost.render.timeline:print_with_chart_plain",
    ),
    OutputFormat.json: "ketacost.render.json_out:print_json_with_timeline",
    OutputFormat.csv: "ketacost.render.csv_out:print_csv_with_timeline",
    OutputFormat.markdown: "ketacost.render.markdown_out:print_markdown_with_timeline",
}


def register(app: typer.Typer) -> None:
    app.command("estimate", short_help="Course cost and every way to pay it: upfront, monthly, total.")(
        estimate_command
    )


@reports_errors
@scenario_flags()
def estimate_command(
    ctx: typer.Context,
    scenario: ScenarioFlags,
    timeline: Annotated[
        bool, typer.Option("--timeline", help="Also draw the cumulative cost of care, month by month.")
    ] = False,
    output: FormatOption = OutputFormat.table,
    input_path: InputOption = None,
    jobs: JobsOption = None,
    pricing: PricingOption = None,
) -> None:
    """Estimate a course's cost and each payment option's upfront, monthly and total cost.

    Figures are shown at the typical price, with the low-high range; the lowest net cost is marked with *.
    With --input, one scenario per CSV row or JSON line (fields named like the flags, which give defaults):
    one row per scenario and option, tagged with the input line; exit 2 at the end if any scenario failed.

    Ids (treatments, add-ons, payment options) are the sheet's: "ketacost pricing show" lists them, TAB completes
    them once shell completion is installed (see ketacost --help), and any case works (-t IV).
    """
    if input_path is None:
        check_format(ctx, output, WITH_TIMELINE if timeline else RENDERERS)
    _check_jobs(input_path, jobs)
    env = env_of(ctx, pricing)
    if input_path is not None:
        flags = scenario.parse()
        given = ctx.get_parameter_source("output")
        chosen = output if given is not None and given.name != "DEFAULT" else None
        batch(env, input_path, chosen, flags, jobs)
        return
    print_estimate(env, scenario, timeline, output)


def print_estimate(env: Env, scenario: ScenarioFlags, timeline: bool, output: OutputFormat) -> None:
    """One scenario's estimate in ``output`` (every format has a renderer): the whole of `estimate` without
    --input, also run by :mod:`ketacost.cli.fast`."""
    from ketacost.estimator import estimate
    from ketacost.sheet.load import discover, load_prices

    flags = scenario.parse()
    source = discover(env.pricing)
    sheet = load_prices(source)
    with naming_flags():
        result = estimate(sheet, flags, source=source.label)
    render(env, output, result, WITH_TIMELINE if timeline else RENDERERS)


def _check_jobs(input_path: str | None, jobs: int | None) -> None:
    from ketacost.errors import BadInput

    if jobs is not None and input_path is None:
        raise BadInput("--jobs: only with --input (worker processes price a batch of scenarios)")
    if jobs is not None and jobs < 1:
        raise BadInput(f"--jobs {jobs}: give 1 or more worker processes")


def batch(env: Env, path: str, output: OutputFormat | None, base: Scenario, jobs: int | None = None) -> None:
    """Stream the scenarios in ``path`` through one loaded sheet; CSV or JSON Lines out (default: as the input).
    ``jobs`` worker processes price them (default: one per CPU this process may use; 1: this process alone)."""
    from ketacost import batch as batches
    from ketacost import batch_workers
    from ketacost.errors import BadInput
    from ketacost.sheet.load import discover, load_prices

    if output not in (None, OutputFormat.csv, OutputFormat.json):
        raise BadInput(f"--format {output}: with --input, choose csv or json (JSON Lines)")
    source = discover(env.pricing)
    sheet = load_prices(source)
    stream = _open(path)
    try:
        counted = batches.Bounded(stream)  # no line is read whole beyond batches.MAX_RECORD characters
        first = next(counted, "")
        if not isinstance(first, batches.Skipped):
            first = first.removeprefix("\ufeff")
        kind = batches.input_kind(path, first)
        lines: Iterable[str] = _chain(first, counted)
        if output is None:
            output = OutputFormat.csv if kind == "csv" else OutputFormat.json
        records = batches.read_csv(lines, path) if kind == "csv" else batches.read_jsonl(lines, path)
        writer = batches.CsvWriter(env.stdout) if output is OutputFormat.csv else batches.JsonlWriter(env.stdout)
        if jobs is None:
            jobs = batch_workers.default_jobs()
        # The workers start before the progress bar's thread does: forking a process that runs threads is unsafe.
        with (
            batch_workers.priced(sheet, source.label, records, writer, base, jobs) as priced,
            _progress(env, path, counted) as progress,
        ):
            summary = batches.write(priced, writer, progress)
    except UnicodeDecodeError as error:
        raise BadInput(f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x})") from None
    except OSError as error:
        if getattr(env.stdout, "failed", False):  # writing the output failed, not reading the input
            raise
        from ketacost.errors import SystemRefused

        raise SystemRefused(f"{path}: cannot read: {error.strerror or error}") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    env.stdout.flush()
    if summary.failed:
        raise BadInput(f"{path}: {summary.failed} of {summary.scenarios} scenarios failed (see their error records)")


def _open(path: str) -> TextIO:
    from ketacost.errors import BadInput

    if path == "-":
        return sys.stdin
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark, which would stick to the first column's name
        return open(path, encoding="utf-8-sig", newline="")  # closed by the caller
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot read: {error.strerror or error}") from None


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


@contextlib.contextmanager
def _progress(env: Env, path: str, counted: "Bounded") -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal (Rich is imported only then); else nothing."""
    if not env.stderr.isatty():
        yield None
        return
    import os

    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(file=env.stderr), transient=True)
    task = bar.add_task("Estimating", total=os.path.getsize(path) if path != "-" else None)

    def advance(scenarios: int) -> None:
        bar.update(task, completed=counted.read, description=f"{scenarios:,} scenarios")

    with bar:
        yield advance
