"""A ``Table`` on the page: Norwegian numbers and dates, coloured status cells, alerts in
red, and the CSV and XLSX download buttons for exactly the table shown."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

import pandas as pd
import streamlit as st

from ia_data.domain import formatting as fmt
from ia_data.domain.rules import Status
from ia_data.reporting.activities import activity_list
from ia_data.reporting.table import Column, Kind, Kroner, Percent, text_width
from ia_data.reporting.tables import activities_table
from ui.auth import as_this_visitor
from ui.data import read
from ui.data import rules as rules_in_force
from ui.links import council_link
from ui.text import plain, screen_text

STATUS_COLOURS = {
    Status.ON_TIME: ("#e3f1e6", "#1b5e20"),
    Status.LATE: ("#fff1d6", "#7a4b00"),
    Status.MISSING: ("#fbe3e3", "#8e1c1c"),
    Status.DUE_SOON: ("#e6eefb", "#1a4480"),
    Status.NOT_DUE: ("#f1f2f4", "#44474f"),
}


def status_style(text) -> str:
    """CSS for a status cell: a calm background and dark text; the word always shows."""
    if not isinstance(text, str):
        return ""
    for status, (background, colour) in STATUS_COLOURS.items():
        if text.startswith(status):
            return f"background-color: {background}; color: {colour}"
    return ""


DOWNLOAD_TEXT = {"csv": "Last ned CSV", "xlsx": "Last ned Excel (XLSX)"}


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD_ICON = ":material/download:"


ALERT_STYLE = "color: #8e1c1c; font-weight: 600"


# The display value of a missing cell (st.dataframe's own placeholder for a missing value
# is set to "" where the tables are drawn).
EMPTY = "\u00a0"
# The most rows a list of activities shows: a few hundred are what a person reads on a
# screen; the search and the filters find the others, and the download takes them all
# (``listed_activities``). A browser draws 3 000 rows slowly, and with them the server's
# peak memory after the pages' benchmark was 60 MB higher (benchmarks/bench.py --pages).
LIST_LIMIT = 500


# What each kind's cells hold, when every cell of a column holds it; a column whose cells
# differ (a council of two counties names both counties' sickness absence) is shown as
# text, cell by cell.
_HOLDS = {
    Kind.MONEY: Kroner,
    Kind.PERCENT: Percent,
    Kind.COUNT: int,
    Kind.CODE: int,
    Kind.NUMBER: int | float,
    Kind.DATE: date,
    Kind.YES_NO: bool,
    Kind.TEXT: str,
    Kind.STATUS: str,
}
_MIXED = "mixed"


def _screen_kind(column: Column, values: list) -> Kind | str:
    """The column's kind if every cell holds its kind of value, else «mixed»; a column
    without any value is text (an empty cell each), one of only yes and no is yes/no (an
    action plan's column where no report gives a date)."""
    present = [v for v in values if v is not None]
    if not present:
        return Kind.TEXT
    if all(isinstance(v, bool) for v in present):
        return Kind.YES_NO
    if any(isinstance(v, bool) for v in present):
        return _MIXED
    return column.kind if all(isinstance(v, _HOLDS[column.kind]) for v in present) else _MIXED


def _display(value, plain: bool = False) -> str:
    """One cell as a person reads it (Norwegian numbers and dates, Ja/Nei)."""
    if type(value) is str:  # most cells of a long list: as they are
        return value
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


def _screen_values(column: Column, kind, values: list) -> list:
    """A column's cells for the frame: kroner as numbers of kroner, shares as percent,
    yes/no as «Ja»/«Nei», dates as dates, text cut (``screen_text``); a mixed column as
    each cell's text."""
    if kind == _MIXED:
        text = _decimals(column.decimals) if column.kind is Kind.NUMBER else _display
        return [screen_text(text(v)) if v is not None else "" for v in values]
    if kind is Kind.MONEY:
        return [v.ore / 100 if v is not None else None for v in values]
    if kind is Kind.PERCENT:
        return [v.share * 100 if v is not None else None for v in values]
    if kind is Kind.YES_NO:  # st.dataframe draws a bool column as check boxes
        return [fmt.yes_no(v) if v is not None else None for v in values]
    if kind in (Kind.TEXT, Kind.STATUS):
        return ["" if v is None else screen_text(v) for v in values]
    return values


def table_frame(table):
    """A ``Table`` as a DataFrame for the screen, each column by its kind (``_screen_values``);
    numbers and dates stay numbers and dates, so that the column sorts by them (a missing
    one stays missing; ``show_table`` draws it as an empty cell). Returns the frame and
    each column's kind as shown («mixed» where its cells differ)."""
    frame = pd.DataFrame(table.rows, columns=table.names, dtype=object)
    kinds = {}
    for j, column in enumerate(table.columns):
        values = [row[j] for row in table.rows]
        kind = kinds[column.name] = _screen_kind(column, values)
        shown = _screen_values(column, kind, values)  # as objects: a date stays a date
        frame[column.name] = pd.Series(shown, index=frame.index, dtype=object)
        if kind in (Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.CODE, Kind.NUMBER):
            frame[column.name] = pd.to_numeric(frame[column.name])
    return frame, kinds


@dataclass
class Download:
    """What a table's CSV and XLSX buttons write: the file name (without its suffix) and
    the facts of the XLSX's ``Om uttrekket`` sheet (a filter's label may be the column it
    filters)."""

    stem: str
    title: str
    filters: list = field(default_factory=list)
    upload_ids: Iterable = ()
    as_of: date | None = None
    row_label: str = "Antall rader"
    years: Iterable = ()  # the years shown: the assumed rules of these go in «Antakelser»
    approved_only: bool = False  # the figures count only approved versions: «Kilde» says so


def show_table(
    table,
    *,
    flags: Iterable[Column] = (),
    alerts: Iterable[Column] = (),
    bars: Iterable[Column] = (),
    max_height: int = 560,
    key: str | None = None,
    download: Download | None = None,
    rows=None,
):
    """Show a ``Table`` as the page's dataframe, each column as its ``Column`` declares:
    header, width, help, pinned, and the format of its kind (Norwegian numbers and dates,
    coloured statuses). The cells that need attention (``Column.attention``) of the
    columns in ``flags`` are red with «⚠» after the value (and the column's ``words``,
    except in a compact table), of those in ``alerts`` red only; a column declared
    ``flagged`` is flagged on every page. Percent columns in ``bars`` are bars. With
    ``download``, the CSV and XLSX buttons follow (``rows``: a function that builds the
    whole table when a button is pressed, where the page shows only the start of it)."""
    frame, kinds = table_frame(table)
    flagged = {c.name: c for c in table.columns if c.flagged} | {c.name: c for c in flags}
    alerted = {c.name: c for c in alerts}
    barred = {c.name for c in bars}
    texts = {
        c.name: _text(kinds[c.name], c, frame[c.name], c.name in barred) for c in table.columns
    }
    # Every column's format in one call (one call per column cost Råd's 70 columns 30 ms).
    styler = frame.style.format({name: text for name, text in texts.items() if text})
    for j, column in enumerate(table.columns):
        name, kind, text = column.name, kinds[column.name], texts[column.name]
        if kind is Kind.STATUS:
            styler = styler.map(status_style, subset=[name])
        judged = flagged.get(name) or alerted.get(name)
        marked = _needing_attention(judged, [row[j] for row in table.rows])
        if not marked:
            continue
        rows_alert = [ALERT_STYLE if i in marked else "" for i in range(len(frame))]
        styler = styler.apply(lambda _, styles=rows_alert: styles, subset=[name])
        if name in flagged and text is not None:
            words = None if table.compact else judged.words
            for i, typed in marked.items():
                shown = f"{text(frame[name].iloc[i])} ⚠" + (f" {words(typed)}" if words else "")
                styler = styler.format(lambda _, s=shown: s, subset=([i], [name]))

    st.dataframe(
        styler,
        placeholder="",  # an empty cell, not «None»
        hide_index=True,
        height=min(table_height(len(frame)), max_height),
        alt=table.title or None,  # the table's name for a screen reader
        column_config=column_settings(table, kinds, barred),
        key=key,
    )
    if download is not None:
        download_buttons(rows or table, download, key=key or download.stem)
    return frame


def listed_activities(*, newest: bool = False, **query):
    """The activities a page lists (``activity_list`` with ``query``): at most
    ``LIST_LIMIT`` of them (the first, or with ``newest`` the newest), how many match in
    all, and, where the list is cut, what builds the whole table for its download (else
    None: the download is the table shown)."""
    rows, total = read(activity_list, limit=LIST_LIMIT, newest=newest, **query)
    if total == len(rows):
        return rows, total, None
    return rows, total, lambda: activities_table(read(activity_list, **query)[0])


def kept_table(table, key: str, stem: str, title: str = "", none: str = "") -> bool:
    """A table of what is kept (users, the register, statistics series …) with its download
    buttons (file ``stem``, titled ``title`` or as the table, no filters), or, with no
    rows, the note ``none`` (empty: nothing). True when the table was shown."""
    if not table.rows:
        if none:
            st.info(none)
        return False
    show_table(table, key=key, download=Download(stem, title or table.title))
    return True


def _text(kind, column: Column, values, bar: bool):
    """How a column's cells read: by its kind (None: a bar, which draws itself)."""
    if kind is Kind.MONEY:  # one column, one format: øre on every amount if on any
        with_ore = any(not _missing(v) and round(v * 100) % 100 for v in values)
        return _kroner_with_ore if with_ore else _kroner
    if kind is Kind.PERCENT:
        return None if bar else _percent
    if kind is Kind.NUMBER or (kind == _MIXED and column.kind is Kind.NUMBER):
        return _decimals(column.decimals)
    return _plain if kind is Kind.CODE else _display


def _needing_attention(column: Column | None, values: list) -> dict[int, object]:
    """Row → value, of the cells that need attention by ``column`` (an empty cell never
    does; nor a cell its judgement does not fit, a text among numbers)."""
    if column is None or column.attention is None:
        return {}
    return {i: value for i, value in enumerate(values) if column.flags(value)}


def column_settings(table, kinds: dict | None = None, bars=frozenset()) -> dict:
    """Streamlit's settings of each column, as declared: header, width, help, pinned (in a
    compact table short headers and compact widths); amounts and shares to the right, bars
    from 0 to 100 %. A pinned column (the council's, in every table that has one) stays in
    view while a table too wide for a phone scrolls sideways."""
    settings = {}
    goals = dict(rules_in_force().goals_legend())
    for j, column in enumerate(table.columns):
        kind = (kinds or {}).get(column.name, column.kind)
        help = goals[column.name] if column.goal else column.help
        if table.compact:
            label, width = column.compact_header, column.compact_width
            if column.goal:
                help = f"{column.name}: {help}"
            elif column.short and not help:
                help = column.name
        else:
            label, width = column.header, column.width
        if width is not None and not column.pinned and kind in (Kind.TEXT, Kind.STATUS, _MIXED):
            width = _fitting(width, label, [row[j] for row in table.rows])
        common = {"width": width, "help": help or None, "pinned": column.pinned or None}
        if column.name in bars and kind is Kind.PERCENT:
            settings[column.name] = st.column_config.ProgressColumn(
                label, min_value=0, max_value=100, format="%.0f %%", **common
            )
        elif column.kind is Kind.CODE and kind is Kind.CODE:
            settings[column.name] = st.column_config.NumberColumn(label, format="%d", **common)
        else:
            right = "right" if kind in (Kind.MONEY, Kind.PERCENT) else None
            settings[column.name] = st.column_config.Column(label, alignment=right, **common)
    return settings


# A text cell is widened to its text (``reporting.table.text_width``, as a status column is
# sized), but never past ``WIDEST`` (a longer text, a message or a title, is read whole in
# the cell's overlay or in the export), nor is a pinned one: its width is chosen to leave
# room beside it on a phone (Streamlit unpins columns wider than 60 % of the table).
WIDEST = 420


def _fitting(width: int, label: str, values: list) -> int:
    """A declared width, widened so that the header and the longest short text of a cell
    are read whole (a status «Levert for sent (+13 dager) (oppgitt)» is not cut mid-word)."""
    texts = [label, *(str(v) for v in values if isinstance(v, str))]
    return max(width, min(text_width(texts), WIDEST))


def table_height(rows: int) -> int:
    """The height that shows ``rows`` rows and the header whole (Streamlit's rows are 35 px,
    plus the borders): a last row cut in half hides that there is a row below it."""
    return (max(rows, 1) + 1) * 35 + 3


def goal_help(k: int) -> str:
    """What sub-goal k is (from the rules), for a tile or a metric's help."""
    return dict(rules_in_force().goals_legend())[f"Delmål {k}"]


def assumption_legend(rules, years) -> None:
    """What the «(antatt …)» marks on a page mean for ``years``: the rules the letters do not
    decide, and what the app assumes instead (nothing where every rule is from a letter)."""
    notes = rules.assumptions(years)
    if notes:
        st.caption(
            "**«(antatt)», «(antatt frist)»:** regelen er ikke bestemt i brevene, men antatt. "
            + " ".join(notes)
        )


def given_legend(statuses) -> None:
    """What the «(oppgitt)» mark in a status cell means, where one of ``statuses`` has it."""
    if any(s.receipt_given and s.submitted is not None for s in statuses):
        st.caption(
            "**«(oppgitt)»:** oppgitt, ikke registrert av appen: rapporten kom før appen "
            "registrerte mottak (eller ble lastet inn som historisk), så statusen bedømmes "
            "etter «Innsendt»-datoen i rapporten."
        )


def goal_legend() -> None:
    """The three sub-goals, named, under a page that counts activities by them."""
    st.caption("  \n".join(f"**{name}:** {text}" for name, text in rules_in_force().goals_legend()))


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str | bool | date) and pd.isna(value))


def _kroner(value) -> str:
    return EMPTY if _missing(value) else fmt.kroner(round(value * 100))


def _kroner_with_ore(value) -> str:
    return EMPTY if _missing(value) else fmt.kroner(round(value * 100), ore_always=True)


def _percent(value) -> str:
    return EMPTY if _missing(value) else f"{fmt.number(value, 1)} %"


def _decimals(decimals: int):
    """A measured number's text: ``decimals`` decimals (text cells as they are)."""

    def text(value) -> str:
        if isinstance(value, float) and not _missing(value):
            return fmt.number(value, decimals)
        return _display(value)

    return text


def _plain(value) -> str:
    return _display(value, plain=True)


def file_button(
    label: str, make, file_name: str, *, mime: str | None, key: str, icon: str = DOWNLOAD_ICON
) -> None:
    """A download button whose file ``make()`` builds when the button is pressed, not on
    every run of the page, for the visitor who saw the button (``as_this_visitor``); the
    click does not run the page again."""
    st.download_button(
        label,
        data=as_this_visitor(make),
        file_name=file_name,
        mime=mime,
        icon=icon,
        on_click="ignore",
        key=key,
    )


# Each format of a table's download: its type and its button's icon.
DOWNLOAD_FORMATS = {
    "csv": ("text/csv", DOWNLOAD_ICON),
    "xlsx": (XLSX_MIME, ":material/table_view:"),
}


def download_pair(make, stem: str, key: str) -> None:
    """The CSV and XLSX buttons of one download; ``make(file_format)`` builds the file
    when a button is pressed (for the user who saw the button)."""
    with st.container(horizontal=True):
        for ending, (mime, icon) in DOWNLOAD_FORMATS.items():
            file_button(
                DOWNLOAD_TEXT[ending],
                partial(make, ending),
                f"{stem}.{ending}",
                mime=mime,
                icon=icon,
                key=f"{key}_{ending}",
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
        "approved_only": download.approved_only,
    }

    in_force = {"rules": rules_in_force(), "cache": False}

    def make(file_format: str) -> bytes:
        from ia_data.output.exports import table_export  # openpyxl, when a file is asked for

        shown = table() if callable(table) else table
        return read(table_export, table=shown, file_format=file_format, **about, **in_force)

    download_pair(make, download.stem, key)


# What a page shows on a large screen only (a table of many columns) and what stands in for
# it on a phone (the same rows as stacked cards): containers keyed with these prefixes, one
# of the two hidden by the width of the screen (``ui.gate``'s page style).
WIDE, NARROW = "ia_wide_", "ia_narrow_"


def stacked_errors(problems, key: str) -> None:
    """A file's errors as stacked cards for a phone: where each is (sheet, row, column, the
    value found) and its whole message, wrapped; on a large screen the table shows them."""
    with st.container(key=f"{NARROW}{key}"):
        for problem in problems:
            where = problem.text.removesuffix(problem.message).rstrip(": ")
            found = f" · funnet «{plain(screen_text(problem.found))}»" if problem.found else ""
            with st.container(border=True, gap="small"):
                if where or found:
                    st.markdown(f"**{plain(where)}**{found}")
                st.markdown(plain(screen_text(problem.message)))


def council_page_links(councils, label: str, year: int | None = None) -> None:
    """A row of links, one per council, each opening the Råd page on that council (and
    ``year``, where the link is about one)."""
    with st.container(horizontal=True, gap="small"):
        st.caption(label)
        for council in councils:
            st.page_link(
                "views/rad.py",
                label=council.short_name,
                query_params=council_link(council.id, year),
            )


def chart(figure: dict, caption: str | None = None) -> None:
    """A figure (a Vega-Lite specification from ``ia_data.output.charts``) with its title
    above it as text (text wraps on a phone, where a chart's own title is cut off) that
    also names the chart for a screen reader; ``caption`` under it."""
    spec = dict(figure)
    title = spec.pop("title", "")
    if title:
        st.markdown(f"**{plain(title)}**")
    st.vega_lite_chart(spec, alt=title or None)
    if caption:
        st.caption(caption)


# A table and its figure side by side as tabs, the table first, as Statistics Norway shows
# its tables.
VIEWS = ("Tabell", "Figur")


@contextmanager
def table_and_figure(key: str, figure: Callable[[], dict], caption: str | None = None):
    """Tabs «Tabell» (chosen) and «Figur», whose choice reruns the page (``key``: the choice
    in the session): the body of the ``with`` is the «Tabell» tab; ``figure()`` (a
    specification for ``chart``, with ``caption``) is made and drawn in «Figur» only when
    that tab is open. A chart brings the largest script a page loads, and a visitor who
    does not ask for the figure gets the page without it (Råd's two charts held its first
    table back by 0.6 s)."""
    table_tab, figure_tab = st.tabs(list(VIEWS), key=key, on_change="rerun")
    with table_tab:
        yield
    if figure_tab.open:
        with figure_tab, st.columns([3, 2])[0]:
            chart(figure(), caption=caption)


def deviation_metric(found, kind, label: str, help_text: str, nobody: str) -> None:
    """How many councils have a kind of deviation (``reporting.deviations``), its help
    (``help_text`` with ``{names}``) naming them, or saying ``nobody``."""
    names = plain(found.names(kind)) or nobody
    st.metric(label, len(found.councils(kind)), help=help_text.format(names=names))
