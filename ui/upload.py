"""Last opp and Opplastinger: each chosen file checked once (kept in the session under its
SHA-256), stored on confirm, an earlier version restored, the history of uploads and the
blank template."""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st

from ia_data import settings
from ia_data.ingest import worker
from ia_data.reporting import uploads as up
from ia_data.storage import store
from ui.auth import scope, visitor
from ui.data import data_version, engine, query

UPLOAD_CHECKS = "_upload_checks"  # session state: SHA-256 → (data version, Preview)


RestoreError = store.RestoreError  # what ``restore_upload`` raises, with the reason


def warm_reader() -> None:
    """Start a reading worker now, so that the file chosen next is read at once instead of
    after a process start."""
    worker.warm_up()


def check_upload(file_name: str, data: bytes):
    """The dry run of one file as a ``uploads.Preview``, kept in the session under the
    file's SHA-256 so that a rerun does not parse it again (checked again only when the
    data changed since, as the comparison with the active version depends on it). Never
    raises: an unexpected failure becomes a rejected file with a Norwegian message."""
    digest = store.sha256_of(data)
    version = (data_version(), scope())  # a change of the user's access checks it again
    checks = st.session_state.setdefault(UPLOAD_CHECKS, {})
    kept = checks.get(digest)
    if kept is not None and kept[0] == version and kept[1].file_name == file_name:
        return kept[1]
    rules = settings.current().rules()
    try:
        result = store.import_file(
            engine(), file_name, data, scope=scope(), dry_run=True, rules=rules
        )
        shown = up.preview(result, rules, date.today())
    except Exception:
        logging.exception("Kontroll av %s feilet", file_name)
        shown = up.preview(up.failed_result(file_name, data), rules, date.today())
    checks[digest] = (version, shown)
    return shown


def forget_upload_checks(keep: set[str] | None = None) -> None:
    """Drop the kept checks, except those of the files in ``keep`` (SHA-256)."""
    checks = st.session_state.get(UPLOAD_CHECKS, {})
    for digest in list(checks):
        if keep is None or digest not in keep:
            del checks[digest]


def store_upload(file_name: str, data: bytes):
    """Store one checked file in its own transaction (``store.import_file``), as uploaded
    by the signed-in user, in their scope; never raises."""
    try:
        return store.import_file(engine(), file_name, data, scope=scope(), by=visitor().actor)
    except Exception:
        logging.exception("Lagring av %s feilet", file_name)
        return up.failed_result(file_name, data, up.UNEXPECTED_STORE)


def data_changed() -> None:
    """After an import or a restore: every cached figure and kept check is stale."""
    st.cache_data.clear()
    forget_upload_checks()


def restore_upload(upload_id: int) -> str:
    """Make an earlier upload active again; raises ``store.RestoreError`` with the reason."""
    message = store.restore_upload(engine(), upload_id, scope=scope(), by=visitor().actor)
    data_changed()
    return message


def upload_history(council_ids=None, periods=None):
    """Uploads (newest first), optionally only those councils and (year, period) pairs."""
    return query(
        up.upload_history,
        council_ids=sorted(council_ids or ()) or None,
        periods=sorted(periods or ()) or None,
    )


def uploaded_periods() -> list[tuple[int, str]]:
    return query(up.uploaded_periods)


def upload_file(upload_id: int) -> bytes:
    """The original bytes of an upload (not cached: a file may be large)."""
    found = store.upload_content(engine(), upload_id, scope=scope())
    return found[1] if found else b""


def template(year: int) -> bytes:
    """The blank report template for ``year`` (as ``ia-data template --year``)."""
    from ia_data.output.template import template_for_year  # openpyxl, when asked for

    return query(template_for_year, year=year)
