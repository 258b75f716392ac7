"""Options shared by every command that prints data, so they read and behave the same everywhere; and the one
place a chosen output format becomes a renderer (:func:`check_format` at the start, :func:`render` at the end).

A command lists the renderers it has, by format, as "module:function" names imported only when used (start-up
stays lean). Every renderer has one signature, ``(data, out) -> None``: ``out`` is the :class:`Env` (its stream,
width and Rich console; see ``ketacost.render.out.Out``). A table format maps to two renderers, ``(on a terminal,
otherwise)``: Rich for people at a terminal, plain text (no Rich) for pipes and files.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from ketacost.cli.context import Env


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people; json or csv for scripts; markdown to paste."),
]

F = TypeVar("F", bound=StrEnum)
# A renderer by name ("module:function"), or a pair of them: (on a terminal, otherwise).
Renderer = str | tuple[str, str]
Renderers = Mapping[F, Renderer]


def check_format(ctx: typer.Context, output: F, renderers: "Renderers[F]") -> None:
    """Refuse a format the command has no renderer for (exit 2), before any work: never print another one."""
    if output not in renderers:
        from ketacost.errors import BadInput

        names = [str(choice) for choice in renderers]
        choices = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        raise BadInput(f"--format {output}: {ctx.command_path} cannot print {output}; choose {choices}")


def render(env: "Env", output: F, data: object, renderers: "Renderers[F]") -> None:
    """Print ``data`` in the format chosen (checked by :func:`check_format`), through that format's renderer."""
    import importlib

    chosen = renderers[output]
    if isinstance(chosen, tuple):
        chosen = chosen[0] if env.is_terminal() else chosen[1]
    module, _, function = chosen.partition(":")
    getattr(importlib.import_module(module), function)(data, env)


TreatmentOption = Annotated[
    str | None,
    typer.Option("--treatment", "-t", metavar="ID", help="Treatment id from the sheet. Default: the sheet's default."),
]
SessionsOption = Annotated[
    int | None,
    typer.Option("--sessions", "-n", metavar="N", help="Sessions in the course (1-200). Default: the sheet's."),
]
PriceOption = Annotated[
    str | None,
    typer.Option("--price", metavar="AMOUNT", help="One per-session price instead of the sheet's low-high range."),
]
AddOnOption = Annotated[
    list[str] | None,
    typer.Option("--add-on", metavar="ID", help="Include an optional add-on (e.g. consultation). Repeatable."),
]
TaxRateOption = Annotated[
    str | None,
    typer.Option("--tax-rate", metavar="PCT", help="Your marginal tax rate for HSA/FSA savings. Default: the sheet's."),
]
HsaBalanceOption = Annotated[
    str | None,
    typer.Option("--hsa-balance", metavar="AMOUNT", help="What your HSA holds: caps the pre-tax part."),
]
FsaBalanceOption = Annotated[
    str | None,
    typer.Option("--fsa-balance", metavar="AMOUNT", help="What your FSA holds: caps the pre-tax part."),
]
PaymentOptionOption = Annotated[
    list[str] | None,
    typer.Option("--option", "-o", metavar="ID", help="Only this payment option. Repeatable. Default: all."),
]
BoostersOption = Annotated[
    int | None,
    typer.Option("--boosters", metavar="N", help="Booster sessions after the series (0-200). Default: the sheet's."),
]
DownPaymentOption = Annotated[
    str | None,
    typer.Option("--down-payment", metavar="AMOUNT", help="Cash paid first; financed options finance the rest."),
]
BudgetOption = Annotated[
    str | None,
    typer.Option("--budget", metavar="AMOUNT", help="Most you can pay in a month: marks the options that fit."),
]
DeductibleOption = Annotated[
    str | None,
    typer.Option("--deductible-left", metavar="AMOUNT", help="Insurance: deductible still to meet this year."),
]
CoinsuranceOption = Annotated[
    str | None,
    typer.Option("--coinsurance", metavar="PCT", help="Insurance: your share after the deductible, percent."),
]
CopayOption = Annotated[
    str | None,
    typer.Option("--copay", metavar="AMOUNT", help="Insurance: copay per session."),
]
OopMaxOption = Annotated[
    str | None,
    typer.Option("--oop-max-left", metavar="AMOUNT", help="Insurance: out-of-pocket maximum still left this year."),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="PATH",
        help="Quote register (SQLite file). Default: $KETACOST_STORE, else quotes.sqlite3 in the user data directory.",
        show_default=False,
    ),
]


InputOption = Annotated[
    str | None,
    typer.Option(
        "--input",
        "-i",
        metavar="FILE",
        help="Batch: one scenario per CSV row or JSON line (.csv, .jsonl; - for stdin); writes CSV or JSON Lines.",
    ),
]
