"""Small statistics files in the forms docs/statistikk.md names, for the statistics tests:
the app's own CSV, JSON-stat 2.0 as StatBank's API returns it, and StatBank's CSV; and
values put straight into a database, as an older release could have stored them."""

from __future__ import annotations

import json
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = PROJECT / "ia_data" / "domain" / "series" / "nav_legemeldt_q1_fylke.csv"
SSB_SAMPLE = PROJECT / "tests" / "fixtures" / "ssb_sykefravaer_fylke_utvalg.csv"
NAV_KEY = "nav-legemeldt-k1"


def shipped(periods: list[str], rows: list[list[str]], *, first: str = "# Testserie (kilde: test)",
            meta: dict[str, str] | None = None) -> bytes:  # fmt: skip
    """The app's own CSV: a comment line, ``# key: value`` lines, the header, the rows."""
    lines = [first, *(f"# {k}: {v}" for k, v in (meta or {}).items())]
    lines.append(";".join(["fylkesnummer", "fylke", *periods]))
    lines += [";".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def jsonstat(
    regions: dict[str, str],
    times: list[str],
    values: list,
    *,
    measures: dict[str, str] | None = None,
    sexes: dict[str, str] | None = None,
    table: str = "12441",
    index_as_list: bool = False,
    sparse: bool = False,
    measure_unit: str = "prosent",
) -> bytes:
    """A JSON-stat 2.0 dataset as StatBank's API returns it for a table by county (Region),
    sex (Kjonn), measure (ContentsCode, in ``measure_unit``) and quarter (Tid), values in row-major
    order."""
    measures = measures or {"SykefraversProsent": "Sykefraværsprosent"}
    sexes = sexes or {"0": "Begge kjønn"}

    def dimension(label: str, categories: dict[str, str], unit: bool = False) -> dict:
        codes = list(categories)
        index = codes if index_as_list else {c: k for k, c in enumerate(codes)}
        category = {"index": index, "label": categories}
        if unit:
            category["unit"] = {c: {"base": measure_unit, "decimals": 1} for c in codes}
        return {"label": label, "category": category}

    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table}: Sykefravær for lønnstakere, etter region, kjønn, statistikkvariabel "
        "og kvartal",
        "source": "Statistisk sentralbyrå",
        "updated": "2019-06-13T06:00:00Z",
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "Kjonn", "ContentsCode", "Tid"],
        "size": [len(regions), len(sexes), len(measures), len(times)],
        "dimension": {
            "Region": dimension("region", regions),
            "Kjonn": dimension("kjønn", sexes),
            "ContentsCode": dimension("statistikkvariabel", measures, unit=True),
            "Tid": dimension("kvartal", {t: t for t in times}),
        },
        "extension": {"px": {"tableid": table, "decimals": 1}},
        "value": {str(k): v for k, v in enumerate(values) if v is not None} if sparse else values,
    }
    return json.dumps(dataset, ensure_ascii=False, indent=1).encode("utf-8")


def statbank_wide(rows: list[list[str]], headers: list[str], delimiter: str = ";") -> bytes:
    """StatBank's CSV, wide: ``"region";"Sykefraværsprosent 2014K2";…``, texts quoted."""

    def quote(cell: str) -> str:
        return cell if cell.replace(",", "").replace(".", "").isdigit() else f'"{cell}"'

    lines = [delimiter.join(f'"{h}"' for h in ["region", *headers])]
    lines += [delimiter.join(quote(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def statbank_long(rows: list[list[str]], headers: list[str], delimiter: str = ",") -> bytes:
    """StatBank's CSV, long: a region, (a measure,) a quarter and the value on each line."""
    lines = [delimiter.join(f'"{h}"' for h in headers)]
    lines += [delimiter.join(f'"{c}"' for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def store_directly(engine, changes: dict[tuple[str, int], float], key: str = NAV_KEY) -> None:
    """Values put straight into a series' rows (default: the NAV series that ships), past
    every check, as an older release could have stored them: (county, year of the 1st
    quarter) → value."""
    from sqlmodel import Session, select, update

    from ia_data.storage.models import StatSeries, StatValue

    with Session(engine) as session:
        series = session.exec(
            select(StatSeries.id).where(StatSeries.key == key, StatSeries.active)
        ).one()
        for (county, year), stored in changes.items():
            session.exec(
                update(StatValue)
                .where(
                    StatValue.series_id == series,
                    StatValue.county_number == county,
                    StatValue.year == year,
                    StatValue.quarter == 1,
                )
                .values(value=stored)
            )
        session.commit()
