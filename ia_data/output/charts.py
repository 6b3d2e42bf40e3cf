"""Plotly figures for the pages: Norwegian number separators, council names readable on
the axis, and the status colours of the tables (always with the status word as well)."""

from __future__ import annotations

import plotly.graph_objects as go

from ia_data.domain.formatting import day, kroner
from ia_data.domain.rules import Status
from ia_data.reporting.overview import OverviewRow

SEPARATORS = ", "  # decimal comma, space between thousands
STATUS_ORDER = [Status.ON_TIME, Status.LATE, Status.MISSING, Status.DUE_SOON, Status.NOT_DUE]
STATUS_COLOURS = {
    Status.ON_TIME: "#4f9a5d",
    Status.LATE: "#e0a030",
    Status.MISSING: "#c9483f",
    Status.DUE_SOON: "#5b8fd6",
    Status.NOT_DUE: "#b9bec7",
}
GOAL_COLOURS = {1: "#1f5f8b", 2: "#6aa5c9", 3: "#b3cde0"}
LABEL_LIMIT = 100  # characters of a name or key in a figure


def safe_text(value: object, limit: int = LABEL_LIMIT) -> str:
    """Text from a file or the register, safe in a figure: Plotly draws ``<b>``, ``<br>``,
    ``<a href>`` and entities in titles, ticks, legends and hover labels, so ``&``, ``<``
    and ``>`` are written as entities (Plotly shows them as the characters). A text longer
    than ``limit`` is cut with «…» (a label of a megabyte freezes the browser)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def _status_scale() -> list:
    """A colour scale with one band of each status's colour, in ``STATUS_ORDER``."""
    n = len(STATUS_ORDER)
    scale = []
    for i, status in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[status]], [(i + 1) / n, STATUS_COLOURS[status]]]
    return scale


STATUS_INDEX = {status: i for i, status in enumerate(STATUS_ORDER)}  # a status's band


def _status_heatmap(**cells) -> go.Heatmap:
    """A heatmap of report statuses (``cells``: z as ``STATUS_INDEX``, x, y, text, hover):
    each status in its colour band, the text in each cell, the cells apart."""
    return go.Heatmap(
        texttemplate="%{text}",
        zmin=-0.5,
        zmax=len(STATUS_ORDER) - 0.5,
        colorscale=_status_scale(),
        showscale=False,
        xgap=3,
        ygap=3,
        **cells,
    )


def _layout(fig: go.Figure, title: str, rows: int) -> go.Figure:
    fig.update_layout(
        title=title,
        separators=SEPARATORS,
        height=max(320, 28 * rows + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        # Above the plot, in the order of the bars (a legend below covers the axis).
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "xanchor": "left",
            "x": 0,
            "traceorder": "normal",
        },
        plot_bgcolor="white",
        font={"family": "Source Sans Pro, sans-serif"},
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def _money_bars(fig: go.Figure, labels: list[str], money: list, across: bool) -> go.Figure:
    """Allocated and spent side by side for each label (``MoneyFigures`` rows), spent in
    red where it is more than allocated; bars lie across the figure when ``across``."""

    def bar(values: list[int | None], name: str, colour, what: str, marks=None) -> None:
        amounts = [(v or 0) / 100 for v in values]
        axes = (
            {"y": labels, "x": amounts, "orientation": "h"}
            if across
            else {"x": labels, "y": amounts}
        )
        if marks is not None:  # a sign beside the colour: never the colour alone
            axes.update(text=marks, textposition="outside", cliponaxis=False)
        fig.add_bar(
            **axes,
            name=name,
            marker_color=colour,
            customdata=[kroner(v) or "ingen tildeling" for v in values],
            hovertemplate=f"%{{{'y' if across else 'x'}}}: {what} %{{customdata}}<extra></extra>",
        )

    bar([m.allocated_ore for m in money], "Tildelt", "#c7d6e4", "tildelt")
    spent_colours = ["#c9483f" if m.overspent else "#1f5f8b" for m in money]
    marks = ["⚠ over" if m.overspent else "" for m in money]
    bar([m.spent_ore for m in money], "Brukt", spent_colours, "brukt", marks)
    axis = fig.update_xaxes if across else fig.update_yaxes
    axis(tickformat=",.0f", ticksuffix=" kr", gridcolor="#eceff3")
    fig.update_layout(barmode="group")
    return fig


def money_chart(rows: list[OverviewRow]) -> go.Figure:
    """Allocated against spent per council, in kroner."""
    fig = _money_bars(go.Figure(), [_short(r.council.name) for r in rows], rows, across=True)
    return _layout(fig, "Tildelt og brukt per IA-råd (rødt og ⚠: brukt mer enn tildelt)", len(rows))


def _goal_bars(labels: list[str], goals: list[dict[int, int]], title: str, rows: int):
    """Activities per sub-goal (not cancelled) for each label, side by side."""
    fig = go.Figure()
    for k in (1, 2, 3):
        fig.add_bar(
            y=labels,
            x=[g[k] for g in goals],
            name=f"Delmål {k}",
            orientation="h",
            marker_color=GOAL_COLOURS[k],
            hovertemplate=f"%{{y}}: %{{x}} aktiviteter på delmål {k}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",d", gridcolor="#eceff3", title="Aktiviteter")
    fig.update_layout(barmode="group")
    return _layout(fig, title, rows)


def goals_chart(rows: list[OverviewRow]) -> go.Figure:
    """Activities per sub-goal per council (cancelled ones not counted)."""
    names = [_short(r.council.name) for r in rows]
    return _goal_bars(names, [r.goals for r in rows], "Aktiviteter per delmål og IA-råd", len(rows))


def status_chart(rows: list[OverviewRow]) -> go.Figure:
    """Each council's report status per period, as coloured cells with the status word."""
    if not rows:
        return _layout(go.Figure(), "Rapportstatus", 0)
    periods = [p.period.code for p in rows[0].periods]
    names = [_short(r.council.name) for r in rows]
    z = [[STATUS_INDEX[p.status.status] for p in r.periods] for r in rows]
    text = [[p.status.text for p in r.periods] for r in rows]
    fig = go.Figure(
        _status_heatmap(
            z=z,
            x=[f"Periode {p}" if p != "År" else "Året" for p in periods],
            y=names,
            text=text,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig = _layout(fig, "Rapportstatus per IA-råd og periode", len(rows))
    fig.update_layout(plot_bgcolor="white")
    return fig


# --- Frister, Økonomi, Aktiviteter and Råd ---------------------------------------------


def _values_up(fig: go.Figure) -> go.Figure:
    """Undo ``_layout``'s reversed y axis for charts with values (not names) upwards."""
    fig.update_yaxes(autorange=True)
    return fig


def deadline_chart(rows) -> go.Figure:
    """Councils × reporting periods across years, coloured by status, with the status
    word in each cell and the due and submitted dates on hover."""
    if not rows:
        return _layout(go.Figure(), "Rapportstatus per IA-råd og periode", 0)
    labels = sorted({(r.period.year, r.period.start, r.period.label) for r in rows})
    columns = [label for *_, label in labels]
    names = list(dict.fromkeys(r.council.name for r in rows))
    z = [[None] * len(columns) for _ in names]
    text = [[""] * len(columns) for _ in names]
    hover = [[""] * len(columns) for _ in names]
    for r in rows:
        i, j = names.index(r.council.name), columns.index(r.period.label)
        z[i][j] = STATUS_INDEX[r.status.status]
        text[i][j] = status_mark(r.status)
        assumed = " (antatt)" if r.period.due_is_assumption else ""
        hover[i][j] = (
            f"{safe_text(r.council.name)}, {r.period.label}<br>{safe_text(r.status.text)}<br>"
            f"Frist: {day(r.period.due)}{assumed}<br>"
            f"Innsendt: {day(r.submitted) if r.submitted else '–'}"
        )
    fig = go.Figure(
        _status_heatmap(
            z=z,
            x=columns,
            y=[_short(name) for name in names],
            text=text,
            customdata=hover,
            textfont={"size": 13},
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig = _layout(
        fig, "Rapportstatus per IA-råd og periode (pek på en celle for datoene)", len(names)
    )
    fig.update_xaxes(side="top", type="category")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 80, "b": 10})
    return fig


def money_trend_chart(trend_rows) -> go.Figure:
    """All councils together: allocated and spent per year (from ``money_trend_table``)."""
    years = [str(r[0]) for r in trend_rows]
    allocated = [r[2].ore / 100 if r[2] is not None else None for r in trend_rows]
    spent = [r[3].ore / 100 for r in trend_rows]
    fig = go.Figure()
    fig.add_bar(
        x=years,
        y=allocated,
        name="Tildelt",
        marker_color="#c7d6e4",
        customdata=[kroner(r[2].ore if r[2] else None) for r in trend_rows],
        hovertemplate="%{x}: tildelt %{customdata}<extra></extra>",
    )
    fig.add_bar(
        x=years,
        y=spent,
        name="Brukt",
        marker_color="#1f5f8b",
        customdata=[kroner(r[3].ore) for r in trend_rows],
        hovertemplate="%{x}: brukt %{customdata}<extra></extra>",
    )
    fig.update_yaxes(tickformat=",.0f", ticksuffix=" kr", gridcolor="#eceff3")
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group")
    fig = _values_up(_layout(fig, "Tildelt og brukt, alle IA-råd, per år", 6))
    fig.update_layout(height=360)
    return fig


def share_used_chart(rows) -> go.Figure:
    """Share of the grant used per council and year (red above 100 %)."""
    years = sorted({r.year for r in rows})
    names = list(dict.fromkeys(r.council.name for r in rows))
    z = [[None] * len(years) for _ in names]
    text = [[""] * len(years) for _ in names]
    for r in rows:
        i, j = names.index(r.council.name), years.index(r.year)
        if r.share_used is not None:
            z[i][j] = round(r.share_used * 100, 1)
            text[i][j] = f"{r.share_used * 100:.0f} %"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(y) for y in years],
            y=[_short(n) for n in names],
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=120,
            colorscale=[
                [0, "#f3f6f9"],
                [0.8333, "#7fb0d3"],
                [0.8334, "#f2b8b2"],
                [1, "#e27d74"],
            ],
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{y}, %{x}: %{z:.1f} % av tildelingen brukt<extra></extra>",
        )
    )
    fig = _layout(fig, "Forbruk i prosent av tildelingen (rødt: over 100 %)", len(names))
    fig.update_xaxes(side="top", type="category")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 80, "b": 10})
    return fig


# Told apart by hue, not by shades of one blue (Okabe–Ito, safe for colour blindness).
TYPE_COLOURS = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#7a5195",
    "#999999",
)  # fmt: skip


def spend_by_type_chart(spend, councils, types: list[str]) -> go.Figure:
    """Spent per council, stacked by activity type."""
    names = [_short(c.name) for c in councils]
    cells = {(s.council_id, s.type): s.spent_ore for s in spend}
    fig = go.Figure()
    for i, kind in enumerate(types):
        values = [cells.get((c.id, kind), 0) for c in councils]
        fig.add_bar(
            y=names,
            x=[v / 100 for v in values],
            name=safe_text(kind),
            orientation="h",
            marker_color=TYPE_COLOURS[i % len(TYPE_COLOURS)],
            customdata=[[kroner(v), safe_text(kind.lower())] for v in values],
            hovertemplate="%{y}: %{customdata[0]} på %{customdata[1]}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" kr", gridcolor="#eceff3")
    fig.update_layout(barmode="stack")
    return _layout(fig, "Brukt per aktivitetstype og IA-råd", len(councils))


def breakdown_chart(rows, title: str) -> go.Figure:
    """Activities (not cancelled) per type or sector, by sub-goal."""
    keys = [safe_text(r.key) for r in rows]
    return _goal_bars(keys, [r.goals for r in rows], safe_text(title), len(rows) * 2)


def council_money_chart(years) -> go.Figure:
    """One council's grant and spending per year (``CouncilYear`` rows)."""
    labels = [str(y.money.year) for y in years]
    fig = _money_bars(go.Figure(), labels, [y.money for y in years], across=False)
    fig.update_xaxes(type="category")
    fig = _values_up(_layout(fig, "Tildelt og brukt per år (rødt og ⚠: brukt mer enn tildelt)", 6))
    fig.update_layout(height=340)
    return fig


def council_sickness_chart(counties: list, title: str) -> go.Figure:
    """A council's counties' sickness absence over the years (one series), with the whole
    country as a grey line."""
    fig = go.Figure()
    colours = ("#0072B2", "#D55E00")
    for i, county in enumerate(counties):
        fig.add_scatter(
            x=[y for y, _, v in county.points if v is not None],
            y=[v for _, _, v in county.points if v is not None],
            name=safe_text(county.county),
            mode="lines+markers",
            line={"color": colours[i % 2], "width": 3},
            hovertemplate=f"{safe_text(county.county)} %{{x}}: %{{y:.1f}} %<extra></extra>",
        )
    if counties:
        national = counties[0].national
        fig.add_scatter(
            x=[y for y, _, v in national if v is not None],
            y=[v for _, _, v in national if v is not None],
            name="Hele landet",
            mode="lines",
            line={"color": "#767676", "dash": "dash"},
            hovertemplate="Hele landet %{x}: %{y:.1f} %<extra></extra>",
        )
    fig.update_yaxes(ticksuffix=" %", gridcolor="#eceff3", tickformat=".1f")
    fig.update_xaxes(dtick=1, tickformat="d")
    fig = _values_up(_layout(fig, title, 6))
    fig.update_layout(height=340)
    return fig


def sickness_activity_chart(points, title: str) -> go.Figure:
    """Each council (each county of a council of two) placed by its sickness absence
    (across) and its activities on sub-goal 1 (up), named at its point."""
    shown = [p for p in points if p.sickness is not None and p.goal_1 is not None]
    names = [
        _short(p.council) + ("" if p.county in p.council else f" ({safe_text(p.county)})")
        for p in shown
    ]
    fig = go.Figure(
        go.Scatter(
            x=[p.sickness for p in shown],
            y=[p.goal_1 for p in shown],
            text=names,
            mode="markers+text",
            # Neighbours by sickness absence take turns above and below their points.
            textposition=[
                "top center" if rank % 2 == 0 else "bottom center"
                for rank in _ranks([p.sickness for p in shown])
            ],
            marker={"size": 10, "color": "#0072B2"},
            hovertemplate="%{text}: sykefravær %{x:.1f} %, %{y} aktiviteter på delmål 1"
            "<extra></extra>",
        )
    )
    fig.update_xaxes(title="Sykefravær (%)", ticksuffix=" %", gridcolor="#eceff3")
    fig.update_yaxes(title="Aktiviteter på delmål 1", gridcolor="#eceff3", rangemode="tozero")
    fig = _values_up(_layout(fig, title, 14))
    fig.update_layout(height=480, showlegend=False)
    return fig


def _ranks(values: list[float]) -> list[int]:
    """Each value's place in ascending order (ties by position)."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks
