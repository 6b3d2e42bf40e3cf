"""What the letters ask for and the figures must not overstate (issue «Honest figures»): a
council with no report for the year (Oslo 2016 in the demo) is a missing report, counted once,
not a council without activity on a sub-goal or with too few meetings."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from conftest import PROJECT
from sqlmodel import Session
from workbooks import about_sheet, activity, allocation_xlsx, meeting, report_xlsx, sheet_rows

from ia_data import settings
from ia_data.cli import main
from ia_data.domain.access import OPERATOR, Actor, OutsideScope, secretariat
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report
from ia_data.output.exports import overview_export, table_export
from ia_data.output.template import build_template
from ia_data.reporting.money import money, pool_status
from ia_data.reporting.money_tables import money_table
from ia_data.reporting.overview import overview
from ia_data.storage import db, history, register, store, users
from ia_data.storage.register import councils

AS_OF = date(2017, 6, 1)  # after the 2016 reports' due date: Oslo's is missing


def _oslo(rows):
    (oslo,) = [r for r in rows if r.council.name == "IA-rådet i Oslo"]
    return oslo


def test_a_council_without_a_report_is_a_missing_report_only(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        rows = overview(session, 2016, AS_OF, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
        data = overview_export(
            session, 2016, AS_OF, load_rules(DEFAULT_RULES_FILE), "xlsx", scope=OPERATOR
        )
        compiled = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2016, AS_OF, scope=OPERATOR
        )
    oslo = _oslo(rows)
    assert (oslo.reported, oslo.lacks_goals, oslo.meetings_outside_expected) == (
        False,
        False,
        False,
    )
    assert [p.status.text for p in oslo.periods] == ["Mangler"]
    assert [r.council.name for r in rows if r.lacks_goals] == []
    assert sum(1 for r in rows for p in r.periods if p.status.status == "Mangler") == 1

    sheet = openpyxl.load_workbook(io.BytesIO(data))["Oversikt"]
    header = [c.value for c in sheet[1]]
    line = next(
        dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[0] == "IA-rådet i Oslo"
    )
    assert [line[c] for c in ("Aktiviteter", "Delmål 1", "Alle delmål dekket", "Møter")] == [
        None,
        None,
        "(ingen rapport)",
        None,
    ]
    assert line["Status År"] == "Mangler"

    book = openpyxl.load_workbook(io.BytesIO(compiled))
    facts = {r[0]: r[1:] for r in book["Sammendrag"].iter_rows(values_only=True) if r and r[0]}
    lacking_label = next(k for k in facts if str(k).startswith("Råd uten alle tre delmål"))
    assert facts[lacking_label][0] == 0
    meetings_label = next(k for k in facts if str(k).startswith("Møter utenfor"))
    assert facts[meetings_label][0] == 0
    oslo_facts = {r[0]: r[1] for r in book["Oslo"].iter_rows(values_only=True) if r and r[0]}
    assert oslo_facts["Rapport"] == "(ingen rapport)"
    assert "Møter" not in oslo_facts and "Delmål 1" not in oslo_facts


def test_the_pages_say_no_report_instead_of_flags(app_on, seeded_url):
    at = app_on(seeded_url, page="views/oversikt.py", ar="2016", per="2017-06-01", vis="alle")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Uten alle tre delmål"], metrics["Mangler"]) == ("0", "1")
    table = at.dataframe[0].value
    oslo = table[table["IA-råd"] == "IA-rådet i Oslo"].iloc[0]
    assert oslo["Alle delmål dekket"] == "(ingen rapport)"
    shown = _shown(at.dataframe[0]).loc["IA-rådet i Oslo"]  # an empty cell is never flagged
    assert "⚠" not in "".join(shown[["Møter", "Delmål 1", "Handlingsplan"]])
    at = app_on(seeded_url, page="views/aktiviteter.py", ar="2016")
    assert at.success[0].value == (
        "Alle rådene som har rapportert har aktiviteter på alle tre delmål i 2016."
    )
    assert at.info[0].value.startswith("Ingen rapport for 2016 fra IA-rådet i Oslo")


def _shown(dataframe, index: str = "IA-råd") -> pd.DataFrame:
    """A page table's cells as the page writes them (the Styler's display values)."""
    data = dataframe.proto.arrow_data.styler.display_values
    return pa.ipc.open_stream(data).read_all().to_pandas().set_index(index)


@pytest.mark.parametrize(
    "year,council,shown",
    [
        (2013, "IA-rådet i Buskerud", "1 ⚠ under 2 (antatt)"),  # the 2012 letter: 2012 only
        (2015, "IA-rådet i Rogaland", "5 ⚠ over 4 (antatt)"),  # the 2015 letter: no number
    ],
)
def test_the_meeting_flag_says_under_or_over_in_words(app_on, seeded_url, year, council, shown):
    at = app_on(seeded_url, page="views/oversikt.py", ar=str(year), vis="alle")
    cells = _shown(at.dataframe[0])
    assert cells.loc[council, "Møter"] == shown
    assert "⚠" not in cells.drop(index=council)["Møter"].str.cat()  # the others: 2–4


def test_rad_shows_which_parties_attended_each_meeting(app_on, seeded_url):
    at = app_on(seeded_url, page="views/rad.py", rad="1")
    (meetings,) = [d.value for d in at.dataframe if "Deltakende parter" in d.value.columns]
    first = meetings.iloc[0]
    assert (str(first["Dato"])[:10], first["Deltakende parter"]) == ("2012-06-22", "Alle parter")
    assert "NHO, NAV, KS, Virke, Unio, YS, Akademikerne" in set(meetings["Deltakende parter"])


# --- the 2012 pool ---------------------------------------------------------------------------


def test_the_2012_pool_against_the_decisions(seeded_url, app_on):
    rules = load_rules(DEFAULT_RULES_FILE)
    with Session(db.get_engine(seeded_url)) as session:
        pool = pool_status(session, rules, 2012, scope=OPERATOR)
        assert pool_status(session, rules, 2013, scope=OPERATOR) is None  # no pool that year
        troms = secretariat({1: "IA-rådet i Østfold"})
        assert pool_status(session, rules, 2012, scope=troms) is None  # the pool is everyone's
    assert (pool.pool_ore, pool.allocated_ore, pool.councils, pool.left_ore) == (
        10_000_000_00,
        10_000_000_00,
        18,
        0,
    )
    at = app_on(seeded_url, page="views/okonomi.py", ar="2012")
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Pott"], metrics["Tildelt av potten"], metrics["Igjen i potten"]) == (
        "10\xa0000\xa0000 kr",
        "10\xa0000\xa0000 kr",
        "0 kr",
    )
    at = app_on(seeded_url, page="views/okonomi.py", ar="2013")
    assert "Pott" not in {m.label for m in at.metric}


def test_a_pool_given_out_beyond_itself_shows_how_much(sample_db, app_on):
    rows = [["Troms", 2012, 6_000_000], ["Finnmark", 2012, 4_250_000]]
    assert store.import_file(sample_db, "t.xlsx", allocation_xlsx(rows), scope=OPERATOR).ok
    with Session(sample_db) as session:
        pool = pool_status(session, load_rules(DEFAULT_RULES_FILE), 2012, scope=OPERATOR)
    assert (pool.allocated_ore, pool.left_ore) == (10_250_000_00, -250_000_00)
    at = app_on(str(sample_db.url), page="views/okonomi.py", ar="2012")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Overtildelt ⚠"] == "250\xa0000 kr"


# --- what the sub-goals are ----------------------------------------------------------------


GOALS = {
    "Delmål 1": "Redusere sykefraværet med 20 prosent fra nivået i 2. kvartal 2001",
    "Delmål 2": "Hindre frafall og øke sysselsettingen av personer med nedsatt funksjonsevne",
    "Delmål 3": "Forlenge yrkesaktiviteten etter fylte 50 år (med seks måneder i avtalen "
    "2010–2013, med tolv måneder i avtalen 2014–2018)",
}


def test_the_sub_goals_are_named_on_each_page_and_in_om_uttrekket(seeded_url, app_on):
    legend = "  \n".join(f"**{k}:** {v}" for k, v in GOALS.items())
    for page, query in (
        ("views/oversikt.py", {"ar": "2015"}),
        ("views/aktiviteter.py", {"ar": "2015"}),
        ("views/rad.py", {"rad": "1"}),
    ):
        at = app_on(seeded_url, page=page, **query)
        assert legend in [c.value for c in at.caption], page
    at = app_on(seeded_url, page="views/oversikt.py", ar="2015", vis="alle")
    helps = {m.label: m.proto.help for m in at.metric}
    assert {k: helps[k] for k in GOALS} == GOALS
    with Session(db.get_engine(seeded_url)) as session:
        data = overview_export(
            session, 2015, AS_OF, load_rules(DEFAULT_RULES_FILE), "xlsx", scope=OPERATOR
        )
    about = about_sheet(data)
    assert {k: about[k] for k in GOALS} == GOALS


# --- action plans ------------------------------------------------------------------------------


def _plan_reports(sample_db):
    """Three councils' 2012 H1 reports: with a plan (dated), «Nei», and no answer."""
    for council, plan in (
        ("IA-rådet i Troms", date(2011, 11, 1)),  # a date: yes, adopted then
        ("IA-rådet i Finnmark", "Nei"),
        ("IA-rådet i Nordland", None),  # the label left out: no answer
    ):
        data = report_xlsx(council=council, action_plan=plan)
        # Past reports (approved before the route): the compiled report counts them.
        result = store.import_file(
            sample_db, f"{council}.xlsx", data, scope=OPERATOR, historical=True
        )
        assert result.ok, result.message


def test_missing_action_plans_are_flagged_in_words_and_counted(sample_db, app_on):
    _plan_reports(sample_db)
    at = app_on(
        str(sample_db.url), page="views/oversikt.py", ar="2012", per="2013-06-01", vis="alle"
    )
    metrics = {m.label: m for m in at.metric}
    assert metrics["Uten handlingsplan"].value == "2"
    assert metrics["Uten handlingsplan"].proto.help == (
        "IA-råd med en rapport som ikke oppgir handlingsplan: "
        "IA-rådet i Nordland, IA-rådet i Finnmark"
    )
    cells = _shown(at.dataframe[0])["Handlingsplan"]
    assert (cells["IA-rådet i Troms"], cells["IA-rådet i Finnmark"]) == (
        "Ja",
        "Nei ⚠ mangler",
    )
    assert cells["IA-rådet i Nordland"] == "(ikke oppgitt) ⚠ mangler"
    assert cells["IA-rådet i Oslo"] == ""  # no report: not counted, not flagged
    with Session(sample_db) as session:
        book = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2012, date(2013, 6, 1), scope=OPERATOR
        )
    facts = {r[0]: r[1:3] for r in sheet_rows(book, "Sammendrag") if r and r[0]}
    assert facts["Råd uten handlingsplan"] == (2, "Nordland, Finnmark")


def test_rad_shows_the_action_plan_answer_per_period(sample_db, app_on):
    _plan_reports(sample_db)
    ids = {u["council_name"]: u["council_id"] for u in history.uploads(sample_db)}
    at = app_on(str(sample_db.url), page="views/rad.py", rad=str(ids["IA-rådet i Finnmark"]))
    reports = _shown(at.dataframe[0], index="Periode")
    assert reports.loc["2012 H1", "Handlingsplan"] == "Nei ⚠ mangler"
    at = app_on(str(sample_db.url), page="views/rad.py", rad=str(ids["IA-rådet i Troms"]))
    assert _shown(at.dataframe[0], index="Periode").loc["2012 H1", "Handlingsplan"] == "01.11.2011"


# --- assumptions marked where they judge a council -----------------------------------------------


def test_an_assumed_due_date_and_grant_are_marked_where_they_judge(seeded_url, app_on):
    at = app_on(seeded_url, page="views/oversikt.py", ar="2016", per="2017-06-01", vis="alle")
    table = at.dataframe[0].value.set_index("IA-råd")
    oslo, troms = table.loc["IA-rådet i Oslo"], table.loc["IA-rådet i Troms"]
    assert oslo["Status År"] == "Mangler (antatt frist)"
    assert troms["Status År"] == "Levert i tide (antatt frist) (oppgitt)"
    assert troms["Tildeling"] == "regel (antatt)"
    captions = [c.value for c in at.caption]
    legend = next(c for c in captions if c.startswith("**«(antatt)», «(antatt frist)»:**"))
    assert "Fristen for hele året 2016: brevet fra 2015 oppgir ingen dato" in legend
    assert "Tildelingen etter regel 2016: brevet fra 2015 bestemmer beløpene bare for 2015" in (
        legend
    )
    assert any("antatt for 2016–2018" in c for c in captions)  # the amounts, from the rules
    # 2012: the 2012 letter decides every rule — nothing marked, no legend
    at = app_on(seeded_url, page="views/oversikt.py", ar="2012", per="2013-06-01", vis="alle")
    table = at.dataframe[0].value
    assert not table["Status H1"].str.contains("antatt").any()
    assert not any(c.value.startswith("**«(antatt)»") for c in at.caption)
    # 2015: the due date is assumed, the amounts are the letter's
    at = app_on(seeded_url, page="views/oversikt.py", ar="2015", vis="alle")
    assert set(at.dataframe[0].value["Tildeling"]) == {"regel"}


def test_exports_say_which_rules_are_assumed(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        rules = load_rules(DEFAULT_RULES_FILE)
        csv_data = overview_export(session, 2016, AS_OF, rules, "csv", scope=OPERATOR)
        xlsx = overview_export(session, 2016, AS_OF, rules, "xlsx", scope=OPERATOR)
        plain = overview_export(session, 2012, AS_OF, rules, "xlsx", scope=OPERATOR)
    header, *lines = [line.split(";") for line in csv_data.decode("utf-8-sig").splitlines()]
    oslo = dict(zip(header, next(x for x in lines if x[0] == "IA-rådet i Oslo"), strict=True))
    assert (oslo["Status År"], oslo["Frist antatt År"], oslo["Tildeling"]) == (
        "Mangler",
        "Ja",
        "regel (antatt)",
    )
    about = about_sheet(xlsx)
    assert about["Antakelser"].startswith("Der reglene ikke er bestemt i brevene, er de antatt")
    assert "Fristen for hele året 2016: brevet fra 2015 oppgir ingen dato" in about["Antakelser"]
    about = about_sheet(plain)
    assert "Antakelser" not in about  # 2012: every rule from the 2012 letter
    header, *rows = sheet_rows(plain, "Oversikt")
    assert header[-3] == "Frist antatt H2"  # then Kvittering, Gjennomgang
    assert {r[-3] for r in rows} == {"Nei"}


def test_captions_read_the_amounts_from_the_rules_file(seeded_url, app_on, monkeypatch, tmp_path):
    rules = (PROJECT / "ia_data" / "domain" / "rules.toml").read_text(encoding="utf-8")
    changed = tmp_path / "rules.toml"
    changed.write_text(rules.replace("amount_one_county = 400000", "amount_one_county = 450000"))
    monkeypatch.setenv("IA_RULES_FILE", str(changed))
    at = app_on(seeded_url, page="views/okonomi.py", ar="2016")
    caption = next(c.value for c in at.caption if "kr per råd" in c.value)
    assert "450 000 kr per råd, 600 000 kr for råd som dekker to fylker" in caption
    assert "400 000" not in caption


# --- the half-yearly compiled report --------------------------------------------------------------


def test_a_compiled_report_of_one_half_year(seeded_url, tmp_path):
    with Session(db.get_engine(seeded_url)) as session:
        rules = load_rules(DEFAULT_RULES_FILE)
        h1 = overview(session, 2012, AS_OF, rules, scope=OPERATOR, period="H1")
        year = overview(session, 2012, AS_OF, rules, scope=OPERATOR)
        data = compiled_report(session, rules, 2012, AS_OF, scope=OPERATOR, period="H1")
    assert [len(r.periods) for r in h1] == [1] * 18
    assert 0 < sum(r.spent_ore for r in h1) < sum(r.spent_ore for r in year)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Sammendrag" and book.sheetnames[-1] == "Om uttrekket"
    assert len(book.sheetnames) == 2 + 18
    summary = book["Sammendrag"]
    assert summary["A1"].value == "Samlet rapport fra IA-rådene 2012, 1. halvår"
    facts = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r and r[0]}
    assert facts["Brukt"] == sum(r.spent_ore for r in h1) / 100
    assert not any(str(k).startswith("Møter utenfor") for k in facts)  # a year's measure
    header = next(r for r in summary.iter_rows(values_only=True) if r[:2] == ("IA-råd", "Fylker"))
    assert [c for c in header if c and str(c).startswith("Status")] == ["Status H1"]
    troms = book["Troms"]
    periods = [
        r[0] for r in troms.iter_rows(values_only=True) if r and r[0] in ("2012 H1", "2012 H2")
    ]
    assert set(periods) == {"2012 H1"}  # the H1 report, nothing of H2
    dates = [r[0] for r in troms.iter_rows(values_only=True) if isinstance(r[0], datetime)]
    assert dates and all(d.month <= 6 for d in dates)  # activities and meetings of H1 only
    about = dict(book["Om uttrekket"].iter_rows(values_only=True))
    assert (about["Uttrekk"], about["Periode"]) == (
        "Samlet rapport fra IA-rådene 2012, 1. halvår",
        "2012 H1",
    )


def test_the_half_yearly_report_on_the_command_line_and_the_page(seeded_url, app_on, tmp_path):
    out = tmp_path / "h2.xlsx"
    args = ["--db", seeded_url, "export", "compiled", "--year", "2012"]
    assert main([*args, "--period", "H2", "--out", str(out), "--as-of", "2013-06-01"]) == 0
    book = openpyxl.load_workbook(out)
    assert book["Sammendrag"]["A1"].value == "Samlet rapport fra IA-rådene 2012, 2. halvår"
    assert main([*args, "--period", "År", "--out", str(out)]) == 2
    assert main(["--db", seeded_url, "export", "overview", "--year", "2012", "--period", "H1",
                 "--out", str(out)]) == 2  # fmt: skip
    at = app_on(seeded_url, page="views/oversikt.py", ar="2012", vis="alle")
    radio = at.radio(key="compiled_period")
    assert radio.options == ["Hele året", "1. halvår", "2. halvår"]
    at = app_on(seeded_url, page="views/oversikt.py", ar="2015", vis="alle")
    assert "compiled_period" not in [r.key for r in at.radio]  # a yearly year: one report


# --- a new register version ----------------------------------------------------------------

SHIPPED = PROJECT / "ia_data" / "domain" / "register.toml"
AGDER_JOINT = (
    SHIPPED.read_text(encoding="utf-8")
    .replace(
        'name = "IA-rådet i Aust-Agder"\ncounties = ["09"]\n',
        'name = "IA-rådet i Aust-Agder"\ncounties = ["09"]\nto_year = 2015\n',
    )
    .replace(
        'name = "IA-rådet i Vest-Agder"\ncounties = ["10"]\n',
        'name = "IA-rådet i Vest-Agder"\ncounties = ["10"]\nto_year = 2015\n',
    )
    + '\n[[council]]\nname = "IA-rådet i Agder"\ncounties = ["09", "10"]\nfrom_year = 2016\n'
    'secretariat = "NAV Arbeidslivssenter Agder"\n'
)


def _aust_agder_2015() -> bytes:
    return report_xlsx(
        council="IA-rådet i Aust-Agder",
        period="2015 År",
        activities=[activity(date(2015, 5, 10))],
        meetings=[meeting(date(2015, 4, 19))],
    )


def _grant(engine, year: int, name: str):
    with Session(engine) as session:
        rows = overview(session, year, AS_OF, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
    (row,) = [r for r in rows if r.council.name == name]
    return row.allocated_ore, row.allocation_text


def test_a_register_making_agder_joint_raises_its_grant_from_that_year(fresh_db):
    report = _aust_agder_2015()
    assert store.import_file(fresh_db, "aa.xlsx", report, scope=OPERATOR).ok
    assert _grant(fresh_db, 2015, "IA-rådet i Aust-Agder") == (400_000_00, "regel")
    change = register.load_new_register(
        fresh_db, AGDER_JOINT, "agder.toml", by=Actor("Ada"), scope=OPERATOR
    )
    assert change.lines == [
        "Nytt råd: IA-rådet i Agder",
        "IA-rådet i Aust-Agder: år alle år → …–2015",
        "IA-rådet i Vest-Agder: år alle år → …–2015",
    ]
    assert _grant(fresh_db, 2016, "IA-rådet i Agder") == (600_000_00, "regel (antatt)")
    assert _grant(fresh_db, 2015, "IA-rådet i Aust-Agder") == (400_000_00, "regel")
    with Session(fresh_db) as session:  # the report stays Aust-Agder's
        rows = overview(session, 2015, AS_OF, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
        assert [r.council.name for r in rows if r.reported] == ["IA-rådet i Aust-Agder"]
        assert not any(r.council.name == "IA-rådet i Agder" for r in rows)  # from 2016
        (version,) = register.register_history(session, scope=OPERATOR)
    assert (version.file_name, version.loaded_by, version.content) == (
        "agder.toml",
        "Ada",
        AGDER_JOINT,
    )
    assert version.summary.splitlines()[0] == "Nytt råd: IA-rådet i Agder"


def test_a_register_that_would_orphan_stored_data_is_refused_naming_it(fresh_db):
    report = _aust_agder_2015()
    result = store.import_file(fresh_db, "aa.xlsx", report, scope=OPERATOR)
    troms = secretariat({19: "IA-rådet i Troms"})
    with Session(fresh_db) as session:
        ids = {c.name: c.id for c in councils(session)}
    users.set_user(
        fresh_db, "t@x.no", "sekretariat", [ids["IA-rådet i Troms"]], by=Actor("x"), scope=OPERATOR
    )
    early = AGDER_JOINT.replace("to_year = 2015", "to_year = 2014", 1)
    no_troms = SHIPPED.read_text(encoding="utf-8").replace(
        '[[council]]\nname = "IA-rådet i Troms"', '[[not_a_council]]\nname = "IA-rådet i Troms"'
    )
    with pytest.raises(register.RegisterError) as refused:
        register.load_new_register(fresh_db, early, "r.toml", by=Actor("x"), scope=OPERATOR)
    assert str(refused.value) == (
        "Registeret kan ikke tas i bruk: det ville etterlate rapporten IA-rådet i Aust-Agder, "
        f"2015 År (opplasting nr. {result.upload_id}) uten sitt råd. Behold rådet (og årene) i "
        "registeret, eller rett dataene først"
    )
    with pytest.raises(register.RegisterError, match=r"tilgangen til t@x.no \(IA-rådet i Troms\)"):
        register.load_new_register(fresh_db, no_troms, "r.toml", by=Actor("x"), scope=OPERATOR)
    with pytest.raises(register.RegisterError, match="kan ikke leses som TOML"):
        register.load_new_register(fresh_db, "[[council", "r.toml", by=Actor("x"), scope=OPERATOR)
    with pytest.raises(OutsideScope):
        register.load_new_register(fresh_db, AGDER_JOINT, "r.toml", by=Actor("x"), scope=troms)
    with Session(fresh_db) as session:
        assert len(councils(session)) == 20  # unchanged (19 counties, Trøndelag from 2018)
        assert register.register_history(session, scope=OPERATOR) == []


def test_the_register_on_the_command_line(database, tmp_path, capsys):
    url = database()
    path = tmp_path / "agder.toml"
    path.write_text(AGDER_JOINT, encoding="utf-8")
    assert main(["--db", url, "register", "load", str(path), "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Kontrollert; ikke tatt i bruk (--dry-run)."
    assert main(["--db", url, "register", "history"]) == 0
    assert "ikke endret" in capsys.readouterr().out
    assert main(["--db", url, "register", "load", str(path), "--by", "Ola"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Nytt råd: IA-rådet i Agder",
        "IA-rådet i Aust-Agder: år alle år → …–2015",
        "IA-rådet i Vest-Agder: år alle år → …–2015",
        "Registeret er tatt i bruk.",
    ]
    assert main(["--db", url, "register", "load", str(path)]) == 0
    assert "ingenting er endret" in capsys.readouterr().out
    assert main(["--db", url, "register", "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("agder.toml  (Ola)") and lines[1] == "  Nytt råd: IA-rådet i Agder"


def test_an_admin_takes_a_new_register_into_use_on_the_page(database, app_on):
    url = database()
    db.get_engine(url)  # made now, with the register that ships (not the demo's)
    at = app_on(url, page="views/register.py")
    assert not at.exception
    assert len(at.dataframe[0].value) == 20
    at.file_uploader(key="register_file").upload("agder.toml", AGDER_JOINT.encode()).run()
    assert "Nytt råd: IA-rådet i Agder" in at.markdown[-1].value.replace("\\", "")
    at.button(key="register_apply").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Registeret «agder.toml» er tatt i bruk")
    assert "IA-rådet i Agder" in set(at.dataframe[0].value["IA-råd"])
    history = at.dataframe[1].value
    assert list(history["Fil"]) == ["agder.toml"]
    assert history.iloc[0]["Endringer"].startswith("Nytt råd: IA-rådet i Agder")


def test_a_page_tables_download_names_the_assumptions_of_its_years(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        rules = load_rules(DEFAULT_RULES_FILE)
        table = money_table(money(session, rules, [2016], scope=OPERATOR))
        files = {
            years: table_export(
                session, table, "xlsx", title="Økonomi", filters=[], scope=OPERATOR,
                rules=rules, assumption_years=years,
            )
            for years in ((2016,), (2012,))
        }  # fmt: skip
    about = about_sheet(files[(2016,)])
    assert (
        "Tildelingen etter regel 2016: brevet fra 2015 bestemmer beløpene bare for 2015"
        in (about["Antakelser"])
    )
    about = about_sheet(files[(2012,)])
    assert "Antakelser" not in about


def test_the_template_and_the_register_page_read_their_figures_from_the_rules(
    seeded_url, app_on, monkeypatch, tmp_path
):
    rules = (PROJECT / "ia_data" / "domain" / "rules.toml").read_text(encoding="utf-8")
    changed = tmp_path / "rules.toml"
    changed.write_text(
        rules.replace("meetings_max = 4", "meetings_max = 6").replace(
            "amount_shared = 600000", "amount_shared = 650000"
        )
    )
    monkeypatch.setenv("IA_RULES_FILE", str(changed))
    book = openpyxl.load_workbook(
        io.BytesIO(build_template(2015, rules=settings.current().rules()))
    )
    notes = [c.value for row in book["Møter"].iter_rows(max_row=3) for c in row if c.value]
    assert "Én rad per møte i rådet (det forventes 2–6 møter i året)." in notes
    at = app_on(seeded_url, page="views/register.py")
    assert "650 000 kr for råd som dekker to fylker" in at.caption[0].value
