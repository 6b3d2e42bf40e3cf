"""The schema's migrations, on both engines: they make exactly the models' schema (a model
changed without a migration fails here), a database made by ``create_all`` before
migrations is taken over with its data, ``ia-data db upgrade|current`` say where a
database stands, a database behind the code shows no data but the command to run, two
upgrades at once load the register once, and the constraints hold what they promise."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import downgrade
from sqlalchemy import Column, Integer, MetaData, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.register import DEFAULT_REGISTER_FILE, read_register_file
from ia_data.storage import db, schema
from ia_data.storage.engine import create_bare_engine, database_label
from ia_data.storage.history import uploads
from ia_data.storage.models import Council, Report, Upload
from ia_data.storage.store import import_file

PROJECT = Path(__file__).resolve().parent.parent
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
SAMPLE_REGISTER = SAMPLE_DIR / "register.toml"
HEAD = schema.head()


def _differences(engine, metadata=SQLModel.metadata) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


@pytest.fixture
def empty(database):
    """A bare engine on a database with nothing in it, on this test's engine."""
    engine = create_bare_engine(database(empty=True))
    yield engine
    engine.dispose()


# --- the migrations make the models' schema ---------------------------------------------


def test_the_code_reads_its_migrations_as_alembic_does():
    """``schema`` reads the newest migration and the known ones from the files' own lines
    (a start need not load Alembic): the same as Alembic's own reading, and the same
    revision Alembic stamps and finds in a database."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(schema._config())
    assert scripts.get_current_head() == HEAD
    assert {s.revision for s in scripts.walk_revisions()} == set(schema._revisions()[0])
    assert not schema.known("9999") and schema.known("0001")


def test_the_migrations_make_the_models_schema(empty):
    assert schema.upgrade(empty, target="0001") == "0001"
    assert schema.upgrade(empty) == HEAD
    assert _differences(empty) == []
    indexes = {i["name"]: i for i in inspect(empty).get_indexes("report")}
    assert indexes["uq_report_active_period"]["unique"]
    assert indexes["uq_report_active_period"]["column_names"] == ["council_id", "year", "period"]


def test_a_new_database_is_made_at_the_head(empty):
    assert schema.upgrade(empty) == HEAD
    assert _differences(empty) == []
    assert schema.state(empty).up_to_date


def test_a_model_changed_without_a_migration_is_found(empty):
    """What the test above catches: a column the models have and the migrations do not."""
    schema.upgrade(empty)
    changed = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["upload"].append_column(Column("pages", Integer, nullable=True))
    (difference,) = _differences(empty, changed)
    assert (difference[0], difference[2], difference[3].name) == ("add_column", "upload", "pages")


# --- a database made before migrations --------------------------------------------------


def _create_all_database(engine) -> None:
    """A database as ``create_all`` made it before migrations came, holding one report."""
    schema.upgrade(engine, SAMPLE_REGISTER)
    assert (
        import_file(engine, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR).status
        == "lagret"
    )
    downgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert schema.state(engine).current is None


def _troms(url: str) -> tuple:
    with Session(db.get_engine(url)) as session:
        upload = session.execute(select(Upload)).scalars().one()
        return upload.file_name, upload.activity_count, upload.total_cost_ore


def test_a_create_all_database_is_taken_over(empty, engine_name, capsys):
    url = empty.url.render_as_string(hide_password=False)
    _create_all_database(empty)
    if engine_name == "sqlite":  # the embedded database upgrades itself when opened
        assert _troms(url) == (TROMS_2015.name, 12, 35_562_000)
    else:
        with pytest.raises(schema.SchemaBehind) as behind:
            db.get_engine(url)
        assert str(behind.value) == (
            f"Databasen {database_label(url)} er laget uten migreringer. Kjør «ia-data db "
            "upgrade» (med samme IA_DATABASE_URL), og start appen på nytt."
        )
        assert main(["--db", url, "db", "upgrade"]) == 0
        assert capsys.readouterr().out == (
            f"Databasen {database_label(url)} er oppdatert: uten migreringer → {HEAD}.\n"
        )
        assert _troms(url) == (TROMS_2015.name, 12, 35_562_000)
    assert schema.state(empty).current == HEAD
    assert _differences(empty) == []


# --- ia-data db upgrade | current -------------------------------------------------------


def test_db_upgrade_and_current(empty, capsys, monkeypatch):
    url = empty.url.render_as_string(hide_password=False)
    label = database_label(url)
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    empty.connect().close()  # a SQLite file that exists, with nothing in it
    assert main(["--db", url, "db", "current"]) == 1
    assert capsys.readouterr().out == (
        f"Databasen {label} er tom: tabellene er ikke laget ennå. Kjør «ia-data db upgrade» "
        "(med samme IA_DATABASE_URL) før appen startes.\n"
    )
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"Databasen {label} er oppdatert: tom → {HEAD}.\n"
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out == (
        f"Databasen {label} er allerede på nyeste utgave ({HEAD}); ingenting endret.\n"
    )
    assert main(["--db", url, "db", "current"]) == 0
    assert capsys.readouterr().out == f"Databasen {label} er på nyeste utgave ({HEAD}).\n"
    with Session(empty) as session:  # the register came with the tables
        names = session.execute(select(Council.name)).scalars().all()
    assert len(names) == len(read_register_file(SAMPLE_REGISTER)["council"])


def test_db_upgrade_from_the_first_revision(empty, capsys):
    url = empty.url.render_as_string(hide_password=False)
    schema.upgrade(empty, target="0001")
    assert main(["--db", url, "db", "current"]) == 1
    assert capsys.readouterr().out == (
        f"Databasen {database_label(url)} har en eldre utgave av tabellene (0001) enn appen "
        f"({HEAD}). Kjør «ia-data db upgrade» (med samme IA_DATABASE_URL), og start appen "
        "på nytt.\n"
    )
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out == (
        f"Databasen {database_label(url)} er oppdatert: 0001 → {HEAD}.\n"
    )


def test_a_database_newer_than_the_code(empty, capsys):
    url = empty.url.render_as_string(hide_password=False)
    schema.upgrade(empty)
    with empty.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9001'")
    newer = (
        f"Feil: Databasen {database_label(url)} har en nyere utgave av tabellene (9001) enn "
        "denne utgaven av appen kjenner; bruk en nyere utgave av appen.\n"
    )
    assert main(["--db", url, "history"]) == 1
    assert capsys.readouterr().err == newer
    assert main(["--db", url, "db", "upgrade"]) == 1
    assert capsys.readouterr().err == newer
    with empty.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "9001"
        )


# --- a server on a database behind the code ---------------------------------------------


def test_a_server_behind_shows_no_data_but_the_command(empty, engine_name, app_on, capsys):
    url = empty.url.render_as_string(hide_password=False)
    schema.upgrade(empty, SAMPLE_REGISTER)
    assert (
        import_file(empty, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR).status
        == "lagret"
    )
    downgrade(empty, "0001")
    if engine_name == "sqlite":  # the embedded database upgrades itself, and shows its data
        at = app_on(url)
        assert [e.value for e in at.error] == []
        assert schema.state(empty).current == HEAD
        return
    at = app_on(url)
    assert [e.value for e in at.error] == [
        f"Databasen {database_label(url)} har en eldre utgave av tabellene (0001) enn appen "
        f"({HEAD}). Kjør «ia-data db upgrade» (med samme IA_DATABASE_URL), og start appen "
        "på nytt."
    ]
    assert (len(at.dataframe), len(at.metric), len(at.info)) == (0, 0, 0)
    assert "35" not in " ".join(m.value for m in at.markdown)  # no figure of the report
    assert main(["--db", url, "history"]) == 1
    assert "har en eldre utgave av tabellene (0001)" in capsys.readouterr().err
    assert main(["--db", url, "db", "upgrade"]) == 0
    at = app_on(url)
    assert [e.value for e in at.error] == []


# --- two at once ------------------------------------------------------------------------


@pytest.mark.slow  # two ia-data processes
def test_two_upgrades_at_once_load_the_register_once(empty):
    """Two servers' operators (or two containers) running the upgrade at the same moment:
    one waits for the other, the register is loaded once, both say they are done."""
    url = empty.url.render_as_string(hide_password=False)
    argv = [sys.executable, "-m", "ia_data.cli", "--db", url, "db", "upgrade"]
    env = {"IA_REGISTER_FILE": str(SAMPLE_REGISTER), "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.Popen(argv, cwd=PROJECT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * 2
    assert sum("er oppdatert: tom →" in out for out in outputs) == 1
    assert sum("allerede på nyeste utgave" in out for out in outputs) == 1
    with Session(empty) as session:
        councils = session.execute(select(func.count(Council.id))).scalar_one()
    assert councils == len(read_register_file(SAMPLE_REGISTER)["council"])
    assert schema.state(empty).current == HEAD


# --- what the constraints hold ----------------------------------------------------------


def _upload_row(sha: str, kind: str = "rapport") -> dict:
    return {
        "kind": kind, "file_name": "x.xlsx", "sha256": sha, "size": 1,
        "uploaded_at": datetime(2024, 1, 1, tzinfo=UTC), "uploaded_by": "", "warnings": "",
        "active": True, "activity_count": 0, "meeting_count": 0, "total_cost_ore": 0,
        "content": b"",
    }  # fmt: skip


def test_a_file_is_stored_once_per_kind(fresh_db):
    table = Upload.__table__
    with fresh_db.begin() as connection:
        connection.execute(table.insert(), [_upload_row("a" * 64)])
        connection.execute(table.insert(), [_upload_row("a" * 64, "tildeling")])
    unique = r"uq_upload_sha256_kind|upload\.sha256, upload\.kind"
    with pytest.raises(IntegrityError, match=unique), fresh_db.begin() as connection:
        connection.execute(table.insert(), [_upload_row("a" * 64)])
    with fresh_db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(table)).scalar_one() == 2


def test_one_active_version_per_council_and_period(stocked_db):
    """A second active version of Troms 2012 H1 is refused by the database itself."""
    with Session(stocked_db) as session:
        (report,) = session.execute(select(Report)).scalars().all()
        row = {c.name: getattr(report, c.name) for c in Report.__table__.columns if c.name != "id"}
    upload = _upload_row("b" * 64)
    unique = r"uq_report_active_period|report\.council_id, report\.year, report\.period"
    with pytest.raises(IntegrityError, match=unique), stocked_db.begin() as connection:
        row["upload_id"] = connection.execute(
            Upload.__table__.insert().returning(Upload.__table__.c.id), [upload]
        ).scalar_one()
        connection.execute(Report.__table__.insert(), [row])
    row["active"] = False  # an inactive version beside it is what history is
    with stocked_db.begin() as connection:
        row["upload_id"] = connection.execute(
            Upload.__table__.insert().returning(Upload.__table__.c.id), [upload]
        ).scalar_one()
        connection.execute(Report.__table__.insert(), [row])
        active = connection.execute(text("SELECT COUNT(*) FROM report WHERE active")).scalar()
    assert active == 1


def test_one_active_allocation_per_council_and_year(stocked_db):
    from workbooks import allocation_xlsx

    from ia_data.storage.models import Allocation

    assert import_file(
        stocked_db, "ny.xlsx", allocation_xlsx([["Troms", 2012, 375_000]]), scope=OPERATOR
    ).status
    table = Allocation.__table__
    with stocked_db.connect() as connection:
        (row,) = connection.execute(select(table).where(table.c.active)).mappings().all()
    copy = {k: v for k, v in row.items() if k != "id"}
    unique = r"uq_allocation_active_year|allocation\.council_id, allocation\.year"
    with pytest.raises(IntegrityError, match=unique), stocked_db.begin() as connection:
        copy["upload_id"] = connection.execute(
            Upload.__table__.insert().returning(Upload.__table__.c.id),
            [_upload_row("d" * 64, "tildeling")],
        ).scalar_one()
        connection.execute(table.insert(), [copy])
    copy["active"] = False  # beside it as history: allowed
    with stocked_db.begin() as connection:
        copy["upload_id"] = connection.execute(
            Upload.__table__.insert().returning(Upload.__table__.c.id),
            [_upload_row("d" * 64, "tildeling")],
        ).scalar_one()
        connection.execute(table.insert(), [copy])


def test_money_beyond_32_bits_is_stored(fresh_db):
    """3 000 000 000 øre (30 mill. kr) in one activity: PostgreSQL's INTEGER would refuse."""
    from ia_data.storage.models import Activity

    assert "BIGINT" in str(Activity.__table__.c.cost_ore.type.compile(fresh_db.dialect))
    assert "BIGINT" in str(Upload.__table__.c.total_cost_ore.type.compile(fresh_db.dialect))
    with fresh_db.begin() as connection:
        connection.execute(Upload.__table__.insert(), [_upload_row("c" * 64, "tildeling")])
        connection.execute(
            text("UPDATE upload SET total_cost_ore = 3000000000 WHERE sha256 = :s"),
            {"s": "c" * 64},
        )
        stored = connection.execute(text("SELECT total_cost_ore FROM upload")).scalar_one()
    assert int(stored) == 3_000_000_000


def test_the_register_on_the_default_database(database):
    """A database made with the register that ships: every council in it, once."""
    engine = db.get_engine(database())
    with Session(engine) as session:
        count = session.execute(select(func.count(Council.id))).scalar_one()
    assert count == len(read_register_file(DEFAULT_REGISTER_FILE)["council"])


# --- 0006: a user bound to the provider's account, sign-ins that end ---------------------


def test_0006_keeps_the_users_and_binds_each_at_their_next_sign_in(fresh_db):
    """A database of 0005 with a user (taken down to it: no binding, no sign-ins kept),
    upgraded: the user is kept, bound to no account yet, and no sign-in has ended; the next
    sign-in binds the user and is recorded."""
    from ia_data.domain.access import OVERSIGHT, Role
    from ia_data.storage import sign_ins, users

    users.set_user(
        fresh_db, "kari@x.no", Role.OVERSIGHT, name="Kari", by=Actor("x"), scope=OPERATOR
    )
    downgrade(fresh_db, "0005")
    tables = inspect(fresh_db).get_table_names()
    assert "signinstate" not in tables
    assert "subject" not in {c["name"] for c in inspect(fresh_db).get_columns("appuser")}
    assert schema.upgrade(fresh_db) == HEAD
    assert _differences(fresh_db) == []
    with fresh_db.connect() as connection:
        kept = connection.execute(text("SELECT email, name, role, subject FROM appuser")).all()
        states = connection.execute(text("SELECT COUNT(*) FROM signinstate")).scalar_one()
    assert [tuple(row) for row in kept] == [("kari@x.no", "Kari", "oversikt", None)]
    assert states == 0
    signed_in = sign_ins.sign_in(fresh_db, "kari@x.no", subject="k", issued_at=1_900_000_000)
    assert signed_in == OVERSIGHT
    with fresh_db.connect() as connection:
        bound = connection.execute(text("SELECT subject FROM appuser")).scalar_one()
        seen = connection.execute(text("SELECT newest_seen, counts_from FROM signinstate")).one()
    assert (bound, tuple(seen)) == ("k", (1_900_000_000, 0))


# --- 0007: the binding of a removed user kept ------------------------------------------


def test_0007_keeps_the_sign_ins_and_a_removed_user_added_again_keeps_its_binding(fresh_db):
    """A database of 0006 with a bound user and its sign-ins, upgraded: all kept, nothing
    ended; removed and added again from then on, the user keeps its account."""
    from ia_data.domain.access import OVERSIGHT, Role
    from ia_data.storage import sign_ins, users

    users.set_user(fresh_db, "kari@x.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    signed_in = sign_ins.sign_in(fresh_db, "kari@x.no", subject="k", issued_at=1_900_000_000)
    assert signed_in == OVERSIGHT
    downgrade(fresh_db, "0006")
    assert "subject" not in {c["name"] for c in inspect(fresh_db).get_columns("signinstate")}
    assert schema.upgrade(fresh_db) == HEAD
    assert _differences(fresh_db) == []
    with fresh_db.connect() as connection:
        state = connection.execute(text("SELECT * FROM signinstate")).mappings().one()
        bound = connection.execute(text("SELECT subject FROM appuser")).scalar_one()
    assert (dict(state), bound) == (
        {"email": "kari@x.no", "newest_seen": 1_900_000_000, "counts_from": 0, "subject": None},
        "k",
    )
    users.remove_user(fresh_db, "kari@x.no", by=Actor("x"), scope=OPERATOR)
    users.set_user(fresh_db, "kari@x.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    with fresh_db.connect() as connection:
        assert connection.execute(text("SELECT subject FROM appuser")).scalar_one() == "k"


# --- a backup ---------------------------------------------------------------------------


def test_db_backup(stocked_db, tmp_path, capsys):
    """SQLite: a copy by the online backup API, whole and readable; PostgreSQL: pg_dump."""
    url = stocked_db.url.render_as_string(hide_password=False)
    out = tmp_path / "kopi.db"
    if stocked_db.dialect.name == "postgresql":
        assert main(["--db", url, "db", "backup", "--out", str(out)]) == 1
        assert capsys.readouterr().err == (
            "Feil: backup gjelder SQLite; ta sikkerhetskopi av PostgreSQL med pg_dump (se "
            f"docs/operations.md) ({database_label(url)})\n"
        )
        assert not out.exists()
        return
    assert main(["--db", url, "db", "backup", "--out", str(out)]) == 0
    assert capsys.readouterr().out == (
        f"Sikkerhetskopi av {database_label(url)} skrevet til {out} (2 opplastinger, "
        f"utgave {HEAD}).\n"
    )
    copy = f"sqlite:///{out}"
    try:
        names = [u["file_name"] for u in uploads(db.get_engine(copy))]
    finally:
        db._engines.pop(copy).dispose()
    assert sorted(names) == ["rapport.xlsx", "tildelinger.xlsx"]
    assert main(["--db", url, "db", "backup", "--out", str(out)]) == 1
    assert capsys.readouterr().err == f"Feil: {out} finnes allerede; velg et nytt filnavn\n"
