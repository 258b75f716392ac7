"""Options shared by every command that prints data, so they read and behave the same everywhere."""

from enum import StrEnum
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people; json or csv for scripts; markdown to paste."),
]

# The scenario's own flags (--treatment, --sessions, ...) are made from ketacost.scenario.INPUTS by
# ketacost.cli.scenario.scenario_flags.
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
