"""The table model every page and export shares: columns and typed rows (kroner as
``Kroner``, shares as ``Percent``, dates, yes/no as bools), so that the screen, CSV and
XLSX each format the same values their own way."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass
class Table:
    """Columns and typed rows: what a page shows and what every export writes."""

    columns: list[str]
    rows: list[list]
    title: str = ""

    def only(self, columns: list[str], title: str | None = None) -> Table:
        """The same rows with only these columns, in this order."""
        picks = [self.columns.index(c) for c in columns]
        return Table(
            columns=list(columns),
            rows=[[row[j] for j in picks] for row in self.rows],
            title=self.title if title is None else title,
        )


PLAIN_NUMBER_COLUMNS = frozenset({"År", "Opplasting nr.", "Rad i filen", "Rad"})


# Columns of numbers with one decimal on the screen (a change in percentage points).
ONE_DECIMAL_COLUMNS = frozenset({"Endring sykefravær (prosentpoeng)"})
