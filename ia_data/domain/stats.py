"""Public statistics by county and quarter (sickness absence, NAV and Statistics Norway):
how a period and a series' kind of period are named, and the county number of the national
figure. The series themselves are data (``ia_data/domain/series/``, and what an admin
loads); docs/statistikk.md says which sources a deployment can load."""

from __future__ import annotations

from pathlib import Path

NATIONAL = "00"  # «Hele landet»: kept beside the counties as a reference line
NATIONAL_NAME = "Hele landet"

# The series that ship with the app: every CSV in this folder (the form docs/statistikk.md
# describes) is loaded into a new database.
SHIPPED_DIR = Path(__file__).with_name("series")


def quarter_label(year: int, quarter: int) -> str:
    """``2012, 1`` as ``1. kvartal 2012``."""
    return f"{quarter}. kvartal {year}"


def period_code(year: int, quarter: int) -> str:
    """``2012, 1`` as Statistics Norway writes it: ``2012K1``."""
    return f"{year}K{quarter}"


def period_kind(quarter: int | None) -> str:
    """What a series holds: one given quarter each year (NAV's 1st quarter), or quarters."""
    return "kvartal" if quarter is None else f"{quarter}. kvartal hvert år"
