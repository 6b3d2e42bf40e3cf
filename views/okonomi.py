"""Økonomi: each council's grant (an uploaded decision, or the year's rule) against what
it spent, spending by activity type, the trend over the years, and the decisions."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.money import rule_grants_text
from ia_data.output import charts
from ia_data.reporting import columns, money_tables
from ia_data.reporting.activities import activity_types, spend_by_type
from ia_data.reporting.headline import headline
from ia_data.reporting.money import allocation_history, money, pool_status

TEXT = {
    "title": "Økonomi",
    "intro": "Tildelt mot brukt per IA-råd og år, hva pengene gikk til, og utviklingen over "
    "årene. Tildelingen kommer fra et opplastet vedtak («vedtak») eller fra reglene for "
    "året («regel»).",
    "empty": "Databasen har ingen rapporter eller tildelinger ennå. Gå til **Last opp** og "
    "last opp rapportene og tildelingsvedtaket, eller fyll databasen med demodata fra "
    "kommandolinjen: `uv run ia-data seed`.",
    "no_rows": "Ingen IA-råd passer med filteret.",
    "year_table": "Tildelt og brukt {year}",
    "year_caption": "Brukt er summen av kostnadene for alle aktivitetene i året, også avlyste. "
    "Gjenstår = Tildelt − Brukt; negativt betyr overforbruk (⚠). {rule}",
    "rule": "«regel»: beløpet følger av reglene for året ({grants}).",
    "no_allocation": "Ingen tildeling er registrert for {names} i {year}: last opp "
    "tildelingsvedtaket på **Last opp**.",
    "by_type": "Brukt per aktivitetstype {year}",
    "by_type_caption": "Kostnadene slik rapportene fører dem, fordelt på aktivitetstypen; "
    "avlyste aktiviteter tas med.",
    "no_spend": "Ingen aktiviteter med kostnader er rapportert for {year}.",
    "trend": "Utviklingen {span}",
    "trend_caption": "Alle valgte IA-råd sammen, år for år.",
    "all_years": "Tildelt og brukt per IA-råd, alle år",
    "decisions": "Tildelingsvedtak",
    "decisions_caption": "Et tildelingsvedtak er en arbeidsbok med arket «Tildelinger» "
    "(kolonnene IA-råd, År, Beløp, og gjerne Vedtaksdato og Merknad). Last det opp på "
    "**Last opp**, eller med `ia-data import FIL`. En rad erstatter tildelingen som var "
    "lagret for rådet og året; den gamle står igjen her som historikk (Aktiv = Nei). "
    "Der ingen vedtak er lastet opp, gjelder reglene for året der de fastsetter beløpet.",
    "no_decisions": "Ingen tildelingsvedtak er lastet opp ennå.",
    "pool": "Tilskuddspotten {year}",
    "pool_help": "Summen av de aktive tildelingsvedtakene for {councils} IA-råd",
    "allocated": "Tildelt",
    "spent": "Brukt",
    "remaining": "Gjenstår",
    "share_used": "Andel brukt",
    "overspent": "Overforbruk",
    "overspent_none": "Ingen råd har brukt mer enn tildelt",
    "sources": "Tildeling vedtak / regel",
    "sources_help": "Antall IA-råd med tildeling fra et opplastet vedtak og etter reglene for året",
    "pool_caption": "Brevet fra 2012: det er satt av en pott for {year} som fordeles på "
    "IA-rådene etter søknad. Potten gjelder alle rådene, uansett filteret over; beløpet "
    "står i reglene (rules.toml).",
    # each table's download: its title ({span}: the years it shows), and what its rows are
    "money_file": "Tildelt og brukt per IA-råd {span}",
    "money_rows": "Antall IA-råd",
    "by_type_file": "Brukt per aktivitetstype og IA-råd {span}",
    "by_type_rows": "Antall rader (IA-råd og sum)",
    "trend_file": "Tildelt og brukt per år {span}",
    "trend_rows": "Antall år",
    "all_years_file": "Tildelt og brukt per IA-råd og år {span}",
    "all_years_rows": "Antall rader (IA-råd × år)",
}
# a table of money: the share used as bars, overspending in red
MONEY_MARKS = {"bars": (columns.SHARE_USED,), "alerts": (columns.OVERSPENT,)}

rules, years = ui.data.page_start(TEXT)

year, _, _, approved_only = ui.filters.year_filters(years)
council_ids = ui.filters.council_filter_for([year])
rows = ui.data.read(
    money, rules=rules, years=[year], council_ids=council_ids or None, approved_only=approved_only
)
ui.review.approved_note(approved_only)
if not rows:
    st.info(TEXT["no_rows"])
    st.stop()
chosen = ", ".join(r.council.name for r in rows) if council_ids else "alle"
per_council = [(columns.YEAR, year), (columns.COUNCIL, chosen)]
in_year = {
    "years": [year],
    "filters": per_council,
    "upload_ids": [i for r in rows for i in r.upload_ids],
}


def _show(table, key: str, about: dict, name: str, **shown) -> None:
    """One of the page's tables (``key``: its title and what a row is, in ``TEXT``) with its
    download: the file ``name`` + the years shown; ``about``: those years, the filters and
    the uploads."""
    first, last = about["years"][0], about["years"][-1]
    span = f"{first}–{last}" if first != last else str(first)
    download = ui.display.Download(
        name + span.replace("–", "-"),
        title=TEXT[f"{key}_file"].format(span=span),
        row_label=TEXT[f"{key}_rows"],
        approved_only=approved_only,
        **about,
    )
    ui.display.show_table(table, key=key, download=download, **shown)


# --- headline figures (the same function as Oversikt's) --------------------------------
figures = headline(rows)
with st.container(horizontal=True, border=True):
    st.metric(TEXT["allocated"], fmt.kroner(figures.allocated_ore))
    st.metric(TEXT["spent"], fmt.kroner(figures.spent_ore))
    st.metric(TEXT["remaining"], fmt.kroner(figures.remaining_ore))
    st.metric(TEXT["share_used"], fmt.percent(figures.share_used) or "–")
    st.metric(
        TEXT["overspent"],
        len(figures.overspent),
        help=ui.text.plain(", ".join(c.name for c in figures.overspent)) or TEXT["overspent_none"],
    )
    st.metric(
        TEXT["sources"],
        f"{figures.decisions} / {figures.rule_grants}",
        help=TEXT["sources_help"],
    )

# --- the year's pool, where the rules set one (2012) ------------------------------------
pool = ui.data.read(pool_status, rules=rules, year=year)
if pool is not None:
    st.subheader(TEXT["pool"].format(year=year))
    with st.container(horizontal=True, border=True):
        st.metric("Pott", fmt.kroner(pool.pool_ore))
        st.metric(
            "Tildelt av potten",
            fmt.kroner(pool.allocated_ore),
            help=TEXT["pool_help"].format(councils=pool.councils),
        )
        if pool.left_ore >= 0:
            st.metric("Igjen i potten", fmt.kroner(pool.left_ore))
        else:
            st.metric("Overtildelt ⚠", fmt.kroner(-pool.left_ore))
    st.caption(TEXT["pool_caption"].format(year=year))

# --- per council, the chosen year ------------------------------------------------------
st.subheader(TEXT["year_table"].format(year=year))
_show(
    money_tables.money_table(rows), "money", in_year, "ia-okonomi-", max_height=720, **MONEY_MARKS
)
st.caption(TEXT["year_caption"].format(rule=TEXT["rule"].format(grants=rule_grants_text(rules))))
unallocated = [r.council.name for r in rows if r.allocated_ore is None]
if unallocated:
    st.warning(
        TEXT["no_allocation"].format(names=ui.text.plain(", ".join(unallocated)), year=year),
        icon=":material/warning:",
    )
ui.display.chart(charts.money_chart(rows))

# --- spend by activity type ------------------------------------------------------------
st.subheader(TEXT["by_type"].format(year=year))
spend = ui.data.read(
    spend_by_type, year=year, council_ids=council_ids or None, approved_only=approved_only
)
if spend:
    types = activity_types({s.type for s in spend})
    councils = [r.council for r in rows]
    by_type = money_tables.spend_by_type_table(spend, councils, types)
    _show(by_type, "by_type", in_year, "ia-forbruk-per-type-", max_height=760)
    st.caption(TEXT["by_type_caption"])
    ui.display.chart(charts.spend_by_type_chart(spend, councils, types))
else:
    st.info(TEXT["no_spend"].format(year=year))

# --- the trend over the years ----------------------------------------------------------
history = ui.data.read(
    money, rules=rules, council_ids=council_ids or None, approved_only=approved_only
)
all_years = sorted({r.year for r in history})
span = f"{all_years[0]}–{all_years[-1]}" if len(all_years) > 1 else str(all_years[0])
history_about = {
    "years": all_years,
    "filters": [(columns.YEAR, span), (columns.COUNCIL, chosen)],
    "upload_ids": [i for r in history for i in r.upload_ids],
}
st.subheader(TEXT["trend"].format(span=span))
trend = money_tables.money_trend_table(history)
_show(trend, "trend", history_about, "ia-okonomi-utvikling-", bars=(columns.SHARE_USED,))
st.caption(TEXT["trend_caption"])
left, right = st.columns([2, 3])
with left:
    ui.display.chart(charts.money_trend_chart(trend.rows))
with right:
    ui.display.chart(charts.share_used_chart(history))
with st.expander(TEXT["all_years"]):
    every_year = money_tables.money_table(history, title="Økonomi alle år")
    _show(every_year, "all_years", history_about, "ia-okonomi-", **MONEY_MARKS)

# --- the decisions ---------------------------------------------------------------------
st.subheader(TEXT["decisions"])
st.caption(TEXT["decisions_caption"])
versions = ui.data.read(allocation_history, council_ids=council_ids or None)
if versions:
    ui.display.show_table(
        money_tables.allocations_table(versions),
        max_height=420,
        key="decisions",
        download=ui.display.Download(
            "ia-tildelingsvedtak",
            title="Tildelingsvedtak (alle versjoner)",
            filters=[(columns.COUNCIL, chosen)],
            upload_ids=[v.upload_id for v in versions],
            row_label="Antall tildelinger",
        ),
    )
else:
    st.info(TEXT["no_decisions"], icon=":material/request_quote:")
