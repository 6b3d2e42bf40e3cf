"""Økonomi: each council's grant (an uploaded decision, or the year's rule) against what
it spent, spending by activity type, the trend over the years, and the decisions."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.money import rule_grants_text
from ia_data.output import charts
from ia_data.reporting import columns, tables
from ia_data.reporting.activities import activity_types, spend_by_type
from ia_data.reporting.council import council_register
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
}

rules = ui.data.rules()
years = ui.data.page_start(TEXT)

with st.container(horizontal=True):
    year = ui.filters.year_filter(years, default=years[0])
council_ids = ui.filters.council_filter(
    [c for c in ui.data.read(council_register) if c.exists_in(year)]
)
rows = ui.data.read(money, rules=rules, years=[year], council_ids=council_ids or None)
if not rows:
    st.info(TEXT["no_rows"])
    st.stop()
chosen = ", ".join(r.council.name for r in rows) if council_ids else "alle"
per_council = [(columns.YEAR, year), (columns.COUNCIL, chosen)]

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
ui.display.show_table(
    tables.money_table(rows),
    bars=(columns.SHARE_USED,),
    alerts=(columns.OVERSPENT,),
    max_height=720,
    key="money",
    download=ui.display.Download(
        f"ia-okonomi-{year}",
        years=[year],
        title=f"Tildelt og brukt per IA-råd {year}",
        filters=per_council,
        upload_ids=[i for r in rows for i in r.upload_ids],
        row_label="Antall IA-råd",
    ),
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
spend = ui.data.read(spend_by_type, year=year, council_ids=council_ids or None)
if spend:
    types = activity_types({s.type for s in spend})
    councils = [r.council for r in rows]
    ui.display.show_table(
        tables.spend_by_type_table(spend, councils, types),
        max_height=760,
        key="by_type",
        download=ui.display.Download(
            f"ia-forbruk-per-type-{year}",
            years=[year],
            title=f"Brukt per aktivitetstype og IA-råd {year}",
            filters=per_council,
            upload_ids=[i for r in rows for i in r.upload_ids],
            row_label="Antall rader (IA-råd og sum)",
        ),
    )
    st.caption(TEXT["by_type_caption"])
    ui.display.chart(charts.spend_by_type_chart(spend, councils, types))
else:
    st.info(TEXT["no_spend"].format(year=year))

# --- the trend over the years ----------------------------------------------------------
history = ui.data.read(money, rules=rules, council_ids=council_ids or None)
all_years = sorted({r.year for r in history})
span = f"{all_years[0]}–{all_years[-1]}" if len(all_years) > 1 else str(all_years[0])
history_about = {
    "filters": [(columns.YEAR, span), (columns.COUNCIL, chosen)],
    "upload_ids": [i for r in history for i in r.upload_ids],
}
st.subheader(TEXT["trend"].format(span=span))
trend = tables.money_trend_table(history)
ui.display.show_table(
    trend,
    bars=(columns.SHARE_USED,),
    key="trend",
    download=ui.display.Download(
        f"ia-okonomi-utvikling-{span.replace('–', '-')}",
        years=all_years,
        title=f"Tildelt og brukt per år {span}",
        row_label="Antall år",
        **history_about,
    ),
)
st.caption(TEXT["trend_caption"])
left, right = st.columns([2, 3])
with left:
    ui.display.chart(charts.money_trend_chart(trend.rows))
with right:
    ui.display.chart(charts.share_used_chart(history))
with st.expander(TEXT["all_years"]):
    ui.display.show_table(
        tables.money_table(history, title="Økonomi alle år"),
        bars=(columns.SHARE_USED,),
        alerts=(columns.OVERSPENT,),
        key="all_years",
        download=ui.display.Download(
            f"ia-okonomi-{span.replace('–', '-')}",
            years=all_years,
            title=f"Tildelt og brukt per IA-råd og år {span}",
            row_label="Antall rader (IA-råd × år)",
            **history_about,
        ),
    )

# --- the decisions ---------------------------------------------------------------------
st.subheader(TEXT["decisions"])
st.caption(TEXT["decisions_caption"])
versions = ui.data.read(allocation_history, council_ids=council_ids or None)
if versions:
    ui.display.show_table(
        tables.allocations_table(versions),
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
