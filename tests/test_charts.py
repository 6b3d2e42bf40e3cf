"""The figures (``ia_data.output.charts``): each bar, cell and point carries the figure a
user reads off the tables — the kroner, the status word or sign, the share — in Norwegian
form, and a status's colour always has its text readable on it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from ia_data.domain.rules import DeadlineStatus, Status
from ia_data.output import charts


def _council(name: str, id_: int = 1):
    return SimpleNamespace(name=name, id=id_)


def _money(name: str, allocated: int | None, spent: int):
    return SimpleNamespace(
        council=_council(name),
        allocated_ore=allocated,
        spent_ore=spent,
        overspent=allocated is not None and spent > allocated,
        goals={1: 3, 2: 0, 3: 1},
    )


def test_the_money_chart_marks_overspending_by_name_sign_and_colour():
    rows = [
        _money("IA-rådet i Nordland", 40_000_000, 43_612_345),
        _money("IA-rådet i Oslo", None, 0),
    ]
    spec = charts.money_chart(rows)
    values = charts.rows_of(spec)
    nordland = [v for v in values if v["name"] == "Nordland"]
    assert [(v["pair"], v["series"], v["kr"], v["mark"]) for v in nordland] == [
        ("Tildelt", "Tildelt", 400_000.0, ""),
        ("Brukt", "Overforbruk", 436_123.45, "⚠ over"),
    ]
    assert nordland[1]["hover"] == "Nordland: brukt 436\u00a0123,45 kr"
    oslo = [v["hover"] for v in values if v["name"] == "Oslo"]
    assert oslo == ["Oslo: tildelt ingen tildeling", "Oslo: brukt 0 kr"]
    colour = spec["layer"][0]["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True))["Overforbruk"] == "#c9483f"
    assert spec["title"].startswith("Tildelt og brukt per IA-råd")
    (signs,) = [layer for layer in spec["layer"][0]["layer"] if layer["mark"] != "bar"]
    assert signs["encoding"]["text"]["field"] == "mark"  # «⚠ over» beside the red bar


def test_a_councils_years_stand_up_with_over_above_the_red_bar():
    """Råd's chart of one council: a bar pair per year, «⚠ over» above the spent bar of the
    year it spent more than its grant."""
    years = [
        SimpleNamespace(
            money=SimpleNamespace(year=y, allocated_ore=a, spent_ore=s, overspent=s > a)
        )
        for y, a, s in ((2014, 40_000_000, 35_000_000), (2015, 40_000_000, 43_725_000))
    ]
    spec = charts.council_money_chart(years)
    values = charts.rows_of(spec)
    assert [(v["name"], v["series"], v["mark"], v["hover"]) for v in values] == [
        ("2014", "Tildelt", "", "2014: tildelt 400\u00a0000 kr"),
        ("2014", "Brukt", "", "2014: brukt 350\u00a0000 kr"),
        ("2015", "Tildelt", "", "2015: tildelt 400\u00a0000 kr"),
        ("2015", "Overforbruk", "⚠ over", "2015: brukt 437\u00a0250 kr"),
    ]
    (signs,) = [layer for layer in spec["layer"][0]["layer"] if layer["mark"] != "bar"]
    assert (signs["mark"]["baseline"], signs["mark"]["dy"]) == ("bottom", -4)  # above the bar
    assert spec["layer"][0]["encoding"]["x"]["field"] == "name"  # the years along the bottom


def test_no_overspending_no_overspending_in_the_legend():
    spec = charts.money_chart([_money("IA-rådet i Troms", 40_000_000, 30_000_000)])
    colour = spec["layer"][0]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Tildelt", "Brukt"]
    assert [layer["mark"] for layer in spec["layer"][0]["layer"]] == ["bar"]  # no «⚠ over»


def test_numbers_are_written_the_norwegian_way():
    troms = _money("IA-rådet i Troms", 1, 1)
    troms.goals[1] = 1234
    spec = charts.goals_chart([troms])
    number = spec["config"]["locale"]["number"]
    assert (number["decimal"], number["thousands"], number["currency"]) == (
        ",",
        "\u00a0",
        ["", "\u00a0kr"],
    )
    assert [(v["goal"], v["n"], v["hover"]) for v in charts.rows_of(spec)] == [
        ("Delmål 1", 1234, "Troms: 1\u00a0234 aktiviteter på delmål 1"),
        ("Delmål 2", 0, "Troms: 0 aktiviteter på delmål 2"),
        ("Delmål 3", 1, "Troms: 1 aktiviteter på delmål 3"),
    ]


def _deadline_row(name, label, year, start, status, submitted=None):
    period = SimpleNamespace(
        year=year, start=start, label=label, due=date(year, 9, 1), due_is_assumption=False
    )
    return SimpleNamespace(
        council=_council(name), period=period, status=status, submitted=submitted
    )


def test_the_deadline_chart_has_a_sign_and_the_dates_in_each_cell():
    late = DeadlineStatus(Status.LATE, days_late=13)
    h1, h2 = date(2012, 1, 1), date(2012, 7, 1)
    rows = [
        _deadline_row("IA-rådet i Troms", "2012 H2", 2012, h2, late, date(2012, 9, 14)),
        _deadline_row("IA-rådet i Troms", "2012 H1", 2012, h1, DeadlineStatus(Status.MISSING)),
        _deadline_row("IA-rådet i Oslo", "2012 H1", 2012, h1, DeadlineStatus(Status.ON_TIME)),
    ]
    spec = charts.deadline_chart(rows)
    cells = {(v["name"], v["column"]): v for v in charts.rows_of(spec)}
    assert cells["Troms", "2012 H2"]["text"] == "+13"
    assert cells["Troms", "2012 H2"]["Status"] == "Levert for sent (+13 dager)"
    assert (cells["Troms", "2012 H2"]["Frist"], cells["Troms", "2012 H2"]["Innsendt"]) == (
        "01.09.2012",
        "14.09.2012",
    )
    assert cells["Troms", "2012 H1"]["text"] == "✗"
    assert cells["Troms", "2012 H1"]["Innsendt"] == "–"
    assert cells["Oslo", "2012 H1"]["fill"] == charts.STATUS_COLOURS[Status.ON_TIME]
    # Columns in time order, rows in the councils' order.
    cells = spec["layer"][0]["layer"][0]["encoding"]
    assert (cells["x"]["sort"], cells["y"]["sort"]) == (["2012 H1", "2012 H2"], ["Troms", "Oslo"])


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        def channel(pair: str) -> float:
            c = int(pair, 16) / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "fill",
    [*charts.STATUS_COLOURS.values(), *(charts._share_colour(p) for p in (0, 100, 100.01, 120))],
)
def test_a_cells_text_stands_out_from_its_colour(fill):
    """WCAG 2's 4.5:1 for the text in a cell on the colours of the statuses and shares,
    and the better of black and white."""
    text = charts.ink(fill)
    other = "#ffffff" if text == "#000000" else "#000000"
    assert _contrast(text, fill) >= max(_contrast(other, fill), 4.5)


def test_the_share_used_is_blue_up_to_100_percent_and_red_above():
    rows = [
        SimpleNamespace(council=_council("IA-rådet i Nordland"), year=2015, share_used=1.09),
        SimpleNamespace(council=_council("IA-rådet i Oslo"), year=2015, share_used=0.8),
        SimpleNamespace(council=_council("IA-rådet i Troms"), year=2015, share_used=None),
    ]
    spec = charts.share_used_chart(rows)
    cells = {v["name"]: v for v in charts.rows_of(spec)}
    assert set(cells) == {"Nordland", "Oslo"}  # no grant, no share: an empty cell
    rows_shown = spec["layer"][0]["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert rows_shown == ["Nordland", "Oslo", "Troms"]  # … in a row of its own all the same
    assert (cells["Nordland"]["text"], cells["Oslo"]["text"]) == ("109 %", "80 %")
    assert cells["Nordland"]["hover"] == "Nordland, 2015: 109,0 % av tildelingen brukt"
    red, green, blue = (int(cells["Nordland"]["fill"][i : i + 2], 16) for i in (1, 3, 5))
    assert red > green and red > blue
    red, green, blue = (int(cells["Oslo"]["fill"][i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red


def test_a_long_name_is_cut_and_kept_as_text():
    name = "<b>" + "x" * 200
    spec = charts.breakdown_chart([SimpleNamespace(key=name, goals={1: 1, 2: 0, 3: 0})], name)
    assert {v["name"] for v in charts.rows_of(spec)} == {"<b>" + "x" * 96 + "…"}
    assert spec["title"] == "<b>" + "x" * 96 + "…"


def test_the_sickness_chart_reads_its_values_at_the_points():
    """The counties' lines and the country's dashed grey one; a value is read at a point
    (a line is one mark), the country's points unseen."""
    county = SimpleNamespace(
        county="Troms",
        points=[(2014, None, 6.7), (2015, None, None), (2016, None, 6.5)],
        national=[(2014, None, 5.5), (2016, None, 5.4)],
    )
    spec = charts.council_sickness_chart([county], "Sykefravær: IA-rådet i Troms")
    assert [(v["series"], v["year"], v["hover"]) for v in charts.rows_of(spec)] == [
        ("Troms", 2014, "Troms 2014: 6,7 %"),
        ("Troms", 2016, "Troms 2016: 6,5 %"),
        ("Hele landet", 2014, "Hele landet 2014: 5,5 %"),
        ("Hele landet", 2016, "Hele landet 2016: 5,4 %"),
    ]
    line, points = spec["layer"][0]["layer"]
    assert "tooltip" not in line["encoding"] and points["encoding"]["tooltip"]["field"] == "hover"
    dashes = spec["layer"][0]["encoding"]["strokeDash"]["scale"]
    assert dict(zip(dashes["domain"], dashes["range"], strict=True))["Hele landet"] == [6, 4]


def test_the_scatter_names_each_council_at_its_point():
    points = [
        SimpleNamespace(council="IA-rådet i Agder", county="Aust-Agder", sickness=5.9, goal_1=12),
        SimpleNamespace(council="IA-rådet i Agder", county="Vest-Agder", sickness=5.8, goal_1=1234),
        SimpleNamespace(council="IA-rådet i Oslo", county="Oslo", sickness=4.7, goal_1=11),
        SimpleNamespace(council="IA-rådet i Troms", county="Troms", sickness=None, goal_1=3),
    ]
    spec = charts.sickness_activity_chart(points, "IA-rådene etter sykefravær, 2012")
    rows = {v["name"]: v for v in charts.rows_of(spec)}
    assert set(rows) == {"Agder (Aust-Agder)", "Agder (Vest-Agder)", "Oslo"}  # no figure: left out
    assert rows["Agder (Vest-Agder)"]["hover"] == (
        "Agder (Vest-Agder): sykefravær 5,8 %, 1\u00a0234 aktiviteter på delmål 1"
    )
    # Neighbours by sickness absence take turns above and below their points.
    assert [rows[n]["above"] for n in ("Oslo", "Agder (Vest-Agder)", "Agder (Aust-Agder)")] == [
        True,
        False,
        True,
    ]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == pytest.approx([4.6, 6.0])
