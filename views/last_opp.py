"""Last opp: the secretariat drops one or more report workbooks, sees every problem and
what each file will change before anything is stored, and confirms. Also the blank
template for a chosen year. Each file's card and the confirm are ``ui.upload_card``'s."""

from __future__ import annotations

from functools import partial

import streamlit as st

import ui
from ia_data.domain.kinds import UploadKind
from ia_data.reporting import columns, record_tables
from ia_data.reporting import uploads as up
from ia_data.reporting.deadlines import years_with_data

TEXT = {
    "title": "Last opp",
    "intro": "Last opp rapportene og handlingsplanene fra IA-rådene (Excel eller ODS, én "
    "eller flere filer). "
    "Hver fil kontrolleres først; ingenting lagres før du trykker «Lagre». En ny fil for "
    "samme råd og periode erstatter den forrige versjonen, som tas vare på under "
    "«Opplastinger».",
    "uploader": "Rapporter fra IA-rådene",
    "empty": "Ingen filer valgt ennå. Har rådet ingen arbeidsbok fra før, kan du laste ned "
    "en tom rapportmal (under «Tom rapportmal»).",
    "template": "Tom rapportmal",
    "template_caption": "Arbeidsboka med arkene Rapport, Aktiviteter og Møter, med "
    "nedtrekkslister for rådene og periodene i valgt år, og en tom handlingsplan for året "
    "(arket Handlingsplan), som lastes opp her på samme måte.",
    "template_year": "År",
    "template_button": "Last ned malen for {year}",
    "plan_template_button": "Last ned tom handlingsplan for {year}",
    "checking": "Kontrollerer {name} …",
    "top_errors_one": "Filen har feil og kan ikke lagres før feilene er rettet i arbeidsboka "
    "og filen er lastet opp på nytt.",
    "top_refused": "Du har ikke tilgang til å lagre denne filen; se under.",
    "top_errors_some": "{bad} av {total} filer har feil og kan ikke lagres før feilene er "
    "rettet og filene er lastet opp på nytt; de andre filene kan lagres.",
    "top_errors_all": "Alle de {total} filene har feil og kan ikke lagres før feilene er "
    "rettet og filene er lastet opp på nytt.",
    "top_ok_one": "Filen er kontrollert uten feil. Ingenting er lagret ennå: se gjennom og "
    "trykk «Lagre» nederst.",
    "top_ok_many": "Alle de {total} filene er kontrollert uten feil. Ingenting er lagret "
    "ennå: se gjennom og trykk «Lagre» nederst.",
    "top_unchanged_one": "Filen er ikke ny: akkurat den samme filen er lastet opp før.",
    "top_unchanged": "Ingen av filene er nye: akkurat de samme filene er lastet opp før.",
    "duplicates": "{count} av filene hadde nøyaktig samme innhold som en annen fil og "
    "vises bare én gang.",
    "same_period": "{files} gjelder alle {what}. Lagres de, blir den siste ({last}) den "
    "aktive versjonen.",
    "files": "Filene",
    "status_ready": "Klar til lagring",
    "status_errors": "Har feil",
    "status_unchanged": "Allerede lastet opp",
    "scope": "Du kan laste opp rapporter for {councils}.",
}

# What the file chooser offers: the four formats by name and by type. With a type listed,
# Streamlit leaves the check of what arrives to the app (its own check would end the page
# with an English error); the app's check refuses any other file in Norwegian.
ACCEPTED = [
    ".xlsx", ".xlsm", ".xls", ".ods",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel.sheet.macroEnabled.12",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
]  # fmt: skip
# The blank workbooks offered for the chosen year: the button's text, the file, its name.
TEMPLATES = [
    ("template_button", ui.upload.report_template, "ia-rapportmal", "template_download"),
    ("plan_template_button", ui.upload.plan_template, "ia-handlingsplan", "plan_template_download"),
]

rules = ui.data.rules()
st.session_state.setdefault("upload_round", 0)
ui.upload.warm_reader()

st.title(TEXT["title"])
st.caption(TEXT["intro"])
if not ui.auth.scope().everything:
    st.caption(TEXT["scope"].format(councils=ui.text.plain(ui.auth.scope().described())))
summary = ui.upload_card.last_summary()  # of the last confirm, once
ui.review.take_action()  # a comment added to a report's thread, below
ui.review.sent_back_notice()  # a report of the secretariat's sent back: said first

# --- the uploader and the template -----------------------------------------------------
left, right = st.columns([2, 1], gap="large")
with left:
    files = ui.chooser.file_chooser(  # the system's file chooser offers these only
        TEXT["uploader"], ACCEPTED, key=f"upload_files_{st.session_state.upload_round}"
    )
with right, st.container(border=True):
    st.markdown(f"**{TEXT['template']}**")
    st.caption(TEXT["template_caption"])
    template_years = list(reversed(rules.years))
    with_data = ui.data.read(years_with_data)
    default_year = with_data[0] if with_data else template_years[0]
    year = st.selectbox(
        TEXT["template_year"],
        template_years,
        index=template_years.index(default_year) if default_year in template_years else 0,
        key="template_year",
    )
    for text, make, name, key in TEMPLATES:
        ui.display.file_button(
            TEXT[text].format(year=year),
            partial(ui.data.read, make, year=year, rules=rules),
            f"{name}-{year}.xlsx",
            mime=ui.display.XLSX_MIME,
            key=key,
        )

if not files:
    ui.upload.forget_upload_checks()
    if not summary:
        st.info(TEXT["empty"], icon=":material/upload_file:")
    ui.review.route(key="upload_route")
    st.stop()

# --- check every file (a dry run, kept per SHA-256) ------------------------------------
contents: dict[str, bytes] = {}
previews: list[up.Preview] = []
duplicates = 0
for file in files:
    data = file.getvalue()
    with st.spinner(TEXT["checking"].format(name=ui.text.plain(file.name))):
        shown = ui.upload.check_upload(file.name, data)
    if shown.sha256 in contents:
        duplicates += 1
        continue
    contents[shown.sha256] = data
    previews.append(shown)
ui.upload.forget_upload_checks(keep=set(contents))

bad = [p for p in previews if p.errors]
ready = [p for p in previews if p.storable]
total = len(previews)
if bad:
    if total == 1 and bad[0].result.refused:
        st.error(TEXT["top_refused"], icon=":material/block:")
    elif total == 1:
        st.error(TEXT["top_errors_one"], icon=":material/error:")
    elif len(bad) == total:
        st.error(TEXT["top_errors_all"].format(total=total), icon=":material/error:")
    else:
        st.error(TEXT["top_errors_some"].format(bad=len(bad), total=total), icon=":material/error:")
elif ready:
    message = TEXT["top_ok_one"] if total == 1 else TEXT["top_ok_many"].format(total=total)
    st.success(message, icon=":material/check_circle:")
else:
    message = TEXT["top_unchanged_one"] if total == 1 else TEXT["top_unchanged"]
    st.info(message, icon=":material/info:")
if duplicates:
    st.caption(TEXT["duplicates"].format(count=duplicates))

# Two files for the same council and period: the last one stored wins.
same: dict[tuple, list[up.Preview]] = {}
for p in ready:
    if p.kind == UploadKind.REPORT and p.period is not None:
        same.setdefault((p.council, p.period.label), []).append(p)
for (council, label), group in same.items():
    if len(group) > 1:
        st.warning(
            TEXT["same_period"].format(
                files=", ".join(ui.text.plain(p.file_name) for p in group),
                what=ui.text.plain(f"{council}, {label}"),
                last=ui.text.plain(group[-1].file_name),
            ),
            icon=":material/warning:",
        )


def _state(p: up.Preview) -> str:
    if p.errors:
        return TEXT["status_errors"]
    return TEXT["status_unchanged"] if p.unchanged else TEXT["status_ready"]


if total > 1:
    st.subheader(TEXT["files"])
    ui.display.show_table(
        record_tables.upload_files_table(previews, _state),
        alerts=(columns.ERRORS,),
        key="upload_files_table",
    )


for p in previews:
    ui.upload_card.card(p)

ui.upload_card.confirm(ready, total, contents)
ui.review.route(key="upload_route")
