"""Public statistics in the database: a series by county and quarter (sickness absence from
NAV or Statistics Norway), loaded from a file in one transaction, every earlier load of the
same series kept as history.

``import_stats`` is the one way a series gets in — the command line (``ia-data stats
import``) and an admin's page call it, and ``fetch_stats`` after fetching a table from
Statistics Norway's StatBank (``ia-data stats fetch``); ``load_shipped_series`` puts the series that
ship with the app (``ia_data/domain/series/``) into a new database, as the register is. A
series is known by its key: loading the key again makes the new version the active one and
keeps the old, inactive, with its values, who loaded it and when (``series_history``). A
key keeps its measure: a file that measures something else under the same key is refused,
so two measures never mix in one series. Statistics are public: every signed-in scope may
read them (``series_list``); only an admin loads, and sees who loaded what.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ia_data.domain.access import UNNAMED, Actor, OutsideScope, Scope
from ia_data.domain.formatting import day
from ia_data.domain.kinds import ImportStatus
from ia_data.domain.stats import (
    NATIONAL,
    SHIPPED_DIR,
    period_code,
    quarter_label,
    value_problem,
    value_text,
)
from ia_data.ingest.statbank import DEFAULT_TIMEOUT, FetchError, fetch_table
from ia_data.ingest.stats import ParsedSeries, StatsFileError, parse_stats
from ia_data.storage.engine import writing
from ia_data.storage.models import County, StatSeries, StatValue, record_fields
from ia_data.storage.version import bump_data_version

ADMIN_ONLY = "Ingen tilgang: bare en administrator kan laste statistikk"
SHIPPED_BY = "følger med appen"  # who loaded a series that ships with the app
# What a file says of its series, stored as it says it (``ParsedSeries`` → ``StatSeries``).
DESCRIBED = ("key", "name", "source", "measure", "unit", "period_kind", "form")


@dataclass(frozen=True)
class SeriesInfo:
    """A loaded version of a series: what it measures, its source and its periods."""

    id: int
    key: str
    name: str
    source: str
    measure: str
    unit: str
    period_kind: str
    form: str
    file_name: str
    loaded_at: datetime
    loaded_by: str
    observations: int
    active: bool
    first: tuple[int, int] | None = None  # (year, quarter) of its first value
    last: tuple[int, int] | None = None
    counties: int = 0  # counties with a value (the whole country not counted)

    @property
    def span(self) -> str:
        """``1. kvartal 2005 – 1. kvartal 2014``."""
        if self.first is None or self.last is None:
            return ""
        if self.first == self.last:
            return quarter_label(*self.first)
        return f"{quarter_label(*self.first)} – {quarter_label(*self.last)}"

    @property
    def described(self) -> str:
        """What a page writes under a figure: the measure, then the source."""
        return f"{self.measure}. Kilde: {self.source}" if self.source else self.measure


@dataclass
class LoadResult:
    """What happened to one statistics file."""

    file_name: str
    status: str
    message: str
    problems: list[str] = field(default_factory=list)
    series: SeriesInfo | None = None  # the version stored (or, unchanged, the active one)
    replaced: SeriesInfo | None = None  # the version it replaced, kept as history
    parsed: ParsedSeries | None = None

    @property
    def ok(self) -> bool:
        return self.status != ImportStatus.REJECTED


def _not_admin(file_name: str) -> LoadResult:
    """A file refused because the one who loads it is not an admin."""
    return LoadResult(
        file_name, ImportStatus.REJECTED, f"{file_name}: ikke lastet – {ADMIN_ONLY}", [ADMIN_ONLY]
    )


def _county_numbers(session: Session) -> list[str]:
    return list(session.exec(select(County.number)))


def import_stats(
    engine: Engine,
    file_name: str,
    data: bytes,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    key: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> LoadResult:
    """Check a statistics file (docs/statistikk.md) and, unless ``dry_run`` or it has a
    problem, load it as a series in one transaction: the active version of its key (if
    any) is kept, inactive, as history. Refused — nothing stored — for anyone but an admin,
    for a file with a problem (each with its line and reason), and for a file that measures
    something else than the series of its key. Never raises for a bad file."""
    if not scope.is_admin:
        return _not_admin(file_name)
    with Session(engine) as session:
        counties = _county_numbers(session)
    try:
        parsed = parse_stats(data, file_name, counties, key=key)
    except StatsFileError as exc:
        return LoadResult(file_name, ImportStatus.REJECTED, str(exc), exc.problems)
    return load_series(engine, parsed, file_name, scope=scope, by=by, dry_run=dry_run, now=now)


def load_series(
    engine: Engine,
    parsed: ParsedSeries,
    file_name: str,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    dry_run: bool = False,
    now: datetime | None = None,
) -> LoadResult:
    """Load a checked series (``import_stats`` reads and checks the file first)."""
    if not scope.is_admin:
        return _not_admin(file_name)
    unfit = _unfit(parsed)
    if unfit:
        return LoadResult(
            file_name, ImportStatus.REJECTED, str(StatsFileError(file_name, unfit)), unfit,
            parsed=parsed,
        )  # fmt: skip
    now = now or datetime.now(UTC).replace(microsecond=0)
    with writing() if not dry_run else nullcontext(), Session(engine) as session:
        query = select(StatSeries).where(StatSeries.key == parsed.key, StatSeries.active)
        current = session.exec(query if dry_run else query.with_for_update()).first()
        refused = _other_measure(current, parsed)
        if refused:
            return LoadResult(
                file_name, ImportStatus.REJECTED, f"{file_name}: ikke lastet – {refused}",
                [refused], parsed=parsed,
            )  # fmt: skip
        replaced = _info(session, current) if current is not None else None
        if current is not None and _same(session, current, parsed):
            return LoadResult(
                file_name,
                ImportStatus.UNCHANGED,
                f"{file_name}: uendret – serien «{parsed.key}» har allerede akkurat disse "
                "tallene; ingenting er lagret",
                series=replaced,
                parsed=parsed,
            )
        if dry_run:
            what = _what(parsed)
            instead = (
                f"; ville erstatte versjonen fra {day(replaced.loaded_at)}" if replaced else ""
            )
            return LoadResult(
                file_name,
                ImportStatus.CHECKED,
                f"{file_name}: kontrollert uten feil ({what}){instead}; ikke lagret",
                replaced=replaced,
                parsed=parsed,
            )
        if current is not None:
            current.active = False
            session.add(current)
            session.flush()
        series = _add(session, parsed, file_name, by.shown, now)
        bump_data_version(session)
        try:
            session.commit()
        except IntegrityError:  # another admin loaded the same key at the same moment
            session.rollback()
            message = (
                f"serien «{parsed.key}» ble lastet av en annen i samme øyeblikk; se historikken "
                "og last filen på nytt om den skal erstatte den"
            )
            return LoadResult(
                file_name, ImportStatus.REJECTED, f"{file_name}: ikke lastet – {message}",
                [message], parsed=parsed,
            )  # fmt: skip
        stored = _info(session, series)
    instead = (
        f"; erstatter versjonen fra {day(replaced.loaded_at)}"
        + (f" (av {replaced.loaded_by})" if replaced.loaded_by else "")
        + ", som er tatt vare på"
        if replaced
        else ""
    )
    return LoadResult(
        file_name,
        ImportStatus.STORED,
        f"{file_name}: lastet som serien «{parsed.key}» ({_what(parsed)}){instead}",
        series=stored,
        replaced=replaced,
        parsed=parsed,
    )


def _unfit(parsed: ParsedSeries) -> list[str]:
    """What the statistics table must never hold, checked again as a series is stored
    (``parse_stats`` refuses it in a file; a series may also be made by other code): two
    values for one county and quarter, or a value its measure cannot have."""
    problems, seen = [], set()
    for o in parsed.observations:
        where = f"fylke {o.county}, {period_code(o.year, o.quarter)}"
        if (o.county, o.year, o.quarter) in seen:
            problems.append(f"{where} har to verdier")
        seen.add((o.county, o.year, o.quarter))
        reason = "" if o.value is None else value_problem(o.value, parsed.unit, parsed.measure)
        if reason:
            problems.append(f"verdien «{value_text(o.value)}» ({where}) {reason}")
    return problems


def _what(parsed: ParsedSeries) -> str:
    counties = {o.county for o in parsed.observations} - {NATIONAL}
    periods = parsed.periods
    span = (
        quarter_label(*periods[0])
        if len(periods) == 1
        else f"{quarter_label(*periods[0])} – {quarter_label(*periods[-1])}"
    )
    national = " og hele landet" if any(o.county == NATIONAL for o in parsed.observations) else ""
    return (
        f"{parsed.measure}; {len(parsed.observations)} verdier, {len(counties)} fylker"
        f"{national}, {span}"
    )


def _other_measure(current: StatSeries | None, parsed: ParsedSeries) -> str:
    if current is None or (current.measure, current.unit) == (parsed.measure, parsed.unit):
        return ""
    return (
        f"serien «{parsed.key}» måler «{current.measure}», men filen måler «{parsed.measure}»"
        + (f" ({parsed.unit})" if parsed.unit != current.unit else "")
        + "; en serie har ett mål – last filen som en ny serie (en annen nøkkel)"
    )


def _values(session: Session, series_id: int) -> set[tuple[str, int, int, float | None]]:
    rows = session.exec(
        select(StatValue.county_number, StatValue.year, StatValue.quarter, StatValue.value).where(
            StatValue.series_id == series_id
        )
    )
    return {tuple(r) for r in rows}


def _same(session: Session, current: StatSeries, parsed: ParsedSeries) -> bool:
    same_text = (current.name, current.source, current.period_kind) == (
        parsed.name,
        parsed.source,
        parsed.period_kind,
    )
    wanted = {(o.county, o.year, o.quarter, o.value) for o in parsed.observations}
    return same_text and _values(session, current.id) == wanted


def _add(
    session: Session, parsed: ParsedSeries, file_name: str, by: str, now: datetime
) -> StatSeries:
    series = StatSeries(
        **{f: getattr(parsed, f) for f in DESCRIBED},
        file_name=file_name,
        loaded_at=now,
        loaded_by=by,
        observations=len(parsed.observations),
        active=True,
    )
    session.add(series)
    session.flush()
    rows = [
        {
            "series_id": series.id,
            "county_number": o.county,
            "year": o.year,
            "quarter": o.quarter,
            "value": o.value,
        }
        for o in parsed.observations
    ]
    if rows:
        session.execute(insert(StatValue), rows)
    return series


def load_shipped_series(session: Session, now: datetime | None = None) -> list[str]:
    """Load the series that ship with the app into a database that has none (a new one, or
    one just brought to the schema that keeps statistics), in the caller's transaction.
    A shipped file the register cannot hold (a county it lacks) is left out rather than
    stop the database from being made; returns the keys loaded."""
    if session.exec(select(StatSeries.id).limit(1)).first() is not None:
        return []
    now = now or datetime.now(UTC).replace(microsecond=0)
    counties = _county_numbers(session)
    loaded = []
    for path in sorted(SHIPPED_DIR.glob("*.csv")):
        try:
            parsed = parse_stats(path.read_bytes(), path.name, counties)
        except StatsFileError:
            continue
        _add(session, parsed, path.name, SHIPPED_BY, now)
        loaded.append(parsed.key)
    session.flush()
    return loaded


def _spans(session: Session, ids: list[int]) -> dict[int, tuple]:
    """Series id → (first period, last period, counties with a value)."""
    if not ids:
        return {}
    order = StatValue.year * 10 + StatValue.quarter
    rows = session.exec(
        select(
            StatValue.series_id,
            func.min(order),
            func.max(order),
            func.count(func.distinct(StatValue.county_number)),
        )
        .where(StatValue.series_id.in_(ids), StatValue.county_number != NATIONAL)
        .group_by(StatValue.series_id)
    )
    return {
        sid: ((lo // 10, lo % 10), (hi // 10, hi % 10), int(n)) for sid, lo, hi, n in rows.all()
    }


def _info(session: Session, series: StatSeries, span: tuple | None = None) -> SeriesInfo:
    if span is None:
        span = _spans(session, [series.id]).get(series.id, (None, None, 0))
    return SeriesInfo(
        **record_fields(series, SeriesInfo), first=span[0], last=span[1], counties=span[2]
    )


def _infos(session: Session, rows: list[StatSeries]) -> list[SeriesInfo]:
    spans = _spans(session, [s.id for s in rows])
    return [_info(session, s, spans.get(s.id, (None, None, 0))) for s in rows]


def series_list(session: Session, *, scope: Scope) -> list[SeriesInfo]:
    """The active series, by key. Statistics are public: any signed-in scope reads them
    (the scope is taken so that every query says whose it is)."""
    del scope  # public data: the same for every role
    rows = list(session.exec(select(StatSeries).where(StatSeries.active).order_by(StatSeries.key)))
    return _infos(session, rows)


def series_history(session: Session, key: str | None = None, *, scope: Scope) -> list[SeriesInfo]:
    """Every load of a series (``key``) or of every series, newest first, the replaced
    versions included: who loaded what, when, from which file (an admin's view)."""
    if not scope.is_admin:
        raise OutsideScope("Ingen tilgang: bare en administrator kan se hvem som lastet statistikk")
    query = select(StatSeries).order_by(StatSeries.id.desc())
    if key is not None:
        query = query.where(StatSeries.key == key)
    return _infos(session, list(session.exec(query)))


def fetch_stats(
    engine: Engine,
    table: str,
    *,
    scope: Scope,
    timeout: float = DEFAULT_TIMEOUT,
    measure: str | None = None,
    select: dict[str, list[str]] | None = None,
    **load,
) -> LoadResult:
    """Fetch a table by county and quarter from Statistics Norway's StatBank API
    (``ingest.statbank``: ``IA_STATBANK_URL``) and load it as ``import_stats`` loads a file,
    with what ``load`` says of the loading as ``import_stats`` takes it (``by``, ``key``,
    ``dry_run``, ``now``). Refused with the reason — offline, too slow, an HTTP error, an
    answer that is not a table, a file with a problem — and then nothing is stored."""
    name = f"statistikkbanken-{table.strip()}.json"
    if not scope.is_admin:
        return LoadResult(
            name, ImportStatus.REJECTED, f"Tabell {table}: ikke hentet – {ADMIN_ONLY}", [ADMIN_ONLY]
        )
    with Session(engine) as session:
        counties = _county_numbers(session)
    try:
        fetched = fetch_table(table, counties, timeout=timeout, measure=measure, select=select)
    except FetchError as exc:
        return LoadResult(
            name, ImportStatus.REJECTED, f"Tabell {table}: ikke hentet – {exc}", [str(exc)]
        )
    return import_stats(engine, fetched.file_name, fetched.data, scope=scope, **load)
