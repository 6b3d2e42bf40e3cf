"""Every table a page shows and every export, on the sample data, compared with the files
in ``tests/golden/`` that the code wrote before the library was regrouped into layers: a
restructuring that changes a single figure, a column or a format fails here.

The tables are compared value by value, with their types (kroner as øre, shares, dates);
the CSV files byte by byte; the XLSX files cell by cell — value, number format, font, fill
and alignment — except the time an extract was made and the upload times, which differ
with every seeding. ``IA_GOLDEN_WRITE=1 uv run pytest tests/test_golden.py`` writes the
files anew (only when a change of figures is intended).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from ia_data.domain.access import OPERATOR
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report
from ia_data.output.exports import (
    activities_export,
    deadlines_export,
    overview_export,
    table_export,
)
from ia_data.reporting.activities import (
    activity_breakdown,
    activity_list,
    activity_types,
    meeting_list,
    spend_by_type,
)
from ia_data.reporting.council import council_history
from ia_data.reporting.council_tables import (
    council_answers_table,
    council_reports_table,
    council_years_table,
)
from ia_data.reporting.deadlines import data_years, deadlines, falling_due, missing_reports
from ia_data.reporting.money import allocation_history, money
from ia_data.reporting.money_tables import (
    allocations_table,
    money_table,
    money_trend_table,
    spend_by_type_table,
)
from ia_data.reporting.overview import overview
from ia_data.reporting.table import Kroner, Percent, Table
from ia_data.reporting.tables import (
    activities_table,
    breakdown_table,
    deadline_matrix_table,
    deadlines_table,
    falling_due_table,
    goal_coverage_table,
    meetings_table,
    missing_table,
    overview_table,
)
from ia_data.storage import db
from ia_data.storage.register import councils

GOLDEN = Path(__file__).parent / "golden"
AS_OF = date(2016, 6, 1)
NOW = datetime(2016, 6, 1, 12, 0)
WRITE = os.environ.get("IA_GOLDEN_WRITE") == "1"


def _tables(session, rules) -> dict[str, Table]:
    """Each page's tables, built as the page builds them."""
    tables: dict[str, Table] = {}
    infos = councils(session)
    years = data_years(session, rules, scope=OPERATOR)
    for year in years:
        for goal in (None, 1, 2, 3):
            rows = overview(session, year, AS_OF, rules, None, goal, scope=OPERATOR)
            tables[f"oversikt-{year}-delmal{goal or 0}"] = overview_table(rows, rules.periods(year))
        rows = overview(session, year, AS_OF, rules, scope=OPERATOR)
        tables[f"aktiviteter-dekning-{year}"] = goal_coverage_table(rows)
        for by in ("type", "sector", "goal"):
            breakdown = activity_breakdown(session, year, by, scope=OPERATOR)
            tables[f"aktiviteter-{by}-{year}"] = breakdown_table(breakdown, by, by)
        activities, _ = activity_list(session, year=year, scope=OPERATOR)
        tables[f"aktiviteter-liste-{year}"] = activities_table(activities)
        tables[f"okonomi-{year}"] = money_table(money(session, rules, [year], scope=OPERATOR))
        spend = spend_by_type(session, year, scope=OPERATOR)
        types = activity_types({s.type for s in spend})
        tables[f"okonomi-type-{year}"] = spend_by_type_table(spend, infos, types)
        rows = deadlines(session, rules, AS_OF, [year], scope=OPERATOR)
        tables[f"frister-matrise-{year}"] = deadline_matrix_table(rows)
        tables[f"frister-mangler-{year}"] = missing_table(missing_reports(rows))
        tables[f"frister-forfaller-{year}"] = falling_due_table(
            falling_due(rows, date(year, 2, 15), 30), date(year, 2, 15)
        )
        tables[f"frister-alle-{year}"] = deadlines_table(rows)
    history = money(session, rules, scope=OPERATOR)
    tables["okonomi-utvikling"] = money_trend_table(history)
    tables["okonomi-alle-ar"] = money_table(history, title="Økonomi alle år")
    tables["okonomi-vedtak"] = allocations_table(allocation_history(session, scope=OPERATOR))
    for council in infos:
        found = council_history(session, rules, council.id, AS_OF, scope=OPERATOR)
        key = f"rad-{council.id}"
        tables[f"{key}-rapporter"] = council_reports_table(found.periods)
        tables[f"{key}-svar"] = council_answers_table(found.periods, QUESTIONS)
        tables[f"{key}-ar"] = council_years_table(found.years)
        activities, _ = activity_list(session, council_ids=[council.id], scope=OPERATOR)
        tables[f"{key}-aktiviteter"] = activities_table(activities)
        meetings = meeting_list(session, council_ids=[council.id], scope=OPERATOR)
        tables[f"{key}-moter"] = meetings_table(meetings, {council.id: council.name})
    return tables


def _files(session, rules) -> dict[str, bytes]:
    """Every export the CLI and the download buttons write."""
    files: dict[str, bytes] = {}
    for year in data_years(session, rules, scope=OPERATOR):
        for fmt in ("csv", "xlsx"):
            files[f"oversikt-{year}.{fmt}"] = overview_export(
                session, year, AS_OF, rules, fmt, now=NOW, scope=OPERATOR
            )
            files[f"aktiviteter-{year}.{fmt}"] = activities_export(
                session, year, fmt, now=NOW, scope=OPERATOR, rules=rules
            )
        files[f"oversikt-{year}-delmal2-rad1-9.xlsx"] = overview_export(
            session, year, AS_OF, rules, "xlsx", [1, 9], 2, now=NOW, scope=OPERATOR
        )
        files[f"samlet-{year}.xlsx"] = compiled_report(
            session, rules, year, AS_OF, now=NOW, scope=OPERATOR
        )
    for fmt in ("csv", "xlsx"):
        files[f"frister.{fmt}"] = deadlines_export(
            session, rules, AS_OF, fmt, now=NOW, scope=OPERATOR
        )
        files[f"aktiviteter.{fmt}"] = activities_export(
            session, None, fmt, now=NOW, scope=OPERATOR, rules=rules
        )
        table = money_table(money(session, rules, scope=OPERATOR), title="Økonomi alle år")
        files[f"okonomi.{fmt}"] = table_export(
            session,
            table,
            fmt,
            title="Økonomi alle år",
            filters=[("IA-råd", "alle")],
            upload_ids=[1, 2, 3],
            now=NOW,
            scope=OPERATOR,
            rules=rules,
        )
    return files


def _value(value):
    if isinstance(value, Kroner):
        return {"kr": value.ore}
    if isinstance(value, Percent):
        return {"pct": round(value.share, 12)}
    if isinstance(value, datetime):  # only upload times, which every seeding makes anew
        return "<tid>"
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, float):
        return {"float": round(value, 9)}
    return value


def _table_json(table: Table) -> dict:
    return {
        "title": table.title,
        "columns": [c.name for c in table.columns],
        "rows": [[_value(v) for v in row] for row in table.rows],
    }


_UPLOAD_TIME = re.compile(r"lastet opp \d\d\.\d\d\.\d{4} \d\d:\d\d")


def _colour(colour) -> str | None:
    if colour is None:
        return None
    return colour.rgb if isinstance(colour.rgb, str) else f"theme {colour.theme}"


def _style(cell, seen: dict) -> list:
    """A cell's number format, font, fill and alignment as compared; worked out once per
    style the workbook has (reading them through openpyxl's proxies is most of the time
    this test takes)."""
    key = tuple(cell._style)
    if key not in seen:
        font, fill, alignment = cell.font, cell.fill, cell.alignment
        seen[key] = [
            cell.number_format,
            [font.b, font.i, font.name, _colour(font.color)],
            _colour(fill.fgColor) if fill.fill_type else None,
            [alignment.horizontal, alignment.wrap_text],
        ]
    return seen[key]


def _xlsx_json(data: bytes) -> dict:
    """Every cell of every sheet: value, number format, font, fill and alignment."""
    book = load_workbook(io.BytesIO(data))
    sheets, styles = {}, {}
    for sheet in book.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                value = cell.value
                if isinstance(value, str):
                    value = _UPLOAD_TIME.sub("lastet opp <tid>", value)
                if sheet.title == "Om uttrekket" and sheet.cell(cell.row, 1).value == "Laget":
                    value = "<tid>" if cell.column == 2 else value
                cells.append([cell.coordinate, _value(value), *_style(cell, styles)])
        sheets[sheet.title] = {
            "cells": cells,
            "freeze": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
            "widths": {k: v.width for k, v in sorted(sheet.column_dimensions.items())},
        }
    return sheets


def _normalised(name: str, data: bytes):
    return _xlsx_json(data) if name.endswith(".xlsx") else data.decode("utf-8")


def _write(path: Path, content: dict) -> None:
    text = json.dumps(content, ensure_ascii=False, indent=0, sort_keys=True)
    path.write_bytes(gzip.compress(text.encode(), mtime=0))


def _read(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()))


@pytest.fixture(scope="module")
def built(seeded_url):
    rules = load_rules(DEFAULT_RULES_FILE)
    with Session(db.get_engine(seeded_url)) as session:
        tables = {name: _table_json(t) for name, t in _tables(session, rules).items()}
        files = {name: _normalised(name, data) for name, data in _files(session, rules).items()}
    return tables, files


def test_every_page_table_is_as_before(built):
    tables, _ = built
    path = GOLDEN / "tables.json.gz"
    if WRITE:
        GOLDEN.mkdir(exist_ok=True)
        _write(path, tables)
    before = _read(path)
    assert sorted(before) == sorted(tables)
    for name in before:
        assert before[name] == json.loads(json.dumps(tables[name])), name


def test_every_export_is_as_before(built):
    _, files = built
    path = GOLDEN / "files.json.gz"
    if WRITE:
        _write(path, files)
    before = _read(path)
    assert sorted(before) == sorted(files)
    for name in before:
        assert before[name] == json.loads(json.dumps(files[name])), name
