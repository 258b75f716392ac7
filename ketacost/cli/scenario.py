"""The scenario's flags, made from :data:`ketacost.scenario.INPUTS`: an input added there is a flag of `estimate`,
`schedule` and `quote` without editing them.

A command declares one parameter ``scenario: ScenarioFlags``; :func:`scenario_flags` puts one Typer option per
input in its place (through the command's ``__signature__``, which Typer reads with ``inspect.signature``) and
hands the command what was given, to parse when it chooses (so a command can report the scenario's problems
together with its other flags').
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from ketacost.scenario import BY_FIELD, INPUTS, Input, Scenario, naming_ids, parse

F = TypeVar("F", bound=Callable[..., Any])


class ScenarioFlags:
    """The scenario flags as given on the command line (None: not given)."""

    def __init__(self, given: dict[str, Any]) -> None:
        self.given = given

    def parse(self, **fixed: Any) -> Scenario:
        """The checked scenario, with ``fixed`` fields set by the command itself (e.g. schedule's one option)."""
        return parse({**self.given, **fixed})


def _flag_type(each: Input) -> Any:
    from ketacost.cli import complete

    names = [each.flag, *([each.short] if each.short else [])]
    completer = complete.BY_FIELD.get(each.field)  # ids: TAB offers the sheet's
    option = typer.Option(*names, metavar=each.metavar, help=each.help, show_default=False, autocompletion=completer)
    if each.repeatable:
        return Annotated[list[str] | None, option]
    if each.reading in ("sessions", "count"):
        return Annotated[int | None, option]
    return Annotated[str | None, option]


def scenario_flags(*, only: tuple[str, ...] | None = None, leave_out: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give the decorated command a flag per scenario input (``only`` these, or all but ``leave_out``)."""
    chosen = [BY_FIELD[field] for field in only] if only is not None else list(INPUTS)
    chosen = [each for each in chosen if each.field not in leave_out]

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        parameters: list[inspect.Parameter] = []
        annotations: dict[str, Any] = {}
        for parameter in signature.parameters.values():
            if parameter.name == "scenario":
                for each in chosen:
                    kind = inspect.Parameter.KEYWORD_ONLY
                    parameters.append(inspect.Parameter(each.field, kind, default=None, annotation=_flag_type(each)))
                    annotations[each.field] = parameters[-1].annotation
            else:
                parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
                annotations[parameter.name] = parameter.annotation
        annotations["return"] = signature.return_annotation

        @functools.wraps(command)
        def run(**kwargs: Any) -> Any:
            given = {each.field: kwargs.pop(each.field, None) for each in chosen}
            return command(**kwargs, scenario=ScenarioFlags(given))

        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = annotations
        return run  # type: ignore[return-value]

    return decorate


def naming_flags() -> contextlib.AbstractContextManager[None]:
    """Ids the sheet lacks are reported with the flag that named them: ``--option: unknown payment option 'x' ...``."""
    return naming_ids(lambda each: each.flag)
