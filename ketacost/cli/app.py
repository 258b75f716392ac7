"""The ``ketacost`` application: global options, the command groups, and the one place errors become exit codes."""

import contextlib
import difflib
import errno
import functools
import importlib
import io
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, TextIO, TypeVar, cast

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
    "superbill": "ketacost.cli.superbill",
    "superbills": "ketacost.cli.superbills",
}


class LazyCommands(TyperGroup):
    """The root group: subcommands come from COMMANDS, each module's ``register(app)`` run on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            found = super().get_command(ctx, cmd_name)
            if found is None and not ctx.resilient_parsing:
                # Typer suggests from the commands a group holds, and these are built on first use: suggest here.
                matches = difflib.get_close_matches(cmd_name, self.list_commands(ctx))
                if matches:
                    ctx.fail(f"No such command {cmd_name!r}. Did you mean {' or '.join(map(repr, matches))}?")
            return found
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
    epilog="Exit codes: 0 success, 1 internal error (a bug), 2 bad input, 3 conflict (sheet locked or changed "
    "meanwhile), 4 the system refused (disk full, permission denied, I/O error), 5 a quote was saved but a file "
    "was not written, 6 pricing diff: the sheets differ.",
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
    """Standard output writes what its encoding cannot take as backslash escapes instead of failing.

    A path typed with bytes that are not UTF-8 reaches Python as lone surrogates, which a strict UTF-8 stdout
    refuses; an ASCII-only stdout (``LC_ALL=C``) refuses every accented name and the table's middle dots.
    Either would crash a command after its work was done (a quote saved, its files written). A UTF-8 stream
    with ``surrogateescape`` already writes everything and is left alone.
    """
    if not isinstance(stream, io.TextIOWrapper):
        return
    encoding = (stream.encoding or "").lower().replace("_", "-")
    if stream.errors == "strict" or (stream.errors == "surrogateescape" and encoding not in ("utf-8", "utf8")):
        with contextlib.suppress(Exception):  # a stream that cannot be reconfigured keeps its own rules
            stream.reconfigure(errors="backslashreplace")


def env_of(ctx: typer.Context, pricing: str | None = None) -> Env:
    """The shared Env; a command-level --pricing overrides the global one."""
    env = ctx.obj if isinstance(ctx.obj, Env) else Env()
    if pricing is not None:
        env.pricing = pricing
    ctx.obj = env
    return env


def reports_errors(command: F) -> F:
    """Turn known errors into their lines on stderr and exit code; anything else into exit 1 (traceback: --debug).

    Standard output is flushed here, not by Python at exit: a full disk behind ``> file`` is then reported as
    the system refusing (exit 4), and a closed pipe (``| head``) ends the command quietly.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        # A command takes the typer.Context as `ctx`; the fast path (ketacost.cli.fast) passes the Env as `env`.
        obj = getattr(kwargs.get("ctx"), "obj", kwargs.get("env"))
        env = obj if isinstance(obj, Env) else Env()
        resume_collection()  # start-up is over: the command's own work may make garbage
        if not isinstance(env.stdout, _Output):
            env.stdout = cast(TextIO, _Output(env.stdout))
        try:
            result = command(*args, **kwargs)
        except KetacostError as error:
            for line in error.lines:
                env.error(line)
            _flush(env)
            raise typer.Exit(int(error.exit_code)) from None
        except (typer.Exit, typer.Abort):
            _flush(env)
            raise
        except BrokenPipeError:
            _discard_output(env)
            raise typer.Exit(int(ExitCode.OK)) from None
        except OSError as error:
            refused = refusal(error, env)
            if refused is None:
                _internal(env, error)
            env.error(refused)
            raise typer.Exit(int(ExitCode.SYSTEM)) from None
        except Exception as error:
            _internal(env, error)
        _flush(env)
        return result

    return run  # type: ignore[return-value]


def _internal(env: Env, error: Exception) -> NoReturn:
    if env.debug:
        import traceback

        env.stderr.write(traceback.format_exc())
    else:
        env.error(f"ketacost: internal error: {type(error).__name__}: {error} (run with --debug for details)")
    raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _flush(env: Env) -> None:
    """Flush standard output now, so that its failure is reported (exit 4, or quietly for a closed pipe)."""
    try:
        env.stdout.flush()
    except BrokenPipeError:
        _discard_output(env)
        raise typer.Exit(int(ExitCode.OK)) from None
    except OSError as error:
        _discard_output(env)
        env.error(f"ketacost: standard output: {error.strerror or error}")
        raise typer.Exit(int(ExitCode.SYSTEM)) from None


def _discard_output(env: Env) -> None:
    """After standard output failed, Python would flush what is left again at exit and print "Exception ignored
    ... BrokenPipeError" (and exit 120): point the process's stdout at the null device so that flush succeeds.
    Only the process's own stdout: a stream a test or a program passed in is theirs."""
    stream = env.stdout.stream if isinstance(env.stdout, _Output) else env.stdout
    if stream is not sys.__stdout__:
        return
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    os.dup2(devnull, fd)
    os.close(devnull)


# What the operating system refuses for reasons outside ketacost (exit 4); other errnos (EBADF, EINVAL, ...) mean
# ketacost asked for something wrong, a bug (exit 1).
REFUSED = frozenset(
    getattr(errno, name)
    for name in (
        "ENOSPC", "EDQUOT", "EFBIG", "EACCES", "EPERM", "EROFS", "EIO", "EXDEV", "EMLINK", "ENOENT", "ENOTDIR",
        "EISDIR", "ELOOP", "ENAMETOOLONG", "ENXIO", "EBUSY", "ETXTBSY", "EMFILE", "ENFILE", "ENOMEM", "ESTALE",
        "ENODEV", "EAGAIN", "ENOLCK",
    )
    if hasattr(errno, name)
)  # fmt: skip


def refusal(error: OSError, env: Env) -> str | None:
    """``ketacost: <what>: <strerror>`` for an OSError the system refused with, or None when it is a bug."""
    if error.errno not in REFUSED:
        return None
    reason = error.strerror or str(error)
    if error.filename is not None:
        from ketacost.sheet.load import shown_path

        what = shown_path(os.fsdecode(error.filename))
    elif error.errno == errno.ENOENT and not _working_directory_exists():
        what, reason = "the working directory", f"{reason} (it was removed: cd to a directory that exists)"
    elif _output_failed(env):
        what = "standard output"
    else:
        what = "the system refused"
    return f"ketacost: {what}: {reason}"


def _working_directory_exists() -> bool:
    try:
        os.getcwd()
    except OSError:
        return False
    return True


def _output_failed(env: Env) -> bool:
    if isinstance(env.stdout, _Output) and env.stdout.failed:
        _discard_output(env)
        return True
    return False


class _Output:
    """Standard output as the command sees it, remembering whether a write failed: an OSError names no file when
    it comes from stdout, and this tells it from one of a file the command wrote. Everything else passes through."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.failed = False

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError:
            self.failed = True
            raise

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError:
            self.failed = True
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def main() -> None:
    """Run the command line (the console script enters through :func:`ketacost.cli.main`)."""
    app()
