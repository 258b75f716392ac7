"""The fixed text of a Good Faith Estimate: the introduction and the disclaimers 45 CFR 149.610(c) requires, quoting
the figures of the federal dispute resolution process from :mod:`ketacost.dispute`, where they are defined once."""

from __future__ import annotations

from ketacost.dispute import (
    CMS_PHONE,
    CMS_WEBSITE,
    DISPUTE_FEE,
    DISPUTE_THRESHOLD,
    DISPUTE_WINDOW_DAYS,
    EXPECTED_POINT,
    dollars,
)
from ketacost.gfe.model import Disclaimer

INTRO = (
    "You are receiving this Good Faith Estimate because you are uninsured or are not using insurance for these "
    "items and services (self-pay). Under the law, health care providers need to give patients who don't have "
    "certain types of health care coverage or who are not using certain types of health care coverage an "
    "estimate of their bill for health care items and services before those items or services are provided."
)


def separately_scheduled_note(clinic: str, contact: str) -> str:
    """The disclaimer 45 CFR 149.610(c)(1)(vii) puts directly above the list of items that need separate
    scheduling: separate GFEs upon scheduling or upon request, their codes and charges not included here, and how
    to get them (86 FR 56136)."""
    return (
        "Separate Good Faith Estimates will be issued to you upon scheduling or upon request of the items or "
        "services listed below. Their diagnosis codes, service codes, expected charges and providers are not "
        "included in this Good Faith Estimate; they will be given in those separate estimates. To get one, "
        f"contact {clinic}: {contact}."
    )


def disclaimers(clinic: str, contact: str) -> tuple[Disclaimer, ...]:
    """The four disclaimers 45 CFR 149.610(c) requires, worded as the CMS model form (CMS-10791) words them."""
    return (
        Disclaimer(
            "Items or services scheduled separately",
            (
                "There may be additional items or services we recommend as part of your course of care that must "
                "be scheduled or requested separately and are not reflected in this Good Faith Estimate. "
                f"To get a Good Faith Estimate for them, contact {clinic}: {contact}. You will receive it in "
                "writing within 3 business days of asking.",
            ),
        ),
        Disclaimer(
            "This is only an estimate",
            (
                "This Good Faith Estimate shows the costs of items and services that are reasonably expected for "
                "your health care needs for an item or service. The estimate is based on information known at the "
                "time the estimate was created. This is only an estimate; actual items, services or charges may "
                "differ from this Good Faith Estimate.",
                "The Good Faith Estimate does not include any unknown or unexpected costs that may arise during "
                "treatment. You could be charged more if complications or special circumstances occur. If this "
                "happens, federal law allows you to dispute (appeal) the bill.",
            ),
        ),
        Disclaimer(
            "Your right to dispute the bill",
            (
                "If you are billed for more than this Good Faith Estimate, you have the right to dispute the bill. "
                "You may contact the health care provider or facility listed to let them know the billed charges "
                "are higher than the Good Faith Estimate. You can ask them to update the bill to match the Good "
                "Faith Estimate, ask to negotiate the bill, or ask if there is financial assistance available.",
                f"If you are billed at least {dollars(DISPUTE_THRESHOLD)} more than this Good Faith Estimate for any "
                "one provider or facility listed, you can start a dispute resolution process with the U.S. "
                "Department of Health and Human Services (HHS). If you choose to use the dispute resolution "
                f"process, you must start the dispute process within {DISPUTE_WINDOW_DAYS} calendar days (about "
                f"{DISPUTE_WINDOW_DAYS // 30} months) of the date on the original bill. There is a "
                f"{dollars(DISPUTE_FEE)} fee to use the dispute process. If the agency reviewing your dispute "
                "agrees with you, "
                "you will have to pay the price on this Good Faith Estimate: for each provider or facility, its "
                f"expected charges as the summary states them (the {EXPECTED_POINT} end of a range; this is also the "
                f"figure the {dollars(DISPUTE_THRESHOLD)} is counted from). If the agency disagrees with you and "
                "agrees with the health care provider or facility, you will have to pay the higher amount. "
                "Starting a dispute will not adversely affect the quality of the care you receive.",
                f"To learn more and get a form to start the process, go to {CMS_WEBSITE} or call {CMS_PHONE}. "
                "For questions or more information about your right to a Good Faith Estimate or the dispute "
                f"process, visit {CMS_WEBSITE} or call {CMS_PHONE}.",
                "Make sure to save a copy or picture of your Good Faith Estimate. You may need it if you are billed "
                "a higher amount.",
            ),
        ),
        Disclaimer(
            "Not a contract",
            (
                "This Good Faith Estimate is not a contract and does not require the patient to obtain the items "
                "or services from any of the providers or facilities identified in this Good Faith Estimate.",
            ),
        ),
    )
