"""``ketacost quote``: issue a Good Faith Estimate for a self-pay patient, save it in the register, write it out."""

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ketacost import values
from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.context import Env
from ketacost.cli.options import HtmlFileOption, JsonFileOption, MarkdownFileOption, StoreOption
from ketacost.cli.scenario import ScenarioFlags, naming_flags, scenario_flags
from ketacost.errors import BadInput

if TYPE_CHECKING:
    from ketacost.gfe import GoodFaithEstimate

T = TypeVar("T")


def register(app: typer.Typer) -> None:
    app.command("quote", no_args_is_help=True)(quote_command)


def today() -> dt.date:
    """The issue date: the local calendar day (tests replace this function)."""
    return dt.date.today()


class Problems:
    """Collects every bad input, so that all of them are reported at once."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def check(self, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except BadInput as error:
            self.lines.extend(error.lines)
            return None

    def raise_any(self) -> None:
        if self.lines:
            raise BadInput(*self.lines)


@reports_errors
@scenario_flags(only=("treatment", "sessions", "price", "add_ons", "options"))
def quote_command(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", metavar="NAME", help="The patient's full name.")],
    dob: Annotated[str, typer.Option("--dob", metavar="YYYY-MM-DD", help="The patient's date of birth.")],
    scenario: ScenarioFlags,
    scheduled: Annotated[
        str | None,
        typer.Option("--scheduled", metavar="YYYY-MM-DD", help="Date of the first session, if scheduled."),
    ] = None,
    scheduled_on: Annotated[
        str | None,
        typer.Option(
            "--scheduled-on",
            metavar="YYYY-MM-DD",
            help="The day the care was scheduled or the estimate requested (default: today): when the GFE is due.",
        ),
    ] = None,
    supersedes: Annotated[
        str | None,
        typer.Option(
            "--supersedes",
            metavar="ID",
            help="Re-issue: this GFE replaces quote ID (a changed scope); both are kept, linked in the register.",
        ),
    ] = None,
    diagnosis: Annotated[
        list[str] | None,
        typer.Option(
            "--diagnosis",
            metavar="CODE",
            help="Expected ICD-10-CM diagnosis code, e.g. F33.2 (repeatable). Default: the treatment's in the sheet.",
        ),
    ] = None,
    html: HtmlFileOption = None,
    markdown: MarkdownFileOption = None,
    json_file: JsonFileOption = None,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Do not save the quote in the register (a draft: its ID is not kept).")
    ] = False,
    store: StoreOption = None,
    pricing: PricingOption = None,
) -> None:
    """Issue a Good Faith Estimate (No Surprises Act) for a self-pay patient and save it in the quote register.

    Prints a preview; --html, --markdown and --json write the document. The quote ID identifies it in
    `ketacost quotes show` and `ketacost quotes check`. Nothing is saved or written when any input is bad.
    """
    from ketacost import gfe
    from ketacost import store as register_store
    from ketacost.cli import documents
    from ketacost.gfe import timing as gfe_timing
    from ketacost.sheet.load import discover, parse_sheet, read_text

    env = env_of(ctx, pricing)
    issued = today()
    problems = Problems()
    name = problems.check(lambda: values.person_name("--patient", patient))
    born = problems.check(lambda: values.birth_date("--dob", dob, issued))
    first = problems.check(lambda: values.iso_date("--scheduled", scheduled))
    if first is not None and first < issued:
        problems.lines.append(f"--scheduled: {first.isoformat()} is in the past (today is {issued.isoformat()})")
    asked = problems.check(lambda: values.iso_date("--scheduled-on", scheduled_on))
    if asked is not None and asked > issued:
        problems.lines.append(f"--scheduled-on: {asked.isoformat()} is in the future (today is {issued.isoformat()})")
    replaces = gfe.normalize_quote_id(supersedes) if supersedes is not None else ""
    if supersedes is not None and no_save:
        problems.lines.append("--supersedes: a draft (--no-save) replaces nothing; save the new quote")
    codes = problems.check(lambda: values.diagnosis_codes("--diagnosis", diagnosis))
    course = problems.check(scenario.parse)
    source = discover(env.pricing)
    register_path = register_store.discover(store)
    # Even a draft (--no-save) must not write over the register or the sheet it was priced from.
    targets, refused = documents.document_targets(html, markdown, json_file, register_path, source)
    problems.lines.extend(refused)
    problems.raise_any()
    assert name is not None and born is not None and codes is not None and course is not None

    text = read_text(source)
    sheet = parse_sheet(text, source.label)
    codes = values.diagnosis_codes("--diagnosis", diagnosis, billable=frozenset(sheet.diagnosis_names))
    if sheet.effective > issued:
        env.error(
            f"warning: {source.label}: the price sheet takes effect on {sheet.effective.isoformat()}, after this "
            f"estimate's issue date ({issued.isoformat()}): its prices may not be the ones in force today"
        )
    request = gfe.Request(
        patient=gfe.Patient(name, born), scheduled=first, diagnosis_codes=codes, asked=asked, supersedes=replaces
    )
    sheet_sha256 = register_store.sha256(text)
    inputs = {
        "patient": name,
        "dob": born.isoformat(),
        "treatment": scenario.given["treatment"],
        "sessions": scenario.given["sessions"],
        "price": scenario.given["price"],
        "add_ons": list(scenario.given["add_ons"] or ()),
        "options": list(scenario.given["options"] or ()),
        "scheduled": scheduled,
        "diagnosis": list(diagnosis or ()),
        "pricing": source.label,
    }
    if scheduled_on is not None or supersedes is not None:  # only when given: earlier inputs keep their form
        inputs.update(scheduled_on=scheduled_on, supersedes=replaces or None)
    # Built once before the register is opened, so a course the sheet cannot quote leaves no trace.
    with naming_flags():
        draft = gfe.build(
            sheet, course, request, quote_id="", issued=issued, source=source.label, sheet_sha256=sheet_sha256
        )
    stamp = documents.Stamp(name, born, issued, inputs, sheet_sha256, sheet.effective, source.label)
    rendered: dict[str, Any] = {}

    def make(quote_id: str) -> register_store.Quote:
        """The whole quote for one ID, rendered from its canonical JSON exactly as `quotes show` will render it."""
        built = dataclasses.replace(draft, quote_id=quote_id)
        document = gfe.canonical_json(gfe.to_document(built))
        rendered.clear()
        rendered.update(render_all(document, html=html is not None, markdown=markdown is not None))
        return register_store.Quote(
            **stamp.columns(quote_id, document, built.service),
            total_low=str(built.total.low),
            total_high=str(built.total.high),
        )

    def late_warning() -> None:
        late = gfe_timing.due(asked or issued, first)
        if issued > late.by:
            env.error(f"warning: this Good Faith Estimate is late: {late.sentence()}")

    documents.issue(
        env,
        "quote",
        make=make,
        new_id=lambda: gfe.new_quote_id(issued),
        save=functools.partial(register_store.Register.issue, supersedes=replaces),
        no_save=no_save,
        register_path=register_path,
        rendered=rendered,
        targets=targets,
        preview=lambda: show_preview(env, rendered["gfe"]),
        before_preview=late_warning,
    )


def render_all(document: str, *, html: bool, markdown: bool) -> dict[str, Any]:
    """The GFE read back from its document, and the files asked for, rendered from it."""
    import json

    from ketacost import gfe

    built = gfe.from_document(json.loads(document))
    rendered: dict[str, Any] = {"gfe": built, "json": document}
    if html:
        from ketacost.render.gfe_html import render_html

        rendered["html"] = render_html(built)
    if markdown:
        from ketacost.render.gfe_markdown import render_gfe_markdown

        rendered["markdown"] = render_gfe_markdown(built)
    return rendered


def show_preview(env: Env, built: "GoodFaithEstimate") -> None:
    """The preview on stdout. By now the quote is saved and its files are written, so a reader that went away
    (``| head``) is no failure: the broken pipe reaches the command wrapper, which ends quietly with exit 0."""
    from rich.console import Console

    from ketacost.render.gfe_table import render_gfe_table

    class PreviewConsole(Console):
        def on_broken_pipe(self) -> None:  # Rich's own exits with status 1, as if the command had failed
            self.quiet = True
            raise BrokenPipeError

    render_gfe_table(built, PreviewConsole(file=env.stdout, highlight=False, emoji=False, soft_wrap=False))
