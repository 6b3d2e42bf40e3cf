"""The one way from the pages into the library (``ui.data``): ``read`` caches a query per
data version, scope and argument (the rules by what they say) and hands the visitor's scope;
``write`` hands the engine, the scope and the visitor as the actor, shows a refusal as the
library says it, and makes what was cached and kept stale after a change, not after a dry
run."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ia_data.domain.access import Actor, secretariat
from ia_data.domain.rules import DEFAULT_RULES_FILE, Rules, load_rules
from ui.data import _key


def _script():
    import streamlit as st

    import ui
    from ia_data.domain.access import secretariat
    from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
    from ia_data.storage import users
    from ui.auth import Mode, Visitor

    calls = st.session_state.setdefault("calls", [])

    def query(session, *, scope, year, rules=None):
        calls.append(("read", scope, year))
        return len(calls)

    def refused(engine, *, scope, by):
        raise users.AccessError("Kari kan ikke «dette»")

    def change(engine, *, scope, by, dry_run=False):
        calls.append(("write", scope, by, dry_run))
        return "endret"

    troms = secretariat({19: "IA-rådet i Troms"})
    st.session_state["_ia_visitor"] = Visitor(
        Mode.SIGN_IN, troms, "kari@x.no", "Kari", logged_in=True
    )
    rules = load_rules(DEFAULT_RULES_FILE)
    found = [ui.data.read(query, year=2015, rules=rules) for _ in range(2)]
    found.append(ui.data.read(query, year=2016, rules=rules))
    found.append(ui.data.read(query, year=2015, rules=rules, cache=False))
    st.session_state["_upload_checks"] = {"abc": "a kept check"}
    written = [ui.data.write(refused), ui.data.write(change, dry_run=True)]
    kept = "_upload_checks" in st.session_state
    found.append(ui.data.read(query, year=2015, rules=rules))  # still cached
    written.append(ui.data.write(change))
    st.session_state.update(
        found=found, written=written, kept=kept, stale="_upload_checks" not in st.session_state
    )
    found.append(ui.data.read(query, year=2015, rules=rules))  # made again


def test_read_and_write(database, monkeypatch):
    monkeypatch.setenv("IA_DATABASE_URL", database())
    at = AppTest.from_function(_script, default_timeout=60).run()
    assert not at.exception
    troms, kari = secretariat({19: "IA-rådet i Troms"}), Actor("Kari", "kari@x.no")
    assert at.session_state["calls"] == [
        ("read", troms, 2015),
        ("read", troms, 2016),
        ("read", troms, 2015),  # cache=False
        ("write", troms, kari, True),
        ("write", troms, kari, False),
        ("read", troms, 2015),  # after the change
    ]
    assert at.session_state["found"] == [1, 1, 2, 3, 1, 6]
    assert at.session_state["written"] == [None, "endret", "endret"]
    assert [e.value for e in at.error] == ["Kari kan ikke «dette»"]
    assert at.session_state["kept"] and at.session_state["stale"]


def test_the_rules_are_part_of_a_key_by_what_they_say(tmp_path):
    shipped = load_rules(DEFAULT_RULES_FILE)
    copy = tmp_path / "regler.toml"
    copy.write_text(DEFAULT_RULES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert _key(Rules.from_file(copy)) == _key(shipped)
    copy.write_text(
        copy.read_text(encoding="utf-8").replace(
            "amount_one_county = 400000", "amount_one_county = 450000"
        ),
        encoding="utf-8",
    )
    assert _key(Rules.from_file(copy)) != _key(shipped)
    assert _key([3, 1]) == (3, 1) and _key(2015) == 2015
