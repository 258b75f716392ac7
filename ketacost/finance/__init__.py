"""Pure Decimal finance: schedules, Regulation Z APR, deferred interest, insurance cost-sharing."""

from ketacost.finance.apr import loan_apr, regz_apr
from ketacost.finance.deferred import (
    PromoTerms,
    deferred_interest,
    minimum_only_schedule,
    minimum_payment,
    paid_in_full_schedule,
    promo_payoff_payment,
)
from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.finance.schedule import (
    Installment,
    Schedule,
    amortize,
    equal_installments,
    fixed_payments,
    level_payment,
)

__all__ = [
    "CostSharing",
    "Installment",
    "PromoTerms",
    "Schedule",
    "amortize",
    "deferred_interest",
    "equal_installments",
    "fixed_payments",
    "level_payment",
    "loan_apr",
    "minimum_only_schedule",
    "minimum_payment",
    "paid_in_full_schedule",
    "patient_shares",
    "promo_payoff_payment",
    "regz_apr",
]
