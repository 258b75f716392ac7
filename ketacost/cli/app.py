"""The ``ketacost`` application: global options, the command groups, and the one place errors become exit codes."""

import functools
import importlib
import io
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from ketacost import __version__
from ketacost.cli import resume_collection
from ketacost.cli.context import Env
from ketacost.errors import ExitCode, KetacostError

# Each command lives in its own module and is imported and built only when it runs (or for --help): typer would
# otherwise build every command's options at every start, and `estimate` must start fast. Keep the order.
COMMANDS = {
    "estimate": "ketacost.cli.estimate",
    "schedule": "ketacost.cli.schedule",
    "quote": "ketacost.cli.quote",
    "quotes": "ketacost.cli.quotes",
    "pricing": "ketacost.cli.pricing",
}


class LazyCommands(TyperGroup):
    """The root group: subcommands come from COMMANDS, each module's ``register(app)`` run on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        # Plain help, as the root's (the holder's setting wins); completion is the root's alone.
        holder = typer.Typer(rich_markup_mode=None, add_completion=False)
        importlib.import_module(COMMANDS[cmd_name]).register(holder)
        command = typer.main.get_command(holder)  # the command itself, or a group holding it (a sub-Typer)
        return command.commands[cmd_name] if isinstance(command, TyperGroup) else command


app = typer.Typer(
    name="ketacost",
    cls=LazyCommands,
    help="What ketamine therapy for treatment-resistant depression costs out of pocket, and how to pay for it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # inputs can hold patient data: never print locals
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 success, 1 internal error, 2 bad input, 3 conflict (sheet locked or changed meanwhile).",
)

PricingOption = Annotated[
    str | None,
    typer.Option(
        "--pricing",
        metavar="PATH",
        help="Price sheet to use. Default: $KETACOST_PRICING, else ./pricing.toml, else the built-in sheet.",
        show_default=False,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"ketacost {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    pricing: PricingOption = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for internal errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """What ketamine therapy for treatment-resistant depression costs out of pocket, and how to pay for it."""
    _never_fails_to_print(sys.stdout)
    ctx.obj = Env(pricing=pricing, debug=debug)


def _never_fails_to_print(stream: object) -> None:
    """A path typed with bytes that are not UTF-8 reaches Python as lone surrogates, which a strict UTF-8 stdout
    (a UTF-8 locale) refuses: echoed in a message, it would crash the command after its work was done. Such
    characters are written as backslash escapes instead, as Python already does on stderr."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")


def env_of(ctx: typer.Context, pricing: str | None = None) -> Env:
    """The shared Env; a command-level --pricing overrides the global one."""
    env = ctx.obj if isinstance(ctx.obj, Env) else Env()
    if pricing is not None:
        env.pricing = pricing
    ctx.obj = env
    return env


def reports_errors(command: F) -> F:
    """Turn known errors into their lines on stderr and exit code; anything else into exit 1 (traceback: --debug)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx")  # every command takes the typer.Context as `ctx`
        obj = getattr(ctx, "obj", None)
        env = obj if isinstance(obj, Env) else Env()
        resume_collection()  # start-up is over: the command's own work may make garbage
        try:
            return command(*args, **kwargs)
        except KetacostError as error:
            for line in error.lines:
                env.error(line)
            raise typer.Exit(int(error.exit_code)) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            raise typer.Exit(int(ExitCode.OK)) from None
        except Exception as error:
            if env.debug:
                import traceback

                env.stderr.write(traceback.format_exc())
            else:
                env.error(f"ketacost: internal error: {type(error).__name__}: {error} (run with --debug for details)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return run  # type: ignore[return-value]


def main() -> None:
    """Run the command line (the console script enters through :func:`ketacost.cli.main`)."""
    app()
