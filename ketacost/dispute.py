"""Whether a bill may be disputed against a Good Faith Estimate (patient-provider dispute resolution). Pure.

A self-pay patient may start the federal process when a provider's or facility's bill is at least 400.00 more
than that provider's expected charges on the GFE (the high end of a range), per provider, not the grand total,
within 120 calendar days of the date on the bill (45 CFR 149.620; CMS, cms.gov/nosurprises).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ketacost.errors import BadInput

if TYPE_CHECKING:
    from ketacost.gfe import GoodFaithEstimate, ProviderEstimate

# Figures of the federal patient-provider dispute resolution process (45 CFR 149.620; CMS, cms.gov/nosurprises),
# defined here once: the check below and the GFE's legal wording (ketacost.gfe) both use them.
DISPUTE_THRESHOLD = Decimal("400.00")  # billed at least this much above the GFE, for any one provider
DISPUTE_WINDOW_DAYS = 120  # calendar days from the date on the bill
DISPUTE_FEE = Decimal("25.00")
CMS_WEBSITE = "www.cms.gov/nosurprises"
CMS_PHONE = "1-800-985-3059"


def dollars(amount: Decimal) -> str:
    """An amount as legal wording writes it: ``$400``, or ``$12.50`` when it has cents."""
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


@dataclass(frozen=True, slots=True)
class ProviderCheck:
    """One provider's bill against its estimate. ``billed`` is None when no bill was given for it."""

    provider_id: str
    name: str
    npi: str
    estimate: Decimal  # the high end of the provider's expected charges
    billed: Decimal | None

    @property
    def over(self) -> Decimal | None:
        return None if self.billed is None else self.billed - self.estimate

    @property
    def eligible(self) -> bool:
        over = self.over
        return over is not None and over >= DISPUTE_THRESHOLD


@dataclass(frozen=True, slots=True)
class DisputeCheck:
    quote_id: str
    providers: tuple[ProviderCheck, ...]
    bill_date: dt.date | None

    @property
    def deadline(self) -> dt.date | None:
        """The last day to start dispute resolution: DISPUTE_WINDOW_DAYS calendar days after the date on the bill."""
        return None if self.bill_date is None else self.bill_date + dt.timedelta(days=DISPUTE_WINDOW_DAYS)

    @property
    def eligible(self) -> bool:
        return any(check.eligible for check in self.providers)


def check(gfe: GoodFaithEstimate, billed: Mapping[str, Decimal], bill_date: dt.date | None = None) -> DisputeCheck:
    """Compare each provider's bill with its estimate. ``billed`` is keyed by provider id or NPI."""
    by_key: dict[str, ProviderEstimate] = {}
    for group in gfe.providers:
        by_key[group.provider.id] = group
        by_key[group.provider.npi] = group
    amounts: dict[str, Decimal] = {}
    problems = []
    for key, amount in billed.items():
        found = by_key.get(key)
        if found is None:
            choices = ", ".join(f"{g.provider.id} (NPI {g.provider.npi})" for g in gfe.providers)
            problems.append(f"--billed: {key!r} is not a provider on quote {gfe.quote_id} (choose from: {choices})")
        elif found.provider.id in amounts:
            problems.append(f"--billed: {found.provider.id} is billed twice; give one total per provider")
        else:
            amounts[found.provider.id] = amount
    if problems:
        raise BadInput(*problems)
    return DisputeCheck(
        quote_id=gfe.quote_id,
        providers=tuple(
            ProviderCheck(
                provider_id=group.provider.id,
                name=group.provider.name,
                npi=group.provider.npi,
                estimate=group.subtotal.high,
                billed=amounts.get(group.provider.id),
            )
            for group in gfe.providers
        ),
        bill_date=bill_date,
    )
