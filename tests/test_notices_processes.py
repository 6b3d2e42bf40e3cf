"""Two daily runs at once, as real processes on PostgreSQL (two servers' timers, say): each
message is written to the outbox once and delivered once, through a real SMTP server on
127.0.0.1 — and ``ia-data varsler send --dry-run`` / ``list`` on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from smtp import SmtpServer
from sqlmodel import Session, select

from ia_data.cli import main
from ia_data.domain.access import OPERATOR, Actor
from ia_data.storage import db
from ia_data.storage.models import Council, Outbox
from ia_data.storage.users import set_user

PROJECT = Path(__file__).resolve().parent.parent
USERS = 40  # Troms's secretariat: enough messages for two runs to overlap


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    server = SmtpServer(tmp_path_factory.mktemp("smtp"))
    yield server
    server.stop()


def _mail_environment(smtp, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "IA_DATABASE_URL": url,
        "IA_SMTP_URL": smtp.url,
        "IA_SMTP_CA_FILE": str(smtp.ca_file),
        "IA_MAIL_FROM": "varsler@ia.example.no",
        "IA_BASE_URL": "https://ia.example.no",
    }


def _troms_users(url: str) -> None:
    engine = db.get_engine(url)
    with Session(engine) as session:
        troms = session.exec(select(Council.id).where(Council.name == "IA-rådet i Troms")).one()
    for n in range(USERS):
        set_user(
            engine,
            f"sekretar{n:02d}@nav.no",
            "sekretariat",
            [troms],
            by=Actor("Ada"),
            scope=OPERATOR,
        )


@pytest.mark.slow
@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=True)
def test_two_runs_at_once_deliver_each_message_once(database, smtp):
    url = database()
    _troms_users(url)
    smtp.reset()
    command = [sys.executable, "-m", "ia_data.cli", "varsler", "send", "--as-of", "18.08.2012"]
    runs = [
        subprocess.Popen(
            command,
            cwd=PROJECT,
            env=_mail_environment(smtp, url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    with Session(db.get_engine(url)) as session:
        rows = session.exec(select(Outbox)).all()
    assert len(rows) == USERS and {r.state for r in rows} == {"Sendt"}
    assert sorted(m.recipients[0] for m in smtp.arrived) == sorted(r.recipient for r in rows)
    assert len({m.message["Message-ID"] for m in smtp.arrived}) == USERS


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_the_command_line_prints_a_dry_run_and_lists_the_outbox(
    database, smtp, monkeypatch, capsys
):
    url = database()
    _troms_users(url)
    smtp.reset()
    for key, value in _mail_environment(smtp, url).items():
        monkeypatch.setenv(key, value)
    assert main(["varsler", "send", "--as-of", "18.08.2012", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("--- Påminnelse til sekretar") == USERS
    assert (
        "Emne: Påminnelse: rapporten for 1. halvår 2012 fra IA-rådet i Troms har frist "
        "01.09.2012" in printed
    )
    assert printed.rstrip().endswith(
        f"{USERS} varsler til sending 18.08.2012; prøvekjøring: ingenting er lagret eller sendt"
    )
    assert main(["varsler", "list"]) == 0
    assert capsys.readouterr().out == "Utboksen er tom.\n"
    assert smtp.arrived == []
    assert main(["varsler", "send", "--as-of", "18.08.2012"]) == 0
    assert capsys.readouterr().out.endswith(
        f"{USERS} varsler til sending 18.08.2012, {USERS} nye i utboksen. E-post: {USERS} sendt\n"
    )
    assert main(["varsler", "list", "--state", "Sendt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == USERS
    assert "  Sendt    Påminnelse        " in lines[0]
    assert lines[0].endswith("  IA-rådet i Troms 2012 H1  (1 forsøk)")
