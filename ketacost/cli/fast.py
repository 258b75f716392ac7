"""The hot path: ``ketacost [--pricing P] [--debug] estimate [flags]`` run without Typer's parse, which builds a
pydantic validator for every option (the first one imports pydantic's schema machinery: most of a run's start-up).

Only a command line whose meaning is plain is taken here: known long or short options, each value a separate word
(or ``--flag=value``), numbers in plain digits, a format by its name. Anything else (help, --version, completion,
--input, an unknown option, a value that needs Typer's checking and its usage error) returns None and Typer runs
the command as always. tests/cli/test_fast_path.py holds the two paths to the same output, byte for byte.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from ketacost.scenario import INPUTS

# Estimate's options: word -> (parameter, how its value is read). Made from the scenario's inputs (as
# ketacost.cli.scenario makes the Typer options) and estimate's own options; --input (batch) is Typer's.
_TEXT, _COUNT, _IDS, _FORMAT, _FLAG = "text", "count", "ids", "format", "flag"
ESTIMATE: dict[str, tuple[str, str]] = {"--timeline": ("timeline", _FLAG), "--pricing": ("pricing", _TEXT)}
for _each in INPUTS:
    _how = _IDS if _each.repeatable else _COUNT if _each.reading in ("sessions", "count") else _TEXT
    for _word in (_each.flag, _each.short):
        if _word:
            ESTIMATE[_word] = (_each.field, _how)
ESTIMATE["--format"] = ESTIMATE["-f"] = ("output", _FORMAT)
ROOT: dict[str, tuple[str, str]] = {"--pricing": ("pricing", _TEXT), "--debug": ("debug", _FLAG)}
FORMATS = ("table", "json", "csv", "markdown")  # ketacost.cli.options.OutputFormat's values
_DIGITS = re.compile(r"0|[1-9][0-9]{0,8}")  # what Typer reads as the same int; "007", "1_000", " 5" go to Typer


def run(argv: list[str]) -> int | None:
    """Run ``argv`` (without the program name) if it is a plain estimate; its exit code, or None: Typer's turn."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    root, options = parsed
    from typer import Exit

    from ketacost.cli.app import _never_fails_to_print, reports_errors
    from ketacost.cli.context import Env
    from ketacost.cli.estimate import print_estimate
    from ketacost.cli.options import OutputFormat
    from ketacost.cli.scenario import ScenarioFlags

    _never_fails_to_print(sys.stdout)  # as the root's callback does
    env = Env(pricing=root.get("pricing"), debug=root.get("debug", False))
    if options.get("pricing") is not None:  # the command's --pricing overrides the global one (env_of)
        env.pricing = options["pricing"]
    given = {each.field: options.get(each.field) for each in INPUTS}
    try:
        reports_errors(print_estimate)(
            env=env,
            scenario=ScenarioFlags(given),
            timeline=options.get("timeline", False),
            output=OutputFormat(options.get("output", "table")),
        )
    except Exit as stop:
        return stop.exit_code
    except KeyboardInterrupt:
        return 130  # as Typer exits on Ctrl-C
    return 0


def _parse(argv: list[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    if os.name == "nt" or any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return None  # Windows expands wildcards in arguments; a completion request is Typer's
    try:
        at = argv.index("estimate")
    except ValueError:
        return None
    root = _options(argv[:at], ROOT)
    options = _options(argv[at + 1 :], ESTIMATE)
    if root is None or options is None:
        return None
    return root, options


def _options(words: list[str], known: dict[str, tuple[str, str]]) -> dict[str, Any] | None:
    """The options ``words`` give, as Typer would hand them to the command; None when any word is not plain."""
    found: dict[str, Any] = {}
    rest = iter(words)
    for word in rest:
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name not in known:
            return None
        field, how = known[name]
        if how == _FLAG:
            if equals:
                return None
            found[field] = True
            continue
        if not equals:
            value = next(rest, "-")
            if value.startswith("-"):  # missing, or a value Typer's parser reads its own way
                return None
        if how == _COUNT:
            if not _DIGITS.fullmatch(value):
                return None
            found[field] = int(value)
        elif how == _FORMAT:
            if value not in FORMATS:
                return None
            found[field] = value
        elif how == _IDS:
            found.setdefault(field, []).append(value)
        else:
            found[field] = value
    return found
