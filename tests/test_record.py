"""Value records behave as the named tuples they replace: immutable, by-value equality, picklable, _replace."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from ketacost.course import Range
from ketacost.scenario import Scenario


def test_records_are_immutable_values_with_defaults() -> None:
    scenario = Scenario(treatment="iv", sessions=6)
    assert scenario.price is None and scenario.options == ()
    assert scenario == Scenario(sessions=6, treatment="iv")
    assert scenario != Scenario(treatment="iv", sessions=7)
    assert hash(scenario) == hash(Scenario(treatment="iv", sessions=6))
    with pytest.raises(AttributeError, match="immutable"):
        scenario.sessions = 7  # type: ignore[misc]
    assert scenario._replace(sessions=8).sessions == 8 and scenario.sessions == 6
    with pytest.raises(TypeError):
        scenario._replace(sesions=8)
    assert "sessions=6" in repr(scenario)


def test_positional_missing_and_unknown_fields() -> None:
    value = Range(Decimal("1.00"), Decimal("2.00"), Decimal("3.00"))
    assert (value.low, value.typical, value.high) == (Decimal("1.00"), Decimal("2.00"), Decimal("3.00"))
    with pytest.raises(TypeError, match="missing field 'high'"):
        Range(Decimal(1), Decimal(2))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected"):
        Range(Decimal(1), Decimal(2), Decimal(3), middle=1)  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(value)) == value


def test_positional_values_take_the_defaults_of_the_fields_after_them() -> None:
    from ketacost.record import Record

    class Point(Record):
        x: int
        y: int = 2
        z: tuple[int, ...] = ()

    class Labelled(Point):
        label: str = "p"

    assert vars(Point(1)) == {"x": 1, "y": 2, "z": ()}
    assert vars(Point(1, 5)) == {"x": 1, "y": 5, "z": ()}
    assert Point(1, 5, (3,)) == Point(x=1, z=(3,), y=5)
    assert vars(Labelled(1)) == {"x": 1, "y": 2, "z": (), "label": "p"}
    assert Labelled(1, 2, (), "q").label == "q"
    with pytest.raises(TypeError, match="missing field 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 3 values, 4 given"):
        Point(1, 2, (), 4)  # type: ignore[call-arg]
    assert Point(1) != Labelled(1)


def test_records_with_a_written_out_constructor_take_every_field_in_order_with_its_default() -> None:
    """Outcome, OptionEstimate, Installment and Totals spell out their constructors (a batch builds millions):
    the same as Record's."""
    import inspect

    from ketacost.estimator import OptionEstimate
    from ketacost.finance.schedule import Installment, Totals
    from ketacost.outcome import Outcome

    for record in (Outcome, OptionEstimate, Installment, Totals):
        parameters = list(inspect.signature(record.__init__).parameters.values())[1:]
        assert tuple(p.name for p in parameters) == record._fields
        assert {p.name: p.default for p in parameters if p.default is not p.empty} == record._defaults
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)


def test_value_types_follow_one_rule_records_or_frozen_slotted_dataclasses() -> None:
    """No NamedTuple in ketacost, and every dataclass is frozen and slotted (README, Development: value types),
    but batch.Summary, a counter that a batch updates."""
    import ast
    from pathlib import Path

    import ketacost

    broken = []
    for path in sorted(Path(ketacost.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            where = f"{path.name}:{node.name}"
            if any(ast.unparse(base).endswith("NamedTuple") for base in node.bases):
                broken.append(f"{where} is a NamedTuple")
            for decorator in node.decorator_list:
                text = ast.unparse(decorator)
                dataclass = text.split("(")[0] in ("dataclass", "dataclasses.dataclass") and node.name != "Summary"
                if dataclass and ("frozen=True" not in text or "slots=True" not in text):
                    broken.append(f"{where} is {text}")
    assert broken == []


def test_a_listed_quote_shares_the_quote_definition() -> None:
    import dataclasses

    from ketacost.store import Listed, Quote

    listed = [field.name for field in dataclasses.fields(Listed)]
    quote = [field.name for field in dataclasses.fields(Quote)]
    assert quote[: len(listed)] == listed
    assert set(quote) - set(listed) == {"inputs", "document", "document_sha256"}
    assert issubclass(Quote, Listed)
