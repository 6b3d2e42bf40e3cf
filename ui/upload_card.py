"""What Last opp shows of the files it checked: each file's card (its errors, warnings,
the report it holds, its figures and what it changes, or the allocation decisions), the
confirm that stores the files that are ready, and the summary of the last confirm."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import ImportStatus, UploadKind
from ia_data.reporting import columns, record_tables
from ia_data.reporting import uploads as up
from ia_data.reporting.table import Kroner
from ui import display
from ui.auth import visitor
from ui.text import plain, screen_text
from ui.upload import store_upload

TEXT = {
    "card_errors": "{count} feil må rettes før filen kan lagres. Rad er radnummeret slik "
    "Excel viser det.",
    "card_error_one": "{message}. Filen kan ikke lagres.",
    "card_unchanged": "Akkurat denne filen er lastet opp før (opplasting nr. {id}); den "
    "lagres ikke igjen.",
    "report_line": "**{council}** · rapportperiode **{period}** ({start}–{end}) · "
    "frist **{due}**{assumed} · innsendt **{submitted}** {badge}",
    "assumed": " (antatt)",
    "partial_line": "Fra filen: {what}",
    "errors_download": "Last ned feillisten (XLSX)",
    "errors_alt": "Feilene i {name}",
    "errors_long": "Mange feil: en lang melding kan være forkortet i tabellen; feillisten "
    "(XLSX) under har alle meldingene hele.",
    "warnings": "{count} advarsler (filen kan likevel lagres):",
    "warning_one": "1 advarsel (filen kan likevel lagres):",
    "warnings_more": "… og {count} til",
    "warnings_all": "Alle advarslene ({count})",
    "warnings_title": "Advarsler",
    "changes": "Hva filen endrer",
    "changes_new": "Ingen versjon er lagret for {what} fra før: alt i filen er nytt.",
    "changes_replaces": "Erstatter den aktive versjonen (opplasting nr. {id}) for {what}.",
    "changes_counts": "Aktiviteter: {new} lagt til, {removed} fjernet, {changed} endret "
    "(sammenlignet på dato og tittel).",
    "changes_none": "Ingen av aktivitetene er endret.",
    "plan_line": "Handlingsplan for **{council}** for **{year}**: {count} tiltak, budsjett "
    "til sammen {budget}. Lagres den, blir den rådets aktive plan for året (en tidligere "
    "versjon tas vare på under «Opplastinger»).",
    "allocations_line": "Tildelingsvedtak: {count} tildelinger for {years}, til sammen {total}.",
    "save": "Lagre",
    "uploaded_by": "Lagres som lastet opp av **{who}** (vises under «Opplastinger»).",
    "save_one": "Lagre filen",
    "save_many": "Lagre {count} filer",
    "save_none": "Ingen filer kan lagres",
    "save_skips": "Filer med feil, og filer som er lastet opp før, blir ikke lagret.",
    "saving": "Lagrer {done} av {total}: {name}",
    "summary_one": "Filen er lagret. Oversikten viser de nye tallene.",
    "summary_ok": "Lagret {stored} av {total} filer. Oversikten viser de nye tallene.",
    "summary_some": "Lagret {stored} av {total} filer; se under for de andre.",
    "summary_none": "Ingen av filene ble lagret.",
    "summary_links": "Se resultatet:",
    "summary_overview": "Oversikt {year}",
    "receipt": "Kvittering: mottatt {when} (norsk tid){given}. Gjennomgang: «{state}».",
    "receipt_given": ", oppgitt, ikke registrert av appen",
    "receipt_kept": " Kvitteringen er den første versjonens; en rettet versjon endrer den ikke.",
    "metric_activities": "Aktiviteter",
    "metric_goal": "Delmål {k}",
    "metric_meetings": "Møter",
    "metric_cost": "Kostnad",
    "activities_help": "Aktiviteter som ikke er avlyst",
    "cost_help": "Sum kostnad for alle aktivitetene, avlyste medregnet",
}

WHOLE_ERRORS = 40  # up to this many errors are listed whole (wrapped); more in a scroll table
SUMMARY = "upload_summary"  # session state: what the last confirm stored, shown after it


def _show_summary(summary: list[tuple]) -> None:
    """What became of each file, and links to where the new figures are."""
    stored = sum(1 for status, *_ in summary if status == ImportStatus.STORED)
    total = len(summary)
    lines = "\n".join(f"- {plain(message)}" for _, message, *_ in summary)
    if stored == total == 1:
        st.success(f"{TEXT['summary_one']}\n\n{lines}")
    elif stored == total:
        st.success(f"{TEXT['summary_ok'].format(stored=stored, total=total)}\n\n{lines}")
    elif stored:
        st.warning(f"{TEXT['summary_some'].format(stored=stored, total=total)}\n\n{lines}")
    else:
        st.error(f"{TEXT['summary_none']}\n\n{lines}")
    # Each stored report's year (and its councils), so that the link shows the new figures.
    stored_in: dict[int, set[int]] = {}
    for status, _, year, council_id in summary:
        if status == ImportStatus.STORED and year is not None:
            stored_in.setdefault(year, set())
            if council_id is not None:
                stored_in[year].add(council_id)
    with st.container(horizontal=True, gap="small"):
        st.caption(TEXT["summary_links"])
        for year, council_ids in sorted(stored_in.items()):
            params = {"ar": str(year)}
            if council_ids:
                params["rad"] = ",".join(str(i) for i in sorted(council_ids))
            st.page_link(
                "views/oversikt.py",
                label=TEXT["summary_overview"].format(year=year),
                icon=":material/table_chart:",
                query_params=params,
            )
        if not stored_in:
            st.page_link("views/oversikt.py", label="Oversikt", icon=":material/table_chart:")
        st.page_link("views/opplastinger.py", label="Opplastinger", icon=":material/history:")


def _errors_table(p: up.Preview) -> None:
    table = record_tables.problems_table(p.errors)
    frame = pd.DataFrame(table.rows, columns=table.names)
    row = columns.ROW.name
    frame[row] = pd.array(frame[row].tolist(), dtype="Int64")
    for column in (columns.FOUND.name, columns.MESSAGE.name):  # a found value may be long
        frame[column] = [screen_text(v) for v in frame[column]]
    if len(frame) <= WHOLE_ERRORS:  # a static table: every message whole, wrapped
        frame[row] = ["" if pd.isna(v) else str(v) for v in frame[row]]
        frame = frame.fillna("")
        with st.container(key=f"{display.WIDE}errors_{p.sha256[:16]}"):
            st.table(frame, hide_index=True, alt=TEXT["errors_alt"].format(name=p.file_name))
        display.stacked_errors(p.errors, key=f"errors_{p.sha256[:16]}")
    else:
        st.caption(TEXT["errors_long"])
        st.dataframe(
            frame,
            placeholder="",  # an empty cell, not «None»
            hide_index=True,
            height=min(display.table_height(len(frame)), 456),
            column_config=display.column_settings(table),
            key=f"errors_{p.sha256[:16]}",
        )
    stem = p.file_name.rsplit(".", 1)[0]
    st.download_button(
        TEXT["errors_download"],
        data=lambda p=p: _problems_file(p),
        file_name=f"feil-{stem}.xlsx",
        mime=display.XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key=f"errors_download_{p.sha256[:16]}",
    )


def _problems_file(p: up.Preview) -> bytes:
    """The file's errors as a workbook (openpyxl imported when it is asked for)."""
    from ia_data.output.exports import problems_xlsx

    return problems_xlsx(p.file_name, p.errors)


def _warnings(p: up.Preview) -> None:
    warnings = p.warnings
    if not warnings:
        return
    shown = warnings[:5]
    head = (
        TEXT["warning_one"] if len(warnings) == 1 else TEXT["warnings"].format(count=len(warnings))
    )
    lines = "\n".join(f"- {plain(w.text)}" for w in shown)
    more = (
        f"\n- {TEXT['warnings_more'].format(count=len(warnings) - len(shown))}"
        if len(warnings) > len(shown)
        else ""
    )
    st.warning(f"{head}\n\n{lines}{more}", icon=":material/warning:")
    if len(warnings) > len(shown):
        with st.expander(TEXT["warnings_all"].format(count=len(warnings))):
            display.show_table(
                record_tables.problems_table(warnings, TEXT["warnings_title"]),
                key=f"w_{p.sha256[:16]}",
            )


def _report_line(p: up.Preview) -> None:
    period = p.period
    badge = ""
    if p.deadline:
        colour = "green" if p.on_time else "orange"
        badge = f":{colour}-badge[{p.deadline}]"
    st.markdown(
        TEXT["report_line"].format(
            council=plain(p.council),
            period=period.label,
            start=fmt.day(period.start),
            end=fmt.day(period.end),
            due=fmt.day(period.due),
            assumed=TEXT["assumed"] if period.due_is_assumption else "",
            submitted=fmt.day(p.submitted),
            badge=badge,
        )
    )
    for note in p.result.notes:
        st.caption(plain(note))


def _counts(p: up.Preview) -> None:
    with st.container(horizontal=True, border=True):
        st.metric(TEXT["metric_activities"], fmt.number(p.activities), help=TEXT["activities_help"])
        for k in (1, 2, 3):
            name = TEXT["metric_goal"].format(k=k)
            st.metric(name, fmt.number(p.goals[k]), help=display.goal_help(k))
        st.metric(TEXT["metric_meetings"], fmt.number(p.meetings))
        st.metric(TEXT["metric_cost"], fmt.kroner(p.cost_ore), help=TEXT["cost_help"])


def _signed(value: int, money: bool) -> str:
    text = fmt.kroner(abs(value)) if money else fmt.number(abs(value))
    if value > 0:
        return f"+{text}"
    return f"−{text}" if value < 0 else text


def _changes(p: up.Preview) -> None:
    changes = p.changes
    what = plain(f"{p.council}, {p.period_label}")
    st.markdown(f"**{TEXT['changes']}**")
    if changes.is_new:
        st.caption(TEXT["changes_new"].format(what=what))
        return
    st.caption(TEXT["changes_replaces"].format(id=changes.replaces_upload_id, what=what))
    counts = record_tables.change_counts_table(changes)
    rows = []
    for label, before, after, change in counts.rows:
        money = isinstance(before, Kroner)
        if money:
            before, after, change = before.ore, after.ore, change.ore
        shown = fmt.kroner if money else fmt.number
        rows.append([label, shown(before), shown(after), _signed(change, money)])
    frame = pd.DataFrame(rows, columns=counts.names)
    st.dataframe(
        frame.style.map(
            lambda v: "font-weight: 600" if v and v[0] in "+−" else "",
            subset=[columns.DIFFERENCE.name],
        ),
        placeholder="",  # an empty cell, not «None»
        hide_index=True,
        width=520,
        key=f"counts_{p.sha256[:16]}",
    )
    st.markdown(
        TEXT["changes_counts"].format(
            new=changes.count("ny"),
            removed=changes.count("fjernet"),
            changed=changes.count("endret"),
        )
    )
    if changes.activities:
        display.show_table(
            record_tables.activity_changes_table(changes), key=f"changes_{p.sha256[:16]}"
        )
    else:
        st.caption(TEXT["changes_none"])


def _plan(p: up.Preview) -> None:
    parsed = p.result.parsed
    budget = parsed.plan_budget_ore
    st.markdown(
        TEXT["plan_line"].format(
            council=plain(p.council),
            year=parsed.plan_year,
            count=len(parsed.measures),
            budget=fmt.kroner(budget),
        )
    )
    for note in p.result.notes:
        st.caption(plain(note))
    _warnings(p)
    display.show_table(record_tables.plan_preview_table(parsed), key=f"plan_{p.sha256[:16]}")


def _allocations(p: up.Preview) -> None:
    allocations = p.result.parsed.allocations
    years = sorted({a.year for a in allocations})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    st.markdown(
        TEXT["allocations_line"].format(
            count=len(allocations),
            years=span,
            total=fmt.kroner(sum(a.amount_ore for a in allocations)),
        )
    )
    display.show_table(
        record_tables.allocations_preview_table(p.result.parsed), key=f"alloc_{p.sha256[:16]}"
    )


def card(p: up.Preview) -> None:
    """One checked file's card."""
    icon = (
        ":material/error:"
        if p.errors
        else (":material/info:" if p.unchanged else ":material/check_circle:")
    )
    with st.container(border=True):
        st.markdown(f"#### {icon} {plain(p.file_name)}")
        if p.errors:
            known = [x for x in (p.council, p.period_label) if x]
            if known:
                st.markdown(TEXT["partial_line"].format(what=plain(", ".join(known))))
            located = [e for e in p.errors if e.sheet or e.row is not None]
            if len(p.errors) == 1 and not located:
                message = plain(p.errors[0].message.rstrip("."))
                st.error(TEXT["card_error_one"].format(message=message))
            else:
                st.error(TEXT["card_errors"].format(count=len(p.errors)))
                _errors_table(p)
            _warnings(p)
            return
        if p.unchanged:
            st.info(TEXT["card_unchanged"].format(id=p.result.upload_id))
        if p.kind == UploadKind.ALLOCATION:
            _allocations(p)
            return
        if p.kind == UploadKind.PLAN:
            _plan(p)
            return
        _report_line(p)
        _counts(p)
        _warnings(p)
        if p.changes is not None:
            _changes(p)


def confirm(ready: list[up.Preview], total: int, contents: dict[str, bytes]) -> None:
    """The confirm: who the files are stored as uploaded by, and the button that stores each
    ready file in its own transaction (with progress), keeps what became of each for the
    summary and clears the uploader."""
    st.subheader(TEXT["save"])
    st.caption(TEXT["uploaded_by"].format(who=plain(visitor().actor.shown)))
    if not ready:
        label = TEXT["save_none"]
    elif len(ready) == 1:
        label = TEXT["save_one"]
    else:
        label = TEXT["save_many"].format(count=len(ready))
    if len(ready) < total:
        st.caption(TEXT["save_skips"])
    if not st.button(
        label, type="primary", disabled=not ready, icon=":material/save:", key="confirm_upload"
    ):
        return
    bar = st.progress(0.0) if len(ready) > 1 else None
    results = []
    for done, p in enumerate(ready, start=1):
        if bar is not None:
            bar.progress(
                (done - 1) / len(ready),
                text=TEXT["saving"].format(done=done, total=len(ready), name=plain(p.file_name)),
            )
        results.append(store_upload(p.file_name, contents[p.sha256]))
    if bar is not None:
        bar.progress(1.0)
    st.session_state[SUMMARY] = [
        (
            r.status,
            f"{r.message} {receipt(r)}".strip(),
            r.parsed.period.year if r.parsed.period else r.parsed.plan_year,
            r.parsed.council.id if r.parsed.council else None,
        )
        for r in results
    ]
    st.session_state.upload_round += 1
    st.rerun()


def receipt(result) -> str:
    """A stored report's receipt, in its confirmation: when the server took in its period's
    first version (Norwegian time), and where the report stands now."""
    if result.status != ImportStatus.STORED or result.received_at is None:
        return ""
    text = TEXT["receipt"].format(
        when=fmt.day(result.received_at),
        given=TEXT["receipt_given"] if result.receipt_given else "",
        state=result.review_state,
    )
    return text + (TEXT["receipt_kept"] if result.replaced_upload_id else "")


def last_summary() -> list[tuple] | None:
    """What the last confirm stored, shown once (on the run after it); ``None`` if nothing."""
    summary = st.session_state.pop(SUMMARY, None)
    if summary:
        _show_summary(summary)
    return summary
