"""``ketacost pricing``: check, show, read, edit, scale, compare and start price sheets.

Edits keep every comment and byte they do not change, validate the whole sheet before writing, and write safely
(``ketacost.sheet.write``). tomlkit and filelock are imported only inside the commands that edit.
"""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ketacost.cli import complete
from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.options import Renderers, check_format, render
from ketacost.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Callable

    from ketacost.cli.context import Env
    from ketacost.sheet.edit import Edit
    from ketacost.sheet.load import SheetSource
    from ketacost.sheet.model import Sheet

# The formats and options of these commands alone live here, not in ketacost.cli.options: every `estimate`
# imports that module, and each enum class costs start-up time.


class SheetFormat(StrEnum):
    """``pricing show``: a sheet is not an estimate, so its formats differ (toml: the file itself)."""

    table = "table"
    json = "json"
    toml = "toml"


class ValueFormat(StrEnum):
    """``pricing get``: the bare value for ``$(...)``, or JSON for tables and arrays."""

    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    """``pricing diff``: a table for people, JSON for scripts."""

    table = "table"
    json = "json"


# What each command prints in each of its formats (see ketacost.cli.options.render).
SHOW_RENDERERS: Renderers[SheetFormat] = {
    SheetFormat.table: "ketacost.render.pricing_out:print_sheet_table",
    SheetFormat.json: "ketacost.render.pricing_out:print_sheet_json",
    SheetFormat.toml: "ketacost.render.pricing_out:print_sheet_toml",
}
GET_RENDERERS: Renderers[ValueFormat] = {
    ValueFormat.text: "ketacost.render.pricing_out:print_value_text",
    ValueFormat.json: "ketacost.render.pricing_out:print_value_json",
}
DIFF_RENDERERS: Renderers[ReportFormat] = {
    ReportFormat.table: "ketacost.render.pricing_out:print_diff_table",
    ReportFormat.json: "ketacost.render.pricing_out:print_diff_json",
}

LOCK_TIMEOUT = 5.0  # seconds: long enough to wait out another ketacost edit, short enough for a script to notice
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print what would change as a unified diff; write nothing.")
]
LockTimeoutOption = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        metavar="SECONDS",
        min=0,
        help="How long to wait for another writer's lock on the sheet before giving up (exit 3).",
    ),
]

pricing_app = typer.Typer(
    name="pricing",
    help="Check, show, read, edit, scale and compare price sheets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(pricing_app, name="pricing")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@pricing_app.command("validate")
@reports_errors
def validate_command(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="[PATH ...]", help="Sheets to check. Default: the sheet in use.", show_default=False),
    ] = None,
    pricing: PricingOption = None,
) -> None:
    """Check price sheets: one OK line each, or every problem as file:line:col: key: message (exit 2)."""
    from ketacost.sheet.load import discover, load, source_of

    env = env_of(ctx, pricing)
    sources = [source_of(path) for path in paths] if paths else [discover(env.pricing)]
    problems: list[str] = []
    for source in sources:
        try:
            sheet = load(source)
        except BadInput as error:
            problems.extend(error.lines)
            continue
        counts = f"{_count(len(sheet.treatments), 'treatment')}, {_count(len(sheet.options), 'payment option')}"
        env.stdout.write(f"{source.label}: OK ({counts})\n")
    if problems:
        raise BadInput(*problems)


def _sheet_in_use(ctx: typer.Context, pricing: str | None) -> "tuple[Env, SheetSource, str, Sheet]":
    """The sheet discovery finds, read and validated in full (every problem reported, exit 2)."""
    from ketacost.sheet.load import discover, parse_sheet, read_text

    env = env_of(ctx, pricing)
    source = discover(env.pricing)
    text = read_text(source)
    return env, source, text, parse_sheet(text, source.label)


@pricing_app.command("show")
@reports_errors
def show_command(
    ctx: typer.Context,
    output: Annotated[
        SheetFormat, typer.Option("--format", "-f", help="table for people; json for scripts; toml: the file as is.")
    ] = SheetFormat.table,
    pricing: PricingOption = None,
) -> None:
    """Show the sheet in use: treatments and prices, payment options and terms, tax limits."""
    check_format(ctx, output, SHOW_RENDERERS)
    from ketacost.render.pricing_out import SheetShown

    env, source, text, sheet = _sheet_in_use(ctx, pricing)
    render(env, output, SheetShown(sheet, source.label, text), SHOW_RENDERERS)


@pricing_app.command("get")
@reports_errors
def get_command(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY", help="A dotted key, e.g. treatments.iv.price.high.", autocompletion=complete.pricing_keys
        ),
    ],
    output: Annotated[
        ValueFormat,
        typer.Option("--format", "-f", help="text: the bare value (tables as key = value lines); json."),
    ] = ValueFormat.text,
    pricing: PricingOption = None,
) -> None:
    """Print the value of a dotted key, bare, so that $(ketacost pricing get KEY) works."""
    check_format(ctx, output, GET_RENDERERS)
    from ketacost.render.pricing_out import Key
    from ketacost.sheet.load import parse_toml

    env, source, text, sheet = _sheet_in_use(ctx, pricing)
    render(env, output, Key(sheet, key, parse_toml(text, source.label)), GET_RENDERERS)


@pricing_app.command("set")
@reports_errors
def set_command(
    ctx: typer.Context,
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE",
            help='TOML values: 950.50, \'"text"\', true, ["iv", "im"].',
            autocompletion=complete.pricing_assignments,
        ),
    ],
    dry_run: DryRunOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    pricing: PricingOption = None,
) -> None:
    """Set keys in the sheet in use, in place: comments and untouched lines stay byte for byte.

    The whole sheet is validated before anything is written; an unknown key is refused with the nearest known one.
    Exit 3 if another writer holds the sheet or it changed on disk meanwhile.
    """
    from ketacost.sheet import edit, write
    from ketacost.sheet.load import discover

    env = env_of(ctx, pricing)
    source = discover(env.pricing)
    pairs = [edit.parse_assignment(text) for text in assignments]
    old, result = write.edit(
        source,
        lambda text: edit.set_values(text, source.label, pairs),
        lock_timeout=lock_timeout,
        dry_run=dry_run,
    )
    _report(env, old, result, source.label, dry_run=dry_run)


def _report(env: "Env", old: str, result: "Edit", label: str, *, dry_run: bool) -> None:
    """What an edit did: each change (``key: old -> new``, ``key: added``), or with --dry-run the unified diff."""
    from ketacost.sheet.edit import unified_diff

    if dry_run:
        env.stdout.write(unified_diff(old, result.text, label))
        return
    for change in result.changes:
        if change.new in ("(added)", "(removed)"):
            env.stdout.write(f"{change.key}: {change.new[1:-1]}\n")
        elif change.old == change.key:  # the id itself
            env.stdout.write(f"{change.key}: renamed to {change.new}\n")
        else:
            env.stdout.write(f"{change.key}: {change.old if change.old is not None else '(not set)'} -> {change.new}\n")


def _edit(
    ctx: typer.Context, pricing: str | None, change: "Callable[[str, str], Edit]", dry_run: bool, lock_timeout: float
) -> None:
    """Run one format-preserving edit on the sheet in use, with the safety of `set`, and report it."""
    from ketacost.sheet import write
    from ketacost.sheet.load import discover

    env = env_of(ctx, pricing)
    source = discover(env.pricing)
    old, result = write.edit(
        source, lambda text: change(text, source.label), lock_timeout=lock_timeout, dry_run=dry_run
    )
    _report(env, old, result, source.label, dry_run=dry_run)


@pricing_app.command("add")
@reports_errors
def add_command(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY",
            help="A new id (options.ID, fees.ID, treatments.ID, treatments.ID.add_ons.ID) or an array "
            "of tables to append to (treatments.ID.line_items).",
        ),
    ],
    fields: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FIELD=VALUE", help="Its keys, as TOML values: kind='\"va\"' price='{low=1, typical=2, high=3}'."
        ),
    ] = None,
    dry_run: DryRunOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    pricing: PricingOption = None,
) -> None:
    """Add a treatment, add-on, payment option, fee or line item, written as its own table after its siblings.

    Same safety as set: validated first, comments kept, locked, atomic.
    """
    from ketacost.sheet import edit, verbs

    pairs = [edit.parse_assignment(text) for text in fields or []]
    _edit(ctx, pricing, lambda text, label: verbs.add(text, label, key, pairs), dry_run, lock_timeout)


@pricing_app.command("remove")
@reports_errors
def remove_command(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY", help="An id (options.ID, fees.ID, ...) or a line item (treatments.ID.line_items.N)."
        ),
    ],
    dry_run: DryRunOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    pricing: PricingOption = None,
) -> None:
    """Remove a treatment, add-on, payment option, fee or line item; refused while anything still refers to it.

    Same safety as set: validated first, comments kept, locked, atomic.
    """
    from ketacost.sheet import verbs

    _edit(ctx, pricing, lambda text, label: verbs.remove(text, label, key), dry_run, lock_timeout)


@pricing_app.command("rename")
@reports_errors
def rename_command(
    ctx: typer.Context,
    old_key: Annotated[str, typer.Argument(metavar="OLD", help="The id's key: treatments.iv, options.va, fees.ID.")],
    new_id: Annotated[str, typer.Argument(metavar="NEW", help="The new id (or its whole key).")],
    dry_run: DryRunOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    pricing: PricingOption = None,
) -> None:
    """Rename a treatment, payment option or fee id, and every reference to it (default_treatment, an option's
    treatments, a line item's fee). Same safety as set.
    """
    from ketacost.sheet import verbs

    _edit(ctx, pricing, lambda text, label: verbs.rename(text, label, old_key, new_id), dry_run, lock_timeout)


@pricing_app.command("scale")
@reports_errors
def scale_command(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", metavar="PCT%", help="Relative change, e.g. 3.5% or -2%.")],
    select: Annotated[
        str,
        typer.Option(
            "--select",
            metavar="GLOB",
            help="Which amounts: dotted globs separated by commas, * for one part, ** for any number "
            "(e.g. fees.*.price).",
        ),
    ] = "treatments.**.price,fees.**.price",
    round_to: Annotated[
        str, typer.Option("--round", metavar="STEP", help="Round to this step: 0.01 (cents) or 1 (whole dollars).")
    ] = "0.01",
    dry_run: DryRunOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    pricing: PricingOption = None,
) -> None:
    """Raise or lower prices by a percentage, rounded half-up; prints each change. Default: every fee, treatment
    and add-on price.

    Same safety as set: validated first, comments kept, locked, atomic.
    """
    from ketacost import values
    from ketacost.money import cents
    from ketacost.sheet import edit, write
    from ketacost.sheet.load import discover

    env = env_of(ctx, pricing)
    percent = values.change_percent("--by", by)
    step = values.step("--round", round_to)
    source = discover(env.pricing)
    old, result = write.edit(
        source,
        lambda text: edit.scale_prices(text, source.label, percent, select, step),
        lock_timeout=lock_timeout,
        dry_run=dry_run,
    )
    if dry_run:
        env.stdout.write(edit.unified_diff(old, result.text, source.label))
        return
    for change in result.changes:
        shown = "" if change.percent is None else f" ({cents(change.percent):+.2f}%)"
        env.stdout.write(f"{change.key}: {change.old} -> {change.new}{shown}\n")
    if not result.changes:
        env.error(f"{source.label}: no amount changed (each rounds back to what it was)")


@pricing_app.command("migrate")
@reports_errors
def migrate_command(
    ctx: typer.Context,
    dry_run: DryRunOption = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
    pricing: PricingOption = None,
) -> None:
    """Upgrade the sheet in use to schema version 2 in place (a fee schedule holds each price once), keeping every
    comment; the figures stay the same. Same safety as set: validated first, locked, atomic.
    """
    from ketacost.sheet import migrate, write
    from ketacost.sheet.edit import unified_diff
    from ketacost.sheet.load import discover

    env = env_of(ctx, pricing)
    source = discover(env.pricing)
    old, result = write.edit(
        source, lambda text: migrate.migrate(text, source.label), lock_timeout=lock_timeout, dry_run=dry_run
    )
    if dry_run:
        env.stdout.write(unified_diff(old, result.text, source.label))
        return
    if not result.changes:
        env.stdout.write(f"{source.label}: already at schema version 2; nothing changed\n")
        return
    fees = sum(1 for change in result.changes if change.key.startswith("fees."))
    items = sum(1 for change in result.changes if change.key.endswith(".fee"))
    computed = sum(1 for change in result.changes if change.key.endswith(".price"))
    env.stdout.write(
        f"{source.label}: schema version 1 -> 2: {_count(fees, 'fee')} in [fees], "
        f"{_count(items, 'line item')} naming them, {_count(computed, 'price')} now computed from them\n"
    )


@pricing_app.command("diff")
@reports_errors
def diff_command(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="The sheet before.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The sheet after.")],
    output: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table for people; json for scripts.")
    ] = ReportFormat.table,
) -> None:
    """Compare two sheets by meaning: each value old -> new with its percent change; ids added and removed.

    Exit 0 when they are the same, 6 when they differ, 2 on bad input (1 is kept for internal errors).
    """
    check_format(ctx, output, DIFF_RENDERERS)
    from ketacost.render.pricing_out import Compared
    from ketacost.sheet.diff import diff
    from ketacost.sheet.load import load, source_of

    env = env_of(ctx)
    problems: list[str] = []
    sheets = []
    sources = [source_of(old), source_of(new)]
    for source in sources:
        try:
            sheets.append(load(source))
        except BadInput as error:
            problems.extend(error.lines)
    if problems:
        raise BadInput(*problems)
    result = diff(sheets[0], sheets[1])
    render(env, output, Compared(result, sources[0].label, sources[1].label), DIFF_RENDERERS)
    if not result.same:
        from ketacost.errors import ExitCode

        raise typer.Exit(int(ExitCode.DIFFERENT))


@pricing_app.command("schema")
@reports_errors
def schema_command(ctx: typer.Context) -> None:
    """Print the sheet's JSON Schema (draft 2020-12), for editors: see pricing.schema.json."""
    from ketacost.sheet.schema import schema_text

    env_of(ctx).stdout.write(schema_text())


@pricing_app.command("init")
@reports_errors
def init_command(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="[PATH]", help="Where to write it.")] = "pricing.toml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lock_timeout: LockTimeoutOption = LOCK_TIMEOUT,
) -> None:
    """Write a starter sheet (the built-in default) to edit; an existing file is kept unless --force."""
    from ketacost.sheet import write
    from ketacost.sheet.load import EMBEDDED, shown_path

    env = env_of(ctx)
    label = shown_path(path)
    data = EMBEDDED.read_bytes()
    if data.startswith(b"#:schema "):
        # The built-in sheet points at the repository's schema file, which does not exist next to a new sheet.
        data = data.split(b"\n", 1)[1]
    from ketacost import output, store

    problems = output.overwrites({"PATH": Path(path)}, output.register_paths(store.discover(None)))
    if problems:  # even --force must not write a sheet over the quote register
        raise BadInput(*problems)
    write.create(Path(path), label, data, force=force, lock_timeout=lock_timeout)
    env.stdout.write(f"{label}: written (the built-in sheet); edit it, then run `ketacost pricing validate`\n")
