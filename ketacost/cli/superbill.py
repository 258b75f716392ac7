"""``ketacost superbill`` (issue a superbill for sessions that took place) and ``ketacost superbills`` (list them,
reprint one byte for byte): kept in the quote register beside the quotes, never changed."""

import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ketacost import values
from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.options import HtmlFileOption, JsonFileOption, MarkdownFileOption, StoreOption
from ketacost.errors import BadInput

if TYPE_CHECKING:
    from ketacost.store import SuperbillRow
    from ketacost.superbill import Session

superbills_app = typer.Typer(
    name="superbills",
    help="Superbills issued: list them, reprint one exactly as issued.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.command("superbill", no_args_is_help=True)(superbill_command)


def register_group(app: typer.Typer) -> None:
    app.add_typer(superbills_app, name="superbills")


@reports_errors
def superbill_command(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", metavar="NAME", help="The patient's full name.")],
    dob: Annotated[str, typer.Option("--dob", metavar="YYYY-MM-DD", help="The patient's date of birth.")],
    treatment: Annotated[
        str | None, typer.Option("--treatment", "-t", metavar="ID", help="Treatment id. Default: the sheet's.")
    ] = None,
    session: Annotated[
        list[str] | None,
        typer.Option(
            "--session",
            metavar="DATE[=PAID]",
            help="A session that took place, and what was paid for it (default: its charge). Repeatable.",
        ),
    ] = None,
    sessions_csv: Annotated[
        Path | None,
        typer.Option("--sessions-csv", metavar="FILE", help="Sessions from a CSV: date,paid,place_of_service."),
    ] = None,
    member_id: Annotated[
        str | None, typer.Option("--member-id", metavar="ID", help="The patient's health plan member ID.")
    ] = None,
    add_on: Annotated[
        list[str] | None, typer.Option("--add-on", metavar="ID", help="Include an optional add-on. Repeatable.")
    ] = None,
    price: Annotated[
        str | None, typer.Option("--price", metavar="AMOUNT", help="The session's charge instead of the sheet's.")
    ] = None,
    diagnosis: Annotated[
        list[str] | None,
        typer.Option(
            "--diagnosis",
            metavar="CODE[=TEXT]",
            help="ICD-10-CM code, with its description if ketacost does not know it. Repeatable. "
            "Default: the treatment's in the sheet.",
        ),
    ] = None,
    place: Annotated[
        str,
        typer.Option("--place", metavar="POS", help="Place of service: 11 office, 02 or 10 telehealth (10: at home)."),
    ] = "11",
    modifier: Annotated[
        list[str] | None,
        typer.Option("--modifier", metavar="CODE=MOD", help="A modifier for a code, e.g. 99214=95. Repeatable."),
    ] = None,
    html: HtmlFileOption = None,
    markdown: MarkdownFileOption = None,
    json_file: JsonFileOption = None,
    no_save: Annotated[bool, typer.Option("--no-save", help="Do not save it in the register (a draft).")] = False,
    store: StoreOption = None,
    pricing: PricingOption = None,
) -> None:
    """Issue a superbill for sessions that took place, for the patient to claim out-of-network reimbursement.

    Service lines come from the sheet's line items (the codes a Good Faith Estimate lists); dates and payments
    from --session or --sessions-csv. Saved in the register (`ketacost superbills list`); nothing is saved or
    written when any input is bad.
    """
    from ketacost import store as register_store
    from ketacost import superbill
    from ketacost.cli import documents
    from ketacost.cli.quote import Problems, today
    from ketacost.sheet.load import discover, parse_sheet, read_text
    from ketacost.superbill.make import PLACES, read_session, read_sessions_csv

    env = env_of(ctx, pricing)
    issued = today()
    problems = Problems()
    name = problems.check(lambda: values.person_name("--patient", patient))
    born = problems.check(lambda: values.birth_date("--dob", dob, issued))
    member = problems.check(lambda: values.person_name("--member-id", member_id)) if member_id else ""
    charge = problems.check(lambda: values.money("--price", price))
    if place not in PLACES:
        problems.lines.append(f"--place: {place!r} must be one of {', '.join(PLACES)}")
    modifiers: dict[str, tuple[str, ...]] = {}
    for text in modifier or ():
        code, sep, mods = text.partition("=")
        parts = tuple(part.strip().upper() for part in mods.replace(",", " ").split())
        if not sep or not parts or not all(len(part) == 2 and part.isalnum() for part in parts):
            problems.lines.append(f"--modifier: {text!r} must be CODE=MOD with two-character modifiers, e.g. 99214=95")
            continue
        modifiers[code.strip().upper()] = modifiers.get(code.strip().upper(), ()) + parts
    sessions: list[Session] = []
    for typed in session or ():
        read = problems.check(functools.partial(read_session, typed, "--session", issued))
        if read is not None:
            sessions.append(read)
    if sessions_csv is not None:
        try:
            text = sessions_csv.read_text(encoding="utf-8")
        except OSError as error:
            problems.lines.append(f"{sessions_csv}: cannot read: {error.strerror or error}")
        except UnicodeDecodeError:
            problems.lines.append(f"{sessions_csv}: not UTF-8 text")
        else:
            sessions += problems.check(lambda: read_sessions_csv(text, str(sessions_csv), issued)) or []
    if not sessions and not problems.lines:
        problems.lines.append("--session: give at least one session that took place (or --sessions-csv)")
    source = discover(env.pricing)
    register_path = register_store.discover(store)
    targets, refused = documents.document_targets(html, markdown, json_file, register_path, source)
    problems.lines.extend(refused)
    problems.raise_any()
    assert name is not None and born is not None and member is not None

    text = read_text(source)
    sheet = parse_sheet(text, source.label)
    sheet_sha256 = register_store.sha256(text)
    draft = superbill.build(
        sheet,
        treatment_id=treatment or sheet.default_treatment,
        add_ons=tuple(add_on or ()),
        price=charge,
        sessions=sessions,
        patient=superbill.Patient(name, born, member),
        diagnosis=tuple(diagnosis or ()),
        place=place,
        modifiers=modifiers,
        superbill_id="",
        issued=issued,
        source=source.label,
        sheet_sha256=sheet_sha256,
    )
    inputs = {
        "patient": name,
        "dob": born.isoformat(),
        "member_id": member,
        "treatment": treatment,
        "sessions": [[s.date.isoformat(), None if s.paid is None else str(s.paid), s.place] for s in sessions],
        "add_ons": list(add_on or ()),
        "price": price,
        "diagnosis": list(diagnosis or ()),
        "place": place,
        "modifiers": list(modifier or ()),
        "pricing": source.label,
    }
    stamp = documents.Stamp(name, born, issued, inputs, sheet_sha256, sheet.effective, source.label)
    rendered: dict[str, Any] = {}

    def make(superbill_id: str) -> "SuperbillRow":
        built = dataclasses.replace(draft, superbill_id=superbill_id)
        document = superbill.canonical_json(superbill.to_document(built))
        rendered.clear()
        rendered.update(render_all(document, html=html is not None, markdown=markdown is not None))
        dates = [line.date for line in built.services]
        return register_store.SuperbillRow(
            **stamp.columns(superbill_id, document, built.service),
            first_date=min(dates).isoformat(),
            last_date=max(dates).isoformat(),
            total_charged=str(built.total_charged),
            total_paid=str(built.total_paid),
        )

    documents.issue(
        env,
        "superbill",
        make=make,
        new_id=lambda: superbill.new_superbill_id(issued),
        save=register_store.Register.issue_superbill,
        no_save=no_save,
        register_path=register_path,
        rendered=rendered,
        targets=targets,
        preview=lambda: env.stdout.write(rendered["preview"]),
    )


def render_all(document: str, *, html: bool, markdown: bool) -> dict[str, Any]:
    """The superbill read back from its document, and the files asked for, rendered from it."""
    import json

    from ketacost import superbill
    from ketacost.render import superbill_out

    built = superbill.from_document(json.loads(document))
    rendered: dict[str, Any] = {"json": document, "preview": superbill_out.render_preview(built)}
    if html:
        rendered["html"] = superbill_out.render_html(built)
    if markdown:
        rendered["markdown"] = superbill_out.render_markdown(built)
    return rendered


@superbills_app.command("list")
@reports_errors
def list_command(
    ctx: typer.Context,
    patient: Annotated[
        str | None, typer.Option("--patient", metavar="TEXT", help="Only patients whose name contains TEXT.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON for scripts instead of a table.")] = False,
    store: StoreOption = None,
) -> None:
    """List the superbills in the register, oldest first."""
    import json

    from ketacost import store as register_store
    from ketacost.render.plain import table_lines
    from ketacost.render.safe import terminal_text

    env = env_of(ctx)
    path = register_store.discover(store)
    with register_store.open_register(path, create=False) as opened:
        found = opened.superbills(patient=patient) if opened is not None else []
    if json_output:
        keys = ("id", "patient_name", "patient_dob", "issued_on", "service", "first_date", "last_date")
        rows = [
            {
                **{key: getattr(row, key) for key in keys},
                "total_charged": row.total_charged,
                "total_paid": row.total_paid,
            }
            for row in found
        ]
        env.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if not found:
        env.stdout.write(f"No superbills in {path}.\n")
        return
    body = [
        [
            row.id,
            row.patient_name,
            row.issued_on,
            f"{row.first_date} - {row.last_date}",
            row.total_charged,
            row.total_paid,
        ]
        for row in found
    ]
    lines = table_lines(
        f"Superbills in {path}", ["ID", "Patient", "Issued", "Dates", "Charged", "Paid"], body, env.width()
    )
    env.stdout.write("\n".join(terminal_text(line) for line in lines) + "\n")


@superbills_app.command("show")
@reports_errors
def show_command(
    ctx: typer.Context,
    superbill_id: Annotated[str, typer.Argument(metavar="ID", help="The superbill ID, e.g. S-20261127-7K3M.")],
    html: HtmlFileOption = None,
    markdown: MarkdownFileOption = None,
    json_file: JsonFileOption = None,
    store: StoreOption = None,
) -> None:
    """Show a saved superbill exactly as it was issued, whatever the price sheet says today."""
    from ketacost import store as register_store
    from ketacost.cli import documents
    from ketacost.superbill import normalize_superbill_id

    def load(path: Path) -> str:
        wanted = normalize_superbill_id(superbill_id)
        with register_store.open_register(path, create=False) as opened:
            found = opened.superbills(wanted=wanted) if opened is not None else []
        if not found:
            raise BadInput(f"no superbill {wanted} in the register {path}")
        return found[0].document

    env = env_of(ctx)
    documents.show(
        env,
        store,
        html,
        markdown,
        json_file,
        load=load,
        render_all=render_all,
        preview=lambda rendered: env.stdout.write(rendered["preview"]),
    )
