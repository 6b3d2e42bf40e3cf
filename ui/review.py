"""What the pages show of a report's route (``ia_data.storage.review``,
``ia_data.reporting.review``): the choice «Bare godkjente rapporter» and its note, a
report's thread of steps and comments, a secretariat's notice of reports sent back, the list
of compiled reports forwarded to the oversight group, and a table's review column beside its
status."""

from __future__ import annotations

import streamlit as st

from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import ReviewAction, ReviewState
from ia_data.output.forward import forwarded_file, forwarded_reports, forwarded_table
from ia_data.reporting import columns
from ia_data.reporting.review import (
    review_history,
    review_history_table,
    review_states,
    review_states_table,
)
from ia_data.reporting.table import Table
from ia_data.reporting.tables import review_cell
from ia_data.storage.review import approve, comment, send_back
from ui.auth import scope
from ui.data import read, write
from ui.display import XLSX_MIME, Download, file_button, show_table
from ui.filters import choose_one
from ui.links import council_link
from ui.text import plain

TEXT = {
    "approved_note": "**Bare godkjente rapporter:** tallene på siden og i nedlastingene teller "
    "bare den sist godkjente versjonen av hver rapport. Rapporter som venter på gjennomgang "
    "eller er sendt tilbake, telles ikke (eller med sin forrige godkjente versjon).",
    "sent_back_one": "**Trenger retting:** Koordineringsenheten har sendt tilbake rapporten "
    "{what}. Se begrunnelsen på Råd, og last opp en rettet versjon.",
    "sent_back_many": "**Trenger retting:** Koordineringsenheten har sendt tilbake {count} "
    "rapporter: {what}. Se begrunnelsene på Råd, og last opp rettede versjoner.",
    "see": "Se {council} på Råd",
    "thread_none": "Ingen hendelser eller kommentarer ennå.",
    "points_to": "Gjelder: {where}",
    "forwarded": "Sendt til Oppfølgingsgruppen",
    "forwarded_none": "Ingen samlede rapporter er sendt til Oppfølgingsgruppen ennå.",
    "forwarded_caption": "Hver fil lastes ned nøyaktig slik den ble sendt (sjekksummen viser "
    "at den er uendret), også om rapporter er rettet og godkjent senere.",
    "forwarded_pick": "Fil som ble sendt",
    "forwarded_button": "Last ned {name}",
    "route": "Gjennomgang hos Koordineringsenheten",
    "route_none": "Ingen rapporter herfra har vært gjennom Koordineringsenhetens gjennomgang "
    "ennå. Rapporter lagret før gjennomgangen ble innført, står som godkjent.",
    "route_caption": "Hvor hver rapport står: «Mottatt» og «Mottatt på nytt» venter på "
    "Koordineringsenheten; «Trenger retting» er sendt tilbake til sekretariatet med en "
    "begrunnelse; «Godkjent» telles i den samlede rapporten.",
    "reason": "**{what}: Trenger retting.** Begrunnelse fra Koordineringsenheten: {reason}",
    "route_pick": "Hendelser og kommentarer for",
    "comment": "Ny kommentar",
    "comment_button": "Legg til kommentar",
}
ACTION = "_review_action"  # session state: the button pressed, with the version it saw
DONE = "_review_done"  # session state: what the last action did, said once
WRITES = {"approve": approve, "send_back": send_back, "comment": comment}

# What each step on a report's route is called in its thread.
STEP_WORDS = {
    ReviewAction.ARRIVED: "ny versjon mottatt",
    ReviewAction.APPROVED: "godkjent",
    ReviewAction.RETURNED: "sendt tilbake",
    ReviewAction.COMMENT: "kommentar",
    ReviewAction.LEGACY: "godkjent før gjennomgang ble innført",
}


def approved_note(approved_only: bool) -> None:
    """On a page counting only approved versions: says so, above its figures."""
    if approved_only:
        st.info(TEXT["approved_note"], icon=":material/verified:")


def with_review(table: Table, status_columns: list, codes: list, statuses: list[list]) -> Table:
    """``table`` with a review column after each of its ``status_columns`` (each a period's,
    its code in ``codes``; ``None``: a table of one status), for the screen: where a report
    stands beside its deadline status. ``statuses[i][k]``: row i's status under the k-th."""
    at = {column.name: k for k, column in enumerate(status_columns)}
    columns_out, where = [], {}
    for j, column in enumerate(table.columns):
        columns_out.append(column)
        if column.name in at:
            k = at[column.name]
            columns_out.append(columns.REVIEW.of(codes[k]) if codes[k] else columns.REVIEW)
            where[j] = k
    rows = []
    for row, row_statuses in zip(table.rows, statuses, strict=True):
        line = []
        for j, value in enumerate(row):
            line.append(value)
            if j in where:
                line.append(review_cell(row_statuses[where[j]]))
        rows.append(line)
    return Table(columns=columns_out, rows=rows, title=table.title, compact=table.compact)


def thread(steps) -> None:
    """A report's route and comments, oldest first: when, who, what, the text."""
    if not steps:
        st.caption(TEXT["thread_none"])
        return
    for step in steps:
        what = STEP_WORDS.get(step.action, step.action)
        who = f" · {plain(step.by)}" if step.by else ""
        head = f"**{fmt.day(step.at)}**{who} · {what}"
        if step.upload_id:
            head += f" (opplasting nr. {step.upload_id})"
        with st.container(border=True):
            st.markdown(head)
            if step.text:
                st.text(step.text)
            if step.points_to:
                st.caption(plain(TEXT["points_to"].format(where=step.points_to)))


def history_table(steps, *, key: str, stem: str, title: str, filters, max_height: int = 560):
    """The review steps as a table with its download (the events, one a row), as Gjennomgang
    and Opplastinger both show them; the download names the uploads the steps concern."""
    show_table(
        review_history_table(steps),
        key=key,
        max_height=max_height,
        download=Download(
            stem,
            title=title,
            filters=filters,
            upload_ids=sorted({s.upload_id for s in steps if s.upload_id}),
            row_label="Antall hendelser",
        ),
    )


def sent_back_notice() -> None:
    """A secretariat's notice while a report of its is sent back («Trenger retting»), with a
    link to each council on Råd."""
    if scope().everything:
        return
    rows = read(review_states, state=ReviewState.NEEDS_FIXING)
    if not rows:
        return
    named = ", ".join(f"{r.council}, {r.year} {r.period}" for r in rows)
    if len(rows) == 1:
        text = TEXT["sent_back_one"].format(what=plain(named))
    else:
        text = TEXT["sent_back_many"].format(count=len(rows), what=plain(named))
    st.warning(text, icon=":material/assignment_return:")
    with st.container(horizontal=True, gap="small"):
        for council_id, council in dict((r.council_id, r.council) for r in rows).items():
            st.page_link(
                "views/rad.py",
                label=TEXT["see"].format(council=council),
                query_params=council_link(council_id),
                icon=":material/groups:",
            )


def forwarded_list(key: str = "forwarded") -> None:
    """The compiled reports forwarded to the oversight group, and each one to download as
    it was forwarded (the oversight group, the coordination unit, admins)."""
    reports = read(forwarded_reports)
    if not reports:
        st.info(TEXT["forwarded_none"], icon=":material/outbox:")
        return
    show_table(
        forwarded_table(reports),
        key=key,
        download=Download(
            "ia-sendt-til-oppfolgingsgruppen",
            title=TEXT["forwarded"],
            filters=[],
            row_label="Antall filer",
        ),
    )
    st.caption(TEXT["forwarded_caption"])
    by_id = {r.id: r for r in reports}
    picked = st.selectbox(
        TEXT["forwarded_pick"],
        list(by_id),
        format_func=lambda i: (
            f"{by_id[i].label}: {by_id[i].file_name}, sendt {fmt.day(by_id[i].forwarded_at)}"
        ),
        key=f"{key}_pick",
    )
    chosen = by_id[picked]

    def content() -> bytes:
        found = read(forwarded_file, forwarded_id=chosen.id, cache=False)
        return found[1] if found else b""

    file_button(
        TEXT["forwarded_button"].format(name=chosen.file_name),
        content,
        chosen.file_name,
        mime=XLSX_MIME,
        key=f"{key}_download",
    )


def ask(kind: str, upload_id: int) -> None:
    """A button's callback: the action and the version the reviewer saw when the button was
    drawn — taken in the next run (``take_action``), whatever arrived since."""
    st.session_state[ACTION] = (kind, upload_id)


def take_action() -> None:
    """The action asked for by the last click, through the library, before the page is
    drawn: what it did is said once, a refusal (a newer version, another reviewer first, no
    reason, an empty comment) as the library words it; a text box is emptied once its text
    is kept."""
    asked = st.session_state.pop(ACTION, None)
    if asked is not None:
        kind, upload_id = asked
        texts = {
            "send_back": {"reason": "return_reason", "points_to": "return_points_to"},
            "comment": {"text": "comment"},
        }.get(kind, {})
        given = {name: st.session_state.get(key) or "" for name, key in texts.items()}
        done = write(WRITES[kind], upload_id=upload_id, **given)
        if done:
            for key in texts.values():
                st.session_state[key] = ""
            st.session_state[DONE] = f"{done}."
    if DONE in st.session_state:
        st.success(plain(st.session_state.pop(DONE)), icon=":material/check_circle:")


def comment_box(upload_id: int) -> None:
    """A new comment in a report's thread (about the version ``upload_id``)."""
    st.text_area(TEXT["comment"], key="comment", height=80)
    st.button(
        TEXT["comment_button"],
        icon=":material/add_comment:",
        on_click=ask,
        args=("comment", upload_id),
        key="add_comment",
    )


def route(council_id: int | None = None, key: str = "route") -> None:
    """Where the reports of a council (``None``: of every council in scope) stand on the
    route — those that have been on it, not those approved before it existed — with the
    reason of each sent back, and a report's thread (a comment too, for those who may
    write one)."""
    st.subheader(TEXT["route"])
    ids = [council_id] if council_id is not None else None
    rows = [r for r in read(review_states, council_ids=ids) if not r.legacy]
    if not rows:
        st.caption(TEXT["route_none"])
        return
    for row in rows:
        if row.state == ReviewState.NEEDS_FIXING:
            what = f"{row.council}, {row.year} {row.period}"
            text = TEXT["reason"].format(what=plain(what), reason=plain(row.reason))
            if row.points_to:
                text += " · " + plain(TEXT["points_to"].format(where=row.points_to))
            st.warning(text, icon=":material/assignment_return:")
    show_table(
        review_states_table(rows),
        key=f"{key}_states",
        max_height=300,
        download=Download(
            f"ia-gjennomgang-{council_id or 'alle'}",
            title=TEXT["route"],
            filters=[(columns.COUNCIL, ", ".join(sorted({r.council for r in rows})))],
            upload_ids=[r.upload_id for r in rows],
            row_label="Antall rapporter",
        ),
    )
    st.caption(TEXT["route_caption"])
    # A report by council and period: the same report whatever version comes next.
    by_report = {(r.council_id, r.year, r.period): r for r in rows}
    picked = choose_one(
        TEXT["route_pick"],
        by_report,
        lambda r: f"{r.council}, {r.year} {r.period} ({r.state})",
        key=f"{key}_pick",
    )
    row = by_report[picked]
    steps = read(review_history, council_id=row.council_id, year=row.year, period=row.period)
    thread(steps)
    visitor_scope = scope()
    if visitor_scope.may_review or (
        not visitor_scope.everything and visitor_scope.allows(row.council_id)
    ):
        comment_box(row.upload_id)
