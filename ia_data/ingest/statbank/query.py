"""The query for a StatBank table: which values of each of its variables a series asks for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ia_data.domain.stats import NATIONAL
from ia_data.domain.text import fold
from ia_data.ingest.statbank.shared import FetchError
from ia_data.ingest.stats import county_of, quarter_of


def _values(variable: dict) -> list[tuple[str, str]]:
    values = [str(v) for v in variable.get("values") or []]
    texts = [str(t) for t in variable.get("valueTexts") or values]
    return list(zip(values, texts + values[len(texts) :], strict=False))


def build_query(
    metadata: dict,
    counties: Iterable[str],
    *,
    measure: str | None = None,
    select: Mapping[str, list[str]] | None = None,
) -> dict:
    """The query for a table's variables (``metadata``): see the module's docstring.
    Raises ``FetchError`` where a choice is the user's (which measure, which value)."""
    known = set(counties) | {NATIONAL}
    select = dict(select or {})
    query, kinds = [], set()
    for variable in metadata["variables"]:
        if not isinstance(variable, dict):
            continue
        kinds.add(_kind(variable))
        chosen = _chosen(variable, known, measure, select)
        if chosen is not None:
            query.append(_item(str(variable.get("code") or ""), chosen))
    unknown = [c for c in select if c not in {str(v.get("code")) for v in metadata["variables"]}]
    if unknown:
        raise FetchError(f"Tabellen har ingen variabel {', '.join(unknown)}")
    lacking = [
        name for name, kind in (("region", "region"), ("kvartal", "time")) if kind not in kinds
    ]
    if lacking:
        raise FetchError(
            f"Tabellen har ingen variabel for {' og '.join(lacking)}; den er ikke etter fylke og "
            "kvartal"
        )
    return {"query": query, "response": {"format": "json-stat2"}}


def _chosen(variable: dict, known: set[str], measure: str | None, select: dict) -> list | None:
    """The values of one variable the query asks for (None: none, the table sums it up);
    a value asked for with ``--select`` is taken out of ``select``."""
    code = str(variable.get("code") or "")
    text = str(variable.get("text") or code)
    values = _values(variable)
    kind = _kind(variable)
    if kind == "region":
        wanted = [v for v, _ in values if county_of(v) in known]
        if not wanted:
            raise FetchError(
                f"Variabelen «{text}» ({code}) har ingen fylker som registeret kjenner"
            )
        return wanted
    if kind == "time":
        wanted = [v for v, _ in values if quarter_of(v)]
        if not wanted:
            shown = ", ".join(v for v, _ in values[:3])
            raise FetchError(f"Tabellen er ikke etter kvartal: «{text}» har perioder som {shown}")
        return wanted
    if kind == "measure":
        return _measure(values, measure)
    if code in select:
        if len(select[code]) != 1 or select[code][0] not in {c for c, _ in values}:
            raise FetchError(f"Velg én verdi for «{text}» ({code}), blant {_listed(values)}")
        return select.pop(code)
    if len(values) == 1:
        return [values[0][0]]
    if not variable.get("elimination"):
        raise FetchError(
            f"Variabelen «{text}» ({code}) må velges, og en serie har ett mål: bruk "
            f"--select {code}=VERDI ({_listed(values)})"
        )
    return None


def _measure(values: list[tuple[str, str]], measure: str | None) -> list[str]:
    """The one measure (statistics variable) asked for, or the table's only one."""
    codes = [v for v, _ in values]
    if measure is not None:
        if measure not in codes:
            raise FetchError(
                f"Tabellen har ikke statistikkvariabelen «{measure}»; velg blant " + _listed(values)
            )
        return [measure]
    if len(codes) == 1:
        return codes
    raise FetchError(
        f"Tabellen har {len(codes)} statistikkvariabler, og en serie har ett mål: "
        f"velg én med --measure KODE ({_listed(values)})"
    )


def _kind(variable: dict) -> str:
    code, text = fold(variable.get("code") or ""), fold(variable.get("text") or "")
    if code == "region" or text in ("region", "fylke"):
        return "region"
    if variable.get("time") or code == "tid" or text in ("kvartal", "tid"):
        return "time"
    if code == "contentscode" or text == "statistikkvariabel":
        return "measure"
    return ""


def _item(code: str, values: list[str]) -> dict:
    return {"code": code, "selection": {"filter": "item", "values": values}}


def _listed(values: list[tuple[str, str]], most: int = 8) -> str:
    shown = ", ".join(f"{v} {t}" if t != v else v for v, t in values[:most])
    return shown + (f" og {len(values) - most} til" if len(values) > most else "")
