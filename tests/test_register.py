"""The council register's check (issue «Hardening, second round», point 4): a register that
cannot mean one thing — a county in two councils in the same years, a council without
counties, a county listed twice, other names as text, a council without a name, a value no
column holds — is refused at the check, naming its entries, with the same answer on the
page «Register», on the command line and when a new database loads its register file; and
nothing is stored or changed. Whatever passes the check loads on both engines, and the
database then holds what the file says (hypothesis)."""

from __future__ import annotations

import json
import math
import tomllib
from collections import Counter
from datetime import date

import pytest
from conftest import PROJECT, SAMPLE_REGISTER
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ia_data.cli import main
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.register import CouncilInfo, CouncilMatcher, RegisterError, parse_register
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.reporting.overview import overview
from ia_data.storage import db, schema, version
from ia_data.storage.engine import create_bare_engine
from ia_data.storage.models import County
from ia_data.storage.register import councils, load_new_register, register_history
from ui.text import plain

SAMPLE = SAMPLE_REGISTER.read_text(encoding="utf-8")  # the demo's: Agder shared from the start
SAMPLE_GRANTS_2016 = 7_400_000_00  # 17 councils × 400 000 kr + Agder's 600 000 kr, in øre
AS_OF = date(2017, 6, 1)
TROMS = 'name = "IA-rådet i Troms"\n'
AGDER = 'name = "IA-rådet i Agder"\ncounties = ["09", "10"]\n'


def _with(old: str, new: str, text: str = SAMPLE) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _council(name: str, counties: list[str], extra: str = "") -> str:
    return f"\n[[council]]\nname = {json.dumps(name)}\ncounties = {json.dumps(counties)}\n{extra}"


def _line(text: str) -> int:
    """The line of the demo register where ``text`` starts (from 1)."""
    return SAMPLE[: SAMPLE.index(text)].count("\n") + 1


# Where Troms stands in the demo register: the 18th council, and its county the 18th county.
TROMS_PLACE = SAMPLE[: SAMPLE.index(TROMS)].count("[[council]]")
COUNTY_19_PLACE = SAMPLE[: SAMPLE.index('number = "19"')].count("[[county]]")
TWO_COUNCILS = "hører til både «IA-rådet i Agder» og «IA-rådet i Sørlandet» i alle år"
ONE_AT_A_TIME = "et fylke hører til ett råd om gangen"
NUMBER_FORM = 'et fylkesnummer er to sifre i anførselstegn, som "09"'
NO_TROMS = "rådet «IA-rådet i Troms» viser til fylke 19, som ikke finnes i registeret"

COUNTY_55 = '\n[[county]]\nnumber = "55"\nname = "Troms og Finnmark"\n'
MISTAKABLE = (
    "er samme navn slik appen kjenner igjen navn (store og små bokstaver, mellomrom, "
    "bindestreker, æ, ø, å og «IA-rådet i» teller ikke), så en arbeidsbok som skriver det, kan "
    "bety begge"
)

# (what is wrong, the register, the answer after «Registeret r.toml »)
REFUSED = [
    (
        "a county in two councils in the same years",
        SAMPLE + _council("IA-rådet i Sørlandet", ["09", "10"]),
        f"kan ikke tas i bruk: fylke 09 Aust-Agder {TWO_COUNCILS}; {ONE_AT_A_TIME}; "
        f"fylke 10 Vest-Agder {TWO_COUNCILS}; {ONE_AT_A_TIME}",
    ),
    (
        "a county in two councils in one year",
        _with(AGDER, AGDER + "from_year = 2016\n")
        + _council("IA-rådet i Aust-Agder", ["09"], "to_year = 2016\n"),
        "kan ikke tas i bruk: fylke 09 Aust-Agder hører til både «IA-rådet i Agder» og "
        f"«IA-rådet i Aust-Agder» i 2016; {ONE_AT_A_TIME}",
    ),
    (
        "two things wrong, each named",
        SAMPLE + _council("IA-rådet i Sørlandet", ["09"], 'aliases = "Sør"\n'),
        "kan ikke tas i bruk: rådet «IA-rådet i Sørlandet» har aliases = «Sør», som ikke er en "
        'liste; skriv aliases = ["Sør"]; fylke 09 Aust-Agder hører til både «IA-rådet i '
        f"Agder» og «IA-rådet i Sørlandet» i alle år; {ONE_AT_A_TIME}",
    ),
    (
        "more wrong than a message names",
        SAMPLE + "".join(_council(f"R{i}", []) for i in range(1, 23)),
        "kan ikke tas i bruk: "
        + "; ".join(
            f"rådet «R{i}» dekker ingen fylker (counties = []); et råd dekker minst ett fylke"
            for i in range(1, 21)
        )
        + "; og 2 feil til",
    ),
    (
        "a council with no counties",
        _with('counties = ["09", "10"]', "counties = []"),
        "kan ikke tas i bruk: rådet «IA-rådet i Agder» dekker ingen fylker (counties = []); "
        "et råd dekker minst ett fylke",
    ),
    (
        "a council without its counties",
        _with('counties = ["09", "10"]\n', ""),
        'kan ikke tas i bruk: rådet «IA-rådet i Agder» mangler fylker (counties = ["09"])',
    ),
    (
        "a county listed twice",
        SAMPLE + '\n[[county]]\nnumber = "09"\nname = "Agder"\n',
        "kan ikke tas i bruk: fylke 09 står to ganger («Aust-Agder» og «Agder»)",
    ),
    (
        "other names as a text, not a list",
        _with(TROMS, TROMS + 'aliases = "Tromsø"\n'),
        "kan ikke tas i bruk: rådet «IA-rådet i Troms» har aliases = «Tromsø», som ikke er en "
        'liste; skriv aliases = ["Tromsø"]',
    ),
    (
        "counties as a text, not a list",
        _with('counties = ["09", "10"]', 'counties = "09"'),
        "kan ikke tas i bruk: rådet «IA-rådet i Agder» har counties = «09», som ikke er en "
        'liste; skriv counties = ["09"]',
    ),
    (
        "a council without a name",
        _with(TROMS, ""),
        f"kan ikke tas i bruk: råd nr. {TROMS_PLACE} i filen (fylke 19) mangler navn (name)",
    ),
    (
        "a council that lists a county twice",
        _with('counties = ["09", "10"]', 'counties = ["09", "10", "10"]'),
        "kan ikke tas i bruk: rådet «IA-rådet i Agder» har fylke 10 to ganger",
    ),
    (
        "a council twice",
        _with('name = "IA-rådet i Finnmark"', 'name = "IA-rådet i Troms"'),
        "kan ikke tas i bruk: rådet «IA-rådet i Troms» står to ganger",
    ),
    (
        "a council twice, in another form",
        _with('name = "IA-rådet i Finnmark"', 'name = "IA-RADET I  TROMS"'),
        "kan ikke tas i bruk: rådene «IA-rådet i Troms» og «IA-RADET I  TROMS» har samme navn "
        "slik appen kjenner igjen navn (store og små bokstaver, mellomrom, bindestreker og "
        "æ, ø, å teller ikke)",
    ),
    (
        "a council named as another without «IA-rådet i»",
        SAMPLE + COUNTY_55 + _council("Troms", ["55"]),
        "kan ikke tas i bruk: rådene «IA-rådet i Troms» og «Troms» kan forveksles i alle år: "
        f"navnet «IA-rådet i Troms» og navnet «Troms» {MISTAKABLE}",
    ),
    (
        "another name that is another council's name",
        _with(TROMS, TROMS + 'aliases = ["IA-rådet i Finnmark"]\n'),
        "kan ikke tas i bruk: rådene «IA-rådet i Troms» og «IA-rådet i Finnmark» kan forveksles "
        "i alle år: det andre navnet «IA-rådet i Finnmark» og navnet «IA-rådet i Finnmark» "
        + MISTAKABLE,
    ),
    (
        "another name that is another council's county",
        _with(TROMS, TROMS + 'aliases = ["Aust-Agder"]\n'),
        "kan ikke tas i bruk: rådene «IA-rådet i Agder» og «IA-rådet i Troms» kan forveksles i "
        f"alle år: fylke 09 «Aust-Agder» og det andre navnet «Aust-Agder» {MISTAKABLE}",
    ),
    (
        "two councils mistakable in the years they share",
        _with(TROMS, TROMS + "to_year = 2019\n")
        + COUNTY_55
        + _council("Troms", ["55"], "from_year = 2019\n"),
        "kan ikke tas i bruk: rådene «IA-rådet i Troms» og «Troms» kan forveksles i 2019: "
        f"navnet «IA-rådet i Troms» og navnet «Troms» {MISTAKABLE}",
    ),
    (
        "a NUL in a name",
        _with(TROMS, 'name = "IA-rådet i Troms\\u0000"\n'),
        "kan ikke tas i bruk: navnet på rådet «IA-rådet i Troms\\x00» har et kontrolltegn (\\x00)",
    ),
    (
        "a character no XML may hold in a name (the template would not be written)",
        _with(TROMS, 'name = "IA-rådet i Troms\\uFFFE"\n'),
        "kan ikke tas i bruk: navnet på rådet «IA-rådet i Troms\\ufffe» har et kontrolltegn "
        "(\\ufffe)",
    ),
    (
        "a control character in the secretariat",
        _with(
            'secretariat = "NAV Arbeidslivssenter Troms"',
            'secretariat = "NAV \\u001b[31mTroms"',
        ),
        "kan ikke tas i bruk: sekretariatet til rådet «IA-rådet i Troms», «NAV \\x1b[31mTroms», "
        "har et kontrolltegn (\\x1b)",
    ),
    (
        "a county number too long",
        _with('number = "19"', 'number = "190"'),
        f"kan ikke tas i bruk: fylke nr. {COUNTY_19_PLACE} i filen («Troms») har number = «190»; "
        f"{NUMBER_FORM}; {NO_TROMS}",
    ),
    (
        "a county number as a number",
        _with('number = "19"', "number = 19"),
        f"kan ikke tas i bruk: fylke nr. {COUNTY_19_PLACE} i filen («Troms») har number = 19; "
        f"{NUMBER_FORM}; {NO_TROMS}",
    ),
    (
        "a year too large for the column",
        _with(TROMS, TROMS + "from_year = 99999999999\n"),
        "kan ikke tas i bruk: rådet «IA-rådet i Troms» har from_year = 99999999999; et år må "
        "være fra 1900 til 2100",
    ),
    (
        "a year as a text",
        _with(TROMS, TROMS + 'to_year = "2015"\n'),
        "kan ikke tas i bruk: rådet «IA-rådet i Troms» har to_year = «2015»; et år er et helt tall",
    ),
    (
        "years the wrong way round",
        _with(TROMS, TROMS + "from_year = 2016\nto_year = 2015\n"),
        "kan ikke tas i bruk: rådet «IA-rådet i Troms» har from_year = 2016 etter to_year = 2015",
    ),
    (
        "a misspelt field",
        _with(TROMS, TROMS + "to_yaer = 2015\n"),
        "kan ikke tas i bruk: rådet «IA-rådet i Troms» har ukjente felt: to_yaer (kjente felt: "
        "name, counties, from_year, to_year, secretariat, aliases)",
    ),
    (
        "another name with the separator",
        _with(TROMS, TROMS + 'aliases = ["Tromsø|Tromso"]\n'),
        "kan ikke tas i bruk: et annet navn (aliases) til rådet «IA-rådet i Troms», "
        "«Tromsø|Tromso», har tegnet «|», som ikke kan stå i et navn",
    ),
    (
        "a name too long",
        _with('name = "Troms"', f'name = "{"T" * 501}"'),
        "kan ikke tas i bruk: navnet på fylke 19 er 501 tegn langt; høyst 500 tegn",
    ),
    (
        "a field twice in a table",
        _with(TROMS, TROMS + TROMS),
        f"kan ikke leses som TOML: linje {_line(TROMS) + 1}, kolonne {len(TROMS)}: en nøkkel "
        "står to ganger",  # tomllib's place: just after the second «name»'s value
    ),
    (
        "not TOML",
        "[[council\n",
        "kan ikke leses som TOML: linje 1, kolonne 10: «Expected ']]' at the end of an array "
        "declaration»",
    ),
    (
        "no councils",
        SAMPLE.split("[[council]]")[0],
        "mangler fylkene ([[county]]) eller rådene ([[council]])",
    ),
]


def _state(engine) -> dict:
    """What a refused register must leave as it was: the versions taken, the councils and
    counties, the year's grants and the data version."""
    with Session(engine) as session:
        rows = overview(session, 2016, AS_OF, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
        return {
            "versions": len(register_history(session, scope=OPERATOR)),
            "data": _register_rows(session),
            "grants": {r.council.name: r.allocated_ore for r in rows},
            "data_version": version.data_version(session),
        }


def _register_rows(session: Session) -> tuple[list, list]:
    """The counties and the councils as the database holds them."""
    counties = sorted(
        (c.number, c.name, c.from_year, c.to_year) for c in session.exec(select(County))
    )
    found = sorted(
        (c.name, [n for n, _ in c.counties], c.from_year, c.to_year, c.secretariat, c.aliases)
        for c in councils(session)
    )
    return counties, found


def _said(text: str) -> tuple[list, list]:
    """The counties and councils a register file says, read from the file itself (not
    through the check), as ``_register_rows`` reads the database: every entry, names
    trimmed, a missing field as its default."""
    data = tomllib.loads(text)
    counties = sorted(
        (c["number"], c["name"].strip(), c.get("from_year"), c.get("to_year"))
        for c in data["county"]
    )
    found = sorted(
        (c["name"].strip(), sorted(_listed(c["counties"])), c.get("from_year"),
         c.get("to_year"), c.get("secretariat", "").strip(),
         [a.strip() for a in _listed(c.get("aliases", []))])
        for c in data["council"]
    )  # fmt: skip
    return counties, found


def _listed(value) -> list:
    """A list as itself, one value as a list of it (``aliases = "Tromsø"`` says one name)."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(
    ("text", "answer"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_a_register_that_cannot_mean_one_thing_is_refused_naming_its_entries(
    sample_db, text, answer
):
    before = _state(sample_db)
    assert sum(before["grants"].values()) == SAMPLE_GRANTS_2016
    for dry_run in (True, False):
        with pytest.raises(RegisterError) as refused:
            load_new_register(
                sample_db, text, "r.toml", by=Actor("Ada"), scope=OPERATOR, dry_run=dry_run
            )
        assert str(refused.value) == f"Registeret r.toml {answer}"
    assert _state(sample_db) == before


def test_councils_named_alike_in_years_apart_pass_and_a_workbook_means_one_by_its_year():
    """What the check refuses in shared years is fine in years apart: the matcher then
    finds one council for a workbook's year, whichever of the names it writes."""
    text = _with(TROMS, TROMS + "to_year = 2018\n") + COUNTY_55
    data = parse_register(text + _council("Troms", ["55"], "from_year = 2019\n"), "r.toml")
    county = {c["number"]: c["name"] for c in data["county"]}
    matcher = CouncilMatcher(
        [
            CouncilInfo(i, c["name"], c["secretariat"], c["from_year"], c["to_year"],
                        [(n, county[n]) for n in c["counties"]], c["aliases"])
            for i, c in enumerate(data["council"])
        ]
    )  # fmt: skip
    for written in ("Troms", "IA-rådet i Troms", "ia-radet i TROMS"):
        assert [c.name for c in matcher.match(written, 2018)] == ["IA-rådet i Troms"]
        assert [c.name for c in matcher.match(written, 2019)] == ["Troms"]


def _case(what: str) -> tuple[str, str]:
    (found,) = [case[1:] for case in REFUSED if case[0] == what]
    return found


@pytest.mark.parametrize(
    "what", ["a county in two councils in the same years", "a council without a name"]
)
def test_the_command_line_gives_the_checks_answer(database, tmp_path, capsys, what):
    text, answer = _case(what)
    url = database(SAMPLE_REGISTER)
    before = _state(db.get_engine(url))
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    for dry_run in ([], ["--dry-run"]):
        assert main(["--db", url, "register", "load", str(path), *dry_run]) == 1
        said = capsys.readouterr()
        assert (said.out, said.err) == ("", f"Feil: Registeret r.toml {answer}\n")
    assert _state(db.get_engine(url)) == before


@pytest.mark.parametrize(
    "what", ["a county in two councils in the same years", "a council with no counties"]
)
def test_the_register_page_gives_the_checks_answer(database, app_on, what):
    text, answer = _case(what)
    url = database(SAMPLE_REGISTER)
    before = _state(db.get_engine(url))
    at = app_on(url, page="views/register.py")
    at.file_uploader(key="register_file").upload("r.toml", text.encode()).run()
    assert not at.exception
    assert [e.value for e in at.error] == [plain(f"Registeret r.toml {answer}")]
    assert "register_apply" not in [b.key for b in at.button]  # nothing to take into use
    assert _state(db.get_engine(url)) == before


# --- the register file a new database loads (IA_REGISTER_FILE) -------------------------------


@pytest.mark.parametrize(
    "what", ["a county in two councils in the same years", "a NUL in a name", "not TOML"]
)
def test_a_new_database_refuses_a_bad_register_file_with_the_same_answer(database, tmp_path, what):
    text, answer = _case(what)
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    engine = create_bare_engine(database(empty=True))
    try:
        with pytest.raises(RegisterError) as refused:
            schema.upgrade(engine, path)
        assert str(refused.value) == f"Registeret {path} {answer}"
        assert isinstance(refused.value, schema.SchemaBehind)  # shown as the app shows one
        assert schema.state(engine) == schema.SchemaState(None, schema.head(), False)
    finally:
        engine.dispose()


def test_db_upgrade_refuses_a_bad_register_file_with_the_same_answer(
    database, tmp_path, monkeypatch, capsys
):
    text, answer = _case("a council without a name")
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    url = database(empty=True)
    monkeypatch.setenv("IA_REGISTER_FILE", str(path))
    assert main(["--db", url, "db", "upgrade"]) == 1
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", f"Feil: Registeret {path} {answer}\n")
    missing = tmp_path / "finnes-ikke.toml"
    monkeypatch.setenv("IA_REGISTER_FILE", str(missing))
    assert main(["--db", url, "db", "upgrade"]) == 1
    assert (
        capsys.readouterr().err == f"Feil: Registeret {missing} kan ikke leses: filen finnes ikke\n"
    )
    engine = create_bare_engine(url)
    assert schema.state(engine).tables is False  # nothing made
    engine.dispose()


def test_the_app_on_a_new_database_shows_the_checks_answer_not_a_traceback(tmp_path, monkeypatch):
    """A SQLite database upgrades itself when the app opens it: with a bad register file it
    says why, as the check does, and shows no data."""
    text, answer = _case("a county listed twice")
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("IA_DATABASE_URL", f"sqlite:///{tmp_path / 'ny.db'}")
    monkeypatch.setenv("IA_REGISTER_FILE", str(path))
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"Registeret {path} {answer}"]
    assert not at.dataframe


# --- whatever passes the check loads ---------------------------------------------------------

GOOD_NUMBERS = ["01", "09", "10", "19", "50", "99"]
GOOD_NAMES = st.sampled_from(
    ["Troms", "Finnmark", "IA-rådet i Troms", "Trøndelag", "T" * 500, "Ålesund «x»",
     'med "anførsel" og \\', "😀", "e\u0301", "\u200bnull bredde", "Sámi\u00a0giella"]
)  # fmt: skip
# A control character: those a database or a page trips on first, then any (DEL, C1, …).
CONTROLS = st.one_of(st.sampled_from(["\x00", "\x1b", "\t", "\n", "\x7f", "\x85"]),
                     st.characters(categories=["Cc"]))  # fmt: skip
TEXTS = st.one_of(
    GOOD_NAMES,
    st.builds(lambda a, c, b: a + c + b, GOOD_NAMES, CONTROLS, st.sampled_from(["", "x"])),
    st.text(max_size=12),  # any character but a surrogate
    st.text(st.sampled_from("ab|- \x00"), min_size=495, max_size=505),
    st.sampled_from(["", " ", "-", "a|b", " Troms ", "IA-RÅDET I TROMS", "ia-radet i troms"]),
)
NUMBERS = st.one_of(
    st.sampled_from([*GOOD_NUMBERS, "00", "9", "001", "190", "09 ", "０９", "٠٩", "", "1\x00"]),
    st.integers(),
    st.text(max_size=3),
)
YEARS = st.one_of(
    st.sampled_from([1899, 1900, 2100, 2101, 2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1]),
    st.sampled_from([-(2**63), 10**30, True, 2016.0, 2016.5, float("inf"), "2016", [2016]]),
    st.integers(),
)
VALUES = {  # what a field is given: mostly its own kind of value, now and then any
    "number": NUMBERS,
    "name": TEXTS,
    "from_year": YEARS,
    "to_year": YEARS,
    "counties": st.one_of(st.lists(NUMBERS, max_size=3), NUMBERS),
    "secretariat": TEXTS,
    "aliases": st.one_of(st.lists(TEXTS, max_size=3), TEXTS),
    "navn": TEXTS,  # not a field of either
}
ANY_VALUE = st.one_of(*VALUES.values())
YEARS_OK = st.one_of(st.none(), st.integers(2008, 2020))


@st.composite
def registers(draw) -> str:
    """A register of a few counties and councils, as likely as not made wrong in a place or
    two, mostly so that only that place is wrong: a field given a hostile value or taken
    away, a county renumbered (its councils follow), a council given another's county or
    one of its own again, an entry repeated, a line twice."""
    numbers = draw(st.lists(st.sampled_from(GOOD_NUMBERS), min_size=1, max_size=4, unique=True))
    counties = [{"number": n, "name": draw(GOOD_NAMES), **draw(_years())} for n in numbers]
    groups = draw(st.lists(st.integers(0, 2), min_size=len(numbers), max_size=len(numbers)))
    councils = [
        {
            "name": f"IA-rådet {group} {draw(GOOD_NAMES)}"[:500],
            "counties": [n for n, g in zip(numbers, groups, strict=True) if g == group],
            "secretariat": draw(GOOD_NAMES),
            "aliases": draw(st.lists(GOOD_NAMES, max_size=2)),
            **draw(_years()),
        }
        for group in sorted(set(groups))
    ]
    for _ in range(draw(st.integers(0, 2))):
        _spoil(draw, counties, councils)
    text = _toml({"county": counties, "council": councils})
    if draw(st.integers(0, 9)) == 9:  # a line twice: a key twice in its table
        lines = text.splitlines(keepends=True)
        line = draw(st.sampled_from([x for x in lines if "=" in x]))
        text = text.replace(line, line * 2, 1)
    return text


def _spoil(draw, counties: list[dict], councils: list[dict]) -> None:
    """One thing made wrong (or, by chance, still right) in a register being drawn."""
    how = draw(st.sampled_from(["text", "year", "number", "county", "any", "drop", "repeat"]))
    entries = councils if how == "county" else draw(st.sampled_from([counties, councils]))
    entry = draw(st.sampled_from(entries))
    if how == "text":
        field = draw(
            st.sampled_from(["name", *(["secretariat", "aliases"] * ("counties" in entry))])
        )
        text = draw(TEXTS)
        entry[field] = [text] if field == "aliases" else text
    elif how == "year":
        entry[draw(st.sampled_from(["from_year", "to_year"]))] = draw(YEARS)
    elif how == "number" and isinstance(entry.get("number"), str):
        old, new = entry["number"], draw(NUMBERS)
        entry["number"] = new
        for council in councils:
            if isinstance(council.get("counties"), list):
                council["counties"] = [new if n == old else n for n in council["counties"]]
    elif how == "county" and isinstance(entry.get("counties"), list):
        entry["counties"] = [*entry["counties"], draw(st.sampled_from(GOOD_NUMBERS))]
    elif how == "repeat":
        entries.append(dict(entry))
    elif how == "drop" and entry:
        entry.pop(draw(st.sampled_from(sorted(entry))))
    else:
        field = draw(st.sampled_from([*(entry or ["name"]), "navn"]))
        entry[field] = draw(st.one_of(VALUES[field], ANY_VALUE))


def _years() -> st.SearchStrategy[dict]:
    """``from_year`` and ``to_year`` (either may be left out), the first not after the last."""
    return st.builds(
        lambda a, b: {
            k: v
            for k, v in zip(
                ("from_year", "to_year"), sorted((a, b), key=lambda y: y or 0), strict=True
            )
            if v is not None
        },
        YEARS_OK,
        YEARS_OK,
    )


def _toml(register: dict) -> str:
    """A register as TOML, every value written as the file would hold it."""
    lines = []
    for table, entries in register.items():
        for entry in entries:
            lines.append(f"[[{table}]]")
            lines += [f"{_string(key)} = {_value(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)  # inf, -inf, 1e+300: TOML
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else "\\" + c if c in '"\\' else c
        for c in text
    )
    return f'"{escaped}"'


def _near(change) -> str:
    """A small register that passes, changed by ``change`` (a near miss)."""
    register = {
        "county": [{"number": "09", "name": "Aust-Agder"}, {"number": "10", "name": "Vest-Agder"}],
        "council": [{"name": "IA-rådet i Agder", "counties": ["09", "10"], "aliases": ["Agder"]}],
    }
    change(register["county"], register["council"])
    return _toml(register)


def _set(table: int, field: str, value):
    return lambda counties, councils: [counties, councils][table][0].__setitem__(field, value)


def _renumber(counties, councils):
    counties[0]["number"] = councils[0]["counties"][0] = "090"


def _twice(counties, councils):
    counties.append({"number": "11", "name": "Rogaland"})
    councils.append({"name": "IA-RÅDET I  AGDER", "counties": ["11"]})


# Near misses, each a value that passed the check before and failed to load on an engine (or
# loaded meaning something else), and the longest and oddest values that pass and load.
NEAR_MISSES = [
    _near(_set(1, "name", "IA-rådet i Agder\x00")),
    _near(_set(1, "secretariat", "NAV \x1b[31mAgder")),
    _near(_set(0, "name", "Aust\x00Agder")),
    _near(_set(1, "from_year", 2**31)),
    _near(_set(0, "to_year", 2**63 - 1)),
    _near(_set(1, "to_year", 2016.5)),
    _near(_renumber),
    _near(_set(1, "counties", ["09", "10", "10"])),
    _near(lambda counties, councils: counties.append(dict(counties[0]))),
    _near(_twice),
    _near(_set(1, "aliases", "Agder")),
    _near(_set(1, "aliases", ["Aust|Vest"])),
    _near(_set(1, "name", "A" * 501)),
    _near(_set(1, "name", "A" * 500)),
    _near(_set(1, "name", 'IA-rådet «😀» "x" \\')),
    _near(_set(1, "aliases", ["\u200b", "e\u0301", "é", "Ø" * 500])),
    _near(_set(0, "from_year", 1900)),
    _near(_set(0, "to_year", 2100)),
    _near(_set(0, "number", "99")),
]


def test_whatever_passes_the_check_loads_on_both_engines(fresh_db):
    """Each register is taken into use on the database the one before left: refused, it
    changes nothing; passed, it loads, and the database holds what the file says."""
    outcomes: Counter = Counter()

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(registers())
    def check(text: str) -> None:
        with Session(fresh_db) as session:
            before = _register_rows(session)
        try:
            parse_register(text, "r.toml")
        except RegisterError:
            outcomes["refused"] += 1
            with pytest.raises(RegisterError):
                load_new_register(fresh_db, text, "r.toml", by=Actor("x"), scope=OPERATOR)
            with Session(fresh_db) as session:
                assert _register_rows(session) == before
            return
        outcomes["loaded"] += 1
        load_new_register(fresh_db, text, "r\x00.toml", by=Actor("x\x00"), scope=OPERATOR)
        with Session(fresh_db) as session:
            assert _register_rows(session) == _said(text)

    for text in NEAR_MISSES:
        check = example(text)(check)
    check()
    assert outcomes["loaded"] >= 20 and outcomes["refused"] >= 20, outcomes
