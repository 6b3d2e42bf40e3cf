"""Aktiviteter: what the councils did in a year — per sub-goal, type and sector, which
councils have nothing on a sub-goal, and a searchable list of every activity."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.output import charts
from ia_data.reporting import columns, tables
from ia_data.reporting.activities import (
    activity_breakdown,
    activity_filter_options,
    report_uploads,
)
from ia_data.reporting.overview import overview
from ia_data.reporting.sickness import sickness_and_activity
from ia_data.reporting.themes import theme_totals, themes_table

TEXT = {
    "title": "Aktiviteter",
    "intro": "Aktivitetene IA-rådene har rapportert: per delmål, type og bransje/sektor, "
    "hvilke råd som mangler aktivitet på et delmål, og en søkbar liste over alle.",
    "empty": "Databasen har ingen rapporter ennå. Gå til **Last opp** og last opp rapportene "
    "fra IA-rådene, eller fyll databasen med demodata fra kommandolinjen: "
    "`uv run ia-data seed`.",
    "no_rows": "Ingen IA-råd passer med filteret.",
    "goal_note": "Filter delmål {goal}: tabellene og listen tar bare med aktiviteter merket "
    "delmål {goal}. «Delmål per råd» viser alltid alle delmål.",
    "coverage": "Delmål per råd {year}",
    "coverage_caption": "Brevene fra Oppfølgingsgruppen forventer aktiviteter på alle tre "
    "delmål. Avlyste aktiviteter telles ikke; en aktivitet merket to delmål telles under "
    "begge.",
    "all_covered": "Alle {who} har aktiviteter på alle tre delmål i {year}.",
    "lacking": "**{name}** har ingen aktivitet på {goals} i {year}.",
    "lacking_no_activity": "**{name}** har rapportert, men ingen aktiviteter i {year}.",
    "no_report": "Ingen rapport for {year} fra {names}: aktivitetene deres er ikke kjent, og "
    "de telles som manglende rapporter, ikke som råd uten delmål.",
    "sickness": "Sykefravær og delmål 1 i {year}",
    "sickness_title": "IA-rådene etter sykefravær og aktiviteter på delmål 1, {year}",
    "sickness_caption": "Hvert punkt er et råd (et råd som dekker to fylker, har et punkt "
    "per fylke, med samme antall aktiviteter). Aktiviteter på delmål 1 teller ikke avlyste; "
    "råd uten rapport for året er ikke med.",
    "breakdown": "Fordeling {year}",
    "tabs": ["Per delmål", "Per type", "Per bransje/sektor"],
    "breakdown_caption": "Aktiviteter og delmål teller ikke avlyste aktiviteter (de står i "
    "kolonnen Avlyst); Brukt tar med alle. Deltakere summerer de ikke avlyste. En aktivitet "
    "på flere delmål telles, med hele kostnaden, under hvert av dem: summen av Brukt per "
    "delmål blir derfor større enn Brukt i alt.",
    "no_activities": "Ingen aktiviteter er rapportert for {year} med dette filteret.",
    "list": "Alle aktiviteter {year}",
    "search_help": "Alle ordene må finnes i tittel, type, bransje/sektor, ansvarlig eller "
    "kommentar. Store og små bokstaver er likegyldige.",
    "list_count": "{shown} aktiviteter",
    "list_cut": "Viser de første {shown} av {total} aktiviteter. Søk, eller velg type eller "
    "status, for å finne de andre; nedlastingen tar med alle.",
    "list_empty": "Ingen aktiviteter passer med søket og filtrene.",
    "activities": "Aktiviteter",
    "cancelled": "Avlyst",
    "participants": "Deltakere",
    "spent": "Brukt",
    "themes": "Prioriterte temaer {year}",
    "themes_none": "Ingen aktiviteter for {year} nevner et av årets prioriterte temaer i "
    "kolonnen «Tema».",
    "themes_caption": "Temaene er ordene i {source}. En aktivitet teller under et tema når "
    "kolonnen «Tema» i rapporten nevner det; avlyste teller ikke, Brukt tar med alle, og en "
    "aktivitet med to temaer telles under begge.",
    "all_types": "Alle typer",
    "all_statuses": "Alle statuser",
}

rules, years = ui.data.page_start(TEXT)

asked = ui.filters.year_filters(years, goal=True)
year, _, goal, approved_only = asked
council_ids = ui.filters.council_filter_for([year])
scoped = asked.query(council_ids)  # as every query of the page takes them
coverage_rows = ui.data.read(overview, rules=rules, as_of=fmt.today(), goal=None, **scoped)
ui.review.approved_note(approved_only)
if not coverage_rows:
    st.info(TEXT["no_rows"])
    st.stop()
chosen = ", ".join(r.council.name for r in coverage_rows) if council_ids else "alle"
goal_text = f"delmål {goal}" if goal else "alle delmål"
filters = [(columns.YEAR, year), (columns.COUNCIL, chosen), (columns.GOALS_TAGGED, goal_text)]
uploads = ui.data.read(report_uploads, **scoped)
if goal:
    st.info(TEXT["goal_note"].format(goal=goal), icon=":material/filter_alt:")

# --- headline figures ------------------------------------------------------------------
by_goal = ui.data.read(activity_breakdown, by="goal", **scoped)
by_type = ui.data.read(activity_breakdown, by="type", goal=goal, **scoped)
with st.container(horizontal=True, border=True):
    st.metric(TEXT["activities"], fmt.number(sum(r.activities for r in by_type)))
    for row in by_goal:
        if goal is None or row.key == f"Delmål {goal}":
            st.metric(ui.text.plain(row.key), fmt.number(row.activities))
    st.metric(TEXT["cancelled"], fmt.number(sum(r.cancelled for r in by_type)))
    st.metric(TEXT["participants"], fmt.number(sum(r.participants for r in by_type)))
    st.metric(TEXT["spent"], fmt.kroner(sum(r.spent_ore for r in by_type)))

# --- sub-goals per council -------------------------------------------------------------
st.subheader(TEXT["coverage"].format(year=year))
lacking = [r for r in coverage_rows if r.lacks_goals]
unreported = [r for r in coverage_rows if not r.reported]
if lacking:
    lines = []
    for r in lacking:
        name = ui.text.plain(r.council.name)
        if r.activities == 0:
            lines.append(TEXT["lacking_no_activity"].format(name=name, year=year))
        else:
            goals = " og ".join(f"delmål {k}" for k in r.missing_goals)
            lines.append(TEXT["lacking"].format(name=name, goals=goals, year=year))
    st.warning("\n".join(f"- {line}" for line in lines), icon=":material/warning:")
else:
    reported = "rådene som har rapportert" if unreported else "IA-rådene"
    st.success(TEXT["all_covered"].format(who=reported, year=year), icon=":material/check:")
if unreported:
    names = ", ".join(ui.text.plain(r.council.name) for r in unreported)
    st.info(TEXT["no_report"].format(names=names, year=year), icon=":material/description:")
coverage = tables.goal_coverage_table(coverage_rows)
ui.display.show_table(
    coverage,
    alerts=(*columns.GOALS.values(), columns.ALL_GOALS),
    max_height=720,
    key="coverage",
    download=ui.display.Download(
        f"ia-delmal-per-rad-{year}",
        title=f"Aktiviteter per delmål og IA-råd {year}",
        filters=[(columns.YEAR, year), (columns.COUNCIL, chosen)],
        upload_ids=uploads,
        row_label="Antall IA-råd",
        approved_only=approved_only,
    ),
)
st.caption(TEXT["coverage_caption"])
ui.display.goal_legend()

# --- sickness absence against sub-goal 1 ------------------------------------------------
sickness, points = ui.data.read(sickness_and_activity, rules=rules, **scoped)
if tables.shows_sickness(sickness) and any(p.goal_1 is not None for p in points):
    st.subheader(TEXT["sickness"].format(year=year))
    ui.display.chart(
        charts.sickness_activity_chart(points, TEXT["sickness_title"].format(year=year)),
        caption=f"{ui.text.plain(sickness.caption)} {TEXT['sickness_caption']}",
    )

# --- per sub-goal, type and sector -----------------------------------------------------
st.subheader(TEXT["breakdown"].format(year=year))
by_sector = ui.data.read(activity_breakdown, by="sector", goal=goal, **scoped)
goal_rows = [r for r in by_goal if goal is None or r.key == f"Delmål {goal}"]
views = [
    (goal_rows, "goal", "Per delmål", "delmal"),
    (by_type, "type", "Per type", "type"),
    (by_sector, "sector", "Per bransje-sektor", "sektor"),
]
for tab, (rows, by, title, slug) in zip(st.tabs(TEXT["tabs"]), views, strict=True):
    with tab:
        if not rows or not any(r.activities or r.cancelled for r in rows):
            st.info(TEXT["no_activities"].format(year=year))
            continue
        table = tables.breakdown_table(rows, by, title)
        ui.display.show_table(
            table,
            max_height=480,
            key=f"breakdown_{slug}",
            download=ui.display.Download(
                f"ia-aktiviteter-{slug}-{year}" + (f"-delmal-{goal}" if goal else ""),
                title=f"Aktiviteter {title.lower()} {year}",
                filters=filters,
                upload_ids=uploads,
                row_label="Antall rader",
                approved_only=approved_only,
            ),
        )
        st.caption(TEXT["breakdown_caption"])
        if slug != "delmal":
            chart_title = f"Aktiviteter {title.lower()} og delmål"
            ui.display.chart(charts.breakdown_chart(rows, chart_title))

# --- the list --------------------------------------------------------------------------
st.subheader(TEXT["list"].format(year=year))
options = ui.data.read(activity_filter_options, year=year)
with st.container(horizontal=True):
    search = ui.filters.search_filter(help=TEXT["search_help"])
    types = ui.filters.choice_filter(columns.TYPE.name, options["types"], "type", TEXT["all_types"])
    statuses = ui.filters.choice_filter(
        columns.ACTIVITY_STATUS.name, options["statuses"], "status", TEXT["all_statuses"]
    )
query = {
    **scoped,
    "goal": goal,
    "types": types or None,
    "statuses": statuses or None,
    "search": search,
}
rows, total, everything = ui.display.listed_activities(**query)
if not rows:
    st.info(TEXT["list_empty"], icon=":material/search_off:")
else:
    if total > len(rows):
        st.caption(TEXT["list_cut"].format(shown=fmt.number(len(rows)), total=fmt.number(total)))
    else:
        st.caption(TEXT["list_count"].format(shown=fmt.number(total)))

    ui.display.show_table(
        tables.activities_table(rows),
        max_height=640,
        key="list",
        rows=everything,
        download=ui.display.Download(
            f"ia-aktiviteter-{year}",
            title=f"Aktiviteter i IA-rådene {year}",
            filters=[
                *filters,
                (columns.TYPE, ", ".join(types) or "alle"),
                (columns.ACTIVITY_STATUS, ", ".join(statuses) or "alle"),
                ("Søk", search or "–"),
            ],
            upload_ids=uploads if everything else sorted({a.upload_id for a in rows}),
            row_label="Antall aktiviteter",
            approved_only=approved_only,
        ),
    )

# --- the year's priority themes (below the list: the tables above keep their places) ----
themes = rules.themes(year)
if themes is not None:
    st.subheader(TEXT["themes"].format(year=year))
    themed = ui.data.read(theme_totals, rules=rules, **scoped)
    if not themed:
        st.info(TEXT["themes_none"].format(year=year))
    else:
        ui.display.show_table(
            themes_table(themed, year),
            max_height=420,
            key="themes",
            download=ui.display.Download(
                f"ia-aktiviteter-tema-{year}",
                title=f"Aktiviteter per prioritert tema {year}",
                filters=filters,
                upload_ids=uploads,
                row_label="Antall rader",
                approved_only=approved_only,
            ),
        )
    st.caption(TEXT["themes_caption"].format(source=ui.text.plain(themes.source)))
