"""The importer on workbooks built in the tests (WORKBOOK.md): what it reads generously,
what it refuses, and the exact line it says about each problem."""

# ruff: noqa: SIM300  (the expected value comes first, as in sqlite-utils' tests)

from __future__ import annotations

from datetime import date

import pytest
from workbooks import (
    ACTIVITY_HEADER,
    ANSWERS,
    FIXTURES,
    activity,
    allocation_xlsx,
    error_lines,
    large_xlsx,
    lines,
    meeting,
    report_rows,
    report_sheets,
    report_xlsx,
    warning_lines,
    xlsx,
)

from ia_data.domain.questions import QUESTIONS

TYPES = (
    "Konferanse, Seminar, Kurs, Nettverk, Erfaringssamling, Dialogmøte, Informasjon, "
    "Prosjekt, Annet"
)


# --- a valid report --------------------------------------------------------------------


def test_valid_report_reads_every_field(parse):
    parsed = parse(report_xlsx())
    assert [] == lines(parsed)
    assert "IA-rådet i Troms" == parsed.council.name
    assert "2012 H1" == parsed.period.label
    assert date(2012, 8, 20) == parsed.submitted
    assert ("Kari Nordmann", "Ola Hansen", "NHO") == (
        parsed.contact,
        parsed.chair,
        parsed.chair_organisation,
    )
    assert (True, None) == (parsed.action_plan, parsed.action_plan_date)
    assert list(ANSWERS) == parsed.answers
    first, second = parsed.activities
    assert (2, date(2012, 3, 1), "IA-konferanse for industrien", "Konferanse") == (
        first.row,
        first.date,
        first.title,
        first.type,
    )
    assert (frozenset({1, 2}), "Industri", 40, 1_250_000, "Gjennomført") == (
        first.goals,
        first.sector,
        first.participants,
        first.cost_ore,
        first.status,
    )
    assert ("NAV Arbeidslivssenter", "") == (first.organiser, first.comment)
    assert (3, frozenset({3}), 400_050) == (second.row, second.goals, second.cost_ore)
    assert 1_650_050 == parsed.total_cost_ore
    assert {1: 1, 2: 1, 3: 1} == parsed.goal_counts()
    assert [
        (2, date(2012, 4, 19), "Rådsmøte", "Alle parter"),
        (3, date(2012, 6, 12), "Arbeidsmøte", "NHO, LO, NAV"),
    ] == [(m.row, m.date, m.kind, m.present) for m in parsed.meetings]


def test_empty_optional_values_take_their_defaults(parse):
    row = activity(sector=None, participants=None, cost=None, status=None, organiser=None)
    parsed = parse(report_xlsx(activities=[row]))
    assert [] == lines(parsed)
    (a,) = parsed.activities
    assert ("", None, 0, "Gjennomført", "") == (
        a.sector,
        a.participants,
        a.cost_ore,
        a.status,
        a.organiser,
    )


def test_text_is_trimmed(parse):
    row = activity(title="  IA-konferanse\u00a0", sector=" Industri ", comment="\tse referat  ")
    sheets = report_sheets(activities=[row], contact="  Kari Nordmann  ")
    parsed = parse(xlsx(sheets))
    (a,) = parsed.activities
    assert ("IA-konferanse", "Industri", "se referat", "Kari Nordmann") == (
        a.title,
        a.sector,
        a.comment,
        parsed.contact,
    )


def test_cancelled_activities_are_kept_but_not_counted(parse):
    rows = [activity(goals="1"), activity(goals="1, 2", status="Avlyst")]
    parsed = parse(report_xlsx(activities=rows))
    assert ["Gjennomført", "Avlyst"] == [a.status for a in parsed.activities]
    assert {1: 1, 2: 0, 3: 0} == parsed.goal_counts()


# --- sheets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "report,activities,meetings",
    [
        ("Rapport", "Aktiviteter", "Møter"),
        ("Report", "Activities", "Meetings"),
        ("Rapportering", "Aktivitet", "Rådsmøter"),
        ("Forside", "Tiltak", "Moter"),
        ("RAPPORT", "AKTIVITETER", "MØTER"),
        ("rapport ", " aktiviteter", "møter "),
        ("Rap-port", "Aktivi_teter", "Råds møter"),
        ("Report", "Tiltak", "Radsmoter"),
    ],
)
def test_sheet_names_are_matched_generously(parse, report, activities, meetings):
    sheets = report_sheets()
    data = xlsx(
        {
            "Instruksjoner": [["Slik fyller du ut rapporten"], ["Dato", "Aktivitet", "Type"]],
            report: sheets["Rapport"],
            activities: sheets["Aktiviteter"],
            meetings: sheets["Møter"],
            "Lister": [["Konferanse", "Seminar"]],
        }
    )
    parsed = parse(data)
    assert [] == lines(parsed)
    assert (2, 2) == (len(parsed.activities), len(parsed.meetings))


def test_meetings_sheet_is_optional(parse):
    sheets = report_sheets()
    del sheets["Møter"]
    parsed = parse(xlsx(sheets))
    assert ([], 2, []) == (lines(parsed), len(parsed.activities), parsed.meetings)


def test_activities_sheet_may_hold_no_rows(parse):
    assert [] == lines(parse(report_xlsx(activities=[])))
    sheets = report_sheets()
    sheets["Aktiviteter"] = []
    parsed = parse(xlsx(sheets))
    assert ([], []) == (lines(parsed), parsed.activities)


def test_missing_report_sheet(parse):
    sheets = report_sheets()
    data = xlsx({"Ark1": sheets["Rapport"], "Aktiviteter": sheets["Aktiviteter"]})
    assert [
        "Arbeidsboka mangler arket «Rapport» (godtatt også: Report, Rapportering, Forside); "
        "arkene i filen er: Ark1, Aktiviteter"
    ] == lines(parse(data))


def test_missing_activities_sheet(parse):
    sheets = report_sheets()
    del sheets["Aktiviteter"]
    assert [
        "Arbeidsboka mangler arket «Aktiviteter» (godtatt også: Aktivitet, Activities, Tiltak)"
    ] == error_lines(parse(xlsx(sheets)))


def test_missing_both_sheets_reports_both(parse):
    assert [
        "Arbeidsboka mangler arket «Rapport» (godtatt også: Report, Rapportering, Forside); "
        "arkene i filen er: Ark1",
        "Arbeidsboka mangler arket «Aktiviteter» (godtatt også: Aktivitet, Activities, Tiltak)",
    ] == lines(parse(xlsx({"Ark1": [["hei"]]})))


# --- the report sheet's labels ---------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        (
            "IA-råd",
            "Rapportperiode",
            "Innsendt",
            "Kontaktperson",
            "Leder",
            "Leders organisasjon",
            "Handlingsplan",
        ),
        (
            "IA-rådet",
            "Periode",
            "Innsendt dato",
            "Kontakt",
            "Rådets leder",
            "Organisasjon (leder)",
            "Handlingsplan vedtatt",
        ),
        (
            "Råd",
            "Period",
            "Dato innsendt",
            "Contact",
            "Chair",
            "Leders organisasjon",
            "Action plan",
        ),
        (
            "Fylke",
            "Periode",
            "Submitted",
            "Kontakt",
            "Leder",
            "Organisasjon (leder)",
            "Handlingsplan",
        ),
        (
            "Council",
            "Period",
            "Submitted",
            "Contact",
            "Chair",
            "Leders organisasjon",
            "Action plan",
        ),
        (
            "IA-RÅD:",
            "rapportperiode *",
            "Innsendt dato:",
            "KONTAKTPERSON:",
            "Rådets leder *",
            "Leders organisasjon:",
            "Handlingsplan vedtatt:",
        ),
        (
            "IA-rad",
            "Rapport-periode",
            "innsendt_dato",
            "Kontakt person",
            "Radets leder",
            "Leders organisasjon",
            "handlingsplan",
        ),
    ],
)
def test_report_labels_are_matched_generously(parse, labels):
    values = ("Troms", "2012 H1", date(2012, 8, 20), "Kari", "Ola", "LO", "nei")
    sheets = report_sheets()
    sheets["Rapport"] = [[label, value] for label, value in zip(labels, values, strict=True)]
    sheets["Rapport"] += report_rows()[7:]  # the answers
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1", date(2012, 8, 20)) == (
        parsed.council.name,
        parsed.period.label,
        parsed.submitted,
    )
    assert ("Kari", "Ola", "LO", False) == (
        parsed.contact,
        parsed.chair,
        parsed.chair_organisation,
        parsed.action_plan,
    )


def test_labels_stand_anywhere_in_the_first_60_rows(parse):
    rapport = [[None] * 8 for _ in range(60)]
    rapport[0][0] = "Rapport fra IA-rådet i Troms"  # a title, not a label
    rapport[9][2] = "IA-råd:"
    rapport[9][5] = "Troms"  # the first non-empty cell to the right
    rapport[9][6] = "Finnmark"
    rapport[30][0] = "Innsendt"
    rapport[30][1] = date(2012, 8, 20)
    rapport[30][3] = "Kontaktperson"  # a second label on the same row
    rapport[30][4] = "Kari Nordmann"
    rapport[59][4] = "Rapportperiode*"
    rapport[59][7] = "1. halvår 2012"
    for k, answer in enumerate(ANSWERS):
        rapport[40 + k][1] = f"{k + 1}."
        rapport[40 + k][2] = answer
    sheets = report_sheets()
    sheets["Rapport"] = rapport
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1", date(2012, 8, 20), "Kari Nordmann") == (
        parsed.council.name,
        parsed.period.label,
        parsed.submitted,
        parsed.contact,
    )
    assert list(ANSWERS) == parsed.answers


def test_a_label_below_row_60_is_not_read(parse):
    sheets = report_sheets()
    rapport = [row for row in sheets["Rapport"] if row[0] != "Rapportperiode"]
    sheets["Rapport"] = rapport + [[None]] * (60 - len(rapport)) + [["Rapportperiode", "2012 H1"]]
    assert [
        "Rapport: fant ikke feltet «Rapportperiode» (godtatte navn: Rapportperiode, Periode, "
        "Period) i de 60 første radene"
    ] == error_lines(parse(xlsx(sheets)))


def test_missing_council_label(parse):
    assert [
        "Rapport: fant ikke feltet «IA-råd» (godtatte navn: IA-råd, IA-rådet, Råd, Fylke, "
        "Council) i de 60 første radene"
    ] == error_lines(parse(report_xlsx(council=None)))


def test_empty_council_value(parse):
    sheets = report_sheets()
    sheets["Rapport"][0] = ["IA-råd:", None]
    assert ["Rapport, rad 1, kolonne «IA-råd»: «IA-råd» er tomt"] == error_lines(
        parse(xlsx(sheets))
    )


@pytest.mark.parametrize(
    "expected,value",
    [
        ("IA-rådet i Troms", "IA-rådet i Troms"),
        ("IA-rådet i Troms", "Troms"),
        ("IA-rådet i Troms", "troms"),
        ("IA-rådet i Troms", "  TROMS "),
        ("IA-rådet i Troms", "IA-råd Troms"),
        ("IA-rådet i Troms", "19"),
        ("IA-rådet i Troms", 19),
        ("IA-rådet i Østfold", "1"),
        ("IA-rådet i Østfold", "01"),
        ("IA-rådet i Østfold", 1),
        ("IA-rådet i Østfold", "Ostfold"),
        ("IA-rådet i Møre og Romsdal", "møre og romsdal"),
    ],
)
def test_council_by_name_county_or_number(parse, expected, value):
    parsed = parse(report_xlsx(council=value))
    assert [] == lines(parsed)
    assert expected == parsed.council.name


@pytest.mark.parametrize(
    "value,shown",
    [("Lappland", "Lappland"), ("13", "13"), (99, "99"), ("Trøndelag", "Trøndelag")],
)
def test_unknown_council(parse, value, shown):
    # Trøndelag has a council from 2018 only.
    assert [
        f"Rapport, rad 1, kolonne «IA-råd»: «{shown}» er ikke et IA-råd i registeret for 2012 "
        "(skriv rådets navn, fylkets navn eller fylkesnummeret)"
    ] == error_lines(parse(report_xlsx(council=value)))


def test_council_depends_on_the_year(parse):
    parsed = parse(report_xlsx(council="Trøndelag", period="2018", activities=[], meetings=[]))
    assert ([], "IA-rådet i Trøndelag") == (error_lines(parsed), parsed.council.name)
    parsed = parse(report_xlsx(council="16", period="2017", activities=[], meetings=[]))
    assert ([], "IA-rådet i Sør-Trøndelag") == (error_lines(parsed), parsed.council.name)


@pytest.mark.parametrize(
    "expected,value",
    [
        ("2012 H1", "2012 H1"),
        ("2012 H1", "H1 2012"),
        ("2012 H1", "2012-H1"),
        ("2012 H1", "2012-1"),
        ("2012 H1", "1. halvår 2012"),
        ("2012 H1", "første halvår 2012"),
        ("2012 H2", "2012 2. halvår"),
        ("2012 H2", "h2 2012"),
        ("2015 År", "2015"),
        ("2015 År", 2015),
        ("2015 År", "2015 år"),
        ("2015 År", "2015 helår"),
        ("2015 År", "År 2015"),
    ],
)
def test_period_spellings(parse, expected, value):
    parsed = parse(report_xlsx(period=value, activities=[], meetings=[]))
    assert [] == error_lines(parsed)
    assert expected == parsed.period.label


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2015 H1", "«2015 H1» er ikke en rapportperiode i 2015; 2015 har perioden 2015"),
        ("2012", "«2012» er ikke en rapportperiode i 2012; 2012 har periodene 2012 H1, 2012 H2"),
        (2012, "«2012» er ikke en rapportperiode i 2012; 2012 har periodene 2012 H1, 2012 H2"),
        (
            "2016 2. halvår",
            "«2016 2. halvår» er ikke en rapportperiode i 2016; 2016 har perioden 2016",
        ),
        ("2009 H1", "«2009 H1»: rapporteringsreglene gjelder årene 2010–2018, ikke 2009"),
        (
            "neste halvår",
            "«neste halvår» er ikke en rapportperiode "
            "(for eksempel 2012 H1, 1. halvår 2012, 2012-2 eller 2015)",
        ),
    ],
)
def test_period_not_in_the_rules_names_the_years_periods(parse, value, expected):
    parsed = parse(report_xlsx(period=value))
    assert [f"Rapport, rad 2, kolonne «Rapportperiode»: {expected}"] == error_lines(parsed)


def test_submitted_date_forms(parse):
    assert date(2012, 8, 20) == parse(report_xlsx(submitted="20.08.2012")).submitted
    assert date(2012, 8, 20) == parse(report_xlsx(submitted=41141)).submitted
    parsed = parse(report_xlsx(submitted="i går"))
    assert [
        "Rapport, rad 3, kolonne «Innsendt dato»: «i går» er ikke en dato "
        "(forventet en dato som 31.12.2012, 31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012)"
    ] == error_lines(parsed)


def test_submitted_may_be_left_out(parse):
    parsed = parse(report_xlsx(submitted=None))
    assert ([], None) == (lines(parsed), parsed.submitted)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("ja", (True, None)),
        ("Yes", (True, None)),
        ("nei", (False, None)),
        ("no", (False, None)),
        (date(2012, 2, 2), (True, date(2012, 2, 2))),
        ("02.02.2012", (True, date(2012, 2, 2))),
        (None, (None, None)),
    ],
)
def test_action_plan(parse, value, expected):
    parsed = parse(report_xlsx(action_plan=value))
    assert [] == error_lines(parsed)
    assert expected == (parsed.action_plan, parsed.action_plan_date)


def test_action_plan_rejects_other_text(parse):
    assert [
        "Rapport, rad 7, kolonne «Handlingsplan vedtatt»: «kanskje» er verken en dato eller "
        "ja/nei (forventet en dato, ja eller nei)"
    ] == error_lines(parse(report_xlsx(action_plan="kanskje")))


@pytest.mark.parametrize(
    "label",
    [
        "{k}",
        "{k}.",
        "{k})",
        "{k}:",
        "Spørsmål {k}",
        "spørsmål {k}:",
        "Q{k}",
        "{k}. {question}",
        "{number}",
    ],
)
def test_question_labels(parse, label):
    answers = [f"Svar nummer {k}" for k in range(1, 6)]
    sheets = report_sheets()
    sheets["Rapport"] = report_rows(answers=[])
    for k, answer in enumerate(answers, start=1):
        text = label.format(k=k, question=QUESTIONS[k - 1], number="")
        sheets["Rapport"].append([text or k, answer])  # "{number}": the number cell k
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    assert answers == parsed.answers


def test_a_stray_number_does_not_hide_a_question(parse):
    # «3» after a text that is no label looks like question 3's number, without an answer.
    sheets = report_sheets()
    sheets["Rapport"].insert(0, ["Antall møter i perioden", 3])
    parsed = parse(xlsx(sheets))
    assert ([], ANSWERS[2]) == (lines(parsed), parsed.answers[2])


def test_missing_answers_are_warnings(parse):
    sheets = report_sheets()
    sheets["Rapport"] = report_rows(answers=ANSWERS[:2])
    sheets["Rapport"].append(["3. Næringer?", None])
    parsed = parse(xlsx(sheets))
    assert parsed.ok
    assert [
        f"Rapport, rad 10: svar på spørsmål 3 mangler («{QUESTIONS[2]}»)",
        f"Rapport: svar på spørsmål 4 mangler («{QUESTIONS[3]}»)",
        f"Rapport: svar på spørsmål 5 mangler («{QUESTIONS[4]}»)",
    ] == sorted(warning_lines(parsed))
    assert [ANSWERS[0], ANSWERS[1], "", "", ""] == parsed.answers


# --- the tables ------------------------------------------------------------------------


def test_header_row_under_title_rows(parse):
    sheets = report_sheets()
    sheets["Aktiviteter"] = [
        ["Aktiviteter finansiert av IA-rådet"],
        ["Én rad per aktivitet. Aktivitet og dato er påkrevd."],
        [],
        ["Dato", "Aktivitet", "Type", "Delmål"],
        [date(2012, 3, 1), "Kurs i nærværsarbeid", "Kurs", 1],
    ]
    sheets["Møter"] = [[None] * 3 for _ in range(19)] + [[None, "Dato", "Møtetype"]]
    sheets["Møter"].append([None, date(2012, 2, 2), "Rådsmøte"])
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    assert [(5, "Kurs i nærværsarbeid")] == [(a.row, a.title) for a in parsed.activities]
    assert [(21, date(2012, 2, 2), "Rådsmøte")] == [
        (m.row, m.date, m.kind) for m in parsed.meetings
    ]


def test_header_row_below_row_20_is_not_found(parse):
    sheets = report_sheets()
    sheets["Aktiviteter"] = [["Aktiviteter"]] + [[]] * 19 + sheets["Aktiviteter"]
    assert [
        "Aktiviteter: fant ingen overskriftsrad i de 20 første radene (en rad med minst to "
        "kjente kolonnenavn, som Dato, Aktivitet, Type, Delmål)"
    ] == error_lines(parse(xlsx(sheets)))


def test_a_title_with_one_column_name_is_not_the_header(parse):
    sheets = report_sheets()
    sheets["Aktiviteter"] = [["Aktivitet"], ["Dato", "Aktivitet", "Type", "Delmål"]]
    sheets["Aktiviteter"].append([date(2012, 3, 1), "Kurs", "Kurs", 1])
    parsed = parse(xlsx(sheets))
    assert ([], [3]) == (lines(parsed), [a.row for a in parsed.activities])


@pytest.mark.parametrize(
    "header",
    [
        ACTIVITY_HEADER,
        tuple(reversed(ACTIVITY_HEADER)),
        (
            "Date",
            "Title",
            "Type",
            "Sub-goal",
            "Sector",
            "Participants",
            "Cost",
            "Status",
            "Organiser",
            "Comment",
        ),
        (
            "Startdato",
            "Tittel",
            "Aktivitetstype",
            "IA-delmål",
            "Næring",
            "Ant. deltakere",
            "Kostnad IA-rådsmidler",
            "STATUS",
            "Arrangør",
            "Merknad",
        ),
        (
            "Fra dato",
            "Navn",
            "Kategori",
            "Delmal",
            "Sektor",
            "Deltakere",
            "Brukt",
            "status",
            "Ansvarlig part",
            "Kommentar",
        ),
        (
            "Tidspunkt",
            "Beskrivelse",
            "type",
            "delmål:",
            "Bransje",
            "Antall deltakere (stk)",
            "Utgift [NOK]",
            "Status *",
            "Ansvarlig",
            "Kommentar",
        ),
        (
            "Dato",
            "Activity",
            "Type",
            "Delmål (1–3)",
            "Bransje/sektor",
            "Deltakere",
            "Beløp (kr)",
            "Status",
            "Organiser",
            "Comment",
        ),
    ],
)
def test_column_names_in_any_order(parse, header):
    row = activity(
        date(2012, 3, 1), "Kurs", "Kurs", "1, 3", "Helse", 12, "2 500", "Planlagt", "LO", "ok"
    )
    if header[0] == ACTIVITY_HEADER[-1]:
        row = list(reversed(row))
    sheets = report_sheets()
    sheets["Aktiviteter"] = [list(header), row]
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    (a,) = parsed.activities
    assert (date(2012, 3, 1), "Kurs", "Kurs", frozenset({1, 3}), "Helse", 12, 250_000) == (
        a.date,
        a.title,
        a.type,
        a.goals,
        a.sector,
        a.participants,
        a.cost_ore,
    )
    assert ("Planlagt", "LO", "ok") == (a.status, a.organiser, a.comment)


@pytest.mark.parametrize(
    "header",
    [
        ("Dato", "Møtetype", "Til stede", "Referat"),
        ("Møtedato", "Type", "Parter", "Kommentar"),
        ("Date", "Type", "Present", "Comment"),
    ],
)
def test_meeting_column_names(parse, header):
    sheets = report_sheets()
    sheets["Møter"] = [list(header), ["02.02.2012", "Rådsmøte", "Alle", "Referat i vedlegg"]]
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    (m,) = parsed.meetings
    assert (date(2012, 2, 2), "Rådsmøte", "Alle", "Referat i vedlegg") == (
        m.date,
        m.kind,
        m.present,
        m.comment,
    )


def test_unknown_columns_are_one_warning(parse):
    sheets = report_sheets()
    sheets["Aktiviteter"][0] += ["Budsjett", "Notat (intern)"]
    for row in sheets["Aktiviteter"][1:]:
        row += [10_000, "husk faktura"]
    parsed = parse(xlsx(sheets))
    assert [
        "Aktiviteter, rad 1: ukjente kolonner blir ikke lest: «Budsjett», «Notat (intern)»"
    ] == lines(parsed)
    assert 2 == len(parsed.activities)


def test_wholly_empty_rows_are_skipped_anywhere(parse):
    sheets = report_sheets()
    sheets["Aktiviteter"] = [
        [],
        list(ACTIVITY_HEADER),
        [None, "   ", "\u00a0"],
        activity(title="Første"),
        [],
        [],
        activity(title="Andre"),
        ["", None, " "],
        activity(title="Tredje"),
        [],
    ]
    parsed = parse(xlsx(sheets))
    assert [] == lines(parsed)
    assert [(4, "Første"), (7, "Andre"), (9, "Tredje")] == [
        (a.row, a.title) for a in parsed.activities
    ]


def test_a_row_with_any_value_is_validated_in_full(parse):
    sheets = report_sheets(activities=[activity(), [None] * 9 + ["se vedlegg"]])
    parsed = parse(xlsx(sheets))
    assert [
        "Aktiviteter, rad 3, kolonne «Dato»: Dato mangler",
        "Aktiviteter, rad 3, kolonne «Aktivitet»: Aktivitet mangler",
        "Aktiviteter, rad 3, kolonne «Type»: Type mangler",
        "Aktiviteter, rad 3, kolonne «Delmål»: Delmål mangler",
    ] == lines(parsed)


def test_formula_without_stored_value_is_an_empty_cell(parse):
    # openpyxl writes formulas without a calculated value.
    row = activity(cost="=1000+250", goals="=1+0")
    parsed = parse(report_xlsx(activities=[activity(cost="=1000+250"), row]))
    assert ["Aktiviteter, rad 3, kolonne «Delmål»: Delmål mangler"] == lines(parsed)
    assert [0] == [a.cost_ore for a in parsed.activities]


def test_formula_counts_by_its_calculated_value(parse):
    # LibreOffice stored the value of «=1000+250» when it saved the fixture.
    parsed = parse((FIXTURES / "rapport_troms_2012_H1.xlsx").read_bytes())
    seminar = next(a for a in parsed.activities if a.title == "Seniorseminar")
    assert 125_000 == seminar.cost_ore


def test_error_line_names_sheet_excel_row_and_column_as_written(parse):
    rows = [activity(day=date(2012, 1, 1 + k)) for k in range(10)] + [activity(goals="4")]
    sheets = report_sheets(activities=rows)
    sheets["Aktiviteter"] = [["Aktiviteter i 2012"], []] + sheets["Aktiviteter"]
    parsed = parse(xlsx(sheets))
    assert [
        "Aktiviteter, rad 14, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)"
    ] == lines(parsed)
    assert 10 == len(parsed.activities)


def test_column_header_is_quoted_as_written(parse):
    sheets = report_sheets(activities=[activity(cost="ca. 30")])
    sheets["Aktiviteter"][0][6] = "Kostnad IA-rådsmidler (kr)"
    assert [
        "Aktiviteter, rad 2, kolonne «Kostnad IA-rådsmidler (kr)»: «ca. 30» er ikke et beløp "
        "(forventet et beløp i kroner, for eksempel 12 500, 12 500 kr, kr 12.500 eller 12500,50)"
    ] == lines(parse(xlsx(sheets)))


def test_every_problem_is_reported_at_once(parse):
    rows = [
        activity(),
        activity(day="31.02.2012"),
        activity(participants="mange"),
        activity(cost=-500),
        activity(status="kanskje", goals="delmål 5"),
        activity(goals="diverse"),
        activity(title="Gyldig"),
    ]
    sheets = report_sheets(activities=rows, meetings=[meeting(day="neste uke")])
    sheets["Rapport"][2] = ["Innsendt dato", "31.02.2012"]
    parsed = parse(xlsx(sheets))
    assert [
        "Rapport, rad 3, kolonne «Innsendt dato»: «31.02.2012» er ikke en gyldig dato: "
        "den dagen finnes ikke",
        "Aktiviteter, rad 3, kolonne «Dato»: «31.02.2012» er ikke en gyldig dato: "
        "den dagen finnes ikke",
        "Aktiviteter, rad 4, kolonne «Antall deltakere»: «mange» er ikke et helt tall",
        "Aktiviteter, rad 5, kolonne «Kostnad (kr)»: «-500» er negativt; et beløp må være 0 "
        "eller mer",
        "Aktiviteter, rad 6, kolonne «Delmål»: «delmål 5» er ikke et delmål (gyldige verdier: "
        "1, 2, 3)",
        "Aktiviteter, rad 6, kolonne «Status»: «kanskje» er ikke en status (gyldige verdier: "
        "Planlagt, Pågår, Gjennomført, Avlyst)",
        "Aktiviteter, rad 7, kolonne «Delmål»: «diverse» er ikke et delmål (gyldige verdier: "
        "1, 2, 3)",
        "Møter, rad 2, kolonne «Dato»: «neste uke» er ikke en dato (forventet en dato som "
        "31.12.2012, 31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012)",
    ] == lines(parsed)
    assert not parsed.ok
    assert [2, 8] == [a.row for a in parsed.activities]


def test_problems_are_in_sheet_order_even_with_spaces_in_sheet_names(parse):
    sheets = report_sheets(meetings=[meeting(day="i går")], period="2012 H3")
    data = xlsx(
        {
            "Møter ": sheets["Møter"],
            "Aktiviteter": sheets["Aktiviteter"],
            "Rapport": sheets["Rapport"],
        }
    )
    assert ["Rapport", "Møter"] == [p.sheet for p in parse(data).problems]


def test_unknown_type_is_stored_as_annet_with_a_warning(parse):
    parsed = parse(report_xlsx(activities=[activity(type_="Frokostmøte")]))
    assert parsed.ok
    assert [
        "Aktiviteter, rad 2, kolonne «Type»: «Frokostmøte» er ikke en kjent aktivitetstype og "
        f"lagres som «Annet» (kjente typer: {TYPES})"
    ] == warning_lines(parsed)
    assert ["Annet"] == [a.type for a in parsed.activities]


@pytest.mark.parametrize(
    "expected,value",
    [
        ("Konferanse", "IA-konferanse"),
        ("Nettverk", "Bransjenettverk"),
        ("Dialogmøte", "Dialogkonferanse"),
        ("Informasjon", "Mediearbeid"),
        ("Seminar", "samling"),
    ],
)
def test_long_type_names(parse, expected, value):
    parsed = parse(report_xlsx(activities=[activity(type_=value)]))
    assert ([], [expected]) == (lines(parsed), [a.type for a in parsed.activities])


@pytest.mark.parametrize(
    "value,expected",
    [
        (date(2012, 3, 1), date(2012, 3, 1)),
        (40969, date(2012, 3, 1)),
        ("1.3.2012", date(2012, 3, 1)),
        ("01.03.12", date(2012, 3, 1)),
        ("2012-03-01", date(2012, 3, 1)),
        ("01/03/2012", date(2012, 3, 1)),
    ],
)
def test_date_forms_in_a_table(parse, value, expected):
    parsed = parse(report_xlsx(activities=[activity(day=value)], meetings=[meeting(day=value)]))
    assert [] == lines(parsed)
    assert ([expected], [expected]) == (
        [a.date for a in parsed.activities],
        [m.date for m in parsed.meetings],
    )


def test_dates_outside_the_period_are_errors(parse):
    sheets = report_sheets(
        activities=[activity(day=date(2012, 6, 30)), activity(day=date(2012, 7, 1))],
        meetings=[meeting(day="31.12.2011")],
    )
    assert [
        "Aktiviteter, rad 3, kolonne «Dato»: 01.07.2012 ligger utenfor rapportperioden 2012 H1 "
        "(01.01.2012–30.06.2012)",
        "Møter, rad 2, kolonne «Dato»: 31.12.2011 ligger utenfor rapportperioden 2012 H1 "
        "(01.01.2012–30.06.2012)",
    ] == lines(parse(xlsx(sheets)))


def test_yearly_period_takes_the_whole_year(parse):
    sheets = report_sheets(
        period="2015",
        activities=[activity(day=date(2015, 1, 1)), activity(day=date(2015, 12, 31))],
        meetings=[meeting(day=date(2016, 1, 1))],
    )
    assert [
        "Møter, rad 2, kolonne «Dato»: 01.01.2016 ligger utenfor rapportperioden 2015 År "
        "(01.01.2015–31.12.2015)"
    ] == lines(parse(xlsx(sheets)))


def test_missing_required_column(parse):
    sheets = report_sheets()
    sheets["Aktiviteter"] = [
        ["Dato", "Aktivitet", "Type", "Kostnad"],
        [date(2012, 3, 1), "Kurs", "Kurs", 100],
    ]
    sheets["Møter"] = [["Møtetype", "Kommentar"], ["Rådsmøte", "ok"]]
    assert [
        "Aktiviteter, rad 1: kolonnen «Delmål» mangler (godtatte navn: Delmål, Delmal, "
        "IA-delmål, Sub-goal)",
        "Møter, rad 1: kolonnen «Dato» mangler (godtatte navn: Dato, Møtedato, Date)",
    ] == error_lines(parse(xlsx(sheets)))


def test_meeting_without_date(parse):
    parsed = parse(report_xlsx(meetings=[meeting(day=None)]))
    assert ["Møter, rad 2, kolonne «Dato»: Dato mangler"] == lines(parsed)


def test_cells_not_starting_in_column_a(parse):
    # calamine starts a sheet at its first used cell; row and column numbers stay Excel's.
    sheets = report_sheets()
    sheets["Rapport"] = [[], [], *([None, None, *row] for row in sheets["Rapport"])]
    sheets["Aktiviteter"] = [[], [], [], *([None, *row] for row in sheets["Aktiviteter"])]
    sheets["Aktiviteter"][-1][4] = "4"
    parsed = parse(xlsx(sheets))
    assert [
        "Aktiviteter, rad 6, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)"
    ] == lines(parsed)
    assert "IA-rådet i Troms" == parsed.council.name


# --- limits ----------------------------------------------------------------------------


def test_20_000_data_rows_are_accepted_and_one_more_is_not(parse):
    report = [["IA-råd", "Troms"], ["Rapportperiode", "2012 H1"], ["Innsendt", 41141]]
    report += [[f"{k}.", "svar"] for k in range(1, 6)]
    header = ["Dato", "Aktivitet", "Type", "Delmål", "Kostnad"]
    rows = [[40969, f"Aktivitet {k}", "Kurs", 1, 100] for k in range(20_000)]
    parsed = parse(large_xlsx({"Rapport": report, "Aktiviteter": [header, *rows]}))
    assert ([], 20_000, 2_000_000_00) == (
        lines(parsed),
        len(parsed.activities),
        parsed.total_cost_ore,
    )
    rows.append([40969, "Én for mye", "Kurs", 1, 100])
    parsed = parse(large_xlsx({"Rapport": report, "Aktiviteter": [header, *rows]}))
    assert [
        "Aktiviteter: arket har mer enn 20 000 rader med data (grensen er 20 000 rader per ark)"
    ] == lines(parsed)


def test_a_sheet_far_over_the_row_limit_is_refused_while_reading(parse):
    report = [["IA-råd", "Troms"], ["Rapportperiode", "2012 H1"]]
    rows = [[40969, "x", "Kurs", 1]] * 20_030
    data = large_xlsx({"Rapport": report, "Aktiviteter": [["Dato", "Aktivitet"], *rows]})
    assert [
        "Arket «Aktiviteter» har mer enn 20 000 rader med data (grensen er 20 000 rader per ark)"
    ] == lines(parse(data))


# --- the four formats ------------------------------------------------------------------


FORMATS = ["xlsx", "xlsm", "xls", "ods"]


def figures(parsed) -> dict:
    return {
        "council": parsed.council.name,
        "period": parsed.period.label,
        "submitted": parsed.submitted,
        "fields": (parsed.contact, parsed.chair, parsed.chair_organisation, parsed.action_plan),
        "answers": parsed.answers,
        "activities": [
            (a.row, a.date, a.title, a.type, sorted(a.goals), a.sector, a.participants)
            for a in parsed.activities
        ],
        "activity_details": [
            (a.cost_ore, a.status, a.organiser, a.comment) for a in parsed.activities
        ],
        "meetings": [(m.row, m.date, m.kind, m.present, m.comment) for m in parsed.meetings],
    }


@pytest.mark.parametrize("suffix", FORMATS)
def test_each_format_imports(parse, suffix):
    path = FIXTURES / f"rapport_troms_2012_H1.{suffix}"
    parsed = parse(path.read_bytes(), path.name)
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1", date(2012, 8, 30)) == (
        parsed.council.name,
        parsed.period.label,
        parsed.submitted,
    )
    # 2 700 + 23 000 + 1 250 (a formula) + 12 500,50 kr; the last one is cancelled.
    assert 3_945_050 == parsed.total_cost_ore
    assert [4, 5, 6, 8] == [a.row for a in parsed.activities]
    assert ["Dialogmøte", "Konferanse", "Seminar", "Nettverk"] == [
        a.type for a in parsed.activities
    ]
    assert [29, 94, 36, None] == [a.participants for a in parsed.activities]
    assert {1: 1, 2: 1, 3: 2} == parsed.goal_counts()
    assert [date(2012, 2, 2), date(2012, 6, 12)] == [m.date for m in parsed.meetings]


@pytest.mark.parametrize("suffix", FORMATS[1:])
def test_every_format_gives_the_same_figures(parse, suffix):
    reference = parse((FIXTURES / "rapport_troms_2012_H1.xlsx").read_bytes())
    other = parse((FIXTURES / f"rapport_troms_2012_H1.{suffix}").read_bytes(), f"r.{suffix}")
    assert figures(reference) == figures(other)


def test_format_is_read_from_the_content_not_the_name(parse):
    # An .xlsx renamed .xls (or the other way round) is still read.
    data = (FIXTURES / "rapport_troms_2012_H1.xlsx").read_bytes()
    assert [] == lines(parse(data, "rapport.xls"))
    data = (FIXTURES / "rapport_troms_2012_H1.xls").read_bytes()
    assert [] == lines(parse(data, "rapport.xlsx"))


# --- allocation workbooks --------------------------------------------------------------


def test_allocation_workbook(parse):
    rows = [
        ["IA-rådet i Troms", 2012, "350 000", date(2012, 1, 20), "Vedtak i OG"],
        ["19", "2013", 400_000, None, None],
        ["Finnmark", 2012, "kr 300.000", None, None],
    ]
    parsed = parse(allocation_xlsx(rows))
    assert ([], "tildeling") == (lines(parsed), parsed.kind)
    assert [
        (2, "IA-rådet i Troms", 2012, 35_000_000, date(2012, 1, 20), "Vedtak i OG"),
        (3, "IA-rådet i Troms", 2013, 40_000_000, None, ""),
        (4, "IA-rådet i Finnmark", 2012, 30_000_000, None, ""),
    ] == [
        (a.row, a.council.name, a.year, a.amount_ore, a.decision_date, a.note)
        for a in parsed.allocations
    ]


@pytest.mark.parametrize("sheet", ["Tildelinger", "Tildeling", "Allocations", "TILDELINGER "])
def test_allocation_sheet_names(parse, sheet):
    header = ("Council", "Year", "Tildelt")
    parsed = parse(allocation_xlsx([["Troms", 2012, 1000]], sheet=sheet, header=header))
    assert ([], [100_000]) == (lines(parsed), [a.amount_ore for a in parsed.allocations])


def test_allocation_problems(parse):
    rows = [
        ["Troms", 2012, 350_000],
        ["IA-rådet i Troms", 2012, 360_000],
        ["Lappland", 2012, 100],
        ["Finnmark", "i fjor", -5],
        ["Oslo", 2012, None],
    ]
    assert [
        "Tildelinger, rad 3, kolonne «IA-råd»: IA-rådet i Troms 2012 står også på rad 2",
        "Tildelinger, rad 4, kolonne «IA-råd»: «Lappland» er ikke et IA-råd i registeret for 2012",
        "Tildelinger, rad 5, kolonne «År»: «i fjor» er ikke et årstall",
        "Tildelinger, rad 5, kolonne «Beløp»: «-5» er negativt; et beløp må være 0 eller mer",
        "Tildelinger, rad 6, kolonne «Beløp»: Beløp mangler",
    ] == lines(parse(allocation_xlsx(rows)))


def test_allocation_sheet_without_rows(parse):
    assert ["Tildelinger: arket har ingen tildelinger"] == lines(parse(allocation_xlsx([])))


# --- the value found, for the «Funnet» column of Last opp --------------------------------


def test_each_rejected_value_is_given_as_found(parse):
    parsed = parse(
        report_xlsx(
            council="Lappland",
            submitted="31.02.2012",
            activities=[
                activity(cost="12.5.00"),
                activity(day=date(2012, 8, 1)),
                activity(goals="4"),
                activity(type_="Frokostmøte"),
            ],
        )
    )
    found = {(p.row, p.column): p.found for p in parsed.problems}
    assert "Lappland" == found[(1, "IA-råd")]
    assert "31.02.2012" == found[(3, "Innsendt dato")]
    assert "12.5.00" == found[(2, "Kostnad (kr)")]
    assert "01.08.2012" == found[(3, "Dato")]
    assert "4" == found[(4, "Delmål")]
    assert "Frokostmøte" == found[(5, "Type")]


def test_a_missing_value_has_nothing_found(parse):
    parsed = parse(report_xlsx(activities=[activity(title=None)]))
    assert [("Aktivitet mangler", "")] == [(p.message, p.found) for p in parsed.errors]


# --- the quick reading of the common row -----------------------------------------------


def test_the_quick_reading_of_a_row_gives_what_the_full_reading_gives(parse, monkeypatch):
    """Activities are read by a quick path for the common row and in full for anything
    else: over rows of every kind, both give the same activities and the same lines, and
    the quick path takes the common rows (it is not a path that is never taken)."""
    from datetime import datetime

    from ia_data.ingest import parse as reading

    long = "x" * 501
    rows = [
        activity(),
        activity(datetime(2012, 3, 2, 14, 30), "Med klokkeslett", "seminar", 2, cost=1500.25),
        activity(date(2012, 3, 3), "  Mellomrom rundt  ", " Kurs ", "alle", participants=12.0),
        activity(goals="1-3", cost="12 500 kr", participants="30"),
        activity(goals=1.0, cost=0, participants=0, status="avlyst"),
        activity(goals="2", cost=1e9, status=" Gjennomført "),
        activity(goals=True, title="Sannhetsverdi som delmål"),
        activity(cost=1e9 + 1, title="For stort beløp"),
        activity(cost=-5.0, participants=-1.0, title="Negative tall"),
        activity(participants=2.5, title="Halv deltaker"),
        activity(title="Hard\u00a0mellomrom", sector="Helse\u202fog omsorg"),
        activity(title=long, sector=long, organiser=long),
        activity(type_="Fagdag", title="Ukjent type"),
        activity(type_="   ", title="Tom type"),
        activity(goals=None, title="Uten delmål"),
        activity(goals="fire", title="Ugyldig delmål"),
        activity(status="kanskje", title="Ugyldig status"),
        activity(status=3, title="Status som tall"),
        activity(date(2011, 12, 31), "Før perioden"),
        activity("1.3.2012", "Dato som tekst"),
        activity(None, "Uten dato"),
        activity(title=None),
        activity(sector=7, organiser=None, comment="Kommentar\u00a0"),
        activity(comment="y" * 2001, title="Lang kommentar"),
        [date(2012, 3, 9), "Kort rad", "Kurs", 1],
    ]
    header = [*reading.ACTIVITY_COLUMNS["measure"][:1], "Tema"]
    extras = _measures_and_themes(len(rows) - 1)  # the short row stays short
    rows = [[*row, *extra] for row, extra in zip(rows[:-1], extras, strict=True)] + rows[-1:]
    sheets = report_sheets(activities=rows)
    sheets["Aktiviteter"][0] += header
    data = xlsx(sheets)

    quick = reading._QuickActivity.read
    taken = []

    def counted(self, number, row, known):
        activity = quick(self, number, row, known)
        taken.append(activity is not None)
        return activity

    monkeypatch.setattr(reading._QuickActivity, "read", counted)
    fast = parse(data)
    monkeypatch.setattr(reading._QuickActivity, "read", lambda *args: None)
    full = parse(data)
    assert full.activities == fast.activities
    assert lines(full) == lines(fast)
    # Ten rows are stored, nineteen problems refuse the others; five of the ten are common
    # rows the quick path read (rows 2, 3, 4, 6 and the short row 26).
    assert (10, 19, 5) == (len(full.activities), len(error_lines(full)), sum(taken))


def _measures_and_themes(count: int) -> list[list]:
    """For each row, a «Tiltak nr.» and a «Tema»: number cells, texts, empty ones, and
    (in two rows of the 25) a number that is no measure's."""
    measures = [3.0, "2.1", None, "  ", 1.5, "4.", 2]
    themes = [None, "Jobbstrategien", "  ", "Seniorer"]
    rows = [[measures[i % len(measures)], themes[i % len(themes)]] for i in range(count)]
    rows[5][0], rows[11][0] = -1.0, True
    return rows


def test_a_large_sheet_is_parsed_beside_the_scans_or_inline_when_no_thread_can_start(
    monkeypatch,
):
    """calamine parses a large sheet in a thread while the XML is scanned; where the worker's
    memory limit leaves no room for a thread, it parses inline, and the rows are the same."""
    import threading

    from ia_data.ingest.workbook import reader

    rows = [activity(title=f"Aktivitet nummer {i} med en lang nok tittel") for i in range(900)]
    data = xlsx(report_sheets(activities=rows))
    started = []
    start = threading.Thread.start

    def counted(thread):
        started.append(thread)
        return start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    beside = reader.Workbook(data, "rapport.xlsx").read_sheet("Aktiviteter")

    def refused(thread):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    inline = reader.Workbook(data, "rapport.xlsx").read_sheet("Aktiviteter")
    assert 1 == len(started)  # the large sheet's parse (the small ones parse inline)
    assert 901 == len(beside.rows)
    assert beside.rows == inline.rows
