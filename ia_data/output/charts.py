"""The pages' figures as Vega-Lite specifications (plain dicts, drawn by
``st.vega_lite_chart``): Norwegian number separators, council names readable on the axis,
and the status colours of the tables (always with the status word or sign as well).

Vega-Lite, not Plotly: Plotly's 4.7 MB script is evaluated in one long task of the browser
before anything else on the page is drawn; Vega-Lite's is smaller and drawn in parts (see
the README's «Hastighet»). Each figure's ``title`` is taken out and shown as text above it
(``ui.display.chart``). Vega draws every text as text (never as HTML), and its tooltips
escape what they show: a council's or a file's text is only cut to a length here."""

from __future__ import annotations

import math

from ia_data.domain.formatting import day, kroner, number, percent
from ia_data.domain.rules import Status
from ia_data.reporting.overview import OverviewRow

STATUS_ORDER = [Status.ON_TIME, Status.LATE, Status.MISSING, Status.DUE_SOON, Status.NOT_DUE]
STATUS_COLOURS = {
    Status.ON_TIME: "#4f9a5d",
    Status.LATE: "#e0a030",
    Status.MISSING: "#c9483f",
    Status.DUE_SOON: "#5b8fd6",
    Status.NOT_DUE: "#b9bec7",
}
GOAL_COLOURS = {1: "#1f5f8b", 2: "#6aa5c9", 3: "#b3cde0"}
ALLOCATED_COLOUR, SPENT_COLOUR, OVERSPENT_COLOUR = "#c7d6e4", "#1f5f8b", "#c9483f"
GRID = "#eceff3"
OVERSPENT = "Overforbruk"  # a spent bar's name in the legend where it is more than allocated
LABEL_LIMIT = 100  # characters of a name or key in a figure

# Decimal comma, a no-break space between thousands (as ``formatting``), «kr» after an amount.
LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0kr"],
    }
}
KRONER = "$,.0f"  # a d3 format: whole kroner with the locale's «kr»


def safe_text(value: object, limit: int = LABEL_LIMIT) -> str:
    """Text from a file or the register for a figure, cut with «…» when it is longer than
    ``limit`` (a label of a megabyte freezes the browser)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(name: str) -> str:
    return safe_text(name.removeprefix("IA-rådet i "))


# A status in a small cell (the deadline chart has a column per period, which a phone
# makes narrow): a sign beside the colour, explained under the chart (``STATUS_MARK_TEXT``).
STATUS_MARKS = {
    Status.ON_TIME: "✓",
    Status.MISSING: "✗",
    Status.DUE_SOON: "!",
    Status.NOT_DUE: "–",
}
STATUS_MARK_TEXT = (
    "I figuren: ✓ levert i tide, +N levert N dager for sent, ✗ mangler, ! forfaller snart, "
    "– ikke forfalt."
)


def status_mark(status) -> str:
    """A ``DeadlineStatus`` as a short sign: ✓, +3 (days late), ✗, ! or –."""
    if status.status is Status.LATE:
        return f"+{status.days_late}"
    return STATUS_MARKS[status.status]


def _rgb(colour: str) -> list[int]:
    """``#rrggbb`` as its red, green and blue, 0–255."""
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def ink(background: str) -> str:
    """Black or white, whichever stands out more against ``background`` (``#rrggbb``), by
    the contrast ratio of WCAG 2."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


# --- the parts of a figure -------------------------------------------------------------


def _height(rows: int) -> int:
    """A figure's height in pixels for ``rows`` rows of names (room for the legend above)."""
    return max(280, 28 * rows + 80)


def _figure(
    title: str, values: list[dict], layers: list[dict], height: int, encoding: dict
) -> dict:
    """A figure: ``layers`` of marks over the same rows (``values``) and with the same
    ``encoding``; the legend above the plot, in the order of the bars (a legend below
    covers the axis)."""
    return {
        "title": title,
        "height": height,
        "config": {
            "locale": LOCALE,
            "legend": {"orient": "top", "title": None, "labelLimit": 300},
            "axis": {"gridColor": GRID, "labelLimit": 220},
            "view": {"stroke": None},
        },
        # The rows inside the layer (not at the top, where Streamlit would turn them into a
        # table and back): the specification is the whole figure.
        "layer": [{"data": {"values": values}, "encoding": encoding, "layer": layers}],
    }


def rows_of(figure: dict) -> list[dict]:
    """The rows a figure draws (as ``_figure`` keeps them)."""
    return figure["layer"][0]["data"]["values"]


def _names(field: str = "name", **axis) -> dict:
    """A nominal axis of names (or years) in the rows' order, without a title."""
    return {"field": field, "type": "nominal", "sort": None, "title": None, "axis": axis}


def _colours(field: str, colours: dict) -> dict:
    """Colour by ``field``, each value (a key of ``colours``) in its colour, in that order."""
    scale = {"domain": list(colours), "range": list(colours.values())}
    return {"field": field, "type": "nominal", "scale": scale}


TOOLTIP = {"field": "hover", "type": "nominal"}  # a row's ``hover`` text


def _cells(
    rows_field: str, columns_field: str, *, top: bool = False, columns=None, rows=None
) -> list[dict]:
    """Coloured cells with a text in each (the rows' ``fill``, ``ink`` and ``text``), the
    cells apart: the layers of a table of statuses or shares. ``columns`` and ``rows``,
    where given, are all the columns and rows in their order, a cell or not (else those
    of the cells, in the cells' order)."""
    columns_axis = {"orient": "top"} if top else {}
    shared = {
        "x": _names(columns_field, labelAngle=0, **columns_axis),
        "y": _names(rows_field),
    }
    for channel, order in (("x", columns), ("y", rows)):
        if order is not None:
            shared[channel].update(sort=order, scale={"domain": order})
    return [
        {
            "mark": {"type": "rect", "stroke": "white", "strokeWidth": 3},
            "encoding": {**shared, "color": {"field": "fill", "type": "nominal", "scale": None}},
        },
        {
            "mark": {"type": "text", "fontSize": 13},
            "encoding": {
                **shared,
                "text": {"field": "text", "type": "nominal"},
                "color": {"field": "ink", "type": "nominal", "scale": None},
            },
        },
    ]


def _money_bars(title: str, labels: list[str], money: list, across: bool, height: int) -> dict:
    """Allocated and spent side by side for each label (``MoneyFigures`` rows), spent in
    red and marked «⚠ over» where it is more than allocated; bars lie across the figure
    when ``across``, else they stand up."""
    values, overspent = [], False
    for label, m in zip(labels, money, strict=True):
        over = bool(m.overspent)
        overspent |= over
        for pair, series, ore in (
            ("Tildelt", "Tildelt", m.allocated_ore),
            ("Brukt", OVERSPENT if over else "Brukt", m.spent_ore),
        ):
            amount = kroner(ore) or "ingen tildeling"
            values.append(
                {
                    "name": label,
                    "pair": pair,
                    "series": series,
                    "kr": (ore or 0) / 100,
                    "mark": "⚠ over" if series == OVERSPENT else "",
                    "hover": f"{label}: {pair.lower()} {amount}",
                }
            )
    names, amounts = ("y", "x") if across else ("x", "y")
    colours = {"Tildelt": ALLOCATED_COLOUR, "Brukt": SPENT_COLOUR}
    if overspent:
        colours[OVERSPENT] = OVERSPENT_COLOUR
    encoding = {
        names: _names() if across else _names(labelAngle=0),
        f"{names}Offset": {"field": "pair", "type": "nominal", "sort": ["Tildelt", "Brukt"]},
        amounts: {"field": "kr", "type": "quantitative", "title": None, "axis": {"format": KRONER}},
    }
    layers = [
        {"mark": "bar", "encoding": {"color": _colours("series", colours), "tooltip": TOOLTIP}}
    ]
    if overspent:  # (a layer of no rows has no extent, and Vega warns)
        mark_text = {"type": "text", "fontWeight": "bold", "color": OVERSPENT_COLOUR}
        place = {"align": "left", "dx": 4} if across else {"baseline": "bottom", "dy": -4}
        layers.append(
            {
                "transform": [{"filter": "datum.mark !== ''"}],
                "mark": mark_text | place,
                "encoding": {"text": {"field": "mark", "type": "nominal"}},
            }
        )
    return _figure(title, values, layers, height, encoding=encoding)


def _goal_bars(labels: list[str], goals: list[dict[int, int]], title: str, rows: int) -> dict:
    """Activities per sub-goal (not cancelled) for each label, side by side."""
    values = [
        {
            "name": label,
            "goal": f"Delmål {k}",
            "n": counts[k],
            "hover": f"{label}: {number(counts[k])} aktiviteter på delmål {k}",
        }
        for label, counts in zip(labels, goals, strict=True)
        for k in (1, 2, 3)
    ]
    encoding = {
        "y": _names(),
        "yOffset": {"field": "goal", "type": "nominal", "sort": None},
        "x": {
            "field": "n",
            "type": "quantitative",
            "title": "Aktiviteter",
            "axis": {"format": ",d", "tickMinStep": 1},
        },
        "color": _colours("goal", {f"Delmål {k}": c for k, c in GOAL_COLOURS.items()}),
        "tooltip": TOOLTIP,
    }
    return _figure(title, values, [{"mark": "bar"}], _height(rows), encoding=encoding)


def _cell(name: str, column: str, fill: str, text: str, hover: dict) -> dict:
    """A cell of a table of statuses or shares (``_cells``): its colour, its text in black or
    white, and what its hover shows."""
    return {"name": name, "column": column, "fill": fill, "ink": ink(fill), "text": text, **hover}


# --- Oversikt --------------------------------------------------------------------------


def money_chart(rows: list[OverviewRow]) -> dict:
    """Allocated against spent per council, in kroner."""
    title = "Tildelt og brukt per IA-råd (rødt og ⚠: brukt mer enn tildelt)"
    names = [_short(r.council.name) for r in rows]
    return _money_bars(title, names, rows, across=True, height=_height(len(rows)))


def goals_chart(rows: list[OverviewRow]) -> dict:
    """Activities per sub-goal per council (cancelled ones not counted)."""
    names = [_short(r.council.name) for r in rows]
    return _goal_bars(names, [r.goals for r in rows], "Aktiviteter per delmål og IA-råd", len(rows))


def status_chart(rows: list[OverviewRow]) -> dict:
    """Each council's report status per period, as coloured cells with the status word."""
    values = []
    for r in rows:
        name = _short(r.council.name)
        for p in r.periods:
            column = f"Periode {p.period.code}" if p.period.code != "År" else "Året"
            text = safe_text(p.status.text)
            hover = {"hover": f"{name}, {column}: {text}"}
            values.append(_cell(name, column, STATUS_COLOURS[p.status.status], text, hover))
    encoding = {"tooltip": TOOLTIP}
    title = "Rapportstatus per IA-råd og periode"
    return _figure(title, values, _cells("name", "column"), _height(len(rows)), encoding=encoding)


# --- Frister, Økonomi, Aktiviteter and Råd ---------------------------------------------


def deadline_chart(rows) -> dict:
    """Councils × reporting periods across years, coloured by status, with a sign in each
    cell and the due and submitted dates on hover."""
    labels = sorted({(r.period.year, r.period.start, r.period.label) for r in rows})
    values = []
    for r in rows:
        assumed = " (antatt)" if r.period.due_is_assumption else ""
        hover = {
            "IA-råd": safe_text(r.council.name),
            "Periode": r.period.label,
            "Status": safe_text(r.status.text),
            "Frist": f"{day(r.period.due)}{assumed}",
            "Innsendt": day(r.submitted) if r.submitted else "–",
        }
        name, fill = _short(r.council.name), STATUS_COLOURS[r.status.status]
        values.append(_cell(name, r.period.label, fill, status_mark(r.status), hover))
    names = list(dict.fromkeys(v["name"] for v in values))  # the councils' order
    tooltip = [{"field": k, "type": "nominal"} for k in ("IA-råd", "Periode", "Status")]
    tooltip += [{"field": k, "type": "nominal"} for k in ("Frist", "Innsendt")]
    # The columns in time order, the rows in the councils'.
    columns = [label for *_, label in labels]
    layers = _cells("name", "column", top=True, columns=columns, rows=names)
    title = "Rapportstatus per IA-råd og periode (pek på en celle for datoene)"
    return _figure(title, values, layers, _height(len(names)), encoding={"tooltip": tooltip})


def money_trend_chart(trend_rows) -> dict:
    """All councils together: allocated and spent per year (from ``money_trend_table``)."""
    values = []
    for r in trend_rows:
        year = str(r[0])
        if r[2] is not None:
            values.append(_amount(year, "Tildelt", r[2].ore, f"{year}: tildelt"))
        values.append(_amount(year, "Brukt", r[3].ore, f"{year}: brukt"))
    encoding = {
        "x": _names(labelAngle=0),
        "xOffset": {"field": "series", "type": "nominal", "sort": ["Tildelt", "Brukt"]},
        "y": {"field": "kr", "type": "quantitative", "title": None, "axis": {"format": KRONER}},
        "color": _colours("series", {"Tildelt": ALLOCATED_COLOUR, "Brukt": SPENT_COLOUR}),
        "tooltip": TOOLTIP,
    }
    title = "Tildelt og brukt, alle IA-råd, per år"
    return _figure(title, values, [{"mark": "bar"}], 320, encoding=encoding)


def _amount(name: str, series: str, ore: int, what: str) -> dict:
    return {"name": name, "series": series, "kr": ore / 100, "hover": f"{what} {kroner(ore)}"}


def share_used_chart(rows) -> dict:
    """Share of the grant used per council and year (red above 100 %)."""
    values = []
    shorts = [_short(r.council.name) for r in rows]
    for r, name in zip(rows, shorts, strict=True):
        if r.share_used is None:
            continue
        share = r.share_used * 100
        hover = {"hover": f"{name}, {r.year}: {percent(r.share_used)} av tildelingen brukt"}
        values.append(_cell(name, str(r.year), _share_colour(share), f"{share:.0f} %", hover))
    names = list(dict.fromkeys(shorts))
    years = sorted({str(r.year) for r in rows})
    # Every council and year, with or without a share (an empty cell).
    layers = _cells("name", "column", top=True, columns=years, rows=names)
    title = "Forbruk i prosent av tildelingen (rødt: over 100 %)"
    return _figure(title, values, layers, _height(len(names)), encoding={"tooltip": TOOLTIP})


def _share_colour(share: float) -> str:
    """Light to middle blue from 0 to 100 %, pink to red above (full red at 120 %)."""
    if share <= 100:
        return _between("#f3f6f9", "#7fb0d3", max(share, 0) / 100)
    return _between("#f2b8b2", "#e27d74", min((share - 100) / 20, 1))


def _between(low: str, high: str, at: float) -> str:
    """The colour ``at`` (0–1) of the way from ``low`` to ``high``."""
    pairs = zip(_rgb(low), _rgb(high), strict=True)
    return "#" + "".join(f"{round(x + (y - x) * at):02x}" for x, y in pairs)


# Told apart by hue, not by shades of one blue (Okabe–Ito, safe for colour blindness).
TYPE_COLOURS = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#7a5195",
    "#999999",
)  # fmt: skip


def spend_by_type_chart(spend, councils, types: list[str]) -> dict:
    """Spent per council, stacked by activity type."""
    cells = {(s.council_id, s.type): s.spent_ore for s in spend}
    kinds = [safe_text(kind) for kind in types]
    values = []
    for c in councils:
        name = _short(c.name)
        for i, kind in enumerate(types):
            ore = cells.get((c.id, kind), 0)
            hover = f"{name}: {kroner(ore)} på {safe_text(kind.lower())}"
            values.append(
                {"name": name, "type": kinds[i], "order": i, "kr": ore / 100, "hover": hover}
            )
    colours = {kind: TYPE_COLOURS[i % len(TYPE_COLOURS)] for i, kind in enumerate(kinds)}
    encoding = {
        "y": _names(),
        "x": {
            "field": "kr",
            "type": "quantitative",
            "title": None,
            "stack": "zero",
            "axis": {"format": KRONER},
        },
        # Three to a row: the legend of a phone's narrow figure is not cut off.
        "color": {**_colours("type", colours), "legend": {"columns": 3, "labelLimit": 110}},
        "order": {"field": "order", "type": "quantitative"},
        "tooltip": TOOLTIP,
    }
    title = "Brukt per aktivitetstype og IA-råd"
    return _figure(title, values, [{"mark": "bar"}], _height(len(councils)), encoding=encoding)


def breakdown_chart(rows, title: str) -> dict:
    """Activities (not cancelled) per type or sector, by sub-goal."""
    keys = [safe_text(r.key) for r in rows]
    return _goal_bars(keys, [r.goals for r in rows], safe_text(title), len(rows) * 2)


def council_money_chart(years) -> dict:
    """One council's grant and spending per year (``CouncilYear`` rows)."""
    labels = [str(y.money.year) for y in years]
    title = "Tildelt og brukt per år (rødt og ⚠: brukt mer enn tildelt)"
    return _money_bars(title, labels, [y.money for y in years], across=False, height=320)


def council_sickness_chart(counties: list, title: str) -> dict:
    """A council's counties' sickness absence over the years (one series), with the whole
    country as a grey dashed line."""
    values, colours, dashes = [], {}, {}
    for i, county in enumerate(counties):
        name = safe_text(county.county)
        colours[name], dashes[name] = ("#0072B2", "#D55E00")[i % 2], [1, 0]
        values += _series(name, county.points)
    if counties:
        colours["Hele landet"], dashes["Hele landet"] = "#767676", [6, 4]
        values += _series("Hele landet", counties[0].national)
    encoding = {
        "x": {
            "field": "year",
            "type": "quantitative",
            "title": None,
            "scale": {"zero": False},
            "axis": {"format": "d", "tickMinStep": 1},
        },
        "y": {
            "field": "percent",
            "type": "quantitative",
            "title": None,
            "scale": {"zero": False},
            "axis": {"labelExpr": "format(datum.value, '.1f') + ' %'"},
        },
        "color": {**_colours("series", colours), "legend": {"symbolType": "stroke"}},
        "strokeDash": _colours("series", dashes),  # one legend with the colour: one field
    }
    national = "datum.series === 'Hele landet'"
    layers = [
        # A line is one mark: the values are read at its points, the country's too (unseen).
        {
            "mark": "line",
            "encoding": {"strokeWidth": {"condition": {"test": national, "value": 2}, "value": 3}},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 50},
            "encoding": {
                "opacity": {"condition": {"test": national, "value": 0}, "value": 1},
                "tooltip": TOOLTIP,
            },
        },
    ]
    return _figure(safe_text(title), values, layers, 320, encoding=encoding)


def _series(name: str, points) -> list[dict]:
    return [
        {
            "series": name,
            "year": year,
            "percent": value,
            "hover": f"{name} {year}: {number(value, 1)} %",
        }
        for year, _, value in points
        if value is not None
    ]


def sickness_activity_chart(points, title: str) -> dict:
    """Each council (each county of a council of two) placed by its sickness absence
    (across) and its activities on sub-goal 1 (up), named at its point."""
    shown = [p for p in points if p.sickness is not None and p.goal_1 is not None]
    ranks = _ranks([p.sickness for p in shown])
    values = []
    for p, rank in zip(shown, ranks, strict=True):
        county = "" if p.county in p.council else f" ({safe_text(p.county)})"
        name = _short(p.council) + county
        hover = (
            f"{name}: sykefravær {number(p.sickness, 1)} %, {number(p.goal_1)} aktiviteter "
            "på delmål 1"
        )
        # Neighbours by sickness absence take turns above and below their points.
        values.append(
            {"name": name, "sickness": p.sickness, "goal_1": p.goal_1, "above": rank % 2 == 0,
             "hover": hover}
        )  # fmt: skip
    encoding = {
        "x": {
            "field": "sickness",
            "type": "quantitative",
            "title": "Sykefravær (%)",
            # A tenth of a percentage point of room on each side, for the names at the edges.
            "scale": {"zero": False, "nice": False, "domain": _tenths_around(shown)},
            "axis": {"labelExpr": "format(datum.value, '.1f') + ' %'", "labelOverlap": True},
        },
        "y": {
            "field": "goal_1",
            "type": "quantitative",
            "title": "Aktiviteter på delmål 1",
            "scale": {"zero": True},
            "axis": {"format": ",d", "tickMinStep": 1},
        },
    }
    label = {"type": "text", "fontSize": 12}
    layers = [
        {
            "mark": {"type": "circle", "size": 100, "color": "#0072B2", "opacity": 1},
            "encoding": {"tooltip": TOOLTIP},
        },
        {
            "transform": [{"filter": "datum.above"}],
            "mark": {**label, "baseline": "bottom", "dy": -8},
            "encoding": {"text": {"field": "name", "type": "nominal"}},
        },
        {
            "transform": [{"filter": "!datum.above"}],
            "mark": {**label, "baseline": "top", "dy": 8},
            "encoding": {"text": {"field": "name", "type": "nominal"}},
        },
    ]
    return _figure(safe_text(title), values, layers, 460, encoding=encoding)


def _tenths_around(points) -> list[float]:
    """From a tenth below the lowest sickness absence to a tenth above the highest, each
    on a tenth."""
    values = [p.sickness for p in points] or [0.0]
    return [math.floor(min(values) * 10) / 10 - 0.1, math.ceil(max(values) * 10) / 10 + 0.1]


def _ranks(values: list[float]) -> list[int]:
    """Each value's place in ascending order (ties by position)."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks
