"""Payment kinds: each is one module in this package (or one registered with :func:`register`), found here.

A kind module holds all there is to a kind: ``RECORD``, its option record (a subclass of
:class:`ketacost.kinds.base.Option` whose ``kind: Literal[...]`` names its JSON kind or kinds, and whose fields
are the sheet's keys: the sheet's model is made from it); ``price(pricer, option, total, point)``, an
:class:`~ketacost.outcome.Outcome` for one course total; ``terms(option)``, its terms in a few words
(``pricing show``); ``NOTES``, the words of the notes its pricing records. Optional: ``check(option)`` (a
cross-field rule: raise :class:`~ketacost.kinds.base.Rule`), ``REQUIRES`` (what a patient must have to use it:
one need, e.g. ``"va"``, or a mapping from its JSON kinds to their needs; see :data:`NEEDS`), ``year(pricer,
option, outcome, point)`` (its net cost over the 12-month horizon, when not the series' plus the boosters paid as
billed), ``RANK`` (its place in lists; then by module name), ``expand(option)`` (an option that is several rows,
one per term: each row's months; ``price`` then takes ``term=`` its index), ``COVERAGE = True`` (a way of paying
through health coverage: never listed on a self-pay Good Faith Estimate), ``FUNDED = True`` (``price`` reads
nothing but the option, its term, the total and ``pricer.funding(total)``, and records notes only through the
pricer: a batch then keeps its outcomes by those, :class:`ketacost.estimator.Memo`). (``CONDITIONAL = True``, the older
spelling, is a need of ``"eligibility"``.)

Importing this package is cheap: the kind modules are imported on first use, and none imports pydantic.
"""

import os
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from types import ModuleType
from typing import Any, get_args, get_type_hints

from ketacost.kinds.base import Option
from ketacost.record import Record

__all__ = ["NEEDS", "Kind", "by_kind", "kinds", "on_change", "records", "register"]

# What an option may require that a patient may lack, and how a patient says they have it (``--have``, or the
# flags that imply it: ketacost.scenario.held). The words are ketacost.render's.
NEEDS: tuple[str, ...] = ("hsa", "fsa", "va", "insurance", "eligibility")


class Kind(Record):
    """A payment kind as the rest of ketacost uses it, read from its module by :meth:`of`."""

    module: ModuleType
    name: str
    record: type[Option]
    names: tuple[str, ...]  # its JSON kinds
    price: Callable[..., Any]
    terms: Callable[[Any], list[str]]
    notes: Mapping[str, Callable[..., str]]
    check: Callable[[Any], None] | None
    needs: Mapping[str, str] | str | None  # the module's REQUIRES: read through requires()
    year: Callable[..., Any] | None
    rank: int
    expand: Callable[[Any], tuple[int, ...]] | None
    coverage: bool
    funded: bool

    @classmethod
    def of(cls, module: ModuleType) -> "Kind":
        record: type[Option] = module.RECORD
        names: tuple[str, ...] = get_args(_kind_annotation(record))
        if not names:
            raise TypeError(f"{module.__name__}.RECORD needs kind: Literal[...] naming its JSON kinds")
        return cls(
            module,
            module.__name__.rpartition(".")[2],
            record,
            names,
            module.price,
            module.terms,
            getattr(module, "NOTES", {}),
            getattr(module, "check", None),
            getattr(module, "REQUIRES", "eligibility" if getattr(module, "CONDITIONAL", False) else None),
            getattr(module, "year", None),
            getattr(module, "RANK", 1000),
            getattr(module, "expand", None),
            getattr(module, "COVERAGE", False),
            getattr(module, "FUNDED", False),
        )

    def __hash__(self) -> int:  # by its module, one kind each: NOTES, a dict, cannot be hashed
        return hash(self.module)

    def requires(self, kind: str) -> tuple[str, ...]:
        """What an option of JSON kind ``kind`` needs the patient to have (empty: open to everyone)."""
        need = self.needs if isinstance(self.needs, str | None) else self.needs.get(kind)
        return () if need is None else (need,)

    def __repr__(self) -> str:
        return f"<kind {self.name}: {', '.join(self.names)}>"


def _kind_annotation(record: type[Option]) -> Any:
    annotation = vars(record).get("__annotations__", {}).get("kind")
    return get_type_hints(record)["kind"] if annotation is None or isinstance(annotation, str) else annotation


_kinds: dict[str, Kind] = {}  # module name -> kind; filled on first use
_by_kind: dict[str, Kind] = {}  # JSON kind -> kind
_listeners: list[Callable[[], None]] = []


def _built_in() -> Iterable[str]:
    """The modules of this package that are kinds (every one but ``base`` and private ones)."""
    try:
        names = os.listdir(__path__[0])
    except OSError:  # not a directory (a zipped install): ask the importer
        import pkgutil

        names = [f"{info.name}.py" for info in pkgutil.iter_modules(__path__)]
    for name in names:
        if name.endswith(".py") and not name.startswith("_") and name != "base.py":
            yield f"{__name__}.{name[:-3]}"


def _add(module: ModuleType) -> Kind:
    kind = Kind.of(module)
    for name in kind.names:
        other = _by_kind.get(name)
        if other is not None and other.module is not module:
            raise ValueError(f"payment kind {name!r} is defined twice: {other.module.__name__} and {module.__name__}")
    _kinds[module.__name__] = kind
    _by_kind.update(dict.fromkeys(kind.names, kind))
    return kind


def _loaded() -> dict[str, Kind]:
    if not _kinds:
        for name in sorted(_built_in()):
            _add(import_module(name))
    return _kinds


def kinds() -> tuple[Kind, ...]:
    """Every kind, in their order in lists (RANK, then module name)."""
    return tuple(sorted(_loaded().values(), key=lambda kind: (kind.rank, kind.name)))


def by_kind(name: str) -> Kind:
    """The kind of a JSON kind (``hsa``, ``loan``, ...); KeyError if no kind has it."""
    kind = _by_kind.get(name)
    if kind is None:
        _loaded()
        kind = _by_kind[name]
    return kind


def records() -> dict[str, type[Option]]:
    """Every kind's option record by its class name (for codecs of price lists)."""
    return {kind.record.__name__: kind.record for kind in kinds()}


def register(module: ModuleType) -> Kind:
    """Add a kind defined outside this package (a plugin, a test's toy kind); it is known everywhere from now on:
    in sheets, the schema, estimates and ``pricing show``. Registering the same module again does nothing."""
    _loaded()
    if module.__name__ in _kinds:
        return _kinds[module.__name__]
    kind = _add(module)
    for listener in _listeners:
        listener()
    return kind


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a kind is registered (for what is built from the kinds: the sheet's schema)."""
    _listeners.append(listener)
