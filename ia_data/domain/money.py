"""Money as the letters count it: a council's grant for a year comes from an uploaded
allocation decision, else from the year's rule (400 000 kr a year from 2015, 600 000 kr
where two counties share a council); ``Gjenstår`` is ``Tildelt`` − ``Brukt``, and a
negative remainder is overspending."""

from __future__ import annotations

from ia_data.domain.formatting import kroner
from ia_data.domain.kinds import AllocationSource
from ia_data.domain.rules import Rules


def grant(
    rules: Rules, year: int, counties: int, decided_ore: int | None
) -> tuple[int | None, AllocationSource]:
    """A council's grant in øre and where it comes from: the decision when one was
    uploaded (``decided_ore``), else the year's rule, else unknown (None)."""
    if decided_ore is not None:
        return decided_ore, AllocationSource.DECISION
    kroner = rules.rule_allocation(year, counties)
    if kroner is None:
        return None, AllocationSource.NONE
    return kroner * 100, AllocationSource.RULE


def rule_grants_text(rules: Rules) -> str:
    """The grants the rules fix, as captions say them: «400 000 kr per råd, 600 000 kr for
    råd som dekker to fylker» (with the years of each where the rules fix more than one)."""
    parts: list[list] = []  # [first year, last year, amounts, assumed years]
    for regime in rules.regimes:
        if regime.allocation != AllocationSource.RULE:
            continue
        amounts = []
        if regime.amount_one_county is not None:
            amounts.append(f"{kroner(regime.amount_one_county * 100)} per råd")
        if regime.amount_shared is not None:
            amounts.append(f"{kroner(regime.amount_shared * 100)} for råd som dekker to fylker")
        years = list(range(regime.from_year, regime.to_year + 1))
        assumed = years if regime.amount_assumed else []
        if parts and parts[-1][2] == ", ".join(amounts) and parts[-1][1] + 1 == years[0]:
            parts[-1][1] = years[-1]  # the same amounts the year after: one span
            parts[-1][3] += assumed
        else:
            parts.append([years[0], years[-1], ", ".join(amounts), assumed])
    texts = []
    for first, last, amounts, assumed in parts:
        if assumed:
            amounts += f"; antatt for {_span(assumed[0], assumed[-1])}"
        texts.append(amounts if len(parts) == 1 else f"{_span(first, last)}: {amounts}")
    return "; ".join(texts).replace("\u00a0", " ")  # as the captions around it are written


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


class MoneyFigures:
    """Remaining, share used and overspending, derived from ``allocated_ore`` and
    ``spent_ore`` — the same arithmetic for every table that shows a grant."""

    allocated_ore: int | None
    spent_ore: int

    @property
    def remaining_ore(self) -> int | None:
        return None if self.allocated_ore is None else self.allocated_ore - self.spent_ore

    @property
    def share_used(self) -> float | None:
        """Spent as a fraction of allocated (1.0 = all used), None without an allocation."""
        if not self.allocated_ore:
            return None
        return self.spent_ore / self.allocated_ore

    @property
    def overspent(self) -> bool:
        return self.remaining_ore is not None and self.remaining_ore < 0
