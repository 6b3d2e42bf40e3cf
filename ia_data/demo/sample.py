"""Fictional but rule-true report workbooks for the demo, written to ``ia_data/demo/data/``.

``generate`` writes one report workbook per council and period for 2012–2016, filled in
the template's layout as a secretariat would fill it (council and period written in the
varying spellings the importer accepts, a few costs typed as text, some statuses left
empty), plus the allocation decision for 2012–2014 (``tildelinger_2012-2014.xlsx``).
Everything comes from one seed and fixed timestamps: running it again gives the same bytes.
The councils come from ``ia_data/demo/data/register.toml`` (where Aust-Agder and Vest-Agder
share «IA-rådet i Agder»), the periods and due dates from the rules that ship with the app.

The demo must show these situations (``SITUATIONS`` lists them for the tests); everything
else is ordinary: each report submitted between the end of its period and its due date,
spending below the grant, 2–4 meetings a year and activities on all three sub-goals.

- late: six reports submitted 1–39 days after the due date, among them
  «IA-rådet i Troms» 2012 H1, submitted 14.09.2012 (due 01.09.2012, 13 days late);
- missing: four council-periods with no workbook at all, among them
  «IA-rådet i Finnmark» 2013 H2 and «IA-rådet i Oslo» 2016;
- overspent: «IA-rådet i Nordland» spends 437 250 kr of its 400 000 kr in 2015;
- sub_goal_gap: «IA-rådet i Hedmark» has no activity on sub-goal 3 in 2014 (either half);
- shared_council: «IA-rådet i Agder» covers Aust-Agder and Vest-Agder, so its grant in
  2015–2016 is 600 000 kr by rule (and it spends 450 000–580 000 kr);
- meetings_outside: «IA-rådet i Buskerud» meets once in 2013 and «IA-rådet i Rogaland»
  five times in 2015 (the letters expect 2–4). A missing report also lowers its year's
  count: Oslo has no meetings on record for 2016.

Run ``uv run python -m ia_data.demo.sample`` to regenerate the files.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ia_data.demo import SAMPLE_DIR, SAMPLE_REGISTER
from ia_data.demo.words import (
    ANSWERS,
    CANCEL_COMMENTS,
    COMMENTS,
    COST,
    EXTRA_ANSWER,
    FIRST_NAMES,
    KINDS,
    LAST_NAMES,
    MEETING_COMMENTS,
    ORGANISATIONS,
    ORGANISERS,
    SECTORS,
    SIZE,
    Kind,
)
from ia_data.domain.kinds import ActivityStatus
from ia_data.domain.register import read_register_file
from ia_data.domain.rules import DEFAULT_RULES_FILE, ReportPeriod, Rules, load_rules
from ia_data.output.template import (
    ACTION_PLAN,
    AMOUNT_FORMAT,
    CHAIR,
    CHAIR_ORGANISATION,
    CONTACT,
    COUNCIL,
    DATE_FORMAT,
    PERIOD,
    SUBMITTED,
    fill_report,
    new_report_workbook,
    workbook_bytes,
)

DEFAULT_OUT_DIR = SAMPLE_DIR
ALLOCATION_FILE = "tildelinger_2012-2014.xlsx"
SEED = 2012
YEARS = range(2012, 2017)
ALLOCATION_YEARS = (2012, 2013, 2014)
POOL = 10_000_000  # kroner shared by decision each year 2012–2014 (the 2012 letter's pool)


def _late(council: str, year: int, period: str, submitted: date, due: date, days: int) -> dict:
    """A report sent late: when, its due date, and the days late the pages must show (typed
    here, not computed, so that a test of them can fail)."""
    return {
        "council": council,
        "year": year,
        "period": period,
        "submitted": submitted,
        "due": due,
        "days_late": days,
    }


SITUATIONS: dict[str, list[dict]] = {
    "late": [
        _late("IA-rådet i Troms", 2012, "H1", date(2012, 9, 14), date(2012, 9, 1), 13),
        _late("IA-rådet i Akershus", 2012, "H2", date(2013, 3, 8), date(2013, 3, 1), 7),
        _late("IA-rådet i Østfold", 2013, "H2", date(2014, 3, 4), date(2014, 3, 1), 3),
        _late("IA-rådet i Møre og Romsdal", 2014, "H1", date(2014, 10, 10), date(2014, 9, 1), 39),
        _late("IA-rådet i Vestfold", 2015, "År", date(2016, 3, 22), date(2016, 3, 1), 21),
        _late("IA-rådet i Nord-Trøndelag", 2016, "År", date(2017, 3, 2), date(2017, 3, 1), 1),
    ],
    "missing": [
        {"council": "IA-rådet i Finnmark", "year": 2013, "period": "H2"},
        {"council": "IA-rådet i Oslo", "year": 2016, "period": "År"},
        {"council": "IA-rådet i Telemark", "year": 2012, "period": "H2"},
        {"council": "IA-rådet i Sogn og Fjordane", "year": 2014, "period": "H1"},
    ],
    "overspent": [
        {"council": "IA-rådet i Nordland", "year": 2015, "allocated": 400_000, "spent": 437_250},
    ],
    "sub_goal_gap": [
        {"council": "IA-rådet i Hedmark", "year": 2014, "sub_goal": 3},
    ],
    "shared_council": [
        {"council": "IA-rådet i Agder", "counties": ("09", "10"), "years": (2015, 2016),
         "allocated": 600_000},
    ],
    "meetings_outside": [
        {"council": "IA-rådet i Buskerud", "year": 2013, "meetings": 1},
        {"council": "IA-rådet i Rogaland", "year": 2015, "meetings": 5},
    ],
}  # fmt: skip


@dataclass
class _Council:
    name: str
    counties: list[tuple[str, str]]  # (number, name)
    from_year: int | None = None
    to_year: int | None = None
    sectors: list[str] = field(default_factory=list)  # the council's priority sectors

    @property
    def region(self) -> str:
        """The council's area as written in running text (``Troms``, ``Agder``)."""
        return self.name.removeprefix("IA-rådet i ")

    @property
    def shared(self) -> bool:
        return len(self.counties) > 1

    def exists_in(self, year: int) -> bool:
        return (self.from_year or year) <= year <= (self.to_year or year)


@dataclass
class _YearPlan:
    """What one council does in one year, before it is split over the year's periods."""

    spend_ore: dict[str, int]  # period code → øre spent in that period
    meetings: dict[str, int]  # period code → number of council meetings
    plan_date: date
    plan_late: bool  # the action plan was adopted after the first half-year
    skip_goal: int | None  # a sub-goal with no activity this year


def generate(out_dir: Path = DEFAULT_OUT_DIR) -> list[Path]:
    """Write the sample workbooks to ``out_dir`` and return their paths.

    Files that did not change are left alone; report files that are no longer part of the
    sample (``rapport_*.xlsx``) are removed, so a missing report really is missing.
    """
    rules = load_rules(DEFAULT_RULES_FILE)
    _check_situations(rules)
    councils = _read_councils(SAMPLE_REGISTER)
    allocations = _allocations(councils)
    files = {ALLOCATION_FILE: _allocation_workbook(councils, allocations)}
    missing = {(m["council"], m["year"], m["period"]) for m in SITUATIONS["missing"]}
    for year in YEARS:
        for council in councils:
            if not council.exists_in(year):
                continue
            plan = _year_plan(council, year, rules, allocations)
            for period in rules.periods(year):
                if (council.name, year, period.code) in missing:
                    continue
                names = [c.name for c in councils if c.exists_in(year)]
                files[report_file_name(council.name, period)] = _report_workbook(
                    council, period, plan, names, rules
                )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("rapport_*.xlsx"):
        if stale.name not in files:
            stale.unlink()
    paths = []
    for name, content in sorted(files.items()):
        path = out_dir / name
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
        paths.append(path)
    return paths


def report_file_name(council: str, period: ReportPeriod) -> str:
    """``rapport_2012_H1_ia-radet-i-troms.xlsx``: year, period (``Ar`` for År), council."""
    code = "Ar" if period.code == "År" else period.code
    return f"rapport_{period.year}_{code}_{slug(council)}.xlsx"


def slug(text: str) -> str:
    """A name folded to lower-case ASCII words joined by dashes (``ia-radet-i-sor-trondelag``)."""
    folded = text.lower().translate(str.maketrans({"ø": "o", "å": "a", "æ": "ae"}))
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def main() -> None:
    """Regenerate ``ia_data/demo/data/`` and say what was written."""
    paths = generate()
    reports = sum(1 for p in paths if p.name.startswith("rapport_"))
    print(
        f"Skrev {reports} rapporter og {len(paths) - reports} tildelingsfil til {DEFAULT_OUT_DIR}"
    )


# --- the plan --------------------------------------------------------------------------


def _check_situations(rules: Rules) -> None:
    """Fail early if the rules no longer give the due dates the situations are built on."""
    for late in SITUATIONS["late"]:
        period = rules.period(late["year"], late["period"])
        if period is None or period.due != late["due"]:
            raise ValueError(f"The rules give another due date for {late}")
        if (late["submitted"] - period.due).days != late["days_late"]:
            raise ValueError(f"Wrong days_late in {late}")


def _read_councils(path: Path) -> list[_Council]:
    register = read_register_file(path)
    county_names = {c["number"]: c["name"] for c in register["county"]}
    councils = []
    for raw in register["council"]:
        council = _Council(
            name=raw["name"],
            counties=[(n, county_names[n]) for n in raw["counties"]],
            from_year=raw.get("from_year"),
            to_year=raw.get("to_year"),
        )
        rng = _rng("sektorer", council.name)
        council.sectors = rng.sample(sorted(SECTORS), 3)
        councils.append(council)
    return councils


def _rng(*parts: object) -> random.Random:
    """A generator of its own for each part of the sample, so that a change in one part
    does not reshuffle the others."""
    return random.Random("-".join(str(p) for p in (SEED, *parts)))


def _allocations(councils: list[_Council]) -> dict[tuple[str, int], int]:
    """Grants in kroner for 2012–2014: 350 000 kr each plus a share of the rest of the
    pool by the size of the council's labour market, in whole thousands."""
    result = {}
    for year in ALLOCATION_YEARS:
        rng = _rng("tildeling", year)
        existing = [c for c in councils if c.exists_in(year)]
        weights = [
            sum(SIZE[n] for n, _ in c.counties) ** 0.85 * rng.uniform(0.8, 1.2) for c in existing
        ]
        base, rest = 350, POOL // 1000 - 350 * len(existing)
        amounts = [base + round(rest * w / sum(weights)) for w in weights]
        amounts = [min(a, 800) for a in amounts]
        i = 0
        while (diff := POOL // 1000 - sum(amounts)) != 0:
            j = i % len(amounts)
            step = 1 if diff > 0 else -1
            if 350 < amounts[j] + step < 800:
                amounts[j] += step
            i += 1
        for council, amount in zip(existing, amounts, strict=True):
            result[(council.name, year)] = amount * 1000
    return result


def _situation(kind: str, council: str, year: int, period: str | None = None) -> dict | None:
    """The entry of ``SITUATIONS[kind]`` for a council and year (and period), if any."""
    for entry in SITUATIONS[kind]:
        if (entry["council"], entry.get("year")) == (council, year) and (
            period is None or entry.get("period") == period
        ):
            return entry
    return None


def _year_plan(
    council: _Council, year: int, rules: Rules, allocations: dict[tuple[str, int], int]
) -> _YearPlan:
    rng = _rng("år", council.name, year)
    periods = [p.code for p in rules.periods(year)]
    overspent = _situation("overspent", council.name, year)
    if overspent:
        spend = overspent["spent"] * 100
    elif (council.name, year) in allocations:
        spend = int(allocations[(council.name, year)] * rng.uniform(0.70, 0.97)) * 100
    else:
        low, high = (450_000, 580_000) if council.shared else (300_000, 395_000)
        spend = rng.randint(low, high) * 100
    if not overspent and rng.random() < 0.2:
        spend += rng.choice((50, 25, 75, 40))
    if len(periods) == 2:
        first = round(spend * rng.uniform(0.35, 0.55))
        spend_ore = {periods[0]: first, periods[1]: spend - first}
    else:
        spend_ore = {periods[0]: spend}

    meetings_total = _situation("meetings_outside", council.name, year)
    missing = {p for p in periods if _situation("missing", council.name, year, p)}
    if meetings_total:
        counts = [meetings_total["meetings"]] if len(periods) == 1 else [1, 0]
    elif len(periods) == 1:
        counts = [rng.randint(2, 4)]
    elif missing:  # the one report on record holds the year's two meetings
        counts = [0 if code in missing else 2 for code in periods]
    else:
        counts = [rng.randint(1, 2), rng.randint(1, 2)]
    gap = _situation("sub_goal_gap", council.name, year)
    return _YearPlan(
        spend_ore=spend_ore,
        meetings=dict(zip(periods, counts, strict=True)),
        plan_date=_weekday(date(year, 1, 1) + timedelta(days=rng.randint(-30, 80))),
        plan_late=len(periods) == 2 and rng.random() < 0.08,
        skip_goal=gap["sub_goal"] if gap else None,
    )


# --- one report ------------------------------------------------------------------------


def _report_workbook(
    council: _Council,
    period: ReportPeriod,
    plan: _YearPlan,
    council_names: list[str],
    rules: Rules,
) -> bytes:
    rng = _rng("rapport", council.name, period.year, period.code)
    submitted = _submitted(council, period, rng)
    fields = {
        COUNCIL: _council_as_written(council, rng),
        PERIOD: _period_as_written(period, rng),
        SUBMITTED: submitted,
        CONTACT: _contact(council, period.year),
        CHAIR: _chair(council, period.year)[0],
        CHAIR_ORGANISATION: _chair(council, period.year)[1],
        ACTION_PLAN: _action_plan(period, plan, rng),
    }
    activities = _activities(council, period, plan, rng)
    meetings = _meetings(period, plan.meetings[period.code], rng)
    wb = new_report_workbook(period.year, council_names, rules=rules)
    fill_report(wb, fields, _answers(council, period, rng), activities, meetings)
    return workbook_bytes(wb, datetime.combine(submitted, time(12, 0)))


def _submitted(council: _Council, period: ReportPeriod, rng: random.Random) -> date:
    late = _situation("late", council.name, period.year, period.code)
    if late:
        return late["submitted"]
    earliest = max(period.end + timedelta(days=10), period.due - timedelta(days=50))
    day = earliest + timedelta(days=rng.randint(0, (period.due - earliest).days))
    return _weekday(day, end=period.due)


def _council_as_written(council: _Council, rng: random.Random) -> object:
    number, county = rng.choice(council.counties)
    form = rng.choices(range(6), weights=(60, 14, 9, 6, 5, 6))[0]
    if form == 1:
        return council.region if council.shared and rng.random() < 0.7 else county
    if form == 2:
        return number
    if form == 3:
        return int(number)  # typed as a number, so Excel keeps it as one
    if form == 4:
        return county.lower()
    if form == 5:
        return council.name.replace("IA-rådet i", "IA-rådet")
    return council.name


def _period_as_written(period: ReportPeriod, rng: random.Random) -> str:
    y = period.year
    forms = {
        "H1": (f"{y} H1", f"H1 {y}", f"1. halvår {y}", f"{y}-H1", f"første halvår {y}",
               f"{y} 1. halvår", f"{y}-1"),
        "H2": (f"{y} H2", f"H2 {y}", f"2. halvår {y}", f"{y}-H2", f"{y} 2. halvår", f"{y}-2"),
        "År": (f"{y}", f"{y} år", f"År {y}", f"{y} helår", f"Helår {y}"),
    }[period.code]  # fmt: skip
    weights = [6, *([2] * (len(forms) - 1))]
    return rng.choices(forms, weights=weights)[0]


def _person(*parts: object) -> str:
    rng = _rng("person", *parts)
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _contact(council: _Council, year: int) -> str:
    changes = _rng("kontakt", council.name).random() < 0.35
    era = 2 if changes and year >= 2014 else 1
    return _person("kontakt", council.name, era)


def _chair(council: _Council, year: int) -> tuple[str, str]:
    """The chair rotates among the parties with each IA agreement (2010–2013, 2014–2018)."""
    era = 2014 if year >= 2014 else 2010
    rng = _rng("leder", council.name, era)
    return _person("leder", council.name, era), rng.choice(ORGANISATIONS)


def _action_plan(period: ReportPeriod, plan: _YearPlan, rng: random.Random) -> object:
    if plan.plan_late and period.code == "H1":
        return "nei"
    if period.code == "År" and rng.random() < 0.04:
        return "nei"
    if rng.random() < 0.5:
        return plan.plan_date if not plan.plan_late else _weekday(date(period.year, 9, 10))
    return rng.choices(("ja", "Ja", "JA"), weights=(6, 4, 1))[0]


def _answers(council: _Council, period: ReportPeriod, rng: random.Random) -> list[str | None]:
    s1, s2 = (SECTORS[s] for s in rng.sample(council.sectors, 2))
    x1 = rng.uniform(5.6, 7.4)
    values = {
        "s1": s1,
        "s2": s2,
        "fylke": council.region,
        "year": period.year,
        "n": rng.choice((4, 5, 6, 8, 10, 12, 15)),
        "x1": f"{x1:.1f}".replace(".", ","),
        "x2": f"{x1 - rng.uniform(0.1, 0.6):.1f}".replace(".", ","),
    }
    no_seniors = _situation("sub_goal_gap", council.name, period.year) is not None
    answers: list[str | None] = []
    for pool in ANSWERS:
        if no_seniors:  # don't claim work on sub-goal 3 in a year without any
            pool = tuple(s for s in pool if "senior" not in s and "delmål 2 og 3" not in s)
        chosen = rng.sample(pool, rng.choice((1, 1, 2)))
        answers.append(" ".join(s.format(**values) for s in chosen))
    extra = EXTRA_ANSWER.get((council.name, period.year))
    if extra:
        answers[extra[0]] = f"{answers[extra[0]]} {extra[1]}"
    if period.year == 2014 and period.code == "H1":
        answers[0] = (
            "Etter at ny IA-avtale ble signert 4. mars 2014, har partene holdt "
            f"informasjonsmøter om avtalen rundt i fylket. {answers[0]}"
        )
    if not extra and rng.random() < 0.05:
        answers[rng.randrange(len(answers))] = None  # forgotten: the importer warns
    return answers


def _weekday(day: date, start: date | None = None, end: date | None = None) -> date:
    """The working day nearest to ``day`` within ``start``–``end`` (Saturday → Friday)."""
    for shift in (0, -1, 1, -2, 2, 3, -3):
        near = day + timedelta(days=shift)
        if near.weekday() < 5 and (start or near) <= near <= (end or near):
            return near
    return day


def _day_in(rng: random.Random, start: date, end: date) -> date:
    """A working day between ``start`` and ``end``, mostly outside July and Christmas."""
    while True:
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        quiet = day.month == 7 or (day.month == 12 and day.day > 18)
        if not quiet or rng.random() < 0.1:
            return _weekday(day, start, end)


def _activities(
    council: _Council, period: ReportPeriod, plan: _YearPlan, rng: random.Random
) -> list[list[object]]:
    """The activity rows of one report, in date order, costing exactly the plan's spend."""
    yearly = period.code == "År"
    count = rng.randint(10, 25) if yearly else rng.randint(6, 14)
    if _situation("overspent", council.name, period.year):
        count = 22
    kinds = [
        k
        for k in KINDS
        if (not k.years or period.year in k.years) and any(plan.skip_goal not in g for g in k.goals)
    ]
    picked: list[tuple[Kind, frozenset[int], bool]] = []  # kind, goals, must not be cancelled
    for goal in (1, 2, 3):
        if goal == plan.skip_goal:
            continue
        kind = rng.choice([k for k in kinds if any(goal in g for g in k.goals)])
        goals = rng.choice([g for g in kind.goals if goal in g and plan.skip_goal not in g])
        picked.append((kind, goals, True))
    used = {k.title for k, _, _ in picked}
    while len(picked) < count:
        kind = rng.choices(kinds, weights=[k.weight for k in kinds])[0]
        if kind.title in used and rng.random() < 0.85:
            continue
        used.add(kind.title)
        goals = rng.choice([g for g in kind.goals if plan.skip_goal not in g])
        picked.append((kind, goals, False))

    rows = []
    for kind, goals, keep in picked:
        status = _status(kind, keep, rng)
        rows.append(
            {
                "kind": kind,
                "date": _day_in(rng, period.start, period.end),
                "goals": goals,
                "status": status,
                "sector": _sector(kind, council, rng),
            }
        )
    _set_costs(rows, plan.spend_ore[period.code], rng)
    rows.sort(key=lambda r: r["date"])
    return [_activity_row(r, council, period, rng) for r in rows]


def _status(kind: Kind, keep: bool, rng: random.Random) -> str:
    if not keep and rng.random() < 0.06:
        return ActivityStatus.CANCELLED
    if kind.type == "Prosjekt" and rng.random() < 0.4:
        return "Pågår"
    roll = rng.random()
    if roll < 0.08:
        return ""  # left empty: counts as Gjennomført
    return "gjennomført" if roll < 0.11 else "Gjennomført"


def _sector(kind: Kind, council: _Council, rng: random.Random) -> str:
    if kind.sector is None:
        return rng.choice(("", "", "", "Alle bransjer"))
    if kind.sector != "any":
        return kind.sector
    if rng.random() < 0.7:
        return rng.choice(council.sectors)
    return rng.choice(sorted(SECTORS))


def _set_costs(rows: list[dict], target_ore: int, rng: random.Random) -> None:
    """Give each row a cost in øre so that the rows add up to ``target_ore`` exactly.

    Most costs are round sums (to the krone, 50, 100, 500 or 1000 kr); a cancelled
    activity sometimes costs a cancellation fee; a few invoices carry øre.
    """
    paid = []
    fees = 0
    for row in rows:
        row["cost"] = None
        cancelled = row["status"] == ActivityStatus.CANCELLED
        if cancelled:
            if rng.random() < 0.5:
                row["cost"] = rng.randrange(2_000, 12_001, 500) * 100
                fees += row["cost"]
            continue
        if row["kind"].cost == "free" and rng.random() < 0.6:
            row["cost"] = 0 if rng.random() < 0.4 else None
            continue
        paid.append(row)
    if not paid:
        paid = [r for r in rows if r["status"] != ActivityStatus.CANCELLED][:1]
    raw = [rng.uniform(*COST[r["kind"].cost]) for r in paid]
    scale = (target_ore - fees) / 100 / sum(raw)
    for row, amount in zip(paid, raw, strict=True):
        unit = rng.choice((1, 50, 100, 100, 100, 500, 1000))
        row["cost"] = max(unit, round(amount * scale / unit) * unit) * 100
    largest = max(paid, key=lambda r: r["cost"])
    largest["cost"] += target_ore - fees - sum(r["cost"] for r in paid)
    if len(paid) > 1 and rng.random() < 0.3:
        other = rng.choice([r for r in paid if r is not largest])
        ore = rng.choice((50, 25, 75, 40))
        other["cost"] += ore
        largest["cost"] -= ore
    if largest["cost"] < 0:
        raise ValueError("Sample costs do not add up; change the seed or the cost ranges")


def _amount_as_written(ore: int | None, rng: random.Random) -> object:
    """A cost as a secretariat types it: mostly a number cell, now and then as text."""
    if ore is None:
        return None
    kroner, rest = divmod(ore, 100)
    if rng.random() >= 0.06 or ore == 0:
        return kroner if rest == 0 else ore / 100
    grouped = f"{kroner:,}".replace(",", " ")
    if rest:
        return rng.choice((f"{grouped},{rest:02d}", f"{kroner},{rest:02d} kr"))
    dotted = f"{kroner:,}".replace(",", ".")
    return rng.choice((f"{grouped} kr", f"kr {dotted}", f"{grouped},-", f"NOK {grouped}"))


def _goals_as_written(goals: frozenset[int], rng: random.Random) -> object:
    """Sub-goals in one of the many ways secretariats write them."""
    ordered = sorted(goals)
    if len(ordered) == 1:
        k = ordered[0]
        word = {1: "sykefravær", 2: "nedsatt funksjonsevne", 3: "senior"}[k]
        forms = (k, str(k), f"DM{k}", f"Delmål {k}", word)
        return rng.choices(forms, weights=(40, 35, 10, 10, 5))[0]
    if len(ordered) == 3:
        return rng.choices(("1, 2, 3", "alle", "alle tre", "1-3"), weights=(40, 25, 10, 15))[0]
    a, b = ordered
    forms = (f"{a}, {b}", f"{a}/{b}", f"delmål {a} og {b}", f"{a} + {b}")
    return rng.choices(forms, weights=(60, 15, 10, 10))[0]


def _type_as_written(kind: Kind, rng: random.Random) -> str:
    roll = rng.random()
    if kind.spellings and roll < 0.15:
        return rng.choice(kind.spellings)
    if roll > 0.95:
        return kind.type.lower()
    return kind.type


def _activity_row(
    row: dict, council: _Council, period: ReportPeriod, rng: random.Random
) -> list[object]:
    kind: Kind = row["kind"]
    sector = row["sector"]
    phrase = SECTORS.get(sector, rng.choice(list(SECTORS.values())))
    county = rng.choice(council.counties)[1]
    title = kind.title.format(s=phrase, fylke=council.region, year=period.year)
    cancelled = row["status"] == ActivityStatus.CANCELLED
    low, high = kind.participants
    participants = None if high == 0 or cancelled else rng.randint(low, high)
    if participants is not None and rng.random() < 0.1:
        participants = None
    organiser = rng.choice(ORGANISERS).format(fylke=council.region, county=county)
    comment = ""
    if cancelled:
        comment = rng.choice(CANCEL_COMMENTS)
        if row["cost"]:
            comment = "Avlyst, avbestillingsgebyr for lokaler"
    elif row["status"] == "Pågår":
        comment = "Videreføres neste periode"
    elif rng.random() < 0.2:
        comment = rng.choice(COMMENTS).format(n=rng.randint(4, 30))
    return [
        row["date"],
        title,
        _type_as_written(kind, rng),
        _goals_as_written(row["goals"], rng),
        sector or None,
        participants,
        _amount_as_written(row["cost"], rng),
        row["status"] or None,
        organiser,
        comment or None,
    ]


def _meetings(period: ReportPeriod, count: int, rng: random.Random) -> list[list[object]]:
    """Council meetings spread over the period, one in each equal slice of it."""
    if count == 0:
        return []
    days = (period.end - period.start).days + 1
    rows = []
    for i in range(count):
        start = period.start + timedelta(days=days * i // count)
        end = period.start + timedelta(days=days * (i + 1) // count - 1)
        day = _day_in(rng, start, end)
        kind = rng.choices(("Rådsmøte", "Arbeidsmøte", "Ekstraordinært rådsmøte"),
                           weights=(80, 15, 5))[0]  # fmt: skip
        parties = rng.sample(ORGANISATIONS, rng.randint(4, len(ORGANISATIONS)))
        present = rng.choice(("Alle parter", ", ".join(sorted(parties, key=ORGANISATIONS.index))))
        comment = rng.choice(MEETING_COMMENTS).format(year=period.year)
        rows.append([day, kind, present, comment or None])
    return rows


# --- allocations -----------------------------------------------------------------------


def _allocation_workbook(councils: list[_Council], allocations: dict[tuple[str, int], int]):
    """The oversight group's decision on the 2012–2014 grants, one row per council and year."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tildelinger"
    ws["A1"] = "Tildeling av midler til de fylkesvise IA-rådene 2012–2014"
    ws["A1"].font = Font(bold=True, size=14)
    header = ("IA-råd", "År", "Beløp", "Vedtaksdato", "Merknad")
    for c, name in enumerate(header, start=1):
        ws.cell(3, c, name).font = Font(bold=True)
    for c, width in zip("ABCDE", (32, 8, 14, 14, 50), strict=True):
        ws.column_dimensions[c].width = width
    decided = {2012: date(2012, 2, 15), 2013: date(2013, 1, 30), 2014: date(2014, 2, 12)}
    rng = _rng("tildeling", "merknad")
    notes = (
        "Inkluderer midler til regional IA-konferanse",
        "Økt ramme etter søknad",
        "Felles råd for Aust-Agder og Vest-Agder",
    )
    r = 4
    for year in ALLOCATION_YEARS:
        for council in councils:
            if (council.name, year) not in allocations:
                continue
            note = notes[2] if council.shared else (rng.choice(notes[:2]) if rng.random() < 0.1
                                                    else None)  # fmt: skip
            values = (council.name, year, allocations[(council.name, year)], decided[year], note)
            for c, value in enumerate(values, start=1):
                ws.cell(r, c, value)
            ws.cell(r, 3).number_format = AMOUNT_FORMAT
            ws.cell(r, 4).number_format = DATE_FORMAT
            r += 1
    ws.freeze_panes = "A4"
    return workbook_bytes(wb, datetime(2014, 2, 12, 12, 0))


if __name__ == "__main__":
    main()
