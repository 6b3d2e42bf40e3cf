"""Plotly figures for the pages: Norwegian number separators, council names readable on
the axis, and the status colours of the tables (always with the status word as well)."""

from __future__ import annotations

import plotly.graph_objects as go

from .formatting import kroner
from .queries import OverviewRow
from .rules import Status

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


def _short(name: str) -> str:
    return name.removeprefix("IA-rådet i ")


def _layout(fig: go.Figure, title: str, rows: int) -> go.Figure:
    fig.update_layout(
        title=title,
        separators=SEPARATORS,
        height=max(320, 28 * rows + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.08},
        plot_bgcolor="white",
        font={"family": "Source Sans Pro, sans-serif"},
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def money_chart(rows: list[OverviewRow]) -> go.Figure:
    """Allocated against spent per council, in kroner."""
    names = [_short(r.council.name) for r in rows]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[(r.allocated_ore or 0) / 100 for r in rows],
        name="Tildelt",
        orientation="h",
        marker_color="#c7d6e4",
        customdata=[kroner(r.allocated_ore) for r in rows],
        hovertemplate="%{y}: tildelt %{customdata}<extra></extra>",
    )
    fig.add_bar(
        y=names,
        x=[r.spent_ore / 100 for r in rows],
        name="Brukt",
        orientation="h",
        marker_color=["#c9483f" if r.overspent else "#1f5f8b" for r in rows],
        customdata=[kroner(r.spent_ore) for r in rows],
        hovertemplate="%{y}: brukt %{customdata}<extra></extra>",
    )
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" kr", gridcolor="#eceff3")
    fig.update_layout(barmode="group")
    return _layout(fig, "Tildelt og brukt per IA-råd (rødt: brukt mer enn tildelt)", len(rows))


def goals_chart(rows: list[OverviewRow]) -> go.Figure:
    """Activities per sub-goal per council (cancelled ones not counted)."""
    names = [_short(r.council.name) for r in rows]
    fig = go.Figure()
    for k in (1, 2, 3):
        fig.add_bar(
            y=names,
            x=[r.goals[k] for r in rows],
            name=f"Delmål {k}",
            orientation="h",
            marker_color=GOAL_COLOURS[k],
            hovertemplate=f"%{{y}}: %{{x}} aktiviteter på delmål {k}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",d", gridcolor="#eceff3", title="Aktiviteter")
    fig.update_layout(barmode="group")
    return _layout(fig, "Aktiviteter per delmål og IA-råd", len(rows))


def status_chart(rows: list[OverviewRow]) -> go.Figure:
    """Each council's report status per period, as coloured cells with the status word."""
    if not rows:
        return _layout(go.Figure(), "Rapportstatus", 0)
    periods = [p.period.code for p in rows[0].periods]
    names = [_short(r.council.name) for r in rows]
    index = {status: i for i, status in enumerate(STATUS_ORDER)}
    z = [[index[p.status.status] for p in r.periods] for r in rows]
    text = [[p.status.text for p in r.periods] for r in rows]
    n = len(STATUS_ORDER)
    scale = []
    for i, status in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[status]], [(i + 1) / n, STATUS_COLOURS[status]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"Periode {p}" if p != "År" else "Året" for p in periods],
            y=names,
            text=text,
            texttemplate="%{text}",
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig = _layout(fig, "Rapportstatus per IA-råd og periode", len(rows))
    fig.update_layout(plot_bgcolor="white")
    return fig
