"""Links with bad values. Every URL parameter a page reads is read by a pure function of
its text (``ui.links.read_*``): for each kind of parameter and each hostile value, the
filter gets nothing it cannot use, and the note names the parameter and the value (as plain
text, cut) — plain unit tests. A few AppTests per page check that the pages read their
links through them: a bad value gives a working page, the value gone from the URL (or
replaced by the filter's default) and one note above the page. Also: widget values kept in
the session that no longer fit, and the app's catch-all error, which must not fail the same
way on the next run."""

from __future__ import annotations

import functools
import unicodedata
from datetime import date

import pytest
from pages import SIGN_IN_ONLY, open_titles
from sqlmodel import Session

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.access import OutsideScope
from ia_data.storage import db
from ia_data.storage.register import councils
from ia_data.storage.store import RestoreError
from ui import links

# page → (page file for AppTest, its title, the URL parameters it reads)
PAGES = {
    "Oversikt": (None, "Oversikt", ["ar", "per", "delmal", "rad"]),
    "Frister": ("views/frister.py", "Frister", ["per", "fra", "til", "rad"]),
    "Økonomi": ("views/okonomi.py", "Økonomi", ["ar", "rad"]),
    "Aktiviteter": (
        "views/aktiviteter.py",
        "Aktiviteter",
        ["ar", "delmal", "rad", "sok", "type", "status"],
    ),
    "Råd": ("views/rad.py", "Råd", ["rad", "per"]),
    "Opplastinger": ("views/opplastinger.py", "Opplastinger", ["rad", "periode"]),
}
# What the note calls each parameter.
NAMES = {
    "ar": "år",
    "per": "statusdato",
    "rad": "IA-råd",
    "delmal": "delmål",
    "fra": "fra år",
    "til": "til år",
    "type": "type",
    "status": "status",
    "periode": "periode",
}
LISTS = {"rad", "type", "status", "periode"}  # comma lists: each item is judged
HOSTILE = {
    "superscript-two": "²",
    "arabic-indic-digits": "١٢",
    "full-width-digits": "２０１５",
    "10000-digits": "9" * 10_000,
    "negative": "-1",
    "zero": "0",
    "10-kB-text": "x" * 10_240,
    "nul": "\x00",
    "control-characters": "\x1b[31m\x07",
    "list-with-junk": "1,²,99999999999999999999",
    "date-far-ahead": "9999-12-31",
    "date-far-back": "0001-01-01",
    "no-such-day": "2015-02-30",
    "markdown-image": "![](http://127.0.0.1:9/x.png)",
}
# Values that are well formed but still not usable, per parameter.
EXTRA = {
    "ar": {"year-without-data": "2011", "year-ahead": "2030"},
    "fra": {"year-without-data": "2011"},
    "til": {"year-ahead": "2030"},
    "per": {"date-one-digit-month": "2015-1-1", "date-without-dashes": "20150101"},
    "rad": {"no-such-council": "99"},
}
DEFAULTS = {"ar": "2016"}  # the latest year with data; every other default leaves the URL
VALID_COUNCIL = "1"  # IA-rådet i Østfold, in every year and every list of councils
SEARCH_HOSTILE = {  # a search is free text: only a long one or control characters are bad
    "10000-digits": ("9" * 10_000, "9" * 200, "lengre enn 200 tegn"),
    "10-kB-text": ("x" * 10_240, "x" * 200, "lengre enn 200 tegn"),
    "nul": ("\x00", None, "tegn som ikke kan brukes"),
    "control-characters": ("\x1b[31m\x07", "[31m", "tegn som ikke kan brukes"),
    "control-inside": ("ku\x00rs", "kurs", "tegn som ikke kan brukes"),
}


# What each parameter is read as, and the values a page offers it (the demo data's).
YEARS = [2012, 2013, 2014, 2015, 2016]
COUNCIL_IDS = set(range(1, 20))
STATUSES = ["Gjennomført", "Planlagt", "Avlyst"]
READERS = {
    "ar": lambda raw: links.read_year("ar", raw, YEARS),
    "fra": lambda raw: links.read_year("fra", raw, YEARS),
    "til": lambda raw: links.read_year("til", raw, YEARS),
    "per": lambda raw: links.read_date("per", raw),
    "delmal": links.read_goal,
    "rad": lambda raw: links.read_ids("rad", raw, COUNCIL_IDS),
    "type": lambda raw: links.read_texts("type", raw, ["Kurs", "Konferanse"]),
    "status": lambda raw: links.read_texts("status", raw, STATUSES),
    "periode": lambda raw: links.read_texts("periode", raw, ["2015 År", "2014 H1"]),
    "vis": lambda raw: links.read_choice("vis", raw, ["kompakt", "alle"]),
}
NAMES["vis"] = "visning"


def _cases():
    for param in READERS:
        for label, value in {**HOSTILE, **EXTRA.get(param, {})}.items():
            yield pytest.param(param, value, id=f"{param}-{label}")


def _shown(value: str) -> str:
    """A bad value as the note quotes it: control characters as «�», cut to 40, plain."""
    text = "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf") else c for c in value)
    return ui.text.plain(text if len(text) <= 40 else text[:39] + "…")


def _notes(at) -> list[str]:
    return [i.value for i in at.info if "lenken" in i.value.lower()]


def _works(at, title: str) -> None:
    assert not at.exception
    assert not [e.value for e in at.error if "Noe gikk galt" in e.value]
    assert at.title[0].value == title


@pytest.mark.parametrize(("param", "value"), list(_cases()))
def test_a_bad_value_is_not_used_and_the_note_names_it(param, value):
    found = READERS[param](value)
    items = value.split(",") if param in LISTS and len(value) <= links.LIST_LIMIT else [value]
    kept = [int(x) for x in items if param == "rad" and x == VALID_COUNCIL]
    bad = [x for x in items if x != VALID_COUNCIL or param != "rad"]
    assert found.value == (kept if param in LISTS else None)
    assert found.note is not None
    assert f"for {NAMES[param]} («" in found.note
    assert "ikke brukt" in found.note
    for item in bad[:3]:
        assert f"«{_shown(item)}»" in found.note
    assert len(found.note) < 400  # a 10 000-character value is cut


@pytest.mark.parametrize(
    ("param", "raw", "value"),
    [
        ("ar", "2014", 2014),
        ("per", "2015-01-10", date(2015, 1, 10)),
        ("delmal", "3", 3),
        ("rad", "4,9,4", [4, 9]),
        ("status", "Avlyst", ["Avlyst"]),
        ("periode", "2015 År", ["2015 År"]),
        ("vis", "alle", "alle"),
        ("ar", None, None),
        ("rad", None, []),
    ],
)
def test_a_good_value_is_used_without_a_note(param, raw, value):
    assert (value, None) == (READERS[param](raw).value, READERS[param](raw).note)


def test_the_notes_say_what_would_have_been_right():
    assert READERS["ar"]("2011").note == (
        "Lenken hadde en ugyldig verdi for år («2011»); den er ikke brukt. År med data: 2012–2016."
    )
    assert READERS["per"]("2015-02-30").note == (
        "Lenken hadde en ugyldig verdi for statusdato («2015-02-30»); den er ikke brukt. "
        "Bruk en dato mellom 01.01.2010 og 31.12.2100, skrevet ÅÅÅÅ-MM-DD."
    )
    assert READERS["delmal"]("4").note.endswith("Delmålet må være 1, 2 eller 3.")
    assert READERS["rad"]("1,²,0,5,99").note == (
        "Lenken hadde ugyldige verdier for IA-råd («²», «0», «99»); de er ikke brukt."
    )
    assert READERS["rad"]("1,²,0,x,99").note.endswith("(«²», «0», «x», …); de er ikke brukt.")


@pytest.mark.parametrize(
    ("value", "used", "why"), SEARCH_HOSTILE.values(), ids=list(SEARCH_HOSTILE)
)
def test_a_bad_search_is_cleaned_and_said(value, used, why):
    assert (links.clean_search(value).strip() or None) == used
    (note,) = links.search_notes(value)
    assert note.startswith("Søket i lenken") and why in note


@pytest.mark.parametrize("value", ["²", "２０１５", "2015-02-30", "**fet**", "1,²"])
def test_any_other_search_is_used_as_it_is(value):
    assert (links.clean_search(value), links.search_notes(value)) == (value, [])


# --- the pages read their links through these ------------------------------------------------


@pytest.fixture(scope="module")
def seeded_url(seeded_copy):
    """The demo data (SQLite: these tests check how the pages read a link)."""
    return seeded_copy()


@pytest.fixture(scope="module")
def council_ids(seeded_url) -> dict[str, int]:
    with Session(db.get_engine(seeded_url)) as session:
        found = {c.name: c.id for c in councils(session)}
    assert found["IA-rådet i Østfold"] == int(VALID_COUNCIL)
    assert set(found.values()) == COUNCIL_IDS
    return found


@pytest.mark.parametrize(
    ("page", "param", "label"),
    [
        ("Oversikt", "ar", "10000-digits"),
        ("Oversikt", "rad", "list-with-junk"),
        ("Frister", "til", "year-ahead"),
        ("Økonomi", "ar", "year-without-data"),
        ("Aktiviteter", "status", "control-characters"),
        ("Råd", "per", "no-such-day"),
        ("Opplastinger", "periode", "markdown-image"),
    ],
)
def test_a_bad_value_in_a_pages_link_is_dropped_with_the_note(
    app_on, seeded_url, page, param, label
):
    path, title, _ = PAGES[page]
    value = {**HOSTILE, **EXTRA.get(param, {})}[label]
    at = app_on(seeded_url, page=path, **{param: value})
    _works(at, title)
    found = READERS[param](value)
    kept = ",".join(str(v) for v in found.value) if isinstance(found.value, list) else None
    assert dict(at.query_params).get(param) == (kept or DEFAULTS.get(param))
    assert _notes(at) == [found.note]


@pytest.mark.parametrize(
    ("value", "used", "why"),
    [SEARCH_HOSTILE["10-kB-text"], SEARCH_HOSTILE["control-characters"]],
    ids=["10-kB-text", "control-characters"],
)
def test_a_bad_search_in_the_link_is_cleaned_with_a_note(app_on, seeded_url, value, used, why):
    at = app_on(seeded_url, page="views/aktiviteter.py", sok=value)
    _works(at, "Aktiviteter")
    assert dict(at.query_params).get("sok") == used
    assert at.text_input(key="f_search").value == (used or "")
    notes = _notes(at)
    assert len(notes) == 1, notes
    assert notes[0].startswith("Søket i lenken") and why in notes[0]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_parameter_bad_at_once_gives_one_note_each(app_on, seeded_url, page):
    path, title, params = PAGES[page]
    at = app_on(seeded_url, page=path, **dict.fromkeys(params, "²"))
    _works(at, title)
    notes = _notes(at)
    assert len(notes) == len([p for p in params if p != "sok"]), notes
    for param in params:
        if param == "sok":
            assert dict(at.query_params).get("sok") == "²"  # a search for «²» is fine
        else:
            assert dict(at.query_params).get(param) == DEFAULTS.get(param)


@pytest.mark.parametrize("label", ["list-with-junk"])
def test_last_opp_reads_no_parameter_and_ignores_them(app_on, seeded_url, label):
    params = {p for _, _, ps in PAGES.values() for p in ps}
    at = app_on(seeded_url, page="views/last_opp.py", **dict.fromkeys(params, HOSTILE[label]))
    _works(at, "Last opp")
    assert len(at.file_uploader) == 1
    assert _notes(at) == []


@pytest.mark.parametrize(
    ("page", "query"),
    [
        (None, {"ar": "2014", "per": "2015-01-10", "delmal": "3", "rad": "4,9"}),
        ("views/frister.py", {"per": "2015-01-10", "fra": "2013", "til": "2014", "rad": "4"}),
        ("views/okonomi.py", {"ar": "2015", "rad": "4"}),
        ("views/aktiviteter.py", {"ar": "2015", "delmal": "2", "sok": "kurs", "status": "Avlyst"}),
        ("views/rad.py", {"rad": "4", "per": "2015-01-10"}),
        ("views/opplastinger.py", {"rad": "4", "periode": "2015 År"}),
    ],
)
def test_a_good_link_gives_no_note_and_stays(app_on, seeded_url, page, query):
    at = app_on(seeded_url, page=page, **query)
    assert not at.exception
    assert _notes(at) == []
    assert {k: v for k, v in at.query_params.items() if k in query} == query


def test_a_last_year_before_the_first_is_dropped(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", fra="2015", til="2013")
    _works(at, "Frister")
    assert dict(at.query_params) == {"fra": "2015"}
    assert (at.selectbox(key="f_from").value, at.selectbox(key="f_to").value) == (2015, 2016)
    assert _notes(at) == [
        "Lenken hadde en ugyldig verdi for til år («2013»); den er ikke brukt. "
        "Til år kan ikke være før fra år (2015)."
    ]


def test_moving_the_first_year_past_the_last_moves_the_last(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", fra="2012", til="2013")
    at.selectbox(key="f_from").select(2015).run()
    _works(at, "Frister")
    assert (at.selectbox(key="f_from").value, at.selectbox(key="f_to").value) == (2015, 2015)
    assert _notes(at) == []


def test_kept_widget_values_that_no_longer_fit_are_reset(app_on, seeded_url):
    # Values kept in the session (set here on a page without those widgets, as AppTest
    # cannot hold a select box on a value outside its options) are reset on the next page.
    at = app_on(seeded_url, page="views/last_opp.py")
    at.session_state["f_year"] = "²"
    at.session_state["f_goal"] = 7
    at.session_state["f_search"] = "y" * 5000 + "\x00"
    at.session_state["f_type"] = "Kurs"  # not a list
    at.session_state["f_councils"] = [10**30]
    at.switch_page("views/aktiviteter.py").run()
    _works(at, "Aktiviteter")
    assert at.selectbox(key="f_year").value == 2016
    assert at.selectbox(key="f_goal").value == 0
    assert at.text_input(key="f_search").value == "y" * 200
    assert at.multiselect(key="f_type").value == []
    assert at.multiselect(key="f_councils").value == []
    at = app_on(seeded_url, page="views/last_opp.py")
    at.session_state["f_as_of"] = date(1900, 1, 1)
    at.session_state["f_council"] = 10**30
    at.session_state["f_from"] = "²"
    at.session_state["f_to"] = 1
    at.switch_page("views/rad.py").run()
    _works(at, "Råd")
    assert at.date_input(key="f_as_of").value == fmt.today()
    assert at.selectbox(key="f_council").value is None
    at.switch_page("views/frister.py").run()
    _works(at, "Frister")
    assert (at.selectbox(key="f_from").value, at.selectbox(key="f_to").value) == (2012, 2016)
    assert _notes(at) == []


def test_periods_picked_for_another_council_are_reset(app_on, seeded_url, council_ids):
    at = app_on(seeded_url, page="views/rad.py", rad=str(council_ids["IA-rådet i Hedmark"]))
    at.session_state["answer_periods"] = ["2099 H1"]
    at.run()
    _works(at, "Råd")
    answers = [t.label for t in at.tabs if t.label not in ui.display.VIEWS]
    assert answers == ["2014 H2", "2015 År", "2016 År"]  # the answers' tabs: the last three


def test_after_an_error_the_filters_start_again(app_on, seeded_url, monkeypatch):
    """A page that fails because of a filter's value: the error is shown, the filters and
    the URL are reset, and the next run (the «Prøv igjen» button) shows the page."""
    read = ui.data.read

    def failing(function, **kwargs):
        if kwargs.get("goal") == 2:
            raise RuntimeError("a filter value the page cannot handle")
        return read(function, **kwargs)

    monkeypatch.setattr(ui.data, "read", failing)
    at = app_on(seeded_url, ar="2015", delmal="2")
    assert [e.value for e in at.error if "Noe gikk galt" in e.value]
    assert "Filtrene er satt tilbake" in at.error[0].value
    assert dict(at.query_params) == {}
    assert "f_goal" not in at.session_state
    at.button(key="retry_after_error").click().run()
    _works(at, "Oversikt")
    assert at.selectbox(key="f_goal").value == 0
    assert len(at.dataframe) == 1


@pytest.mark.parametrize(
    "refusal, shown",
    [
        (OutsideScope("Ingen tilgang: rådet (nr. 99) ligger utenfor dine råd"),
         "Ingen tilgang: rådet (nr. 99) ligger utenfor dine råd."),
        (RestoreError("Opplasting nr. 9 finnes ikke."), "Opplasting nr. 9 finnes ikke."),
    ],
    ids=["outside the scope", "a sentence already"],
)  # fmt: skip
def test_a_refusal_the_page_does_not_answer_is_said_by_the_router(
    app_on, seeded_url, monkeypatch, refusal, shown
):
    """Any user error a page lets through is caught once, around the page: its message as a
    sentence, no traceback and no «Noe gikk galt», the filters reset."""
    read = ui.data.read

    def refusing(function, /, **kwargs):
        if kwargs.get("goal") == 2:
            raise refusal
        return read(function, **kwargs)

    monkeypatch.setattr(ui.data, "read", refusing)
    at = app_on(seeded_url, ar="2015", delmal="2")
    assert shown in [w.value for w in at.warning]
    assert not at.error and not at.exception
    assert dict(at.query_params) == {}
    assert "f_goal" not in at.session_state


# --- a page's own name as a link -----------------------------------------------------------

# url path → the page's title, in the open mode (no «Tilgang» without sign-in).
URL_PATHS = {**open_titles(), **dict.fromkeys(sorted(SIGN_IN_ONLY), "Ingen tilgang")}


@pytest.fixture
def open_path(app_on, seeded_url, monkeypatch):
    """``open_path(path, **query)``: the app as a browser's first request for
    ``/path?query`` runs it — Streamlit finds the page by its URL path, not by its file —
    and the «Page not found» answers Streamlit sent on the way: ``(AppTest, answers)``."""
    from streamlit.commands import navigation
    from streamlit.runtime.scriptrunner import RerunData
    from streamlit.testing.v1 import local_script_runner

    answers = []
    send = navigation.send_page_not_found
    monkeypatch.setattr(
        navigation, "send_page_not_found", lambda ctx: (answers.append(ctx), send(ctx))
    )

    def run(path: str, **query):
        asked = functools.partial(RerunData, page_name=path)
        monkeypatch.setattr(local_script_runner, "RerunData", asked)
        answers.clear()
        return app_on(seeded_url, **query), list(answers)

    return run


@pytest.mark.parametrize("path", list(URL_PATHS))
def test_every_page_opens_by_its_own_name(open_path, path):
    at, not_found = open_path(path, ar="2014")
    assert not_found == []
    _works(at, URL_PATHS[path])


def test_oversikt_by_its_name_keeps_the_links_values(open_path):
    at, not_found = open_path("oversikt", ar="2014", delmal="3", rad="4,9")
    assert not_found == []
    _works(at, "Oversikt")
    assert dict(at.query_params) == {"ar": "2014", "delmal": "3", "rad": "4,9"}
    assert (at.selectbox(key="f_year").value, at.selectbox(key="f_goal").value) == (2014, 3)
    assert at.multiselect(key="f_councils").value == [4, 9]
    assert _notes(at) == []


@pytest.mark.parametrize("path", ["finnes-ikke", "start"])
def test_a_name_that_is_no_page_is_still_not_found(open_path, path):
    """Streamlit's own answer to a path that is no page («start»: the name the default page
    reserves, never a link) — the check above can see it."""
    at, not_found = open_path(path)
    assert len(not_found) == 1
    _works(at, "Oversikt")
