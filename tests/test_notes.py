"""Every kind of note an option gets, word for word: notes are recorded while pricing as data
(OptionEstimate.notes) and worded only when shown (ketacost.render.notes); a note that differs between price
points is said once per point, labelled."""

from __future__ import annotations

from decimal import Decimal

from ketacost.estimator import estimate
from ketacost.render.notes import worded
from ketacost.scenario import Scenario
from ketacost.sheet.load import EMBEDDED, parse_sheet

D = Decimal
TEXT = (
    EMBEDDED.read_text(encoding="utf-8")
    .replace("prepay_discount_pct = 0.00", "prepay_discount_pct = 5.50")
    .replace("setup_fee = 0.00", "setup_fee = 49.00")
    .replace("apr = 0.00                        # EXAMPLE: many", "apr = 9.90                        # EXAMPLE: many")
)
SHEET = parse_sheet(TEXT, "pricing.toml")
UNIFORM = "The whole FSA election is available from the first day of the plan year (uniform coverage)."
NOTE = {option_id: option.note for option_id, option in SHEET.options.items()}  # the sheet's own words


def test_every_note_with_money_paid_first_a_discount_fees_and_aprs() -> None:
    scenario = Scenario(
        treatment="spravato", hsa_balance=D("1500"), fsa_balance=D("200.50"), down_payment=D("100"), tax_rate=D("24")
    )
    notes = {option.id: worded(option) for option in estimate(SHEET, scenario, source="t").options}
    assert notes == {
        "self_pay": ("5.5% prepay discount",),
        "hsa": (
            "Pays up to 1,500.00 from the HSA (its balance: not capped by the yearly contribution limit); "
            "savings at 24% on the pre-tax part (income tax only: direct contributions)",
            NOTE["hsa"],
        ),
        "fsa": (
            "Pays up to 200.50 from the FSA (balance); savings at 31.65% on the pre-tax part (income tax + FICA: "
            "payroll contributions)",
            UNIFORM,
            NOTE["fsa"],
        ),
        "medical_loan": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "5% origination fee deducted from the proceeds",
            "APR 23.35% counting fees (Regulation Z); interest rate 17.99% over 24 months",
            NOTE["medical_loan"],
        ),
        "clinic_plan": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "49.00 plan fee paid with the down payment",
            "At the low price: APR 17.82% counting the plan fee (Regulation Z)",
            "At the typical price: APR 14.25% counting the plan fee (Regulation Z)",
            "At the high price: APR 13.37% counting the plan fee (Regulation Z)",
            NOTE["clinic_plan"],
        ),
        "care_card": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "No interest if paid in full within 12 months; otherwise 32.99% APR is charged from the purchase date",
            NOTE["care_card"],
        ),
        "card_24": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "14.9% fixed APR over 24 months",
        ),
        "card_60": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "17.9% fixed APR over 60 months",
        ),
        "insurance": (
            "With prior authorization; deductible left 1,000.00, coinsurance 20%, copay 0.00, "
            "out-of-pocket maximum left 4,000.00",
            NOTE["insurance"],
        ),
        "va": (
            "50.00 copay per session, paid at each visit",
            NOTE["va"],
        ),
        # Issue 11: the built-in sheet's lender grid (a row per term), membership and package.
        "partner_6": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "25% down payment required",
            "0% note rate over 6 months",
            "Example terms: replace with the financing partner's own; approval depends on a soft credit check.",
        ),
        "partner_12": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "10% down payment required",
            "35.00 fee added to the loan",
            "At the low price: 9.99% note rate over 12 months; APR 12.50% (Regulation Z, counting fees)",
            "At the typical price: 9.99% note rate over 12 months; APR 11.38% (Regulation Z, counting fees)",
            "At the high price: 9.99% note rate over 12 months; APR 11.10% (Regulation Z, counting fees)",
            "Example terms: replace with the financing partner's own; approval depends on a soft credit check.",
        ),
        "partner_24": (
            "HSA 1,500.00, FSA 200.50, down payment 100.00 paid first; the rest is financed",
            "35.00 fee added to the loan",
            "At the low price: 24.99% note rate over 24 months; APR 26.26% (Regulation Z, counting fees)",
            "At the typical price: 24.99% note rate over 24 months; APR 25.69% (Regulation Z, counting fees)",
            "At the high price: 24.99% note rate over 24 months; APR 25.55% (Regulation Z, counting fees)",
            "Example terms: replace with the financing partner's own; approval depends on a soft credit check.",
        ),
        "membership": ("Example membership: replace with the clinic's own.",),
        "out_of_network": (
            OON_TERMS,
            "At the low price: The plan pays back 782.40, each claim about 6 weeks after the visit; net cost 3,937.60",
            "At the typical price: The plan pays back 1,773.60, each claim about 6 weeks after the visit; "
            "net cost 5,306.40",
            "At the high price: The plan pays back 2,328.00, each claim about 6 weeks after the visit; "
            "net cost 6,072.00",
            NOTE["out_of_network"],
        ),
        "carepath": (
            *(
                f"At the {point} price: The program pays {paid} of the {share} insurance leaves you (you pay 10.00 "
                "per treatment for the drug, plus administration and monitoring)"
                for point, paid, share in (
                    ("low", "1,402.40", "1,744.00"),
                    ("typical", "1,803.60", "2,216.00"),
                    ("high", "2,028.00", "2,480.00"),
                )
            ),
            NOTE["carepath"],
        ),
    }


OON_TERMS = (
    "Out-of-network: deductible left 2,000.00, coinsurance 40%, out-of-pocket maximum left 8,000.00; "
    "you pay the clinic and file a superbill"
)


PAID_FIRST = (  # the HSA pays a different amount at each price point: one line each, labelled
    "At the low price: HSA 1,200.00 paid first; the rest is financed",
    "At the typical price: HSA 1,800.00 paid first; the rest is financed",
    "At the high price: HSA 3,000.00 paid first; the rest is financed",
)


def test_notes_per_price_point_when_the_hsa_pays_it_all() -> None:
    notes = {
        option.id: worded(option)
        for option in estimate(SHEET, Scenario(treatment="iv", sessions=3, hsa_balance=D("9000")), source="t").options
    }
    assert notes == {
        "self_pay": ("5.5% prepay discount",),
        "hsa": (
            # A balance already in the HSA pays beyond this year's contribution limit (issue 12, item 6).
            "Pays up to 9,000.00 from the HSA (its balance: not capped by the yearly contribution limit); savings at "
            "22% on the pre-tax part (income tax only: direct contributions)",
            NOTE["hsa"],
        ),
        "fsa": (
            "Pays up to 3,400.00 from the FSA (2026 IRS limit); savings at 29.65% on the pre-tax part "
            "(income tax + FICA: payroll contributions)",
            UNIFORM,
            NOTE["fsa"],
        ),
        "medical_loan": (
            *PAID_FIRST,
            "interest rate 17.99% over 24 months",
            NOTE["medical_loan"],
        ),
        "clinic_plan": (
            *PAID_FIRST,
            "49.00 plan fee paid with the down payment",
            NOTE["clinic_plan"],
        ),
        "care_card": (
            *PAID_FIRST,
            NOTE["care_card"],
        ),
        "card_24": (*PAID_FIRST,),
        "card_60": (*PAID_FIRST,),
        "insurance": (NOTE["insurance"],),
        "va": (
            "50.00 copay per session, paid at each visit",
            NOTE["va"],
        ),
        # Issue 11: the built-in sheet's lender grid (a row per term), membership and package.
        "partner_6": (
            "At the low price: HSA 1,200.00 paid first; the rest is financed",
            "At the typical price: HSA 1,800.00 paid first; the rest is financed",
            "At the high price: HSA 3,000.00 paid first; the rest is financed",
            "Example terms: replace with the financing partner's own; approval depends on a soft credit check.",
        ),
        "partner_12": (
            "At the low price: HSA 1,200.00 paid first; the rest is financed",
            "At the typical price: HSA 1,800.00 paid first; the rest is financed",
            "At the high price: HSA 3,000.00 paid first; the rest is financed",
            "Example terms: replace with the financing partner's own; approval depends on a soft credit check.",
        ),
        "partner_24": (
            "At the low price: HSA 1,200.00 paid first; the rest is financed",
            "At the typical price: HSA 1,800.00 paid first; the rest is financed",
            "At the high price: HSA 3,000.00 paid first; the rest is financed",
            "Example terms: replace with the financing partner's own; approval depends on a soft credit check.",
        ),
        "membership": (
            "250.00 a month for 12 months; 200.00 per infusion, paid at each visit",
            "At the low price: Over 12 months with 6 boosters: 4,800.00 as a member, 3,600.00 at the per-session price",
            "At the typical price: Over 12 months with 6 boosters: 4,800.00 as a member, "
            "5,400.00 at the per-session price",
            "At the high price: Over 12 months with 6 boosters: 4,800.00 as a member, "
            "9,000.00 at the per-session price",
            "Example membership: replace with the clinic's own.",
        ),
        "iv_six": ("Example package: replace with the clinic's own; paid before the series starts.",),
        "out_of_network": (NOTE["out_of_network"],),  # not offered for IV in the built-in sheet
        "carepath": (NOTE["carepath"],),
    }


def test_the_same_scenario_gives_equal_estimates_notes_and_all() -> None:
    """Estimates are values: notes are recorded as data, and plans compare by how they were made."""
    from ketacost import estimator as module

    scenario = Scenario(treatment="kap", hsa_balance=D("700"), down_payment=D("50"))
    first = estimate(SHEET, scenario, source="t")
    for cache in (module.amortize, module.equal_installments, module.paid_in_full, module.minimum_only):
        cache.cache_clear()  # type: ignore[attr-defined]
    again = estimate(SHEET, scenario, source="t")
    assert again == first
    assert again.options[5].typical.plan is not first.options[5].typical.plan
