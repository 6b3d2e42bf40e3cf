"""A throw-away PostgreSQL for the tests and the benchmark: the server ``.ci/run`` started
(``IA_TEST_POSTGRES_URL``), or else one started here with Debian's binaries in a temporary
folder, as ``shared`` OPERATIONS recipes do it (``initdb`` refuses to run as root, so it runs
as the ``postgres`` user then). One server serves the whole test run: the first process that
needs it starts it, the others use it (``shared``), and the run's end stops it (``conftest``).
Each test gets a database of its own, copied from a template that is already migrated and
holds the register (made once per run), which takes a few tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from once import locked
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ia_data.storage import schema
from ia_data.storage.engine import create_bare_engine

URL_VARIABLE = "IA_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")


def need(cluster: Cluster | None) -> Cluster:
    """The cluster; without one the test skips with the reason (under ``CI=true``, fails)."""
    if cluster is not None:
        return cluster
    reason = "PostgreSQL finnes ikke på denne maskinen (apt-get install postgresql)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, men {reason}")
    pytest.skip(reason)


def binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with ``initdb``, if PostgreSQL is installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running server: its admin URL (``…/postgres``), and how to stop it."""

    url: str
    folder: Path | None = None
    bin: Path | None = None
    run_folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ia-pg-run-")))
    _templates: dict[str, str] = field(default_factory=dict)
    _admin_engine: object = field(default=None, repr=False)

    def stop(self) -> None:
        if self.folder is None:
            return
        _as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"]
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self):
        """One engine on the server's own database per process, kept: a test's database is
        made and dropped through it without a new connection each time."""
        if self._admin_engine is None:
            self._admin_engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        return self._admin_engine

    def _url_of(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def template(self, register: Path | None) -> str:
        """A database migrated to the head with ``register`` loaded, to copy databases from:
        made once per run (by the first process that asks, under the run's lock)."""
        key = str(register or "")
        if key not in self._templates:
            self._templates[key] = self.once(f"tpl|{key}", lambda url: _migrate(url, register))
        return self._templates[key]

    def once(self, what: str, make) -> str:
        """The name of the run's database for ``what``: made by ``make(url)`` the first time
        any process of the run asks (the others wait for it), then only copied from."""
        name = "ia_tpl_" + hashlib.sha1(f"{what}|{self.run_folder}".encode()).hexdigest()[:12]
        with locked(self.run_folder, name):
            made = self.run_folder / f"{name}.made"
            if not made.exists():
                with self._admin().connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                make(self._url_of(name))
                made.touch()
        return name

    def new_database(self, register: Path | None = None, template: str | None = None) -> str:
        """The URL of a new database, a copy of ``template`` (default: the register's)."""
        name = "ia_t_" + uuid.uuid4().hex[:16]
        source = template or self.template(register)
        with self._admin().connect() as connection:
            # A plain file copy of the small template (no WAL record of each page, and with
            # fsync off no checkpoint to wait for): PostgreSQL 15 and later.
            newer = connection.dialect.server_version_info >= (15,)
            strategy = " STRATEGY FILE_COPY" if newer else ""
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{strategy}'))
        return self._url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def kept_database(engine: str, cluster: Cluster | None, folder: Path, register: Path | None):
    """A database for a module- or session-wide fixture, on ``engine``: its URL (a SQLite
    file in ``folder``, or a new PostgreSQL database with ``register``), its engine
    forgotten and the PostgreSQL database dropped at the end."""
    from ia_data.storage import db

    if engine == "sqlite":
        url = f"sqlite:///{folder / 'ia.db'}"
    else:
        url = need(cluster).new_database(register)
    try:
        yield url
    finally:
        made = db._engines.pop(url, None)
        if made is not None:
            made.dispose()
        if engine == "postgresql":
            cluster.drop(url)


def _migrate(url: str, register: Path | None) -> None:
    engine = create_bare_engine(url)
    schema.upgrade(engine, register)
    engine.dispose()


def shared(run_folder: Path) -> Cluster | None:
    """The run's server: ``IA_TEST_POSTGRES_URL``'s, or one the first process of the run that
    asks starts (``start``), its address kept in the run's folder for the others; None
    without PostgreSQL. ``stop_shared`` stops it at the end of the run."""
    if os.environ.get(URL_VARIABLE):
        return Cluster(os.environ[URL_VARIABLE], run_folder=run_folder)
    kept = run_folder / "postgres.json"
    with locked(run_folder, "postgres"):
        if not kept.exists():
            started = start()
            if started is None:
                return None
            found = {"url": started.url, "folder": str(started.folder), "bin": str(started.bin)}
            kept.write_text(json.dumps(found))
    return Cluster(json.loads(kept.read_text())["url"], run_folder=run_folder)


def stop_shared(run_folder: Path) -> None:
    """Stop the server ``shared`` started for this run, if it did."""
    kept = run_folder / "postgres.json"
    try:
        found = json.loads(kept.read_text())
    except FileNotFoundError:  # none started, or the run's folder cleared by a newer run's
        return  # pytest (it keeps three): the cluster went with it
    Cluster(found["url"], Path(found["folder"]), Path(found["bin"])).stop()
    kept.unlink(missing_ok=True)


def _in_memory() -> str | None:
    """A folder in memory (``/dev/shm``) for a throw-away cluster's files, or None (the
    system's temporary folder). On these machines' disk a test's ``CREATE DATABASE`` waited
    about 0.3 s for its checkpoint's writes to reach the disk, fsync off or not; in memory it
    takes about 12 ms (a third of the PostgreSQL half of the suite was spent on it)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def _as_postgres(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, check=True, capture_output=True, **kwargs)


def start(durable: bool = False) -> Cluster | None:
    """The server of ``IA_TEST_POSTGRES_URL``, else a new one in a temporary folder, else
    None (PostgreSQL is not installed). The tests' own server skips fsync (a throw-away
    cluster); ``durable`` keeps it, as the benchmark wants, to measure what a real one does."""
    if os.environ.get(URL_VARIABLE):
        return Cluster(os.environ[URL_VARIABLE])
    bin_dir = binaries()
    if bin_dir is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="ia-pg-", dir=None if durable else _in_memory()))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    data = str(folder / "data")
    initdb = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
    _as_postgres([str(bin_dir / "initdb"), "-D", data, *initdb])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}"
    if not durable:  # nothing written to last beyond the run: no flush, no page images
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    log = str(folder / "log")
    _as_postgres([str(bin_dir / "pg_ctl"), "-D", data, "-l", log, "-w", "-o", options, "start"])
    return Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", folder, bin_dir)
