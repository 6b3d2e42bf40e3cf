"""A ``Table`` on the page: Norwegian numbers and dates, coloured status cells, alerts in
red, and the CSV and XLSX download buttons for exactly the table shown."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from ia_data.domain import formatting as fmt
from ia_data.domain.rules import Status
from ia_data.reporting.table import PLAIN_NUMBER_COLUMNS, Kroner, Percent
from ui.data import table_export
from ui.text import screen_text

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
    if value is None or (not isinstance(value, str | bool | date) and pd.isna(value)):
        return EMPTY
    if isinstance(value, bool):
        return fmt.yes_no(value)
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
            frame[column] = [
                screen_text(_display(v)) if v is not None else "" for v in frame[column]
            ]
        elif values and all(isinstance(v, date) for v in values):
            pass  # real dates, so the column sorts by date; a gap shows as an empty cell
        elif kinds[column] == "other":
            frame[column] = ["" if v is None else screen_text(v) for v in frame[column]]
    return frame, kinds


def show_table(
    table,
    *,
    alerts: dict | None = None,
    column_config: dict | None = None,
    bars: tuple[str, ...] = (),
    max_height: int = 560,
    key: str | None = None,
):
    """Show a ``Table`` as the page's dataframe: Norwegian formats, status colours, and
    ``alerts`` (column → predicate on the cell value) in red. Negative amounts in a
    ``Gjenstår`` column get red and ⚠; percent columns in ``bars`` show as bars."""
    frame, kinds = table_frame(table)
    alerts = dict(alerts or {})
    styler = frame.style
    for column in frame.columns:
        kind = kinds[column]
        if kind == "money":
            flag = column.startswith("Gjenstår")

            def money(v, flag=flag):
                if v is None or pd.isna(v):
                    return EMPTY
                text = fmt.kroner(round(v * 100))
                return f"{text} ⚠" if flag and v < 0 else text

            styler = styler.format(money, subset=[column])
            if flag:
                alerts.setdefault(column, lambda v: v is not None and pd.notna(v) and v < 0)
        elif kind == "percent" and column in bars:
            column_config = dict(column_config or {})
            bar = st.column_config.ProgressColumn(
                column, min_value=0, max_value=100, format="%.0f %%"
            )
            column_config.setdefault(column, bar)
        elif kind == "percent":
            styler = styler.format(
                lambda v: EMPTY if v is None or pd.isna(v) else f"{fmt.number(v, 1)} %",
                subset=[column],
            )
        else:
            plain = column in PLAIN_NUMBER_COLUMNS
            styler = styler.format(lambda v, plain=plain: _display(v, plain), subset=[column])
        if column.startswith("Status"):
            styler = styler.map(lambda v: status_style(v) if isinstance(v, str) else "", [column])
    for column, predicate in alerts.items():
        if column in frame.columns:
            styler = styler.map(lambda v, p=predicate: _alert(p, v), subset=[column])
    st.dataframe(
        styler,
        placeholder="",  # an empty cell, not «None»
        hide_index=True,
        height=min(38 + 35 * max(len(frame), 1), max_height),
        column_config=column_config,
        key=key,
    )
    return frame


def download_buttons(
    table,
    file_stem: str,
    *,
    title: str,
    filters: list,
    as_of: date | None = None,
    upload_ids=(),
    row_label: str = "Antall rader",
    key: str,
) -> None:
    """CSV and XLSX download buttons for exactly the table shown (``table`` may be a
    function that builds it, for a list too long to show whole)."""
    if callable(table):  # built only when a button is pressed (a long list)
        build = table
    else:

        def build(table=table):
            return table

    about = {
        "title": title,
        "filters": filters,
        "as_of": as_of,
        "upload_ids": list(upload_ids),
        "row_label": row_label,
    }
    with st.container(horizontal=True):
        st.download_button(
            DOWNLOAD_TEXT["csv"],
            data=lambda: table_export(build(), "csv", **about),
            file_name=f"{file_stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}_csv",
        )
        st.download_button(
            DOWNLOAD_TEXT["xlsx"],
            data=lambda: table_export(build(), "xlsx", **about),
            file_name=f"{file_stem}.xlsx",
            mime=XLSX_MIME,
            icon=":material/table_view:",
            on_click="ignore",
            key=f"{key}_xlsx",
        )


def council_page_links(councils, label: str) -> None:
    """A row of links, one per council, each opening the Råd page on that council."""
    with st.container(horizontal=True, gap="small"):
        st.caption(label)
        for council in councils:
            st.page_link(
                "views/rad.py",
                label=council.name.removeprefix("IA-rådet i "),
                query_params={"rad": str(council.id)},
            )
