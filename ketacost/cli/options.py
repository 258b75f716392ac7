"""Options shared by every command that prints data, so they read and behave the same everywhere; and the one
place a chosen output format becomes a renderer (:func:`check_format` at the start, :func:`render` at the end).

A command lists the renderers it has, by format, as "module:function" names imported only when used (start-up
stays lean). Every renderer has one signature, ``(data, out) -> None``: ``out`` is the :class:`Env` (its stream,
width and Rich console; see ``ketacost.render.out.Out``). A table format maps to two renderers, ``(on a terminal,
otherwise)``: Rich for people at a terminal, plain text (no Rich) for pipes and files.
"""

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
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


# The files a document command (quote, quotes show, superbill, superbills show) writes: defined once here.
HtmlFileOption = Annotated[Path | None, typer.Option("--html", metavar="FILE", help="Write the print-ready HTML page.")]
MarkdownFileOption = Annotated[Path | None, typer.Option("--markdown", metavar="FILE", help="Write it as Markdown.")]
JsonFileOption = Annotated[
    Path | None,
    typer.Option("--json", metavar="FILE", help="Write the JSON document, byte for byte what the register keeps."),
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
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        help="Worker processes for --input; default: the CPUs this process may use.",
        show_default=False,
    ),
]
