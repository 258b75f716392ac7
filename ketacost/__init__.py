"""ketacost: what ketamine therapy for treatment-resistant depression costs out of pocket, and how to pay for it.

The library's API (:mod:`ketacost.api`) is imported on first use, so ``import ketacost`` and ``ketacost
--version`` stay instant::

    import ketacost
    sheet = ketacost.load_sheet("pricing.toml")
    est = ketacost.estimate(sheet, treatment="iv", sessions=6, hsa_balance="1500")
    document = est.to_json()  # what `ketacost estimate --format json` prints
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ketacost.api import (
        EstimateResult,
        PriceSheet,
        QuoteResult,
        ScheduleResult,
        estimate,
        load_sheet,
        quote,
        schedule,
    )
    from ketacost.errors import BadInput, Conflict, KetacostError, SystemRefused

__all__ = [
    "BadInput",
    "Conflict",
    "EstimateResult",
    "KetacostError",
    "PriceSheet",
    "QuoteResult",
    "ScheduleResult",
    "SystemRefused",
    "__version__",
    "estimate",
    "load_sheet",
    "quote",
    "schedule",
]
_ERRORS = ("BadInput", "Conflict", "KetacostError", "SystemRefused")


def __getattr__(name: str) -> Any:
    """The API's names, imported when first asked for (PEP 562)."""
    if name in _ERRORS:
        from ketacost import errors

        return getattr(errors, name)
    if name in __all__:
        from ketacost import api

        return getattr(api, name)
    raise AttributeError(f"module 'ketacost' has no attribute {name!r}")
