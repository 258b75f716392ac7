"""What every document command (``quote``, ``superbill``; ``quotes show``, ``superbills show``) does alike: check
the files it will write, save the document in the register, write its files, print its preview, say what
happened; the steps that differ (building, rendering, the preview) come from the command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ketacost.errors import BadInput, KetacostError, SavedNotWritten

if TYPE_CHECKING:
    from ketacost.cli.context import Env
    from ketacost.sheet.load import SheetSource
    from ketacost.store import Register

Rendered = dict[str, Any]  # "json", "html", "markdown": the files' text; the rest: what the preview shows
Failed = list[tuple[tuple[str, Path], KetacostError]]


class _Saved(Protocol):
    """A saved row (a :class:`ketacost.store.Quote`, a :class:`ketacost.store.SuperbillRow`): its id."""

    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_Saved)


def now() -> dt.datetime:
    """When a document is saved, with the local UTC offset (tests replace this function)."""
    return dt.datetime.now().astimezone()


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a document command knows before it draws an id, for the register columns every saved document has
    beside its own: whose it is, its issue date, the command's inputs and the sheet it was priced from."""

    patient_name: str
    patient_dob: dt.date
    issued: dt.date
    inputs: Mapping[str, Any]
    sheet_sha256: str
    sheet_effective: dt.date
    sheet_source: str

    def columns(self, doc_id: str, document: str, service: str) -> dict[str, str]:
        """Those columns for one document (its id, its canonical JSON, its service), saved now."""
        from ketacost.document import canonical_json
        from ketacost.store import sha256

        return {
            "id": doc_id,
            "patient_name": self.patient_name,
            "patient_dob": self.patient_dob.isoformat(),
            "issued_at": now().isoformat(timespec="seconds"),
            "issued_on": self.issued.isoformat(),
            "service": service,
            "inputs": canonical_json(self.inputs),
            "document": document,
            "document_sha256": sha256(document),
            "sheet_sha256": self.sheet_sha256,
            "sheet_effective": self.sheet_effective.isoformat(),
            "sheet_source": self.sheet_source,
        }


def issue(
    env: Env,
    noun: str,
    *,
    make: Callable[[str], R],
    new_id: Callable[[], str],
    save: Callable[[Register, Callable[[str], R], Callable[[], str]], R],
    no_save: bool,
    register_path: Path,
    rendered: Rendered,
    targets: dict[str, Path | None],
    preview: Callable[[], object],
    before_preview: Callable[[], None] | None = None,
) -> None:
    """Save a new document (``make(id)`` builds it and fills ``rendered``; ``save(register, make, new_id)`` keeps it,
    e.g. :meth:`ketacost.store.Register.issue_superbill`), or with ``no_save`` only make it; then write its files,
    then print its preview (after ``before_preview``, e.g. a warning), and say where it went.

    Files first: once the document is saved, what a script most needs is every file written, and a preview that
    cannot be printed (a closed pipe, an ASCII terminal) must not cost one of them.
    """
    from ketacost import store as register_store

    if no_save:
        row = make(new_id())
        where = "not saved (--no-save)"
    else:
        with register_store.open_register(register_path, create=True) as opened:
            assert opened is not None
            row = save(opened, make, new_id)
        where = f"saved in {register_path}"
    failed = write_outputs(env, rendered, targets)
    if before_preview is not None:
        before_preview()
    try:
        preview()
    finally:  # even when the preview's reader went away: which document was saved, and what was not written
        report_saved(env, noun, row.id, where, failed, no_save=no_save)


def show(
    env: Env,
    store: str | None,
    html: Path | None,
    markdown: Path | None,
    json_file: Path | None,
    *,
    load: Callable[[Path], str],
    render_all: Callable[..., Rendered],
    preview: Callable[[Rendered], object],
) -> None:
    """Show a saved document again: ``load(register)`` finds its text (bad input when it is not there); its files
    are written from it, then the preview printed; any file not written fails the command after both."""
    from ketacost import output as files
    from ketacost import store as register_store
    from ketacost.sheet.load import discover

    path = register_store.discover(store)
    targets, problems = document_targets(html, markdown, json_file, path, discover(env.pricing))
    if problems:
        raise BadInput(*problems)
    rendered = render_all(load(path), html=html is not None, markdown=markdown is not None)
    failed = write_outputs(env, rendered, targets)  # files before the preview, as issuing does
    preview(rendered)
    if failed:
        raise files.combined([error for _, error in failed])


def report_saved(env: Env, noun: str, doc_id: str, where: str, failed: Failed, *, no_save: bool) -> None:
    """Say where a document (a ``quote``, a ``superbill``) went, and refuse with what was not written and the
    command that writes it from the register (``ketacost quotes show``, ``ketacost superbills show``)."""
    from ketacost import output

    if failed and no_save:
        raise output.combined([error for _, error in failed])
    env.error(f"{noun.capitalize()} {doc_id} {where}.")
    if failed:
        raise SavedNotWritten(
            *(
                f"{noun} {doc_id} is {where}; {path} was not written: {output.reason(error, path)}; "
                f"`ketacost {noun}s show {doc_id} {flag} {path}` writes it"
                for (flag, path), error in failed
            )
        )


def document_targets(
    html: Path | None, markdown: Path | None, json_file: Path | None, register: Path, source: SheetSource
) -> tuple[dict[str, Path | None], list[str]]:
    """The files a document command (a quote, a superbill, issued or shown again) writes, by flag, and a line for
    each that would replace the register, its sidecars or the price sheet in use."""
    from ketacost import output

    targets = {"--html": html, "--markdown": markdown, "--json": json_file}
    return targets, output.check_targets(targets, protected_files(register, source))


def protected_files(register: Path, source: SheetSource) -> dict[str, Path]:
    """The files no output may replace: the quote register and its sidecars, and the price sheet in use."""
    from ketacost.output import register_paths

    protected = register_paths(register)
    if not source.embedded:
        protected["the price sheet in use"] = source.path
    return protected


def write_outputs(env: Env, rendered: Rendered, targets: dict[str, Path | None]) -> Failed:
    """Write each file asked for (flag -> path), atomically; the ones that could not be written, with why."""
    from ketacost.output import write_atomic

    keys = {"--html": "html", "--markdown": "markdown", "--json": "json"}
    failed: Failed = []
    for flag, path in targets.items():
        if path is None:
            continue
        try:
            write_atomic(path, rendered[keys[flag]])
        except KetacostError as error:
            failed.append(((flag, path), error))
            continue
        env.error(f"Wrote {path}")
    return failed
