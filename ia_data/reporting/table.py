"""The table model every page and export shares: typed columns (``Column``: a name, the kind
of figure it holds, how a page shows it) and typed rows (kroner as ``Kroner``, shares as
``Percent``, dates, yes/no as bools), so that the screen, CSV and XLSX each format the same
values their own way, by the column's kind — never by its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum


@dataclass(frozen=True)
class Kroner:
    """An amount held as whole øre, written as kroner (decimals only when there are øre)."""

    ore: int

    @property
    def value(self) -> int | float:
        return self.ore // 100 if self.ore % 100 == 0 else self.ore / 100


@dataclass(frozen=True)
class Percent:
    """A share (1.0 = 100 %), written with one decimal."""

    share: float


def text_width(texts) -> int:
    """The width in pixels that shows the longest of ``texts`` whole in a cell (the grid
    does not measure a column given a width): 7 px a character at the grid's font, and the
    cell's padding."""
    return 7 * max((len(t) for t in texts), default=0) + 26


class Kind(StrEnum):
    """What a column holds, which decides how every surface writes it."""

    TEXT = "text"
    MONEY = "money"  # ``Kroner``: «400 000 kr», øre on every amount where one has them
    PERCENT = "percent"  # ``Percent``: «87,5 %», or a bar where a page asks for one
    COUNT = "count"  # a whole number, thousands spaced: «1 250»
    NUMBER = "number"  # a measured number with ``Column.decimals`` decimals
    CODE = "code"  # a year, an id or a row number: no thousands spacing («2015»)
    DATE = "date"  # a date, or a moment (a ``datetime``)
    YES_NO = "yes/no"  # a bool, written «Ja»/«Nei»
    STATUS = "status"  # a report's deadline status: a coloured cell


@dataclass(frozen=True)
class Column:
    """One column, declared once where its table is built (``reporting.tables``): its name
    (the header of every export), its kind (which decides every format), and how a page
    shows it — header and width in the full and the compact view, help, whether it stays
    in view while the table scrolls sideways, and which cells need a reader's attention."""

    name: str
    kind: Kind = Kind.TEXT
    short: str = ""  # the header in a compact view (default: ``label``)
    label: str = ""  # the header on screen, where it is not the name
    help: str = ""  # the header's tooltip
    width: int | None = None  # on screen, in pixels (None: as wide as the values)
    compact_width: int | None = None
    pinned: bool = False  # in view while the table scrolls sideways (the first: frozen)
    decimals: int = 0  # of a ``NUMBER``
    goal: int | None = None  # the sub-goal it counts: its help names it (from the rules)
    # A cell that needs attention (its typed value; an empty cell never does): red where a
    # page alerts on the column, red with «⚠» (and ``words``) where it flags it.
    attention: Callable[[object], bool] | None = field(default=None, compare=False)
    words: Callable[[object], str] | None = field(default=None, compare=False)
    flagged: bool = False  # flagged on every page that shows it, unasked

    @property
    def header(self) -> str:
        """The header on screen."""
        return self.label or self.name

    @property
    def compact_header(self) -> str:
        """The header in a compact view."""
        return self.short or self.header

    def of(self, suffix: str, **changes) -> Column:
        """A column of the same family, named with ``suffix`` («Status» → «Status H1»)."""
        return replace(self, name=f"{self.name} {suffix}", **changes)

    def but(self, **changes) -> Column:
        """This column as one table shows it (its own width, say); the same figure."""
        return replace(self, **changes)

    def needs(self, attention, words=None) -> Column:
        """This column with the cells that need attention as a page judges them (meetings
        against the year's expected range, say)."""
        return replace(self, attention=attention, words=words)

    def flags(self, value) -> bool:
        """Whether a cell of this column needs attention: never an empty one, nor one its
        judgement does not fit (a text among numbers)."""
        if value is None or self.attention is None:
            return False
        try:
            return bool(self.attention(value))
        except (TypeError, AttributeError):
            return False


@dataclass
class Table:
    """Columns and typed rows: what a page shows and what every export writes. A
    ``compact`` table is a narrow view of a wider one (short headers, compact widths, no
    words after a flag)."""

    columns: list[Column]
    rows: list[list]
    title: str = ""
    compact: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def only(self, columns: list[Column], title: str | None = None) -> Table:
        """The same rows with only these columns, in this order."""
        picks = [self.names.index(c.name) for c in columns]
        return Table(
            columns=[self.columns[j] for j in picks],
            rows=[[row[j] for j in picks] for row in self.rows],
            title=self.title if title is None else title,
        )
