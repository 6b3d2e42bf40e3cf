"""The structure of an .xlsx fuzzed (hypothesis): the letter case of every part name and
folder, ``\\`` for ``/``, and the form of each relationship's target (absolute, relative,
another case). calamine finds a part whatever its case, so the checks before it must too:
a workbook with a value in its very last cell is refused by those checks, in one Norwegian
line, and never gets as far as the reading worker's memory limit. A valid report under the
same changes is read as written, or refused in one line; it never stops the worker."""

# ruff: noqa: SIM300  (the expected value comes first, as in sqlite-utils' tests)

from __future__ import annotations

import io
import zipfile

import hostile
from hypothesis import given, settings
from hypothesis import strategies as st
from workbooks import report_xlsx

from ia_data.ingest import worker
from ia_data.ingest.parse import _WANTED
from ia_data.ingest.workbook import NOT_A_WORKBOOK, WorkbookError

fuzz = settings(max_examples=60, deadline=None)

PARTS = ("_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", hostile.ACTIVITIES_PART)
SHEET_TARGET = 'Target="/xl/worksheets/sheet2.xml"'


@st.composite
def recased(draw, name: str) -> str:
    """``name`` with each letter in either case, and maybe ``\\`` for its slashes."""
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    text = "".join(c.swapcase() if flip else c for c, flip in zip(name, flips, strict=True))
    return text.replace("/", "\\") if draw(st.booleans()) and draw(st.booleans()) else text


@st.composite
def structures(draw) -> tuple[dict[str, str], str]:
    """New names for some of the parts, and a new target for the «Aktiviteter» sheet."""
    renames = {}
    for part in PARTS:
        if draw(st.booleans()):
            renames[part] = draw(recased(part))
    target = draw(
        st.one_of(
            recased("/xl/worksheets/sheet2.xml"),
            recased("worksheets/sheet2.xml"),
            st.sampled_from(["./worksheets/sheet2.xml", "../xl/worksheets/sheet2.xml"]),
        )
    )
    return renames, target


def changed(data: bytes, renames: dict[str, str], target: str) -> bytes:
    return hostile.renamed_parts(data, renames, {SHEET_TARGET: f'Target="{target}"'})


def read(data: bytes):
    """The «Aktiviteter» sheet as the worker read it, or the refusal."""
    try:
        return worker.read_workbook(data, "rapport.xlsx", _WANTED).read_sheet("Aktiviteter")
    except WorkbookError as exc:
        return str(exc)


FAR_CELL = hostile.far_cell()
VALID = report_xlsx()
REFUSALS = (
    "Arket «Aktiviteter» er for stort: det brukte området går fra celle A1 til XFD1048576",
    f"{NOT_A_WORKBOOK}: arket «Aktiviteter» kan ikke kontrolleres før det leses",
    f"{NOT_A_WORKBOOK}: arket «Aktiviteter» kan ikke leses (filen er skadet)",
    f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format",
)


@fuzz
@given(structure=structures())
def test_a_far_cell_is_refused_by_the_checks_whatever_the_part_names(structure):
    answer = read(changed(FAR_CELL, *structure))
    assert isinstance(answer, str), "read a sheet of 17 billion cells"
    assert answer.startswith(REFUSALS), answer


@fuzz
@given(structure=structures())
def test_a_valid_report_is_read_or_refused_in_one_line_whatever_the_part_names(structure):
    answer = read(changed(VALID, *structure))
    if isinstance(answer, str):
        assert answer.startswith(REFUSALS[1:]), answer
    else:
        assert ("Dato", "IA-konferanse for industrien") == (answer.rows[0][0], answer.rows[1][1])


def test_the_case_of_every_part_is_found_as_calamine_finds_it():
    # The shapes the fuzzing draws from, each one at least once.
    upper = {part: part.upper() for part in PARTS}
    answer = read(changed(FAR_CELL, upper, "/XL/WORKSHEETS/SHEET2.XML"))
    assert answer.startswith(REFUSALS[0]), answer
    names = zipfile.ZipFile(io.BytesIO(changed(FAR_CELL, upper, "x"))).namelist()
    assert "XL/_RELS/WORKBOOK.XML.RELS" in names
