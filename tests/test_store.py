"""Storing: one transaction, nothing of a file with an error, history kept and restorable,
the very same file never twice (WORKBOOK.md, «Storing and re-uploading»)."""

# ruff: noqa: SIM300  (the expected value comes first, as in sqlite-utils' tests)

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from datetime import UTC, date, datetime

import pytest
from conftest import downgrade
from sqlalchemy import func
from sqlmodel import Session, select
from workbooks import (
    FIXTURES,
    activity,
    allocation_xlsx,
    meeting,
    report_sheets,
    report_xlsx,
    xlsx,
)

from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.questions import QUESTIONS
from ia_data.storage import store
from ia_data.storage.history import uploads
from ia_data.storage.models import Activity, Allocation, Council, Meeting, Report, Upload
from ia_data.storage.store import RestoreError, import_file, restore_upload, upload_content

NOW = datetime(2012, 9, 3, 10, 0, tzinfo=UTC)  # 12:00 in Oslo
NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"
PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"


def table_counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__tablename__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Upload, Report, Activity, Meeting, Allocation)
        }


def council_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Council.id).where(Council.name == name)).one()


def active_flags(engine) -> dict[int, bool]:
    """Upload id → active, for the uploads and their reports (which must agree)."""
    with Session(engine) as session:
        flags = {u.id: u.active for u in session.exec(select(Upload))}
        reports = {r.upload_id: r.active for r in session.exec(select(Report))}
    assert flags == {**flags, **reports}
    return flags


def active_activities(engine, council: str = "IA-rådet i Troms") -> list[str]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Activity.title)
                .join(Report, Report.id == Activity.report_id)
                .where(Report.active == True, Report.council_id == council_id(engine, council))  # noqa: E712
                .order_by(Activity.source_row)
            )
        )


def store_file(engine, data: bytes, file_name: str = "rapport.xlsx", **kwargs):
    kwargs.setdefault("now", NOW)
    return import_file(engine, file_name, data, **kwargs, scope=OPERATOR)


# --- the cycle collector -----------------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_an_import_pauses_the_cycle_collector_and_leaves_it_as_it_found_it(
    fresh_db, monkeypatch, enabled
):
    """The collector is off while a file is checked and stored (a large report's objects
    are all freed by their counts) and as before afterwards, also when the import fails."""
    import gc

    seen = []
    checked = store.parse_workbook

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return checked(*args, **kwargs)

    monkeypatch.setattr(store, "parse_workbook", watched)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert "lagret" == store_file(fresh_db, report_xlsx()).status
        after_storing = gc.isenabled()
        monkeypatch.setattr(store, "_store", lambda *args: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            store_file(fresh_db, report_xlsx(contact="Per Hansen"))
        assert ([False, False], enabled, enabled) == (seen, after_storing, gc.isenabled())
    finally:
        (gc.enable if was else gc.disable)()


# --- a valid report --------------------------------------------------------------------


def test_valid_report_is_stored(fresh_db):
    data = report_xlsx()
    result = store_file(fresh_db, data, by=Actor("  Kari Nordmann "))
    assert ("lagret", "rapport.xlsx: lagret som opplasting nr. 1: IA-rådet i Troms, 2012 H1") == (
        result.status,
        result.message,
    )
    assert (1, None, []) == (result.upload_id, result.replaced_upload_id, result.notes)
    assert {"upload": 1, "report": 1, "activity": 2, "meeting": 2, "allocation": 0} == (
        table_counts(fresh_db)
    )
    troms = council_id(fresh_db, "IA-rådet i Troms")
    with Session(fresh_db) as session:
        upload = session.get(Upload, 1)
        report = session.exec(select(Report)).one()
        activities = session.exec(select(Activity).order_by(Activity.source_row)).all()
        meetings = session.exec(select(Meeting).order_by(Meeting.source_row)).all()
    assert ("rapport", "rapport.xlsx", hashlib.sha256(data).hexdigest(), len(data)) == (
        upload.kind,
        upload.file_name,
        upload.sha256,
        upload.size,
    )
    assert (NOW, "Kari Nordmann", troms, 2012, "H1") == (
        upload.uploaded_at.replace(tzinfo=UTC),
        upload.uploaded_by,
        upload.council_id,
        upload.year,
        upload.period,
    )
    assert (2, 2, 1_650_050, "", True) == (
        upload.activity_count,
        upload.meeting_count,
        upload.total_cost_ore,
        upload.warnings,
        upload.active,
    )
    assert data == upload.content
    with Session(fresh_db) as session:
        assert ("rapport.xlsx", data) == upload_content(session, 1, scope=OPERATOR)
    assert (troms, 2012, "H1", True, date(2012, 8, 20), False) == (
        report.council_id,
        report.year,
        report.period,
        report.active,
        report.submitted,
        report.submitted_from_upload_date,
    )
    assert ("Kari Nordmann", "Ola Hansen", "NHO", True, None) == (
        report.contact,
        report.chair,
        report.chair_organisation,
        report.action_plan,
        report.action_plan_date,
    )
    assert report.answer_1 == "Felles konferanse med partene i januar."
    assert [
        (2, date(2012, 3, 1), "IA-konferanse for industrien", "Konferanse", True, True, False),
        (3, date(2012, 5, 10), "Seniorseminar", "Seminar", False, False, True),
    ] == [(a.source_row, a.date, a.title, a.type, a.goal_1, a.goal_2, a.goal_3) for a in activities]
    assert [
        ("Industri", 40, 1_250_000, "Gjennomført"),
        ("Kommune", 25, 400_050, "Gjennomført"),
    ] == [(a.sector, a.participants, a.cost_ore, a.status) for a in activities]
    assert [1, 2] == activities[0].goals
    assert [(2, date(2012, 4, 19), "Rådsmøte", "Alle parter")] == [
        (m.source_row, m.date, m.kind, m.present) for m in meetings[:1]
    ]


def test_counts_leave_out_cancelled_activities(fresh_db):
    rows = [activity(cost=1000), activity(cost=500, status="Avlyst"), activity(status="planned")]
    store_file(fresh_db, report_xlsx(activities=rows, meetings=[]))
    (row,) = uploads(fresh_db)
    assert (2, 0, 1_400_000) == (row["activity_count"], row["meeting_count"], row["total_cost_ore"])
    assert 3 == table_counts(fresh_db)["activity"]


def test_warnings_are_kept_with_the_upload(fresh_db):
    sheets = report_sheets(activities=[activity(type_="Frokostmøte")])
    sheets["Rapport"] = sheets["Rapport"][:-1]  # no answer to question 5
    result = store_file(fresh_db, xlsx(sheets))
    assert "lagret" == result.status
    expected = [
        f"Rapport: svar på spørsmål 5 mangler («{QUESTIONS[4]}»)",
        "Aktiviteter, rad 2, kolonne «Type»: «Frokostmøte» er ikke en kjent aktivitetstype og "
        "lagres som «Annet» (kjente typer: Konferanse, Seminar, Kurs, Nettverk, "
        "Erfaringssamling, Dialogmøte, Informasjon, Prosjekt, Annet)",
    ]
    assert expected == [p.text for p in result.warnings]
    (row,) = uploads(fresh_db)
    assert "\n".join(expected) == row["warnings"]
    assert ["Annet"] == [a["type"] for a in _activity_rows(fresh_db)]


def _activity_rows(engine) -> list[dict]:
    with Session(engine) as session:
        return [a.model_dump() for a in session.exec(select(Activity))]


@pytest.mark.parametrize(
    "now,expected",
    [
        (datetime(2012, 9, 20, 10, 0, tzinfo=UTC), date(2012, 9, 20)),
        # Half past midnight in Oslo is still the day before in UTC: the Norwegian date counts.
        (datetime(2012, 9, 20, 22, 30, tzinfo=UTC), date(2012, 9, 21)),
    ],
)
def test_missing_submitted_date_uses_the_upload_date(fresh_db, now, expected):
    result = store_file(fresh_db, report_xlsx(submitted=None), now=now)
    assert "lagret" == result.status
    assert [
        f"Innsendt dato mangler i arbeidsboka; opplastingsdatoen {expected:%d.%m.%Y} er brukt"
    ] == result.notes
    with Session(fresh_db) as session:
        report = session.exec(select(Report)).one()
    assert (expected, True) == (report.submitted, report.submitted_from_upload_date)


# --- nothing of a file with an error is stored -----------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        (
            report_xlsx(activities=[activity(), activity(goals="4")]),
            "rapport.xlsx: ikke lagret – 1 feil må rettes før filen kan lagres",
        ),
        (
            report_xlsx(period="2015 H1", submitted=date(2012, 8, 20)),
            "rapport.xlsx: ikke lagret – 1 feil må rettes før filen kan lagres",
        ),
        (
            report_xlsx(council="Lappland", activities=[activity(cost=-1)]),
            "rapport.xlsx: ikke lagret – 2 feil må rettes før filen kan lagres",
        ),
        (
            xlsx({"Rapport": report_sheets()["Rapport"]}),
            "rapport.xlsx: ikke lagret – 1 feil må rettes før filen kan lagres",
        ),
        (
            xlsx({"Ark1": [["tomt"]], "Aktiviteter": report_sheets()["Aktiviteter"]}),
            "rapport.xlsx: ikke lagret – Arbeidsboka mangler arket «Rapport» (godtatt også: "
            "Report, Rapportering, Forside); arkene i filen er: Ark1, Aktiviteter",
        ),
    ],
)
def test_a_report_with_an_error_stores_nothing(fresh_db, data, message):
    store_file(fresh_db, report_xlsx(period="2012 H2", activities=[], meetings=[]))
    before = table_counts(fresh_db)
    result = store_file(fresh_db, data)
    assert ("avvist", message) == (result.status, result.message)
    assert not result.ok
    assert before == table_counts(fresh_db)
    assert {1: True} == active_flags(fresh_db)


def truncated() -> bytes:
    data = report_xlsx()
    return data[: len(data) // 2]


def zip_bomb() -> bytes:
    """A zip whose directory says it unpacks to 300 MB (the sizes are patched in)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 1000)
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 300 * 1024 * 1024)  # uncompressed size
    return bytes(data)


def not_a_workbook_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("les_meg.txt", "Dette er ikke et regneark.")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "file_name,data,message",
    [
        (
            "rapport.xlsx",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
            f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)",
        ),
        (
            "bilde.xlsx",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
            f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)",
        ),
        (
            "rapport.ods",
            b"Dato;Aktivitet\n01.03.2012;Kurs\n",
            f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)",
        ),
        ("rapport.xlsx", b"", f"Filen er tom (0 byte). {NOT_A_WORKBOOK}"),
        ("rapport.xlsx", truncated(), f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig"),
        (
            "rapport.xlsx",
            not_a_workbook_zip(),
            f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format",
        ),
        (
            "rapport.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format",
        ),
        (
            "rapport.xlsx",
            zip_bomb(),
            f"{NOT_A_WORKBOOK}: den pakker seg ut til 300 MB, mer enn grensen på 250 MB",
        ),
        (
            "rapport.txt",
            report_xlsx(),
            f"{NOT_A_WORKBOOK} (godtatte filtyper: .xlsx, .xlsm, .xls, .ods)",
        ),
        (
            "rapport.csv",
            b"Dato;Aktivitet\n",
            f"{NOT_A_WORKBOOK} (godtatte filtyper: .xlsx, .xlsm, .xls, .ods)",
        ),
        (
            "rapport.xlsx",
            b"\0" * (21 * 1024 * 1024),
            "Filen er for stor (21,0 MB); grensen er 20 MB per fil",
        ),
        (
            "rapport.xlsx",
            b"\0" * (20 * 1024 * 1024 + 1),
            "Filen er for stor (20,1 MB); grensen er 20 MB per fil",
        ),
        ("passord.xlsx", (FIXTURES / "passord.xlsx").read_bytes(), PASSWORD),
        ("passord.xls", (FIXTURES / "passord.xls").read_bytes(), PASSWORD),
        ("passord.ods", (FIXTURES / "passord.ods").read_bytes(), PASSWORD),
    ],
)
def test_a_file_that_is_no_workbook_is_one_line_and_stores_nothing(
    fresh_db, file_name, data, message
):
    before = table_counts(fresh_db)
    result = store_file(fresh_db, data, file_name)
    assert "avvist" == result.status
    assert [message] == [p.text for p in result.errors]
    assert f"{file_name}: ikke lagret – {message}" == result.message
    assert before == table_counts(fresh_db)


def test_a_failure_while_storing_leaves_the_database_as_it_was(fresh_db, monkeypatch):
    store_file(fresh_db, report_xlsx())
    before = table_counts(fresh_db)

    def fail(session):
        raise RuntimeError("disken er full")

    monkeypatch.setattr(store, "bump_data_version", fail)
    with pytest.raises(RuntimeError):
        store_file(fresh_db, report_xlsx(activities=[activity(title="Ny versjon")]))
    assert before == table_counts(fresh_db)
    assert {1: True} == active_flags(fresh_db)
    assert ["IA-konferanse for industrien", "Seniorseminar"] == active_activities(fresh_db)


# --- re-uploading and restoring --------------------------------------------------------


def test_a_changed_file_replaces_the_active_version(fresh_db):
    first = store_file(fresh_db, report_xlsx())
    changed = report_xlsx(activities=[activity(title="Ny konferanse", cost=2000)], meetings=[])
    result = store_file(fresh_db, changed, "rapport_v2.xlsx")
    assert (
        "lagret",
        "rapport_v2.xlsx: lagret som opplasting nr. 2 (erstatter forrige versjon): "
        "IA-rådet i Troms, 2012 H1",
    ) == (result.status, result.message)
    assert first.upload_id == result.replaced_upload_id
    assert (1, 2, 1_650_050) == (
        result.previous["upload_id"],
        result.previous["meeting_count"],
        result.previous["total_cost_ore"],
    )
    assert {1: False, 2: True} == active_flags(fresh_db)
    assert ["Ny konferanse"] == active_activities(fresh_db)
    # The earlier version is kept as history.
    assert {"upload": 2, "report": 2, "activity": 3, "meeting": 2, "allocation": 0} == (
        table_counts(fresh_db)
    )


def test_restore_flips_the_active_version_back(fresh_db):
    store_file(fresh_db, report_xlsx())
    store_file(fresh_db, report_xlsx(activities=[activity(title="Ny konferanse")]))
    assert "Opplasting nr. 1 er gjenopprettet som aktiv versjon (IA-rådet i Troms, 2012 H1)" == (
        restore_upload(fresh_db, 1, scope=OPERATOR)
    )
    assert {1: True, 2: False} == active_flags(fresh_db)
    assert ["IA-konferanse for industrien", "Seniorseminar"] == active_activities(fresh_db)
    restore_upload(fresh_db, 2, scope=OPERATOR)
    assert {1: False, 2: True} == active_flags(fresh_db)
    assert ["Ny konferanse"] == active_activities(fresh_db)


@pytest.mark.parametrize(
    "upload_id,message",
    [
        (2, "Opplasting nr. 2 er allerede den aktive versjonen"),
        (99, "Opplasting nr. 99 finnes ikke"),
    ],
)
def test_restore_refuses(fresh_db, upload_id, message):
    store_file(fresh_db, report_xlsx())
    store_file(fresh_db, report_xlsx(activities=[]))
    with pytest.raises(RestoreError) as exc:
        restore_upload(fresh_db, upload_id, scope=OPERATOR)
    assert message == str(exc.value)


def test_other_councils_and_periods_are_not_replaced(fresh_db):
    store_file(fresh_db, report_xlsx())
    store_file(fresh_db, report_xlsx(council="Finnmark"))
    later = [activity(day=date(2012, 9, 1))]
    store_file(fresh_db, report_xlsx(period="2012 H2", activities=later, meetings=[]))
    assert {1: True, 2: True, 3: True} == active_flags(fresh_db)
    assert [
        (3, "IA-rådet i Troms", 2012, "H2"),
        (2, "IA-rådet i Finnmark", 2012, "H1"),
        (1, "IA-rådet i Troms", 2012, "H1"),
    ] == [(u["id"], u["council_name"], u["year"], u["period"]) for u in uploads(fresh_db)]
    assert "content" not in uploads(fresh_db)[0]


def test_the_same_file_again_stores_nothing(fresh_db):
    data = report_xlsx()
    store_file(fresh_db, data)
    before = table_counts(fresh_db)
    result = store_file(fresh_db, data, "kopi.xlsx", now=datetime(2012, 9, 1, tzinfo=UTC))
    assert (
        "uendret",
        "kopi.xlsx: akkurat denne filen er allerede lastet opp (opplasting nr. 1, "
        "03.09.2012 12:00, den aktive versjonen); ingenting er lagret",
    ) == (result.status, result.message)
    assert (True, 1) == (result.ok, result.upload_id)
    assert before == table_counts(fresh_db)


def test_the_same_file_as_an_earlier_version_stores_nothing(fresh_db):
    data = report_xlsx()
    store_file(fresh_db, data)
    store_file(fresh_db, report_xlsx(activities=[]))
    result = store_file(fresh_db, data)
    assert "uendret" == result.status
    assert "(opplasting nr. 1, 03.09.2012 12:00, en tidligere versjon)" in result.message
    assert {1: False, 2: True} == active_flags(fresh_db)


def test_dry_run_stores_nothing(fresh_db):
    store_file(fresh_db, report_xlsx())
    before = table_counts(fresh_db)
    result = store_file(fresh_db, report_xlsx(activities=[]), dry_run=True)
    assert (
        "kontrollert",
        "rapport.xlsx: kontrollert uten feil (IA-rådet i Troms, 2012 H1); ikke lagret",
    ) == (result.status, result.message)
    assert (True, None, 1) == (result.ok, result.upload_id, result.previous["upload_id"])
    assert before == table_counts(fresh_db)
    result = store_file(fresh_db, report_xlsx(activities=[activity(goals="4")]), dry_run=True)
    assert "avvist" == result.status
    assert before == table_counts(fresh_db)


def test_every_format_stores_the_same_figures(fresh_db):
    for suffix in ("xlsx", "xlsm", "xls", "ods"):
        path = FIXTURES / f"rapport_troms_2012_H1.{suffix}"
        result = store_file(fresh_db, path.read_bytes(), path.name)
        assert "lagret" == result.status, result.message
    rows = uploads(fresh_db)
    assert [(3, 2, 3_945_050)] * 4 == [
        (u["activity_count"], u["meeting_count"], u["total_cost_ore"]) for u in rows
    ]
    assert {1: False, 2: False, 3: False, 4: True} == active_flags(fresh_db)


# --- allocations -----------------------------------------------------------------------


def active_allocations(engine) -> dict[tuple[str, int], tuple[int, int]]:
    """(council, year) → (amount in øre, upload id) of the active allocations."""
    with Session(engine) as session:
        rows = session.exec(
            select(Council.name, Allocation.year, Allocation.amount_ore, Allocation.upload_id)
            .join(Council, Council.id == Allocation.council_id)
            .where(Allocation.active == True)  # noqa: E712
        ).all()
    return {(name, year): (amount, upload) for name, year, amount, upload in rows}


def test_allocations_are_stored_and_replaced_per_council_and_year(fresh_db):
    first = allocation_xlsx(
        [
            ["Troms", 2012, "350 000", date(2012, 1, 20), "Vedtak i OG"],
            ["Finnmark", 2012, 300_000, None, None],
            ["Troms", 2013, 400_000, None, None],
        ]
    )
    result = store_file(fresh_db, first, "tildelinger.xlsx")
    assert "tildelinger.xlsx: lagret som opplasting nr. 1: 3 tildelinger for 2012–2013" == (
        result.message
    )
    (row,) = uploads(fresh_db)
    assert ("tildeling", None, 105_000_000) == (row["kind"], row["year"], row["total_cost_ore"])
    result = store_file(fresh_db, allocation_xlsx([["19", 2012, "375 000"]]), "endring.xlsx")
    assert "endring.xlsx: lagret som opplasting nr. 2: 1 tildelinger for 2012" == result.message
    assert {
        ("IA-rådet i Troms", 2012): (37_500_000, 2),
        ("IA-rådet i Finnmark", 2012): (30_000_000, 1),
        ("IA-rådet i Troms", 2013): (40_000_000, 1),
    } == active_allocations(fresh_db)
    assert 4 == table_counts(fresh_db)["allocation"]
    assert "Opplasting nr. 1 er gjenopprettet som aktiv versjon (3 tildelinger)" == (
        restore_upload(fresh_db, 1, scope=OPERATOR)
    )
    assert (35_000_000, 1) == active_allocations(fresh_db)[("IA-rådet i Troms", 2012)]


def upload_flags(engine) -> dict[int, bool]:
    with engine.connect() as connection:  # plain SQL: the schema may be an older one
        return dict(connection.exec_driver_sql("SELECT id, active FROM upload").all())


def test_an_allocation_upload_is_active_while_any_of_its_rows_is(fresh_db):
    both = allocation_xlsx([["Troms", 2012, 350_000], ["Finnmark", 2012, 300_000]])
    store_file(fresh_db, both, "tildelinger.xlsx")
    store_file(fresh_db, allocation_xlsx([["Troms", 2012, 375_000]]), "troms.xlsx")
    assert {1: True, 2: True} == upload_flags(fresh_db)  # Finnmark's row of 1 still counts
    store_file(fresh_db, allocation_xlsx([["Finnmark", 2012, 310_000]]), "finnmark.xlsx")
    assert {1: False, 2: True, 3: True} == upload_flags(fresh_db)
    restore_upload(fresh_db, 1, scope=OPERATOR)
    assert {1: True, 2: False, 3: False} == upload_flags(fresh_db)


def test_a_database_from_before_the_flag_was_kept_is_put_right(database):
    from sqlalchemy import update

    from ia_data.storage import schema
    from ia_data.storage.engine import create_bare_engine
    from ia_data.storage.models import Upload

    engine = create_bare_engine(database(empty=True))
    schema.upgrade(engine)
    store_file(engine, allocation_xlsx([["Troms", 2012, 350_000]]), "gammel.xlsx")
    store_file(engine, allocation_xlsx([["Troms", 2012, 375_000]]), "ny.xlsx")
    downgrade(engine, "0001")  # the schema before the flag was kept
    with Session(engine) as session:  # as the code of that time left it
        session.exec(update(Upload).values(active=True))
        session.commit()
    assert {1: True, 2: True} == upload_flags(engine)
    assert schema.head() == schema.upgrade(engine)
    assert {1: False, 2: True} == upload_flags(engine)
    engine.dispose()


def test_duplicate_allocation_rows_store_nothing(fresh_db):
    data = allocation_xlsx([["Troms", 2012, 350_000], ["IA-rådet i Troms", 2012, 360_000]])
    result = store_file(fresh_db, data, "tildelinger.xlsx")
    assert "avvist" == result.status
    assert ["Tildelinger, rad 3, kolonne «IA-råd»: IA-rådet i Troms 2012 står også på rad 2"] == [
        p.text for p in result.errors
    ]
    assert 0 == table_counts(fresh_db)["allocation"] + table_counts(fresh_db)["upload"]


def test_meetings_are_stored(fresh_db):
    rows = [meeting(day="02.02.2012", comment="Referat i vedlegg"), meeting(day=40969)]
    store_file(fresh_db, report_xlsx(meetings=rows))
    with Session(fresh_db) as session:
        stored = session.exec(select(Meeting).order_by(Meeting.source_row)).all()
    assert [(2, date(2012, 2, 2), "Referat i vedlegg"), (3, date(2012, 3, 1), "")] == [
        (m.source_row, m.date, m.comment) for m in stored
    ]
