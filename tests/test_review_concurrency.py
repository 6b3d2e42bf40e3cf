"""Two reviewers acting on one report at once (issue 23), in real processes on each engine:
one wins, the other is told what happened, and nothing is half-done — one state, one step in
the history.

Each process (``parties.Party``) calls ``storage.review.approve`` or ``send_back``. They
meet at file barriers: once before they begin, and — on PostgreSQL, where two transactions
read side by side — once more after each has read the state and found the move allowed,
right before its conditional UPDATE, so both really race for the row. (SQLite takes its
write lock at BEGIN: the second waits there, then reads the first one's result.) No
assertion depends on timing.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from parties import Party, outcomes
from sqlmodel import Session, select
from workbooks import report_xlsx

from ia_data.domain.access import OPERATOR, Actor
from ia_data.storage.models import Review, ReviewEvent
from ia_data.storage.store import import_file

pytestmark = pytest.mark.slow  # real processes against both engines

DEADLINE_S = 120  # only for a hung process; never asserted on

DRIVER = r"""
import json, sys, time
from pathlib import Path

from ia_data.domain.access import COORDINATION, Actor
from ia_data.domain.errors import UserError
from ia_data.storage import db, review

spec = json.loads(sys.argv[1])
barrier = Path(spec["barrier"])


def meet(stage):
    (barrier / f"{stage}-{spec['party']}").touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.glob(f"{stage}-*"))) < 2:
        if time.monotonic() > deadline:
            sys.exit(f"nobody else reached {stage}")
        time.sleep(0.002)


real_refusal = review._refusal


def refusal_then_meet(*args):
    found = real_refusal(*args)
    if found is None and spec["postgresql"]:
        meet("read")  # both read the state and may move it: both go for the UPDATE
    return found


review._refusal = refusal_then_meet
engine = db.get_engine(spec["url"])
by = Actor(spec["party"], f"{spec['party']}@nav.no")
meet("start")
try:
    if spec["action"] == "approve":
        said = review.approve(engine, spec["upload"], scope=COORDINATION, by=by)
    else:
        said = review.send_back(engine, spec["upload"], "Rad 2", scope=COORDINATION, by=by)
    print(json.dumps({"ok": said}))
except UserError as exc:
    print(json.dumps({"refused": str(exc)}))
"""


def _race(url: str, upload: int, actions: dict[str, str], barrier: Path, pg: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "IA_DATABASE_URL"}
    spec = {"url": url, "upload": upload, "barrier": str(barrier), "postgresql": pg}
    procs = {
        party: Party(DRIVER, [json.dumps({**spec, "party": party, "action": action})], env)
        for party, action in actions.items()
    }
    done = outcomes(procs, DEADLINE_S)
    assert {p: proc.returncode for p, proc in procs.items()} == dict.fromkeys(procs, 0), done
    return {party: json.loads(out) for party, (out, _) in done.items()}


@pytest.mark.parametrize("second", ["approve", "return"])
def test_two_reviewers_at_once_one_wins_the_other_is_told(fresh_db, engine_name, tmp_path, second):
    url = fresh_db.url.render_as_string(hide_password=False)
    result = import_file(fresh_db, "t.xlsx", report_xlsx(), scope=OPERATOR, by=Actor("Siri"),
                         now=datetime(2012, 8, 25, 10, tzinfo=UTC))  # fmt: skip
    upload = result.upload_id
    outcome = _race(url, upload, {"anne": "approve", "berit": second}, tmp_path,
                    engine_name == "postgresql")  # fmt: skip
    winners = [p for p, said in outcome.items() if "ok" in said]
    losers = [p for p, said in outcome.items() if "refused" in said]
    assert len(winners) == 1 and len(losers) == 1, outcome
    winner, loser = winners[0], losers[0]
    won_with = {"anne": "approve", "berit": second}[winner]
    state = "Godkjent" if won_with == "approve" else "Trenger retting"
    told = outcome[loser]["refused"]
    # Told what happened: the state now, who did it, and that nothing of theirs changed. On
    # PostgreSQL both read the state before either wrote: the conditional UPDATE stopped the
    # loser; on SQLite the loser read the winner's state.
    if engine_name == "postgresql":
        assert told.startswith("Noen andre rakk det først: rapporten (IA-rådet i Troms, 2012 H1)")
        assert f"var «Mottatt» da du så den, og er nå «{state}»" in told
    else:
        assert ("er allerede godkjent" if state == "Godkjent" else "er sendt tilbake") in told
    assert f"{winner} ({winner}@nav.no)" in told and told.endswith("ingenting er endret")
    with Session(fresh_db) as session:
        review = session.exec(select(Review)).one()
        steps = session.exec(select(ReviewEvent.action, ReviewEvent.by_name)).all()
    assert review.state == state
    assert sorted(steps) == sorted(
        [("mottatt", "Siri"), ("godkjent" if won_with == "approve" else "sendt tilbake", winner)]
    )
