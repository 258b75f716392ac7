"""The ``ketacost`` application: global options, the command groups, and the one place errors become exit codes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from ketacost import __version__
from ketacost.cli.context import Env
from ketacost.errors import ExitCode, KetacostError

app = typer.Typer(
    name="ketacost",
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
    ctx.obj = Env(pricing=pricing, debug=debug)


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


def _register() -> None:
    from ketacost.cli import estimate, quote, quotes, schedule
    from ketacost.cli.pricing import pricing_app

    estimate.register(app)
    schedule.register(app)
    quote.register(app)
    quotes.register(app)
    app.add_typer(pricing_app, name="pricing")


_register()


def main() -> None:
    """Console-script entry point."""
    app()
