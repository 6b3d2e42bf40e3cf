"""The state of Last opp: each chosen file checked once (kept in the session under its
SHA-256 until the data or the user's access changes), and each checked file stored on
confirm in its own transaction, as uploaded by the visitor."""

from __future__ import annotations

import logging

import streamlit as st

from ia_data.domain.formatting import today
from ia_data.ingest import worker
from ia_data.reporting import uploads as up
from ia_data.reporting.deviations import file_deviations, warning_text
from ia_data.storage import store
from ui.auth import scope
from ui.data import KEPT_CHECKS, data_version, read, rules, write


def warm_reader() -> None:
    """Start a reading worker now, so that the file chosen next is read at once instead of
    after a process start."""
    worker.warm_up()


def check_upload(file_name: str, data: bytes) -> up.Preview:
    """The dry run of one file as a ``uploads.Preview``, kept in the session under the
    file's SHA-256 so that a rerun does not parse it again (checked again only when the
    data changed since, as the comparison with the active version depends on it). Never
    raises: an unexpected failure becomes a rejected file with a Norwegian message."""
    digest = store.sha256_of(data)
    version = (data_version(), scope())  # a change of the user's access checks it again
    checks = st.session_state.setdefault(KEPT_CHECKS, {})
    kept = checks.get(digest)
    if kept is not None and kept[0] == version and kept[1].file_name == file_name:
        return kept[1]
    in_force = rules()
    try:
        result = write(
            store.import_file, file_name=file_name, data=data, dry_run=True, rules=in_force
        )
        if result.ok:  # what needs attention once stored: warnings, as «Avvik» judges it
            found = read(file_deviations, parsed=result.parsed, rules=in_force, cache=False)
            for deviation in found:
                result.parsed.warn(warning_text(deviation))
        shown = up.preview(result, in_force, today())
    except Exception:
        logging.exception("Kontroll av %s feilet", file_name)
        shown = up.preview(up.failed_result(file_name, data), in_force, today())
    checks[digest] = (version, shown)
    return shown


def forget_upload_checks(keep: set[str] | None = None) -> None:
    """Drop the kept checks, except those of the files in ``keep`` (SHA-256)."""
    checks = st.session_state.get(KEPT_CHECKS, {})
    for digest in list(checks):
        if keep is None or digest not in keep:
            del checks[digest]


def store_upload(file_name: str, data: bytes) -> store.ImportResult:
    """Store one checked file (``store.import_file``, its own transaction), as uploaded by the
    visitor; never raises: a file that fails unexpectedly is reported as not stored, and the
    next file is still stored."""
    try:
        return write(store.import_file, file_name=file_name, data=data)
    except Exception:
        logging.exception("Lagring av %s feilet", file_name)
        return up.failed_result(file_name, data, up.UNEXPECTED_STORE)


# The blank workbooks Last opp offers, made when a button is pressed: openpyxl is imported
# then, not by every page that shows the buttons (a server that nobody asks for a template
# never loads it, about 9 MB).
def report_template(session, year: int, rules, *, scope) -> bytes:
    from ia_data.output.template import template_for_year

    return template_for_year(session, year, rules, scope=scope)


def plan_template(session, year: int, rules, *, scope) -> bytes:
    from ia_data.output.plan_template import plan_template_for_year

    return plan_template_for_year(session, year, rules, scope=scope)
