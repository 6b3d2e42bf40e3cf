"""Build action plan workbooks (``Handlingsplan``) in memory for the plan tests: the
council, year and adoption date as labels above the table, one row per measure.

    data = xlsx(plan_sheets(measures=[measure(number=1, planned="mars")]))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

PLAN_HEADER = ("Nr.", "Mål", "Delmål", "Tiltak", "Når", "Ansvarlig", "Budsjett (kr)")


def measure(
    number=1,
    goal="Lavere sykefravær i helse og omsorg",
    goals="1",
    text="Bransjenettverk for sykehjemmene",
    planned="mars",
    responsible="NAV, KS",
    budget=50000,
) -> list:
    """One row of ``Handlingsplan`` in the order of ``PLAN_HEADER``."""
    return [number, goal, goals, text, planned, responsible, budget]


MEASURES = (
    measure(),
    measure(2, "Flere med nedsatt funksjonsevne i arbeid", "2", "Jobbmesse", "2. kvartal",
            "NHO og LO", "20 000 kr"),
    measure(3, "Seniorer står lenger i arbeid", "3", "Seniorseminar", "15.10.2015", "Virke",
            None),
)  # fmt: skip


def plan_sheets(
    council="Troms",
    year=2015,
    adopted=date(2015, 2, 3),
    measures: Sequence[Sequence] = MEASURES,
) -> dict[str, list[list]]:
    """A valid plan workbook as sheets: a title, the labels, a blank row, the table."""
    labels = [["IA-råd:", council], ["År", year], ["Vedtatt", adopted]]
    rows = [["Handlingsplan for IA-rådet"], [], *[r for r in labels if r[1] is not None], []]
    return {"Handlingsplan": [*rows, list(PLAN_HEADER), *map(list, measures)]}


def tied_report_sheets(numbers: Sequence, period="2015", **fields) -> dict[str, list[list]]:
    """A valid report for IA-rådet i Troms whose activities (one per number, dated through
    the year) carry the column «Tiltak nr.»; ``None`` leaves an activity outside the plan.
    A status may follow a number: ``(1, "Planlagt")``."""
    from workbooks import ACTIVITY_HEADER, activity, meeting, report_sheets

    rows = []
    for i, number in enumerate(numbers):
        number, status = number if isinstance(number, tuple) else (number, "Gjennomført")
        day = date(2015, 1 + i % 12, 10)
        rows.append(
            [*activity(day, f"Aktivitet {i + 1}", cost=1000 * (i + 1), status=status), number]
        )
    sheets = report_sheets(
        period=period, activities=[], meetings=[meeting(date(2015, 4, 20))], **fields
    )
    sheets["Aktiviteter"] = [[*ACTIVITY_HEADER, "Tiltak nr."], *rows]
    return sheets


def themed_report_sheets(themes: Sequence, year=2015, half=1, **fields) -> dict[str, list[list]]:
    """A valid report for IA-rådet i Troms for ``year`` (before 2015: its ``half``) whose
    activities (one per theme text, 1 000 kr, 2 000 kr, …) carry the column «Tema»; a
    theme text may come with a status: ``("Unge", "Avlyst")``."""
    from workbooks import ACTIVITY_HEADER, activity, meeting, report_sheets

    second = half == 2 and year < 2015  # July–December, sent in after the year
    if second:
        fields.setdefault("submitted", date(year + 1, 1, 20))
    rows = []
    for i, theme in enumerate(themes):
        theme, status = theme if isinstance(theme, tuple) else (theme, "Gjennomført")
        day = date(year, 1 + i % 6 + 6 * second, 10)
        rows.append([*activity(day, f"Aktivitet {i + 1}", cost=1000 * (i + 1), status=status),
                     theme])  # fmt: skip
    period = f"{year} H{half}" if year < 2015 else str(year)
    sheets = report_sheets(
        period=period, activities=[], meetings=[meeting(date(year, 4 + 6 * second, 20))], **fields
    )
    sheets["Aktiviteter"] = [[*ACTIVITY_HEADER, "Tema"], *rows]
    return sheets
