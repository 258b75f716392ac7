"""A saved document's value <-> its JSON data, by one pydantic TypeAdapter over the document's own dataclasses:
money as two-decimal strings read back as the Decimal they say, dates as ISO text. Imported only by the codecs of
the GFE and the superbill, when a document is first written or read."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError
from pydantic_core import core_schema

from ketacost.course import Range
from ketacost.errors import BadInput
from ketacost.money import fmt

D = TypeVar("D")

_MONEY = core_schema.no_info_after_validator_function(
    Decimal,  # the exact amount the text says (pydantic's decimal type would also take floats)
    core_schema.str_schema(),
    serialization=core_schema.plain_serializer_function_ser_schema(fmt, return_schema=core_schema.str_schema()),
)


def _range(value: Range) -> dict[str, str]:
    return {"low": fmt(value.low), "typical": fmt(value.typical), "high": fmt(value.high)}


def _weeks(value: tuple[int, int]) -> dict[str, int]:
    return {"min": value[0], "max": value[1]}


def form_schema(name: str) -> core_schema.CoreSchema:
    """The pydantic core schema of a :class:`~ketacost.document.DocumentForm` mark."""
    if name == "money":
        return _MONEY
    if name == "range":
        fields = {point: core_schema.typed_dict_field(_MONEY) for point in ("low", "typical", "high")}
        return core_schema.no_info_after_validator_function(
            lambda value: Range(value["low"], value["typical"], value["high"]),
            core_schema.typed_dict_schema(fields),
            serialization=core_schema.plain_serializer_function_ser_schema(_range),
        )
    if name == "weeks":
        bound = core_schema.typed_dict_field(core_schema.int_schema())
        return core_schema.no_info_after_validator_function(
            lambda value: (value["min"], value["max"]),
            core_schema.typed_dict_schema({"min": bound, "max": bound}),
            serialization=core_schema.plain_serializer_function_ser_schema(_weeks),
        )
    raise ValueError(f"no document form {name!r}")


class Codec(Generic[D]):
    """One kind of document: ``shape`` is the dataclass laid out as the document is (its keys in order), ``kind``
    and ``version`` what its ``document`` and ``version`` keys say, ``title`` how errors name it."""

    def __init__(self, shape: type[D], *, kind: str, version: int, title: str) -> None:
        self._adapter = TypeAdapter(shape)
        self.kind, self.version, self.title = kind, version, title

    def dump(self, document: D) -> dict[str, Any]:
        """The document as JSON data (what :func:`ketacost.document.canonical_json` writes)."""
        data: dict[str, Any] = self._adapter.dump_python(document, mode="json")
        return data

    def read(self, data: Mapping[str, Any]) -> D:
        """JSON data back into the document; bad input naming each field that is wrong, or the kind and version."""
        if data.get("document") != self.kind or data.get("version") != self.version:
            raise BadInput(
                f"not a {self.title} document this ketacost can read "
                f"(document {data.get('document')!r}, version {data.get('version')!r})"
            )
        try:
            return self._adapter.validate_python(data)
        except ValidationError as error:
            raise BadInput(
                *(
                    f"not a readable {self.title} document: {'.'.join(map(str, problem['loc']))}: {problem['msg']}"
                    for problem in error.errors()
                )
            ) from None
