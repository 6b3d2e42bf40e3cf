"""Råd: one council's story — who it is, each period's report with status, chair and
action plan, its answers to the five questions side by side, its activities and
meetings, and its money over the years. ``?rad=<id>`` opens a council directly."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.rules import Status
from ia_data.output import charts
from ia_data.reporting import columns, council_tables, plan_tables, tables
from ia_data.reporting.activities import meeting_list
from ia_data.reporting.council import council_history, council_register
from ia_data.reporting.deadlines import data_years
from ia_data.reporting.headline import headline
from ia_data.reporting.plans import plan_progress
from ia_data.reporting.sickness import council_sickness, left_out_about, shown_notes
from ia_data.reporting.totals import council_year_totals

ANSWER_LIMIT = 20_000  # characters of an answer on the screen (the importer's limit)

TEXT = {
    "title": "Råd",
    "intro": "Ett IA-råds historie: rapportene periode for periode, svarene på spørsmålene, "
    "aktivitetene, møtene og pengene.",
    "pick": "Velg et IA-råd i listen, eller klikk på et av dem her:",
    "links": "IA-råd:",
    "empty": "Databasen har ingen rapporter ennå. Gå til **Last opp** og last opp rapportene "
    "fra IA-rådene, eller fyll databasen med demodata fra kommandolinjen: "
    "`uv run ia-data seed`.",
    "who": "**Fylker:** {counties} · **Sekretariat:** {secretariat} · **Virketid:** {span}",
    "always": "hele perioden",
    "reports": "Rapporter",
    "reports_file": "Rapportene fra {name} {span}",
    "reports_rows": "Antall perioder",
    "reports_caption": "Status per {as_of}. En rapport sendt inn etter statusdatoen regnes som "
    "ikke sendt; statusdatoen endrer bare Status og Innsendt, de andre kolonnene viser den "
    "aktive versjonen av rapporten. Aktiviteter teller ikke avlyste; Brukt tar med alle. "
    "Handlingsplan: datoen for rådets handlingsplan, eller Ja/Nei slik rapporten svarer; "
    "brevet fra 2012 krever at hvert råd har en handlingsplan, og at rapportene tar "
    "utgangspunkt i den (⚠ mangler: «Nei» eller ikke oppgitt).",
    "answers": "Svarene på de fem spørsmålene",
    "answers_pick": "Perioder som vises side om side",
    "answers_none": "Rådet har ingen rapporter lagret ennå.",
    "answers_caption": "Spørsmålene fra Oppfølgingsgruppens brev (2012), stilt i hver periode.",
    "years": "Penger og aktivitet år for år",
    "years_file": "{name} år for år {span}",
    "years_rows": "Antall år",
    "years_caption": "Tildeling «regel»: beløpet følger av reglene for året; «vedtak»: fra et "
    "opplastet tildelingsvedtak. Aktiviteter og delmål teller ikke avlyste; Brukt tar med "
    "alle. ⚠ / rødt: overforbruk, ingen aktivitet på et delmål, eller møter utenfor det "
    "forventede ({meetings} i året).",
    "plan": "Handlingsplan og gjennomføring",
    "plan_year": "Handlingsplan for",
    "plan_none": "{label}. Planen lastes opp på **Last opp** (arket «Handlingsplan»; den tomme "
    "planen ligger der).",
    "plan_line": "**{label}** · vedtatt {adopted} · budsjett {budget} · brukt på tiltakene "
    "{spent} · {overdue} forfalt uten aktivitet per {as_of}",
    "plan_caption": "Fra handlingsplanen (opplasting nr. {id}) og aktivitetene i rapportene "
    "for året, knyttet til tiltakene med kolonnen «Tiltak nr.». Et tiltak er gjennomført når "
    "minst én aktivitet under det har status «Gjennomført»; forfalt når tiden det var planlagt "
    "til, er passert uten aktivitet (avlyste teller ikke). Brukt tar med alle aktivitetene "
    "under tiltaket.",
    "plan_file": "Handlingsplanen til {name} {span}",
    "plan_rows": "Antall tiltak",
    "outside": "Aktiviteter utenfor planen",
    "outside_none": "Alle aktivitetene i rapportene for {year} står under et tiltak i planen.",
    "outside_file": "Aktivitetene til {name} utenfor planen {span}",
    "outside_rows": "Antall aktiviteter",
    "not_given": "ikke oppgitt",
    "activities": "Aktiviteter",
    "activities_none": "Rådet har ingen aktiviteter registrert.",
    "activities_cut": "Viser de {shown} nyeste av de {total} aktivitetene rådet har registrert "
    "(også avlyste); nedlastingen tar med alle.",
    "activities_file": "Aktivitetene til {name} {span}",
    "activities_rows": "Antall aktiviteter",
    "sickness": "Sykefravær og delmål 1",
    "sickness_none": "Ingen statistikkserie har tall for fylkene rådet dekker. En "
    "administrator kan laste inn statistikk under «Statistikk».",
    "sickness_series": "Statistikkserie",
    "sickness_caption": "Sykefraværet er {measure} (kilde: {source}), for hvert fylke rådet "
    "dekker, med hele landet ved siden av; et tomt felt betyr at serien ikke har tall for "
    "året. Aktiviteter og Brukt på delmål 1 er fra rådets rapporter (en aktivitet på flere "
    "delmål telles med hele kostnaden); tomt der rådet ikke har rapport for året.",
    "sickness_chart": "Kilde: {source}. Stiplet: hele landet.",
    "meetings": "Møter",
    "meetings_none": "Rådet har ingen møter registrert.",
    "meetings_file": "Møtene i {name} {span}",
    "meetings_rows": "Antall møter",
    "submitted": "Rapporter levert",
    "late": "Levert for sent",
    "missing": "Mangler",
    "allocated": "Tildelt i alt",
    "spent": "Brukt i alt",
    "activities_total": "Aktiviteter i alt",
    "meetings_total": "Møter i alt",
    "answer": "Svar",
    "answers_periods": "Perioder",
    "linked_year": "Lenken gjelder {year}: svarene for {year} vises under.",
    "no_data_years": "{name} har ingen tall her: rådet fantes {span}, og dataene gjelder "
    "{first}–{last}.",
}

rules, _ = ui.data.page_start(TEXT)

councils = ui.data.read(council_register)
ui.review.take_action()  # a comment added to a report's thread, below
with st.container(horizontal=True):
    council_id = ui.filters.council_picker(councils)
    as_of = ui.filters.as_of_filter()
    approved_only = ui.filters.approved_filter()
if council_id is None:
    st.info(TEXT["pick"], icon=":material/groups:")
    ui.display.council_page_links(councils, TEXT["links"])
    st.stop()

history = ui.data.read(
    council_history, rules=rules, council_id=council_id, as_of=as_of, approved_only=approved_only
)
council = history.council
slug = str(council.id)
if council.from_year or council.to_year:
    span = f"{council.from_year or ''}–{council.to_year or ''}"
else:
    span = TEXT["always"]
st.header(ui.text.plain(council.name))
st.markdown(
    TEXT["who"].format(
        counties=ui.text.plain(
            ", ".join(f"{name} ({number})" for number, name in council.counties)
        ),
        secretariat=ui.text.plain(council.secretariat) if council.secretariat else "ikke oppgitt",
        span=span,
    )
)
if not history.years:
    data = ui.data.read(data_years, rules=rules)
    st.info(
        TEXT["no_data_years"].format(
            name=ui.text.plain(council.name), span=span, first=data[0], last=data[-1]
        ),
        icon=":material/event_busy:",
    )
    st.stop()

ui.review.approved_note(approved_only)

# --- headline figures (the same function as Oversikt's) --------------------------------
money = [y.money for y in history.years]
figures = headline(money, history.periods)
with st.container(horizontal=True, border=True):
    st.metric(TEXT["submitted"], f"{figures.submitted}")
    st.metric(TEXT["late"], figures.statuses[Status.LATE])
    st.metric(TEXT["missing"], figures.statuses[Status.MISSING])
    st.metric(TEXT["allocated"], fmt.kroner(figures.allocated_ore))
    st.metric(TEXT["spent"], fmt.kroner(figures.spent_ore))
    st.metric(TEXT["activities_total"], fmt.number(figures.activities))
    st.metric(TEXT["meetings_total"], fmt.number(figures.meetings))

years_span = f"{history.years[0].money.year}–{history.years[-1].money.year}"
about_filters = [(columns.COUNCIL, council.name), (columns.YEAR, years_span)]
uploads = [p.report_upload_id for p in history.periods if p.report_upload_id]
money_uploads = [i for m in money for i in m.upload_ids]
council_years = [y.money.year for y in history.years]


def _download(key: str, name: str, upload_ids, span=years_span, **more) -> ui.display.Download:
    """The files of a table about the council and its years (``key``: its title and what a
    row is, in ``TEXT``; ``span``: the years it covers, by default all of the council's):
    ``ia-rad-<id>-`` + ``name``."""
    return ui.display.Download(
        f"ia-rad-{slug}-{name}",
        title=TEXT[f"{key}_file"].format(name=council.name, span=span),
        filters=[(columns.COUNCIL, council.name), (columns.YEAR, span)],
        upload_ids=upload_ids,
        row_label=TEXT[f"{key}_rows"],
        approved_only=approved_only,
        **more,
    )


# --- the reports -----------------------------------------------------------------------
st.subheader(TEXT["reports"])


def _with_review(table):
    """The reports table with where each report stands beside its deadline status."""
    return ui.review.with_review(table, [columns.STATUS], [None], [[p] for p in history.periods])


reports_table = _with_review(council_tables.council_reports_table(history.periods, screen=True))
ui.display.show_table(
    reports_table,
    flags=(columns.ACTION_PLAN,),
    max_height=520,
    key="reports",
    download=_download("reports", "rapporter", uploads, years=council_years, as_of=as_of),
    rows=lambda: _with_review(council_tables.council_reports_table(history.periods)),  # a column
)
st.caption(TEXT["reports_caption"].format(as_of=fmt.day(as_of)))
ui.display.assumption_legend(rules, sorted({p.period.year for p in history.periods}))
ui.display.given_legend(history.periods)
ui.review.route(council.id, key="rad_route")

# --- the answers, side by side ---------------------------------------------------------
st.subheader(TEXT["answers"])
stored = [p for p in history.periods if p.stored]
if not stored:
    st.info(TEXT["answers_none"])
else:
    labels = [p.period.label for p in history.periods]
    default = [p.period.label for p in stored][-3:]
    kept = st.session_state.get("answer_periods")
    if kept is not None and not set(kept) <= set(labels):  # picked for another council
        del st.session_state.answer_periods
    # A link for one year (``?ar=``, from «Avvik»): that year's answers, once per link.
    linked = ui.links.year_param("ar", sorted({p.period.year for p in stored}))
    if linked is not None and st.session_state.get("_rad_linked") != (council.id, linked):
        st.session_state._rad_linked = (council.id, linked)
        st.session_state.answer_periods = [
            p.period.label for p in stored if p.period.year == linked
        ]
    if linked is not None:
        st.caption(TEXT["linked_year"].format(year=linked))
    if "answer_periods" not in st.session_state:
        st.session_state.answer_periods = default
    picked = ui.filters.choose_many(TEXT["answers_pick"], labels, key="answer_periods")
    chosen = [p for p in history.periods if p.period.label in picked] or stored[-1:]
    answers = council_tables.council_answers_table(chosen, QUESTIONS)
    # One period per tab, the answers beside their questions: long texts wrap on a phone,
    # where periods side by side would be cut. st.table draws Markdown: each answer (text
    # from a workbook) is shown as plain text, its line breaks kept, and cut where a stored
    # answer is longer than any allowed now.
    for j, tab in enumerate(st.tabs(answers.names[1:]), start=1):
        frame = pd.DataFrame(
            [
                [row[0], ui.text.plain(ui.text.screen_text(row[j], ANSWER_LIMIT))]
                for row in answers.rows
            ],
            columns=[columns.QUESTION.name, TEXT["answer"]],
        )
        with tab:
            st.table(frame, hide_index=True, alt=f"Svarene for {answers.names[j]}")
    st.caption(TEXT["answers_caption"])
    ui.display.download_buttons(
        answers,
        ui.display.Download(
            f"ia-rad-{slug}-svar",
            title=f"Svarene fra {council.name}",
            filters=[
                (columns.COUNCIL, council.name),
                (TEXT["answers_periods"], ", ".join(p.period.label for p in chosen)),
            ],
            as_of=as_of,
            upload_ids=[p.report_upload_id for p in chosen if p.report_upload_id],
            row_label="Antall spørsmål",
            approved_only=approved_only,
        ),
        key="answers",
    )

# --- money and activity, year by year --------------------------------------------------
st.subheader(TEXT["years"])
years_table = council_tables.council_years_table(history.years)
ranges = {y.meetings_expected for y in history.years if y.meetings_expected}
alerts = list(columns.GOALS.values())
meetings_text = "–"
if len(ranges) == 1:
    low, high = ranges.pop()
    alerts.append(columns.MEETINGS.needs(lambda v: not low <= v <= high))
    meetings_text = f"{low}–{high}"
money_chart = partial(charts.council_money_chart, history.years)
with ui.display.table_and_figure("rad_years_view", money_chart):
    ui.display.show_table(
        years_table,
        bars=(columns.SHARE_USED,),
        alerts=alerts,
        key="years",
        download=_download("years", "ar-for-ar", money_uploads, years=council_years),
    )
    st.caption(TEXT["years_caption"].format(meetings=meetings_text))
    ui.display.goal_legend()

# --- sickness absence beside sub-goal 1 -------------------------------------------------
st.subheader(TEXT["sickness"])
county_series = ui.data.read(council_sickness, council_id=council.id)
if not county_series:
    st.info(TEXT["sickness_none"], icon=":material/query_stats:")
else:
    by_series = {}
    for county in county_series:
        by_series.setdefault(county.series.key, []).append(county)
    keys = list(by_series)
    key = keys[0]
    if len(keys) > 1:  # two measures are never one series: one at a time
        names = {k: by_series[k][0].series.name for k in keys}
        key = st.selectbox(TEXT["sickness_series"], keys, format_func=names.get, key="rad_series")
    counties = by_series[key]
    series = counties[0].series
    totals = ui.data.read(
        council_year_totals,
        years=council_years,
        council_ids=[council.id],
        goal=1,
        approved_only=approved_only,
    )
    goal_1 = {year: t for (_, year), t in totals.items()}
    sickness_table = council_tables.council_sickness_table(counties, goal_1)
    sickness_chart = partial(
        charts.council_sickness_chart, counties, f"{series.measure}: {council.name}"
    )
    source = TEXT["sickness_chart"].format(source=ui.text.plain(series.source))
    with ui.display.table_and_figure("rad_sickness_view", sickness_chart, caption=source):
        ui.display.show_table(
            sickness_table,
            key="sickness",
            max_height=460,
            download=ui.display.Download(
                f"ia-rad-{slug}-sykefravaer",
                title=f"{council.name}: sykefravær og delmål 1",
                filters=[
                    *about_filters,
                    ("Statistikk", f"{series.measure}. Kilde: {series.source}"),
                    *left_out_about(counties[0].notes),  # as Oversikt's export says it
                ],
                upload_ids=money_uploads,
                row_label="Antall år",
                approved_only=approved_only,
            ),
        )
        st.caption(
            TEXT["sickness_caption"].format(
                measure=ui.text.plain(series.measure), source=ui.text.plain(series.source)
            )
            + "".join(f" {ui.text.plain(n)}" for n in shown_notes(counties[0].notes))
        )


# --- the action plan against what was done -----------------------------------------------
st.subheader(TEXT["plan"])
plan_year = st.selectbox(TEXT["plan_year"], list(reversed(council_years)), key="plan_year")
progress = ui.data.read(
    plan_progress, year=plan_year, council_ids=[council.id], approved_only=approved_only
)[0]
if not progress.has_plan:
    st.info(TEXT["plan_none"].format(label=ui.text.plain(progress.label)))
else:
    st.markdown(
        TEXT["plan_line"].format(
            label=progress.label,
            adopted=fmt.day(progress.adopted) if progress.adopted else TEXT["not_given"],
            budget=fmt.kroner(progress.budget_ore),
            spent=fmt.kroner(progress.spent_in_plan_ore),
            overdue=len(progress.overdue(as_of)),
            as_of=fmt.day(as_of),
        )
    )
    st.caption(TEXT["plan_caption"].format(id=progress.upload_id))
    # the plan and the year's reports: «Om uttrekket» names both, and how a measure counts
    plan_uploads = [
        progress.upload_id,
        *(
            p.report_upload_id
            for p in history.periods
            if p.report_upload_id and p.period.year == plan_year
        ),
    ]
    # one year's plan, its overdue measures as of the status date
    plan_files = {"span": plan_year, "years": [plan_year], "as_of": as_of}
    ui.display.show_table(
        plan_tables.measures_table(progress, as_of),
        key="plan_measures",
        download=_download("plan", f"handlingsplan-{plan_year}", plan_uploads, **plan_files),
    )
    st.markdown(f"**{TEXT['outside']}**")
    if progress.outside or progress.dropped:
        ui.display.show_table(
            plan_tables.outside_table(progress),
            key="plan_outside",
            download=_download(
                "outside", f"utenfor-planen-{plan_year}", plan_uploads, **plan_files
            ),
        )
    else:
        st.caption(TEXT["outside_none"].format(year=plan_year))


# --- activities and meetings -----------------------------------------------------------
def _council_list(key: str, rows, table, name: str, height: int, everything=None) -> None:
    """The council's activities or meetings (``key``: their texts) with their download (the
    file ``ia-rad-<id>-`` + ``name``), or a note that it has none. ``everything``: what
    builds the whole table, where ``rows`` are only the newest (the download takes them all
    and names every report of the council)."""
    if not rows:
        st.info(TEXT[f"{key}_none"])
        return
    download = _download(key, name, uploads if everything else sorted({r.upload_id for r in rows}))
    ui.display.show_table(table, max_height=height, key=key, download=download, rows=everything)


st.subheader(TEXT["activities"])
activities, total, everything = ui.display.listed_activities(
    council_ids=[council.id], approved_only=approved_only, newest=True
)
if everything is not None:
    cut = {"shown": fmt.number(len(activities)), "total": fmt.number(total)}
    st.caption(TEXT["activities_cut"].format(**cut))
_council_list(
    "activities",
    activities,
    tables.activities_table(activities),
    "aktiviteter",
    460,
    everything=everything,
)

st.subheader(TEXT["meetings"])
meetings = ui.data.read(meeting_list, council_ids=[council.id], approved_only=approved_only)
meeting_table = tables.meetings_table(meetings, {council.id: council.name})
_council_list("meetings", meetings, meeting_table, "moter", 420)
