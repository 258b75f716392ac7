"""PriceList + Scenario -> Estimate: what a course costs and what each way of paying means. Pure: no I/O.

Each payment kind prices itself (:mod:`ketacost.kinds`); the :class:`Pricer` gives it what options share: the
course, the scenario, the money that goes first, and a place to record notes.
"""

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ketacost import codes, kinds, offers
from ketacost.course import Course, Range, price_course, unknown_add_ons
from ketacost.errors import UnknownIds
from ketacost.money import CENT, HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome, unavailable

# The plans kept for batches (ketacost.outcome), also reachable here, where tests clear them.
from ketacost.outcome import amortize as amortize
from ketacost.outcome import equal_installments as equal_installments
from ketacost.outcome import minimum_only as minimum_only
from ketacost.outcome import paid_in_full as paid_in_full
from ketacost.outcome import regz_apr as _regz_apr  # noqa: F401
from ketacost.prices import PaymentOption, PriceList, Treatment, from_sheet
from ketacost.record import Record
from ketacost.scenario import HAVE, Scenario, check, held

if TYPE_CHECKING:
    from ketacost.kinds.tax_account import TaxAccount
    from ketacost.sheet.model import Sheet

__all__ = [
    "POINTS",
    "Course",
    "Estimate",
    "Note",
    "OptionEstimate",
    "Outcome",
    "Range",
    "Scenario",
    "estimate",
    "price_course",
]

PricePointName = Literal["low", "typical", "high"]
POINTS: tuple[PricePointName, ...] = ("low", "typical", "high")

# A note is data: what it says (a key its kind, or ketacost.render.notes, words), the price points it holds at
# (none named: every point) and its values. Plain tuples: a batch records notes for every option, never shown.
Note = tuple[str, tuple[PricePointName, ...], tuple[Any, ...]]
SAID = "said"  # the sheet's own note on an option
FUNDING = "funding"  # what is paid before financing
SHORTENED = "shortened"  # a plan paid off before its term


class OptionEstimate(Record):
    """A payment option priced at the low, typical and high course total."""

    id: str
    kind: str
    name: str
    low: Outcome
    typical: Outcome
    high: Outcome
    notes: tuple[Note, ...] = ()  # what to know about it, in the order it came up (worded by ketacost.render.notes)
    requires: tuple[str, ...] = ()  # what a patient must have to use it (kinds.NEEDS); cheapest only if they have it
    fits_budget: bool | None = None  # None: no budget given
    offer: str | None = None  # a row of a lender's grid (kinds.lender_grid): the grid's option id
    term_months: int | None = None  # ... and its term (unique within the grid)
    year: tuple[Decimal | None, ...] = ()  # net cost over the horizon (series, boosters, add-ons) at each point

    # Written out, as Outcome's is (a batch builds one per scenario and option); tests/test_record.py checks it.
    def __init__(
        self,
        id: str,
        kind: str,
        name: str,
        low: Outcome,
        typical: Outcome,
        high: Outcome,
        notes: tuple[Note, ...] = (),
        requires: tuple[str, ...] = (),
        fits_budget: bool | None = None,
        offer: str | None = None,
        term_months: int | None = None,
        year: tuple[Decimal | None, ...] = (),
    ) -> None:
        values = self.__dict__
        values["id"] = id
        values["kind"] = kind
        values["name"] = name
        values["low"] = low
        values["typical"] = typical
        values["high"] = high
        values["notes"] = notes
        values["requires"] = requires
        values["fits_budget"] = fits_budget
        values["offer"] = offer
        values["term_months"] = term_months
        values["year"] = year

    def at(self, point: PricePointName) -> Outcome:
        value: Outcome = getattr(self, point)
        return value

    def year_at(self, point: PricePointName) -> Decimal | None:
        """Net cost over the horizon at ``point``; None when not available there."""
        return self.year[POINTS.index(point)] if self.year else None


class Budget(Record):
    """What fits a monthly budget: in no month does the patient pay more than it, counting the money they said they
    have (HSA and FSA balances, a down payment) as already in hand, not as a month's payment."""

    amount: Decimal
    fitting: tuple[str, ...]
    cheapest: str | None  # among the options the patient can use
    suggestion: str | None
    suggested_option: str | None = None  # re-run with --down-payment suggested_down: this option fits
    suggested_down: Decimal | None = None


class Estimate(Record):
    """Everything a renderer needs; no arithmetic is left for it to do."""

    source: str
    effective: str
    course: Course
    tax_rate: Decimal
    options: tuple[OptionEstimate, ...]
    cheapest: str | None = None  # id of the lowest net cost at the typical price, among the options open to the patient
    coverage_note: str = ""
    funding: tuple[tuple[str, Decimal], ...] = ()  # what goes first for financed options, at the typical price
    budget: Budget | None = None
    have: tuple[str, ...] = ()  # what the patient said they have (scenario.held), sorted
    cheaper_with: tuple[tuple[str, str], ...] = ()  # (need, option id): cheaper than ``cheapest`` for those who have it


# A priced option kept by a Memo: its outcome and its notes, each as (what, values), held at whatever points
# the next scenario prices that total at.
_Priced = tuple[Outcome, tuple[tuple[str, tuple[Any, ...]], ...]]


class Memo:
    """What is kept across the scenarios of a batch, for one price list: scenarios at the sheet's prices meet the
    same few courses again and again, and the same course totals with the same money paid first. Each store
    holds at most its limit (:data:`LIMIT`, :data:`PRICED`) and is dropped whole when full: memory stays flat.

    ``priced``: the options of the kinds priced from the option, its term, the total and what is paid first
    alone (a kind module's ``FUNDED = True``: the loans and plans), by exactly those, for the scenarios at the
    sheet's prices without balances (:meth:`kept`). Other kinds read the scenario's balances, rates and
    coverage, which vary too much from scenario to scenario to be worth a key.
    """

    LIMIT = 512  # courses: a sheet has a few dozen at its own prices; each kept costs a few KiB
    PRICED = 4096  # priced options: a dozen-odd per course and money paid first; each about a KiB
    __slots__ = ("courses", "grid", "priced", "sheet")

    def __init__(self, sheet: PriceList) -> None:
        self.sheet = sheet
        self.grid = grid_rows(sheet)  # the rows of its lenders' grids, worked out once
        self.courses: dict[tuple[Any, ...], Course] = {}
        self.priced: dict[tuple[Any, ...], _Priced] = {}

    def kept(self, scenario: Scenario) -> "dict[tuple[Any, ...], _Priced] | None":
        """Where this scenario's priced options are kept, or None when they are not worth keeping: a price or a
        balance of its own makes totals and money paid first that few other scenarios meet, and keeping them
        would crowd out the ones that do repeat."""
        if scenario.price is not None or scenario.hsa_balance is not None or scenario.fsa_balance is not None:
            return None
        return self.priced

    def course(self, treatment_id: str, treatment: Treatment, scenario: Scenario) -> Course:
        """:func:`price_course`, once for each treatment, sessions, boosters, price and add-ons."""
        key = (treatment_id, scenario.sessions, scenario.boosters, scenario.price, scenario.add_ons)
        known = self.courses.get(key)
        if known is None:
            if len(self.courses) >= self.LIMIT:
                self.courses.clear()  # not the oldest alone: a dict's first key is found past every one deleted
            known = self.courses[key] = price_course(treatment_id, treatment, scenario)
        return known


def estimate(sheet: "PriceList | Sheet", scenario: Scenario, *, source: str, memo: Memo | None = None) -> Estimate:
    """Price the course and every payment option that applies (a validated Sheet is read as its PriceList).

    Raises :class:`BadInput` for a scenario out of bounds, wherever it was built (:func:`ketacost.scenario.check`).
    ``memo``, for a batch of scenarios on ``sheet``, keeps what later scenarios may price again.
    """
    check(scenario)
    if not isinstance(sheet, PriceList):
        sheet = from_sheet(sheet)
    treatment_id = scenario.treatment or sheet.default_treatment
    treatment = sheet.treatments.get(treatment_id)
    unknown = [] if treatment is not None else [("treatment", _unknown("treatment", treatment_id, sheet.treatments))]
    rows = grid_rows(sheet) if memo is None or memo.sheet is not sheet else memo.grid
    unknown += [
        ("options", _unknown("payment option", option_id, sheet.options))
        for option_id in scenario.options
        if option_id not in sheet.options and option_id not in rows and option_id not in sheet.packages
    ]
    unknown += offers.unknown(sheet, scenario)
    if treatment is not None:
        unknown += [("add_ons", message) for message in unknown_add_ons(treatment_id, treatment, scenario)]
    unknown += [
        ("have", f"unknown {what!r} (choose from: {', '.join(HAVE)})") for what in scenario.have if what not in HAVE
    ]
    if scenario.state is not None:
        try:
            codes.check_state(scenario.state.upper())  # read in lower case, as ids are; said as people write it
        except ValueError as error:
            unknown.append(("state", str(error)))
    if unknown:
        raise UnknownIds(unknown)
    assert treatment is not None
    if memo is None or memo.sheet is not sheet:  # (a memo kept for another price list is not used)
        course = price_course(treatment_id, treatment, scenario)
    else:
        course = memo.course(treatment_id, treatment, scenario)
    per_session_course = course
    if scenario.package is not None or scenario.discount is not None:
        course = offers.apply(sheet, treatment, course, scenario)
    pricer = Pricer(sheet, course, scenario, None if memo is None or memo.sheet is not sheet else memo.kept(scenario))
    listed = scenario.options or (
        *sheet.options,
        *(() if scenario.package else offers.packages_for(sheet, treatment_id)),
    )

    def rows_of(option_id: str) -> tuple[OptionEstimate, ...]:
        if option_id in sheet.packages and option_id not in sheet.options:  # a package's own row
            return (offers.package_row(sheet, option_id, treatment, per_session_course, scenario),)
        return pricer.rows(option_id, rows)

    options = tuple(row for option_id in listed for row in rows_of(option_id))
    have = held(scenario)
    budget = None
    if scenario.budget is not None:
        budget = pricer.budget(options, scenario.budget, have)
        options = tuple(o._replace(fits_budget=o.id in budget.fitting) for o in options)
    cheapest = _cheapest(options, have)
    return Estimate(
        source=source,
        effective=sheet.effective.isoformat(),
        course=course,
        tax_rate=pricer.tax_rate,
        options=options,
        cheapest=cheapest,
        coverage_note=sheet.coverage_note,
        funding=pricer.funding_shown(course.total.typical),
        budget=budget,
        have=tuple(sorted(have)),
        cheaper_with=_cheaper_with(options, have, cheapest),
    )


class Pricer:
    """Prices each payment option for a course; shared inputs are worked out once."""

    def __init__(
        self,
        sheet: PriceList,
        course: Course,
        scenario: Scenario,
        priced: "dict[tuple[Any, ...], _Priced] | None" = None,
    ) -> None:
        self.sheet = sheet
        self._priced = priced  # a batch's Memo.priced
        self.course = course
        self.scenario = scenario
        self.tax_rate = sheet.tax.default_marginal_rate if scenario.tax_rate is None else scenario.tax_rate
        self.notes: list[Note] = []
        # Every part of a course total rises from low to high, so equal totals (one --price for all three points)
        # mean equal courses: each distinct total is priced once, for the points that share it (what notes hold
        # at), and _shared gives each point's place among them.
        totals = tuple(course.total)
        distinct = tuple(dict.fromkeys(totals))
        self._totals = tuple(
            (total, tuple(p for p, t in zip(POINTS, totals, strict=True) if t == total)) for total in distinct
        )
        self._shared = tuple(distinct.index(total) for total in totals)
        # What the boosters add at each point: a year's total less the series'.
        self._boosters = tuple(horizon - total for horizon, total in zip(course.horizon_total, totals, strict=True))
        self.points: tuple[PricePointName, ...] = POINTS  # the price points being priced: what notes hold at
        self._funding: dict[Decimal, tuple[Decimal, Decimal, tuple[tuple[str, Decimal, Decimal], ...]]] = {}

    # -- the options ---------------------------------------------------------------------------------------------

    def rows(self, option_id: str, grid: dict[str, tuple[str, int]]) -> tuple[OptionEstimate, ...]:
        """An option's rows: one, or one per term of a lender's grid (``grid``: :func:`grid_rows`)."""
        if option_id in grid:
            return (self.option(*grid[option_id]),)
        expand = kinds.by_kind(self.sheet.options[option_id].kind).expand
        if expand is None:
            return (self.option(option_id),)
        return tuple(self.option(option_id, term) for term in range(len(expand(self.sheet.options[option_id]))))

    def option(self, option_id: str, term: int | None = None) -> OptionEstimate:
        option = self.sheet.options[option_id]
        kind = kinds.by_kind(option.kind)
        notes: list[Note] = []  # not list[Note](): calling a generic alias costs a microsecond
        self.notes = notes
        if option.treatments is not None and self.course.treatment_id not in option.treatments:
            low = typical = high = unavailable(f"not offered for {self.course.treatment}")
        else:
            price = kind.price if term is None else functools.partial(kind.price, term=term)
            priced = []
            kept = self._priced if kind.funded else None
            for total, points in self._totals:
                self.points = points
                if kept is None:
                    priced.append(price(self, option, total, points[0]))
                    continue
                key = (option_id, term, total, self._funded(total)[2])
                known = kept.get(key)
                if known is None:
                    start = len(notes)
                    outcome = price(self, option, total, points[0])
                    if len(kept) >= Memo.PRICED:
                        kept.clear()
                    known = kept[key] = (outcome, tuple((what, values) for what, _, values in notes[start:]))
                else:
                    notes.extend([(what, points, values) for what, values in known[1]])
                priced.append(known[0])
            at_low, at_typical, at_high = self._shared
            low, typical, high = priced[at_low], priced[at_typical], priced[at_high]
        if kind.year is None:
            year = self._series_year(low, typical, high)
        else:
            at_points = zip(POINTS, (low, typical, high), strict=True)
            year = tuple(self._year(kind, option, outcome, point) for point, outcome in at_points)
        if option.note:
            notes.append((SAID, (), (option.note,)))
        requires = kind.requires(option.kind)
        if term is not None:  # a row of a lender's grid
            months = kind.expand(option)[term]  # type: ignore[misc]
            row = (f"{option_id}_{months}", option.kind, f"{option.name}: {months} months", low, typical, high)
            return OptionEstimate(*row, tuple(notes), requires, None, option_id, months, year)
        # Fields by position: id, kind, name, the points, notes, requires, fits_budget, offer, term_months, year.
        return OptionEstimate(
            option_id, option.kind, option.name, low, typical, high, tuple(notes), requires, None, None, None, year
        )

    def _series_year(self, *outcomes: Outcome) -> tuple[Decimal | None, ...]:
        """The net cost over the horizon at each point of a kind without its own ``year``: the series' net cost
        plus the boosters paid as billed (the add-ons are in the series); a point's outcome met again (one
        total for several points) is added up once."""
        year: list[Decimal | None] = []
        last = net = None
        for outcome, boosters in zip(outcomes, self._boosters, strict=True):
            if not outcome.available:
                year.append(None)
                continue
            if outcome is not last:
                last, net = outcome, outcome.net_cost
            year.append(net + boosters)  # type: ignore[operator]
        return tuple(year)

    def _year(self, kind: Any, option: PaymentOption, outcome: Outcome, point: PricePointName) -> Decimal | None:
        """The option's net cost over the horizon, by its kind's ``year``."""
        if not outcome.available:
            return None
        kept, self.notes, self.points = self.notes, [], (point,)  # what a year's pricing notes is not shown
        try:
            year: Decimal = kind.year(self, option, outcome, point)
        finally:
            self.notes = kept
        return year

    def outcome(self, option: PaymentOption, total: Decimal, point: PricePointName, term: int | None = None) -> Outcome:
        """This option (a grid's: at ``term``) for one course total, at one price point."""
        self.points = (point,)
        price = kinds.by_kind(option.kind).price
        outcome: Outcome = (
            price(self, option, total, point) if term is None else price(self, option, total, point, term=term)
        )
        return outcome

    def term(self, plan: Any, months: int) -> None:
        """Say when a plan ends before its term: installments never round to 0.00, so a tiny amount is paid off
        sooner (1.00 over 60 months is 50 payments of 0.02)."""
        if plan.payments and len(plan.payments) < months:
            self.note(SHORTENED, len(plan.payments), months, plan.payments[0])

    def note(self, what: str, *values: Any) -> None:
        """Record a note at the price points being priced; its kind's ``NOTES[what]`` words it when shown."""
        self.notes.append((what, self.points, values))

    # -- money that goes first -----------------------------------------------------------------------------------

    def account(self, kind: Literal["hsa", "fsa"]) -> "TaxAccount":
        """The sheet's HSA or FSA terms (the first option of that kind), or the usual ones."""
        for option in self.sheet.options.values():
            if option.kind == kind:
                account: TaxAccount = option  # type: ignore[assignment]
                return account
        record: type[TaxAccount] = kinds.by_kind(kind).record  # type: ignore[assignment]
        return record(
            kind=kind,
            name=kind.upper(),
            note="",
            treatments=None,
            coverage="self_only",
            catch_up=False,
            payroll=kind == "fsa",
        )

    def account_limit(self, option: "TaxAccount") -> Decimal:
        tax = self.sheet.tax
        if option.kind == "fsa":
            return tax.fsa_limit
        limit = tax.hsa_family_limit if option.coverage == "family" else tax.hsa_self_only_limit
        return limit + (tax.hsa_catch_up if option.catch_up else ZERO)

    def account_cap(self, option: "TaxAccount") -> Decimal:
        """The most the account pays: an HSA's balance when given (whatever this year's limit: money already in an
        HSA is spent, not contributed), else the year's limit; an FSA's election is capped by the limit."""
        balance = self.scenario.hsa_balance if option.kind == "hsa" else self.scenario.fsa_balance
        limit = self.account_limit(option)
        if balance is None:
            return limit
        return balance if option.kind == "hsa" else min(limit, balance)

    def payroll(self, option: "TaxAccount") -> bool:
        """Funded through payroll (a cafeteria plan: FICA saved too): the sheet says so, or --have hsa-payroll."""
        return option.payroll or (option.kind == "hsa" and "hsa-payroll" in self.scenario.have)

    def state_note(self, option: "TaxAccount") -> tuple[str, Decimal, bool] | None:
        """(state, state rate, whether it counts) when a state rate is given; HSA money saves no state tax in the
        states the sheet lists (California, New Jersey)."""
        rate = self.scenario.state_tax_rate
        if rate is None:
            return None
        state = (self.scenario.state or "").upper()
        return state, rate, not (option.kind == "hsa" and state in self.sheet.tax.hsa_taxed_states)

    def savings_rate(self, option: "TaxAccount") -> Decimal:
        """Marginal rate, plus FICA for payroll money, plus the state rate where the state exempts the money; at most
        100%: a pre-tax dollar saves at most a dollar."""
        state = self.state_note(option)
        rate = self.tax_rate + (self.sheet.tax.fica_rate if self.payroll(option) else ZERO)
        return min(rate + (state[1] if state and state[2] else ZERO), HUNDRED)

    def funding_parts(self, total: Decimal) -> tuple[tuple[str, Decimal, Decimal], ...]:
        """HSA, FSA and cash down payment, in that order, each as (what, amount, tax savings)."""
        return self._funded(total)[2]

    def _funded(self, total: Decimal) -> tuple[Decimal, Decimal, tuple[tuple[str, Decimal, Decimal], ...]]:
        """(paid before financing, its tax savings, the parts), worked out once per course total."""
        known = self._funding.get(total)
        if known is not None:
            return known
        s = self.scenario
        parts: list[tuple[str, Decimal, Decimal]] = []
        left = total
        for kind, balance in (("hsa", s.hsa_balance), ("fsa", s.fsa_balance)):
            if balance:
                account = self.account(kind)  # type: ignore[arg-type]
                used = min(left, self.account_cap(account))
                parts.append((kind.upper(), used, cents(used * self.savings_rate(account) / HUNDRED)))
                left -= used
        if s.down_payment:
            parts.append(("down payment", min(left, s.down_payment), ZERO))
        funded = sum((p[1] for p in parts), ZERO), sum((p[2] for p in parts), ZERO), tuple(parts)
        self._funding[total] = funded
        return funded

    def funding(self, total: Decimal) -> tuple[Decimal, Decimal]:
        """(paid before financing, its tax savings) for a financed option."""
        first, savings, parts = self._funded(total)
        if parts:
            self.note(FUNDING, parts)
        return first, savings

    def funding_shown(self, total: Decimal) -> tuple[tuple[str, Decimal], ...]:
        return tuple((what, amount) for what, amount, _ in self.funding_parts(total))

    # -- the budget ----------------------------------------------------------------------------------------------

    def outlays(self, outcome: Outcome, total: Decimal) -> tuple[Decimal, ...]:
        """What the patient pays in each month for ``outcome`` (first what is due at the start), less the money they
        said they have in hand (HSA and FSA balances, a down payment), which is spent first and is no month's
        payment. Copays and insurance shares are added up by the month their visits fall in."""
        if outcome.visits:
            due: dict[int, Decimal] = {}
            for month, paid in zip(self.course.session_months(), outcome.visits, strict=True):
                due[month] = due.get(month, ZERO) + paid
            months = [due.get(month, ZERO) for month in range(1, max(due) + 1)]
        else:
            months = [outcome.upfront, *outcome.installments]
        in_hand = sum((amount for _, amount, _ in self.funding_parts(total)), ZERO)
        for index, paid in enumerate(months):
            spent = min(paid, in_hand)
            months[index], in_hand = paid - spent, in_hand - spent
        return tuple(months)

    def fits(self, outcome: Outcome, amount: Decimal) -> bool:
        """Available, and in no month more than ``amount`` to pay (:meth:`outlays`), at the typical price."""
        return outcome.available and max(self.outlays(outcome, self.course.total.typical), default=ZERO) <= amount

    def budget(
        self, options: tuple[OptionEstimate, ...], amount: Decimal, have: frozenset[str] = frozenset()
    ) -> Budget:
        fitting = tuple(o.id for o in options if self.fits(o.typical, amount))
        cheapest = _cheapest(tuple(o for o in options if o.id in fitting), have, fallback=False)
        if cheapest is not None:
            return Budget(amount=amount, fitting=fitting, cheapest=cheapest, suggestion=None)
        return self.budget_suggestion(options, amount, have, fitting)

    def budget_suggestion(
        self,
        options: tuple[OptionEstimate, ...],
        amount: Decimal,
        have: frozenset[str] = frozenset(),
        fitting: tuple[str, ...] = (),
    ) -> Budget:
        """The smallest down payment, to the cent, that makes a financed option the patient can use fit: the cheapest
        such option for which one exists. Followed literally (re-run with ``--down-payment``), it fits."""
        financed = sorted(
            (o for o in options if o.typical.available and o.typical.months and set(o.requires) <= have),
            key=lambda o: o.typical.net_cost,
        )
        total = self.course.total.typical
        for best in financed:
            option = self.sheet.options[best.offer or best.id]

            term = None if best.term_months is None else grid_rows(self.sheet)[best.id][1]

            def fits_with(down: Decimal, option: PaymentOption = option, term: int | None = term) -> Outcome | None:
                pricer = Pricer(self.sheet, self.course, self.scenario._replace(down_payment=down))
                outcome = pricer.outcome(option, total, "typical", term)
                return outcome if pricer.fits(outcome, amount) else None

            low, high = self.scenario.down_payment or ZERO, total
            if low >= high or fits_with(high) is None:
                continue  # no down payment makes it fit (a minimum purchase, say): try the next cheapest
            while high - low > CENT:
                middle = cents((low + high) / 2)
                if fits_with(middle):
                    high = middle
                else:
                    low = middle
            down = low if fits_with(low) else high
            after = fits_with(down)
            assert after is not None
            then = f"; then {fmt_grouped(after.monthly)} x {after.months}" if after.months else ""
            text = (
                f"No option you can use fits {fmt_grouped(amount)} a month. {best.name} fits with "
                f"{fmt_grouped(down)} down (--down-payment {down}{then})."
            )
            longest = max(financed, key=lambda o: o.typical.months)
            if longest.id != best.id:
                text += (
                    f" The longest term offered is {longest.typical.months} months ({longest.name}, "
                    f"{fmt_grouped(longest.typical.monthly)} a month)."
                )
            return Budget(amount, fitting, None, text, best.id, down)
        return Budget(amount, fitting, None, None)


def grid_rows(sheet: PriceList) -> dict[str, tuple[str, int]]:
    """Each row id of a lender's grid (``cherry_12``) -> (the grid's option id, the term)."""
    rows: dict[str, tuple[str, int]] = {}
    for option_id, option in sheet.options.items():
        expand = kinds.by_kind(option.kind).expand
        for term, months in enumerate(expand(option) if expand is not None else ()):
            rows[f"{option_id}_{months}"] = (option_id, term)
    return rows


def _cheapest(
    options: tuple[OptionEstimate, ...], have: frozenset[str] = frozenset(), *, fallback: bool = True
) -> str | None:
    """The lowest net cost at the typical price among the options open to the patient (requiring nothing, or only
    what they said they have); with ``fallback``, when none is available, among the others."""
    available = [o for o in options if o.typical.available]
    candidates = [o for o in available if have.issuperset(o.requires)] or (available if fallback else [])
    if not candidates:
        return None
    return min(candidates, key=lambda o: o.typical.net_cost).id


def _cheaper_with(
    options: tuple[OptionEstimate, ...], have: frozenset[str], cheapest: str | None
) -> tuple[tuple[str, str], ...]:
    """For each need the patient did not claim: the cheapest option needing it, when it beats ``cheapest``."""
    by_id = {o.id: o for o in options}
    best = (
        by_id[cheapest].typical.net_cost if cheapest is not None and have.issuperset(by_id[cheapest].requires) else None
    )
    found: dict[str, OptionEstimate] = {}
    for option in options:
        missing = {need for need in option.requires if need not in have}
        if len(missing) != 1 or not option.typical.available:
            continue
        (need,) = missing
        if (best is None or option.typical.net_cost < best) and (
            need not in found or option.typical.net_cost < found[need].typical.net_cost
        ):
            found[need] = option
    return tuple((need, option.id) for need, option in found.items())


def _unknown(what: str, wanted: str, known: object) -> str:
    names = ", ".join(str(name) for name in known)  # type: ignore[attr-defined]
    return f"unknown {what} {wanted!r} (choose from: {names})"
