"""A ``Table`` on the page: Norwegian numbers and dates, coloured status cells, alerts in
red, and the CSV and XLSX download buttons for exactly the table shown."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from ia_data.domain import formatting as fmt
from ia_data.domain.rules import Status, load_rules
from ia_data.reporting.table import ONE_DECIMAL_COLUMNS, PLAIN_NUMBER_COLUMNS, Kroner, Percent
from ui.auth import as_this_visitor
from ui.data import table_export
from ui.text import plain, screen_text

STATUS_COLOURS = {
    Status.ON_TIME: ("#e3f1e6", "#1b5e20"),
    Status.LATE: ("#fff1d6", "#7a4b00"),
    Status.MISSING: ("#fbe3e3", "#8e1c1c"),
    Status.DUE_SOON: ("#e6eefb", "#1a4480"),
    Status.NOT_DUE: ("#f1f2f4", "#44474f"),
}


def status_style(text: str) -> str:
    """CSS for a status cell: a calm background and dark text; the word always shows."""
    for status, (background, colour) in STATUS_COLOURS.items():
        if text.startswith(status):
            return f"background-color: {background}; color: {colour}"
    return ""


DOWNLOAD_TEXT = {"csv": "Last ned CSV", "xlsx": "Last ned Excel (XLSX)"}


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ALERT_STYLE = "color: #8e1c1c; font-weight: 600"


# The display value of a missing cell (st.dataframe's own placeholder for a missing value
# is set to "" where the tables are drawn).
EMPTY = "\u00a0"


def _column_kind(values: list) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, Kroner) for v in present):
        return "money"
    if present and all(isinstance(v, Percent) for v in present):
        return "percent"
    return "other"


def _display(value, plain: bool = False) -> str:
    """One cell as a person reads it (Norwegian numbers and dates, Ja/Nei)."""
    if _missing(value):
        return EMPTY
    if isinstance(value, bool):
        return fmt.yes_no(value)
    if isinstance(value, Percent):
        return f"{fmt.number(value.share * 100, 1)} %"
    if isinstance(value, datetime | date):
        return fmt.day(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value) if plain else fmt.number(value)
    if isinstance(value, float):
        return fmt.number(value, 2)
    return str(value)


def _alert(predicate, value) -> str:
    """The alert style where ``predicate`` holds (an empty cell never alerts)."""
    try:
        return ALERT_STYLE if value != "" and predicate(value) else ""
    except TypeError:
        return ""


def table_frame(table):
    """A ``Table`` as a DataFrame for the screen: kroner as numbers of kroner, shares as
    percent, yes/no as ``Ja``/``Nei``, a very long text cut (``screen_text``), everything
    else as it is (so sorting works on the real values). A missing text is an empty
    string; a missing number or date stays missing, so that the column still sorts as
    numbers or dates (``show_table`` draws a missing value as an empty cell)."""
    frame = pd.DataFrame(table.rows, columns=table.columns, dtype=object)
    kinds = {c: _column_kind([row[j] for row in table.rows]) for j, c in enumerate(table.columns)}
    for column, kind in kinds.items():
        if kind == "money":
            frame[column] = [v.ore / 100 if v is not None else None for v in frame[column]]
        elif kind == "percent":
            frame[column] = [v.share * 100 if v is not None else None for v in frame[column]]
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            frame[column] = pd.to_numeric(frame[column])
        elif values and all(isinstance(v, bool) for v in values):
            # st.dataframe draws a bool column as check boxes; the export says Ja/Nei.
            frame[column] = [fmt.yes_no(v) if v is not None else None for v in frame[column]]
        elif len({type(v) for v in values}) > 1:  # e.g. an action plan: a date, or Ja/Nei
            shown = _one_decimal if column in ONE_DECIMAL_COLUMNS else _display
            frame[column] = [screen_text(shown(v)) if v is not None else "" for v in frame[column]]
        elif values and all(isinstance(v, date) for v in values):
            pass  # real dates, so the column sorts by date; a gap shows as an empty cell
        elif kinds[column] == "other":
            frame[column] = ["" if v is None else screen_text(v) for v in frame[column]]
    return frame, kinds


@dataclass
class Download:
    """What a table's CSV and XLSX buttons write: the file name (without its suffix) and
    the facts of the XLSX's ``Om uttrekket`` sheet."""

    stem: str
    title: str
    filters: list
    upload_ids: Iterable = ()
    as_of: date | None = None
    row_label: str = "Antall rader"
    years: Iterable = ()  # the years shown: the assumed rules of these go in «Antakelser»


def show_table(
    table,
    *,
    flags: dict | None = None,
    flag_words: dict | None = None,
    alerts: dict | None = None,
    column_config: dict | None = None,
    bars: tuple[str, ...] = (),
    max_height: int = 560,
    key: str | None = None,
    download: Download | None = None,
    rows=None,
):
    """Show a ``Table`` as the page's dataframe: Norwegian formats and status colours;
    ``flags`` (column → predicate on the cell value) in red with «⚠» after the value (and
    the words of ``flag_words``, column → function of the value, after it),
    ``alerts`` in red only; percent columns in ``bars`` as bars; the council's column
    pinned. Negative amounts in a ``Gjenstår`` column are flagged. With ``download``,
    the CSV and XLSX buttons follow (``rows``: a function that builds the whole table
    when a button is pressed, where the page shows only the start of it)."""
    frame, kinds = table_frame(table)
    flags, alerts = dict(flags or {}), dict(alerts or {})
    column_config = {**_DEFAULT_COLUMNS, **_goal_columns(frame.columns), **(column_config or {})}
    styler = frame.style
    for column in frame.columns:
        kind = kinds[column]
        if kind == "money" and column.startswith("Gjenstår"):
            flags.setdefault(column, lambda v: v < 0)
        flagged = flags.get(column)
        if kind == "money":  # one column, one format: øre on every amount if on any
            with_ore = any(not _missing(v) and round(v * 100) % 100 for v in frame[column])
            text = _kroner_with_ore if with_ore else _kroner
        elif kind == "percent" and column in bars:
            bar = st.column_config.ProgressColumn(
                column, min_value=0, max_value=100, format="%.0f %%"
            )
            column_config.setdefault(column, bar)
            text = None
        elif kind == "percent":
            text = _percent
        elif column in ONE_DECIMAL_COLUMNS:
            text = _one_decimal
        else:
            text = _plain if column in PLAIN_NUMBER_COLUMNS else _display
        if text is not None:
            words = (flag_words or {}).get(column)
            styler = styler.format(_flagged(text, flagged, words), subset=[column])
        if column.startswith("Status"):
            styler = styler.map(lambda v: status_style(v) if isinstance(v, str) else "", [column])
        predicate = flagged or alerts.get(column)
        if predicate is not None:
            styler = styler.map(lambda v, p=predicate: _alert(p, v), subset=[column])
        if kind in ("money", "percent") and column not in bars:  # amounts line up right
            config = dict(column_config.get(column) or st.column_config.Column(column))
            config.setdefault("alignment", "right")
            column_config[column] = config

    st.dataframe(
        styler,
        placeholder="",  # an empty cell, not «None»
        hide_index=True,
        height=min(table_height(len(frame)), max_height),
        alt=getattr(table, "title", None) or None,  # the table's name for a screen reader
        column_config={c: v for c, v in column_config.items() if c in frame.columns},
        key=key,
    )
    if download is not None:
        download_buttons(rows or table, download, key=key or download.stem)
    return frame


def table_height(rows: int) -> int:
    """The height that shows ``rows`` rows and the header whole (Streamlit's rows are 35 px,
    plus the borders): a last row cut in half hides that there is a row below it."""
    return (max(rows, 1) + 1) * 35 + 3


# The council's column: wide enough for its name, and in view while a table scrolls sideways.
# Fylker and Merknad wide enough for a council of two counties and a short remark whole.
_DEFAULT_COLUMNS = {
    "IA-råd": st.column_config.TextColumn("IA-råd", width=190, pinned=True),
    "Fylker": st.column_config.TextColumn("Fylker", width=170),
    "Merknad": st.column_config.TextColumn("Merknad", width=280),
}


def _goal_columns(columns) -> dict:
    """A ``Delmål k`` column names its sub-goal in its tooltip (a page's own configuration of
    the column, width say, keeps the tooltip: see ``goal_help``)."""
    goals = dict(load_rules().goals_legend())
    return {c: st.column_config.Column(c, help=goals[c]) for c in columns if c in goals}


def goal_help(column: str) -> str | None:
    """What sub-goal k is, for the column ``Delmål k`` (None for any other column)."""
    return dict(load_rules().goals_legend()).get(column)


def assumption_legend(rules, years) -> None:
    """What the «(antatt …)» marks on a page mean for ``years``: the rules the letters do not
    decide, and what the app assumes instead (nothing where every rule is from a letter)."""
    notes = rules.assumptions(years)
    if notes:
        st.caption(
            "**«(antatt)», «(antatt frist)»:** regelen er ikke bestemt i brevene, men antatt. "
            + " ".join(notes)
        )


def goal_legend() -> None:
    """The three sub-goals, named, under a page that counts activities by them."""
    st.caption("  \n".join(f"**{name}:** {text}" for name, text in load_rules().goals_legend()))


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str | bool | date) and pd.isna(value))


def _kroner(value) -> str:
    return EMPTY if _missing(value) else fmt.kroner(round(value * 100))


def _kroner_with_ore(value) -> str:
    return EMPTY if _missing(value) else fmt.kroner(round(value * 100), ore_always=True)


def _percent(value) -> str:
    return EMPTY if _missing(value) else f"{fmt.number(value, 1)} %"


def _one_decimal(value) -> str:
    if isinstance(value, float) and not _missing(value):
        return fmt.number(value, 1)
    return _display(value)


def _plain(value) -> str:
    return _display(value, plain=True)


def _flagged(text, predicate, words=None):
    """A cell's text, with «⚠» after it where ``predicate`` holds (and ``words(value)``
    after that, saying why, where given)."""
    if predicate is None:
        return text

    def shown(value):
        if not _alert(predicate, value):
            return text(value)
        return f"{text(value)} ⚠ {words(value)}" if words else f"{text(value)} ⚠"

    return shown


def download_pair(make, stem: str, key: str) -> None:
    """The CSV and XLSX buttons of one download; ``make(file_format)`` builds the file
    when a button is pressed (for the user who saw the button)."""
    make = as_this_visitor(make)
    with st.container(horizontal=True):
        st.download_button(
            DOWNLOAD_TEXT["csv"],
            data=lambda: make("csv"),
            file_name=f"{stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}_csv",
        )
        st.download_button(
            DOWNLOAD_TEXT["xlsx"],
            data=lambda: make("xlsx"),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            icon=":material/table_view:",
            on_click="ignore",
            key=f"{key}_xlsx",
        )


def download_buttons(table, download: Download, *, key: str) -> None:
    """CSV and XLSX buttons for exactly the table shown (``table`` may be a function that
    builds it, for a list too long to show whole)."""
    about = {
        "title": download.title,
        "filters": download.filters,
        "as_of": download.as_of,
        "upload_ids": [i for i in download.upload_ids if i is not None],
        "row_label": download.row_label,
        "assumption_years": sorted(set(download.years)),
    }

    def make(file_format: str) -> bytes:
        return table_export(table() if callable(table) else table, file_format, **about)

    download_pair(make, download.stem, key)


def council_page_links(councils, label: str) -> None:
    """A row of links, one per council, each opening the Råd page on that council."""
    with st.container(horizontal=True, gap="small"):
        st.caption(label)
        for council in councils:
            st.page_link(
                "views/rad.py",
                label=council.short_name,
                query_params={"rad": str(council.id)},
            )


def chart(figure, caption: str | None = None) -> None:
    """A figure with its title above it as text (text wraps on a phone, where Plotly cuts a
    title off) that also names the chart for a screen reader, and no Plotly toolbar (its
    buttons are in English); ``caption`` under it."""
    title = html.unescape(figure.layout.title.text or "")
    figure.update_layout(title=None)
    top = 70 if figure.layout.xaxis.side == "top" else 30
    figure.update_layout(margin={"t": top})
    if title:
        st.markdown(f"**{plain(title)}**")
    st.plotly_chart(figure, config={"displayModeBar": False}, alt=title or None)
    if caption:
        st.caption(caption)
