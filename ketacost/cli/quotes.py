"""``ketacost quotes``: the quote register: list the quotes issued, show one exactly as issued, check a bill."""

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ketacost import values
from ketacost.cli.app import env_of, reports_errors
from ketacost.cli.options import (
    FormatOption,
    HtmlFileOption,
    JsonFileOption,
    MarkdownFileOption,
    OutputFormat,
    Renderers,
    StoreOption,
    check_format,
    render,
)
from ketacost.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ketacost.store import Damaged, Listed, Quote

quotes_app = typer.Typer(
    name="quotes",
    help="The quote register: list issued Good Faith Estimates, reprint one, check a bill against it.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

# What `quotes list` and `quotes check` print in each format (see ketacost.cli.options.render).
LIST_RENDERERS: Renderers[OutputFormat] = {
    OutputFormat.table: "ketacost.render.quotes_out:print_list_table",
    OutputFormat.json: "ketacost.render.quotes_out:print_list_json",
    OutputFormat.csv: "ketacost.render.quotes_out:print_list_csv",
    OutputFormat.markdown: "ketacost.render.quotes_out:print_list_markdown",
}
CHECK_RENDERERS: Renderers[OutputFormat] = {
    OutputFormat.table: "ketacost.render.quotes_out:print_check_table",
    OutputFormat.json: "ketacost.render.quotes_out:print_check_json",
    OutputFormat.csv: "ketacost.render.quotes_out:print_check_csv",
    OutputFormat.markdown: "ketacost.render.quotes_out:print_check_markdown",
}

QuoteIdArgument = Annotated[str, typer.Argument(metavar="ID", help="The quote ID, e.g. Q-20261127-7K3M.")]


def register(app: typer.Typer) -> None:
    app.add_typer(quotes_app, name="quotes")


def _load(store: str | None, quote_id: str) -> "tuple[Quote, Path]":
    found, path, _ = _load_linked(store, quote_id)
    return found, path


def _load_linked(store: str | None, quote_id: str) -> "tuple[Quote, Path, str | None]":
    """The quote, the register it is in, and the quote that replaced it (if one did)."""
    from ketacost import store as register_store

    path = register_store.discover(store)
    found, replaced_by = _find_linked(path, quote_id)
    return found, path, replaced_by


def _find_linked(path: Path, quote_id: str) -> "tuple[Quote, str | None]":
    """The quote in the register at ``path``, and the quote that replaced it (if one did); bad input if none."""
    from ketacost import store as register_store
    from ketacost.gfe import normalize_quote_id

    wanted = normalize_quote_id(quote_id)
    with register_store.open_register(path, create=False) as opened:
        found = opened.get(wanted) if opened is not None else None
        replaced_by = opened.replaced_by(wanted) if opened is not None and found is not None else None
    if found is None:
        raise BadInput(f"no quote {wanted} in the register {path}")
    return found, replaced_by


@quotes_app.command("list")
@reports_errors
def list_command(
    ctx: typer.Context,
    patient: Annotated[
        str | None, typer.Option("--patient", metavar="TEXT", help="Only patients whose name contains TEXT.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only quotes issued on or after this date.")
    ] = None,
    output: FormatOption = OutputFormat.table,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Also check every saved document against its SHA-256 (reads every document)."),
    ] = False,
    store: StoreOption = None,
) -> None:
    """List the quotes in the register, oldest first.

    A quote that cannot be listed (a row changed outside ketacost) is reported on stderr, one line each, and the
    others are still listed; the exit code is then 2.
    """
    check_format(ctx, output, LIST_RENDERERS)
    from ketacost import store as register_store
    from ketacost.render.quotes_out import Listing

    env = env_of(ctx)
    day = values.iso_date("--since", since)
    path = register_store.discover(store)
    damaged: list[str] = []

    def healthy(rows: "Iterable[Listed | Damaged]") -> "Iterator[Listed]":
        for row in rows:
            if isinstance(row, register_store.Damaged):
                damaged.append(row.problem)
            else:
                yield row

    out = env.stdout
    with register_store.open_register(path, create=False) as opened:
        found = healthy(opened.listing(patient=patient, since=day, verify=verify) if opened is not None else ())
        render(env, output, Listing(found, str(path)), LIST_RENDERERS)
    if damaged:
        out.flush()
        raise BadInput(*damaged)


@quotes_app.command("show")
@reports_errors
def show_command(
    ctx: typer.Context,
    quote_id: QuoteIdArgument,
    html: HtmlFileOption = None,
    markdown: MarkdownFileOption = None,
    json_file: JsonFileOption = None,
    store: StoreOption = None,
) -> None:
    """Show a saved quote exactly as it was issued, whatever the price sheet says today."""
    from ketacost.cli import documents
    from ketacost.cli.quote import render_all, show_preview

    env = env_of(ctx)
    replaced_by: list[str | None] = []

    def load(path: Path) -> str:
        found, newer = _find_linked(path, quote_id)
        replaced_by.append(newer)
        return found.document

    def preview(rendered: "documents.Rendered") -> None:
        show_preview(env, rendered["gfe"])
        if replaced_by[0] is not None:  # the document stays as issued; the register knows what came after it
            env.stdout.write(f"\nReplaced by quote {replaced_by[0]} (a new Good Faith Estimate for a changed scope).\n")

    documents.show(env, store, html, markdown, json_file, load=load, render_all=render_all, preview=preview)


@quotes_app.command("check")
@reports_errors
def check_command(
    ctx: typer.Context,
    quote_id: QuoteIdArgument,
    billed: Annotated[
        list[str],
        typer.Option(
            "--billed",
            metavar="PROVIDER=AMOUNT",
            help="What a provider billed in all; PROVIDER is its id (e.g. clinic) or NPI. Repeatable.",
        ),
    ],
    bill_date: Annotated[
        str | None,
        typer.Option(
            "--bill-date", metavar="YYYY-MM-DD", help="Date on the bill: the 120-day window to dispute runs from it."
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
    store: StoreOption = None,
) -> None:
    """Check a bill against a saved quote: may the patient start dispute resolution (400.00 or more over)?

    Compares each provider's bill with its expected charges on the estimate (the high end of the range); a
    provider not on the estimate (given by its NPI) is compared with 0.00. Past the 120-day window from the bill
    date, no bill is eligible.
    """
    check_format(ctx, output, CHECK_RENDERERS)
    import json

    from ketacost import dispute, gfe
    from ketacost.cli.quote import today
    from ketacost.render.quotes_out import CheckReport

    env = env_of(ctx)
    amounts: dict[str, Decimal] = {}
    problems: list[str] = []
    for item in billed:
        key, sep, amount = item.partition("=")
        if not sep or not key.strip():
            problems.append(f"--billed: {item!r} must be PROVIDER=AMOUNT, e.g. clinic=6400.00")
            continue
        try:
            value = values.money("--billed", amount.strip())
        except BadInput as error:
            problems.extend(error.lines)
            continue
        assert value is not None
        if key.strip() in amounts:
            problems.append(f"--billed: {key.strip()} is given twice; give one total per provider")
        amounts[key.strip()] = value
    now = today()
    try:
        day = values.iso_date("--bill-date", bill_date)
    except BadInput as error:
        problems.extend(error.lines)
        day = None
    if problems:
        raise BadInput(*problems)
    found, _ = _load(store, quote_id)
    estimate = gfe.from_document(json.loads(found.document))
    result = dispute.check(estimate, amounts, day, today=now)
    heading = (
        f"Quote {estimate.quote_id} for {estimate.patient.name} (born {estimate.patient.dob.isoformat()}), "
        f"issued {estimate.issued.isoformat()}"
    )
    render(env, output, CheckReport(result, heading, now), CHECK_RENDERERS)
