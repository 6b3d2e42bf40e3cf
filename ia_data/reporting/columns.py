"""Every column a table shows, declared once: its name (the header of every export), its
kind (which decides how the screen, CSV and XLSX write it) and how a page shows it. Tables
that show the same figure share the column (``tables`` builds them); a page refers to a
column by these constants, never by its name (``tests/test_no_typed_columns.py``)."""

from __future__ import annotations

from ia_data.reporting.table import Column, Kind

NOT_GIVEN = "(ikke oppgitt)"  # a report that does not say whether there is an action plan


def _zero(value) -> bool:
    return value == 0


def _above_zero(value) -> bool:
    return value > 0


def _negative(amount) -> bool:
    return amount.ore < 0


def _action_plan_missing(value) -> bool:
    """«Nei», or a report that does not say (the 2012 letter requires an action plan)."""
    return value is False or value == NOT_GIVEN


# --- the council and its year ------------------------------------------------------------
# The council's column: wide enough for its name, and in view while a table scrolls sideways.
COUNCIL = Column("IA-råd", width=190, compact_width=114, pinned=True)
COUNCILS = Column("IA-råd", Kind.COUNT)  # how many councils (a year's line of the trend)
COUNTIES = Column("Fylker", width=170)  # a council of two counties whole
YEAR = Column("År", Kind.CODE, width=48)
PERIOD = Column("Periode")

# --- money -------------------------------------------------------------------------------
ALLOCATED = Column("Tildelt (kr)", Kind.MONEY, short="Tildelt", width=92, compact_width=80)
ALLOCATION = Column("Tildeling", width=104)  # «vedtak», «regel» or «regel (antatt)»
DECISION_DATE = Column("Vedtaksdato", Kind.DATE)
SPENT = Column("Brukt (kr)", Kind.MONEY, short="Brukt", width=105, compact_width=96)
REMAINING = Column(
    "Gjenstår (kr)", Kind.MONEY, width=130, attention=_negative, flagged=True
)  # negative: more spent than allocated, flagged wherever it shows
SHARE_USED = Column(
    "Forbruk (%)",
    Kind.PERCENT,
    short="Forbruk",
    help="Brukt som andel av tildelt",
    compact_width=76,
)
OVERSPENT = Column("Overforbruk", Kind.YES_NO, attention=lambda spent_more: spent_more is True)
COUNCILS_OVERSPENT = Column("Råd med overforbruk", Kind.COUNT)
AMOUNT = Column("Beløp (kr)", Kind.MONEY)
COST = Column("Kostnad (kr)", Kind.MONEY)
TOTAL = Column("Sum (kr)", Kind.MONEY)
NOTE = Column("Merknad", width=280)  # a short remark whole

# --- activities and sub-goals ------------------------------------------------------------
ACTIVITIES = Column(
    "Aktiviteter",
    Kind.COUNT,
    short="Akt.",
    help="Aktiviteter (ikke avlyste)",
    width=78,
    compact_width=44,
)
GOALS = {
    k: Column(
        f"Delmål {k}",
        Kind.COUNT,
        short=f"D{k}",
        goal=k,
        width=66,
        compact_width=44,
        attention=_zero,
    )
    for k in (1, 2, 3)
}  # none on a sub-goal: every council is expected to have activities on all three
ALL_GOALS = Column(
    "Alle delmål dekket",
    Kind.YES_NO,
    label="Alle delmål",
    help="Aktivitet på alle tre delmål",
    width=108,
    attention=lambda covered: covered is False,
)
MISSING_GOALS = Column("Mangler delmål")
MEETINGS = Column("Møter", Kind.COUNT, width=92, compact_width=54)
ACTION_PLAN = Column(
    "Handlingsplan",
    Kind.DATE,
    short="Handl.plan",
    compact_width=92,
    attention=_action_plan_missing,
    words=lambda _: "mangler",
)  # its date, or Ja/Nei, or «(ikke oppgitt)»
DATE = Column("Dato", Kind.DATE)
ACTIVITY = Column("Aktivitet", width=320)
TYPE = Column("Type")
GOALS_TAGGED = Column("Delmål")  # «1, 3»; a breakdown's sub-goal
SECTOR = Column("Bransje/sektor")
PARTICIPANTS = Column("Deltakere", Kind.COUNT)
ACTIVITY_STATUS = Column("Status")  # Gjennomført, Avlyst: not a deadline status
ORGANISER = Column("Ansvarlig")
COMMENT = Column("Kommentar")
CANCELLED = Column("Avlyst", Kind.COUNT)
# An action plan's measures (issue 25)
MEASURE_NO = Column("Tiltak nr.", width=70)  # as the plan writes it: «3», «2.1», «A3»
PLAN_GOAL = Column("Mål", width=240)
PLAN_MEASURE = Column("Tiltak", width=280)
PLANNED = Column("Planlagt", width=120)  # «mars 2015», «2. kvartal 2015», «15.10.2015»
RESPONSIBLE = Column("Ansvarlig part")
BUDGET = Column("Budsjett (kr)", Kind.MONEY)
TIED_ACTIVITIES = Column("Aktiviteter under tiltaket", Kind.COUNT)
MEASURE_DONE = Column(
    "Gjennomført",
    Kind.YES_NO,
    help="Ja: minst én aktivitet under tiltaket har status «Gjennomført».",
)
MEASURE_OVERDUE = Column(
    "Forfalt uten aktivitet",
    Kind.YES_NO,
    help="Ja: tiden tiltaket var planlagt til, er passert, og ingen aktivitet (utenom avlyste) "
    "er rapportert under det.",
    attention=lambda overdue: overdue is True,
)
THEME = Column("Tema", width=300)  # a priority theme, in the letter's words
THEME_ACTIVITIES = Column(
    "Aktiviteter",
    Kind.COUNT,
    help="Aktiviteter som nevner temaet i kolonnen «Tema» (avlyste teller ikke; en aktivitet "
    "med to temaer telles under begge).",
)
OVERDUE_COUNT = Column("Tiltak forfalt uten aktivitet", Kind.COUNT)
SPENT_ON_MEASURES = Column("Brukt på tiltakene (kr)", Kind.MONEY)
OUTSIDE_COUNT = Column(
    "Aktiviteter utenfor planen",
    Kind.COUNT,
    help="Aktiviteter (også avlyste) uten tiltaksnummer, med et nummer planen ikke har, eller "
    "under et tiltak en tidligere versjon av planen hadde.",
)
PLAN_PLACE = Column("Hvorfor utenfor", width=200)  # «utenfor planen» or «tiltak ikke lenger …»
MEASURES_DONE = Column(
    "Tiltak gjennomført",
    width=110,
    compact_width=130,
    help="Tiltak med gjennomført aktivitet: hvor mange av tiltakene i rådets handlingsplan "
    "for året som har minst én aktivitet med status «Gjennomført» (for eksempel «5 av 8»). "
    "«ingen plan»: rådet har ikke lastet opp en handlingsplan for året.",
)
COUNCILS_ACTIVE = Column("IA-råd med aktivitet", Kind.COUNT)
MEETING_KIND = Column("Møtetype")
PRESENT = Column("Deltakende parter")
GOAL_1_ACTIVITIES = Column("Aktiviteter, delmål 1", Kind.COUNT)
GOAL_1_SPENT = Column("Brukt, delmål 1 (kr)", Kind.MONEY)

# --- sickness absence --------------------------------------------------------------------
SICKNESS = Column("Sykefravær (%)", Kind.PERCENT, short="Sykefr.", width=110, compact_width=64)
SICKNESS_CHANGE = Column(
    "Endring sykefravær (prosentpoeng)",
    Kind.NUMBER,
    label="Endring (pp)",
    decimals=1,
    width=96,
)
QUARTER = Column("Kvartal")
NATIONAL = Column("Hele landet (%)", Kind.PERCENT)

# --- reports and deadlines ---------------------------------------------------------------
STATUS = Column("Status", Kind.STATUS, width=190)  # «Status H1» for a period
DUE = Column("Frist", Kind.DATE, width=88)
SUBMITTED = Column("Innsendt", Kind.DATE, width=88)
DUE_ASSUMED = Column("Frist antatt", Kind.YES_NO)  # the letters give no due date
DAYS_OVERDUE = Column("Dager over frist", Kind.COUNT, attention=_above_zero)
DAYS_TO_DUE = Column("Dager til frist", Kind.COUNT)
RECEIVED = Column("Mottatt", Kind.DATE, width=120)  # the receipt the server stamped
RECEIPT = Column("Kvittering", width=230)  # «registrert av appen» or «oppgitt, ikke …»
GIVEN_IN_REPORT = Column("Innsendt (oppgitt i rapporten)", Kind.DATE)
REVIEW = Column("Gjennomgang", width=190)  # the review state (``ReviewState``)
REVIEW_ACTION = Column("Hendelse")
REVIEW_SINCE = Column("Siden", Kind.DATE)
APPROVED_UPLOAD = Column("Godkjent opplasting nr.", Kind.CODE)
REASON = Column("Begrunnelse / kommentar", width=360)
POINTS_TO = Column("Gjelder (ark, rad, spørsmål)")
REVIEWED_BY = Column("Av")
DAYS_WAITING = Column("Dager på vent", Kind.COUNT, width=100)  # since the version came
FORWARDED_AT = Column("Sendt", Kind.DATE)  # to the oversight group
FORWARDED_BY = Column("Sendt av")
CHECKSUM = Column("Sjekksum (SHA-256)", width=200)
CHAIR = Column("Leder")
CHAIR_ORGANISATION = Column("Leders organisasjon")
CONTACT = Column("Kontaktperson")
QUESTION = Column("Spørsmål")

# --- the e-mail notices' outbox ------------------------------------------------------------
NOTICE_ID = Column("Varsel nr.", Kind.CODE)
NOTICE_KIND = Column("Type", width=140)  # ``NoticeKind``
NOTICE_STATE = Column(
    "Tilstand", width=90, attention=lambda state: state in ("Feilet", "Utløpt")
)  # ``OutboxState``
RECIPIENT = Column("Mottaker", width=220)
SUBJECT = Column("Emne", width=360)
ATTEMPTS = Column("Forsøk", Kind.COUNT)
CREATED_AT = Column("Lagt i utboksen", Kind.DATE)
LAST_ATTEMPT = Column("Siste forsøk", Kind.DATE)
SENT_AT = Column("Sendt", Kind.DATE)
MAIL_ERROR = Column("Feil fra e-posttjeneren", width=300)

# --- uploads, files and what a file changes ----------------------------------------------
UPLOAD_ID = Column("Opplasting nr.", Kind.CODE)
UPLOADED_AT = Column("Lastet opp", Kind.DATE)
FILE = Column("Fil", width=260)
UPLOADER = Column("Innsendt av")
ACTIVE = Column("Aktiv", Kind.YES_NO)
WARNINGS = Column("Advarsler", Kind.COUNT)
ERRORS = Column("Feil", Kind.COUNT, attention=_above_zero)
RESULT = Column("Resultat")
RESTORED_AT = Column("Gjenopprettet", Kind.DATE)
RESTORED_BY = Column("Gjenopprettet av")
ROW_IN_FILE = Column("Rad i filen", Kind.CODE)
SHEET = Column("Ark", width=95)
ROW = Column("Rad", Kind.CODE, width=50)  # as Excel numbers it
SHEET_COLUMN = Column("Kolonne", width=115)
FOUND = Column("Funnet", width=100)
MESSAGE = Column("Forventet / melding", width=540)
FIGURE = Column("")  # what is counted, in a before-and-after table
BEFORE = Column("Før", Kind.COUNT)
AFTER = Column("Etter", Kind.COUNT)
DIFFERENCE = Column("Endring", Kind.COUNT)
CHANGE = Column("Endring")  # what happened: Ny, Fjernet, Endret; an access change
WHAT_CHANGED = Column("Hva er endret")

# --- access, register, statistics --------------------------------------------------------
EMAIL = Column("E-post")
NAME = Column("Navn")
ROLE = Column("Rolle")
SECRETARIAT_FOR = Column("Sekretariat for")
CHANGED_AT = Column("Endret", Kind.DATE)
CHANGED_BY = Column("Endret av")
WHEN = Column("Tidspunkt", Kind.DATE)
# The register's years, written as years (2017, never «2 017»), on the page and in the files.
FROM_YEAR = Column("Fra år", Kind.CODE)
TO_YEAR = Column("Til år", Kind.CODE)
SECRETARIAT = Column("Sekretariat")
ALIASES = Column("Andre navn")
LOADED_AT = Column("Tatt i bruk", Kind.DATE)
LOADED_BY = Column("Av")
CHANGES = Column("Endringer")
SERIES = Column("Serie")
SERIES_KEY = Column("Nøkkel")
MEASURE = Column("Mål")
SOURCE = Column("Kilde")
PERIODS = Column("Perioder")
COUNTY_COUNT = Column("Fylker", Kind.COUNT)
VALUES = Column("Verdier", Kind.COUNT)
FORM = Column("Form")
SERIES_LOADED_AT = Column("Lastet inn", Kind.DATE)
SERIES_LOADED_BY = Column("Lastet inn av")

# --- what needs attention («Avvik») --------------------------------------------------------
DEVIATION = Column("Avvik", width=210)  # a ``DeviationKind``
DEVIATION_DETAIL = Column("Hva", width=420)
DAYS = Column("Dager", Kind.COUNT, width=64)  # late, overdue, sent back or waiting
AMOUNT_OVER = Column("Brukt for mye (kr)", Kind.MONEY, width=120)
