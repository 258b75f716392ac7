"""Start-up cost of ketacost against a minimal one-command Typer app, measured in the same run.

Prints median wall time over N interleaved runs of each command, its ratio to the baselines, and peak memory
(max RSS of the process). Two baselines: the minimal app as Typer's tutorial writes it, and the same app entered
the way ketacost's console script enters (garbage collection held off while importing, then start-up's objects
frozen and collection resumed as the command starts): the fair one to compare ketacost with.
Not a test: nothing is asserted. ketacost keeps a per-user cache of validated sheets, warmed by the
first run; the "cache off" line shows a first run's cost.

By default both are measured in a throwaway virtualenv with a regular (non-editable) install of this checkout,
as a user would have it; ``--here`` measures the current interpreter's environment instead.

    python benchmarks/startup.py [--runs 21] [--here]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE_APP = """
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    typer.echo("hello")


if __name__ == "__main__":
    app()
"""

# The same app, holding garbage collection the way ketacost.cli.main and resume_collection do.
FAIR_BASELINE_APP = """
import gc

gc.disable()

import typer

app = typer.Typer()


@app.command()
def main() -> None:
    gc.freeze()
    gc.enable()
    typer.echo("hello")


if __name__ == "__main__":
    app()
"""

BASELINE = "baseline: minimal typer app"
FAIR = "fair baseline: same, gc held"

COLLECTING = (
    "import sys; sys.argv[0] = 'ketacost'; from ketacost.cli import fast; from ketacost.cli.app import main; "
    "code = fast.run(sys.argv[1:]); sys.exit(code) if code is not None else main()"
)


def run_once(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, output discarded (a pipe, as a script would see it).

    Trailing NAME=VALUE words are set in the command's environment.
    """
    settings = dict(word.split("=", 1) for word in argv if "=" in word and word.split("=", 1)[0].isupper())
    argv = [word for word in argv if word.split("=", 1)[0] not in settings]
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **settings})
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss


def fresh_install(venv: Path) -> str:
    """A new virtualenv with this checkout installed the way the README's Quick start installs it."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", str(root)], check=True, stdout=subprocess.DEVNULL)
    return python


def instructions(argv: list[str]) -> int:
    """User-space instructions one run executes (callgrind): the same count however busy the machine is."""
    import re

    settings = {w.split("=", 1)[0]: w.split("=", 1)[1] for w in argv if "=" in w and w.split("=", 1)[0].isupper()}
    argv = [w for w in argv if w.split("=", 1)[0] not in settings]
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **settings},
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind failed: {done.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--here", action="store_true", help="use this interpreter's environment as it is")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions under valgrind: deterministic, unlike wall time on a busy machine",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        python = sys.executable if args.here else fresh_install(Path(tmp) / "venv")
        entry = shutil.which("ketacost", path=str(Path(python).parent))
        if entry is None:
            raise SystemExit("the ketacost entry point is not installed (pip install .)")
        baseline = Path(tmp) / "minimal_typer_app.py"
        baseline.write_text(BASELINE_APP)
        fair = Path(tmp) / "minimal_typer_app_gc_held.py"
        fair.write_text(FAIR_BASELINE_APP)
        commands = {
            BASELINE: [python, str(baseline)],
            FAIR: [python, str(fair)],
            "ketacost estimate": [python, entry, "estimate"],
            "ketacost estimate --format json": [python, entry, "estimate", "--format", "json"],
            "ketacost estimate, sheet cache off": [python, entry, "estimate", "KETACOST_CACHE=off"],
            # The same estimate parsed by Typer (ketacost.cli.fast leaves "-n06" to it): what the fast path saves.
            "ketacost estimate, Typer's parse": [python, entry, "estimate", "-n06"],
            # The same run entered below the console script, so garbage is collected all through start-up:
            # what holding collection off (ketacost.cli.main) is worth.
            "ketacost estimate, gc during start": [python, "-c", COLLECTING, "estimate"],
            "ketacost --version": [python, entry, "--version"],
        }
        # Run in tmp so ./pricing.toml cannot be picked up: the embedded default sheet is measured.
        os.chdir(tmp)
        for argv in commands.values():  # warm the page cache and bytecode
            run_once(argv)
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, int] = dict.fromkeys(commands, 0)
        for _ in range(args.runs):  # interleaved, so drift in machine load hits every command alike
            for name, argv in commands.items():
                elapsed, peak = run_once(argv)
                times[name].append(elapsed)
                peaks[name] = max(peaks[name], peak)

        counts: dict[str, int] = {}
        if args.instructions and shutil.which("valgrind"):
            counts = {name: instructions(argv) for name, argv in commands.items()}

    base, fair_base = statistics.median(times[BASELINE]), statistics.median(times[FAIR])
    where = "this environment" if args.here else "a fresh virtualenv, regular install"
    print(f"python {sys.version.split()[0]}, {where}, {args.runs} interleaved runs each, output to a pipe")
    print(f"{'command':34} {'median ms':>10} {'ratio':>7} {'vs fair':>8} {'peak MiB':>9}")
    for name in commands:
        median = statistics.median(times[name])
        ratios = f"{median / base:7.3f} {median / fair_base:8.3f}"
        print(f"{name:34} {median * 1000:10.1f} {ratios} {peaks[name] / 1024:9.1f}")
    if counts:
        first, fair_first = counts[BASELINE], counts[FAIR]
        print(f"\n{'command':34} {'M instr':>10} {'ratio':>7} {'vs fair':>8}   (valgrind callgrind, one run each)")
        for name, count in counts.items():
            print(f"{name:34} {count / 1e6:10.1f} {count / first:7.3f} {count / fair_first:8.3f}")


if __name__ == "__main__":
    main()
