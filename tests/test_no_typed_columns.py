"""No page types a column's name: every column is declared once (``reporting.columns``,
``reporting.tables``, ``reporting.record_tables``), and a page refers to it by its
constant — so a renamed column cannot silently lose its format, width, help or flags on a
page that still says the old name.

A page's words — the texts of its ``TEXT`` dict, its title, headings and tiles — may be the
same word as a column («Aktiviteter»); its code may not."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ia_data.reporting import columns, record_tables, tables
from ia_data.reporting.table import Column

VIEWS = sorted((Path(__file__).parent.parent / "views").glob("*.py"))


def _declared() -> dict[str, str]:
    """Every name, screen header and short name of a declared column → its constant."""
    found: dict[str, str] = {}
    for module in (columns, tables, record_tables):
        for attribute, value in vars(module).items():
            items = value.values() if isinstance(value, dict) else value
            if isinstance(value, Column):
                items = [value]
            elif not isinstance(value, dict | list | tuple):
                continue
            for column in items:
                if isinstance(column, Column):
                    for text in (column.name, column.label, column.short):
                        if text:
                            found.setdefault(text, f"{module.__name__}.{attribute}")
    return found


DECLARED = _declared()


def _words(tree: ast.Module) -> set[int]:
    """The ids of the nodes that are words, not code: docstrings, and the texts of the
    page's ``TEXT`` dict (a list in it is code: a table's columns, say)."""
    found = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["TEXT"]
            and isinstance(node.value, ast.Dict)
        ):
            found |= {id(v) for v in node.value.values if isinstance(v, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _typed_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _words(tree)
    typed = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and node.value in DECLARED
    ]
    typed.sort(key=lambda node: (node.lineno, node.col_offset))
    return [f"{path.name}:{n.lineno}: «{n.value}» ({DECLARED[n.value]})" for n in typed]


def test_the_columns_are_found():
    assert DECLARED["Tildelt (kr)"] == "ia_data.reporting.columns.ALLOCATED"
    assert {"Delmål 1", "D1", "Tildelt", "Alle delmål", "Nr."} <= set(DECLARED)
    assert len(VIEWS) >= 10


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_no_page_types_a_column_name(path):
    assert _typed_names(path) == []


def test_the_check_finds_a_typed_name(tmp_path):
    page = tmp_path / "side.py"
    page.write_text(
        '"""A page that says «Møter» in its docstring."""\n'
        'TEXT = {"title": "Aktiviteter", "columns": ["Fil", "Feil"]}\n'
        'flags = {"Møter": None, "D2": None}\n'
        'st.metric("Brukt", 1)\n',
        encoding="utf-8",
    )
    assert [line.split(" (")[0] for line in _typed_names(page)] == [
        "side.py:2: «Fil»",
        "side.py:2: «Feil»",
        "side.py:3: «Møter»",
        "side.py:3: «D2»",
        "side.py:4: «Brukt»",
    ]
