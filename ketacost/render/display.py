"""What a person sees of an estimate: headings, one summary row per option, and notes, as plain strings.

Shared by the terminal table and Markdown so that both say the same thing. Every string that leaves this module
has passed through :func:`terminal_text`: sheet text cannot smuggle escape sequences onto a terminal.
"""

from ketacost.course import Course
from ketacost.estimator import POINTS, Estimate, OptionEstimate
from ketacost.money import fmt_grouped
from ketacost.record import Record
from ketacost.render.notes import worded
from ketacost.render.safe import terminal_text

COLUMNS = ("Option", "Upfront", "Monthly", "Total paid", "Interest + fees", "Tax savings", "Net cost")
RANGE_COLUMNS = ("Option", "Net cost, low", "typical", "high", "12 months")  # the last: net cost over the year
# How a need (ketacost.kinds.NEEDS) is named: "with an FSA: ...".
NEED_WORDS = {
    "hsa": "an HSA",
    "fsa": "a health FSA",
    "va": "VA eligibility",
    "insurance": "insurance that covers it",
    "eligibility": "eligibility",
}


class Row(Record):
    """One option at the typical price, ready to print; ``cells`` is empty when it is not available."""

    option: OptionEstimate
    name: str
    cells: tuple[str, ...]
    range_cells: tuple[str, ...]
    cheapest: bool
    reason: str = ""


def heading(estimate: Estimate) -> list[str]:
    course = estimate.course
    unit = course.unit
    weeks = f"{course.weeks[0]}" if course.weeks[0] == course.weeks[1] else f"{course.weeks[0]}-{course.weeks[1]}"
    per, total = course.per_session, course.total
    lines = [
        f"{course.treatment}: {course.sessions} x {unit} over {weeks} weeks",
        f"Per {unit}: {fmt_grouped(per.low)} / {fmt_grouped(per.typical)} / {fmt_grouped(per.high)}"
        " (low / typical / high)",
        f"Course total: {fmt_grouped(total.low)} / {fmt_grouped(total.typical)} / {fmt_grouped(total.high)}",
    ]
    if course.add_ons:
        lines.append("Includes: " + ", ".join(course.add_ons))
    if course.boosters:
        horizon = course.horizon_total
        lines.append(
            f"With {course.boosters} boosters, {course.horizon_months}-month total: "
            f"{fmt_grouped(horizon.low)} / {fmt_grouped(horizon.typical)} / {fmt_grouped(horizon.high)}"
        )
    if course.boosters_asked > course.boosters:
        lines += booster_lines(estimate)
    for what, amount in estimate.funding:
        lines.append(f"Paid first, before any financing: {what} {fmt_grouped(amount)}")
    return [terminal_text(line) for line in lines]


def offer_lines(course: Course) -> list[str]:
    """The package and discount the course is priced with (ketacost.offers)."""
    lines = []
    for what, offer_id, name, amount in course.offers:
        figures = " / ".join(fmt_grouped(value) for value in dict.fromkeys(amount))
        if what == "package":
            lines.append(f"Package {offer_id} ({name}, {figures}): every option is priced on the package")
        else:
            lines.append(f"Discount {offer_id} ({name}): less {figures}, before any way of paying")
    return lines


def booster_lines(estimate: Estimate) -> list[str]:
    """Why fewer boosters are priced than were asked for."""
    course = estimate.course
    later = course.boosters_asked - course.boosters
    return [
        f"Boosters: {course.boosters_asked} asked, {course.boosters} in {course.horizon_months} months "
        f"(one every {course.booster_interval_weeks} weeks after the {course.weeks[1]}-week series);",
        f"{later} {'falls' if later == 1 else 'fall'} after the {course.horizon_months} months and "
        f"{'is' if later == 1 else 'are'} not priced.",
    ]


def source_line(estimate: Estimate) -> str:
    return terminal_text(
        f"Price sheet: {estimate.source}, effective {estimate.effective}. "
        f"Tax savings at a {fmt_grouped(estimate.tax_rate).removesuffix('.00')}% marginal rate (--tax-rate)."
    )


def rows(estimate: Estimate) -> list[Row]:
    result = []
    for option in estimate.options:
        outcome = option.typical
        cheapest = option.id == estimate.cheapest
        name = terminal_text(option.name) + (" [fits budget]" if option.fits_budget else "")
        if not outcome.available:
            result.append(Row(option, name, (), (), cheapest, terminal_text(outcome.reason)))
            continue
        monthly = f"{fmt_grouped(outcome.monthly)} x {outcome.months}" if outcome.months else "-"
        cells = (
            fmt_grouped(outcome.upfront),
            monthly,
            fmt_grouped(outcome.total_paid),
            fmt_grouped(outcome.interest + outcome.fees),
            fmt_grouped(outcome.tax_savings),
            fmt_grouped(outcome.net_cost),
        )
        year = option.year_at("typical")
        range_cells = (
            *(fmt_grouped(o.net_cost) if o.available else "-" for o in (option.low, option.typical, option.high)),
            "-" if year is None else fmt_grouped(year),
        )
        result.append(Row(option, name, cells, range_cells, cheapest))
    return result


def notes(estimate: Estimate) -> list[str]:
    lines = [*offer_lines(estimate.course), year_line(estimate)]
    for option in estimate.options:
        outcome = option.typical
        missing = [
            (p, o.reason) for p, o in zip(POINTS, (option.low, outcome, option.high), strict=True) if not o.available
        ]
        if len(missing) == 3 and len({reason for _, reason in missing}) == 1:
            lines.append(f"{option.name}: not available: {missing[0][1]}.")
        else:
            lines.extend(f"{option.name}: not available at the {p} price: {reason}." for p, reason in missing)
        if outcome.available and outcome.months and outcome.final_payment != outcome.monthly:
            lines.append(f"{option.name}: final payment {fmt_grouped(outcome.final_payment)} (rounding).")
        if outcome.available and outcome.interest_at_risk is not None:
            lines.append(
                f"{option.name}: paying {fmt_grouped(outcome.monthly)} every month costs no interest; paying only "
                f"the minimum costs {fmt_grouped(outcome.interest_at_risk)} in interest (interest at risk)."
            )
        lines.extend(f"{option.name}: {note}" for note in worded(option))
    if estimate.coverage_note:
        lines.append(" ".join(estimate.coverage_note.split()))
    return [terminal_text(line) for line in lines]


def budget_lines(estimate: Estimate) -> list[str]:
    budget = estimate.budget
    if budget is None:
        return []
    if budget.suggestion:
        return [terminal_text(budget.suggestion)]
    names = {option.id: option.name for option in estimate.options}
    if not budget.fitting:
        return [f"No option fits a budget of {fmt_grouped(budget.amount)} a month."]
    line = f"Within {fmt_grouped(budget.amount)} a month (money you have spent first): "
    line += ", ".join(names[i] for i in budget.fitting) + "."
    if budget.cheapest:
        line += f" Cheapest that fits: {names[budget.cheapest]}."
    return [terminal_text(line)]


def cheapest_line(estimate: Estimate) -> str | None:
    """The cheapest option the patient can use, then, apart, what would be cheaper with what they did not claim."""
    by_id = {option.id: option for option in estimate.options}
    option = by_id.get(estimate.cheapest or "")
    if option is None:
        return None
    among = ", among the options you can use" if estimate.cheaper_with else ""
    line = f"* Lowest net cost at the typical price: {option.name} ({fmt_grouped(option.typical.net_cost)}){among}."
    for need, option_id in estimate.cheaper_with:
        other = by_id[option_id]
        line += f" With {NEED_WORDS.get(need, need)}: {other.name} ({fmt_grouped(other.typical.net_cost)})."
    if estimate.cheaper_with:
        line += " Say what you have with --have."
    return terminal_text(line)


def year_line(estimate: Estimate) -> str:
    """What the "12 months" column counts."""
    course = estimate.course
    boosters = f", {course.boosters} booster{'s' if course.boosters != 1 else ''}" if course.boosters else ""
    return terminal_text(
        f"12 months: net cost of the series{boosters} and add-ons in {course.horizon_months} months, at the "
        "typical price; boosters are paid as billed unless the option covers them (HSA, FSA, VA, insurance)."
    )
