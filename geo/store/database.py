"""Which database, connecting to it, migrating it, and saying plainly when it cannot be used.

``YQ_DATABASE_URL`` (``postgresql://user:password@host/db``) names a PostgreSQL database with
PostGIS, shared by every replica; without it the store is one SQLite file, ``yuqian.sqlite`` in
``YQ_DATA_DIR`` (default: ``data/`` beside the code), created on the first save. SQLite runs in
WAL mode with a busy timeout, so several local replicas can share the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from geo.i18n import Text
from geo.paths import ROOT

DEFAULT_DATA_DIR = ROOT / "data"
SQLITE_FILE = "yuqian.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """Something the reader is told in one line (`text`); the map they have is unaffected."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class Unavailable(StoreError):
    """The database cannot be reached, is read-only or is full."""


def database_url(env: Mapping[str, str]) -> str:
    """The SQLAlchemy URL the environment asks for (PostgreSQL through psycopg 3, else SQLite)."""
    url = env.get("YQ_DATABASE_URL", "").strip()
    if url:
        scheme, sep, rest = url.partition("://")
        if sep and scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg://{rest}"
        return url
    data_dir = Path(env.get("YQ_DATA_DIR", "").strip() or DEFAULT_DATA_DIR)
    return f"sqlite:///{data_dir / SQLITE_FILE}"


def describe(url: str) -> str:
    """Where the data lives, for people (never the password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"PostgreSQL database {parsed.database} on {parsed.host or 'localhost'}:{parsed.port or 5432}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections use WAL, a busy timeout and foreign keys, and begin
    a transaction that writes with ``BEGIN IMMEDIATE`` (so two writers queue, never deadlock)."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get("writing", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    """The SQLite file (None for another database or an in-memory one)."""
    database = engine.url.database
    if not is_sqlite(engine) or not database or database == ":memory:":
        return None
    return Path(database.removeprefix("file:"))  # a URI filename (…?mode=ro&uri=true) names its file too


def head_revision() -> str:
    """The newest schema revision this code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return str(ScriptDirectory.from_config(config).get_current_head())


def up_to_date(engine: Engine) -> bool:
    """Whether the schema is at the newest revision (then nothing needs writing to use it)."""
    return schema_revision(engine) == head_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default); an older database is upgraded in
    place, never dropped. Replicas starting together on PostgreSQL take turns (an advisory lock)."""
    if (path := sqlite_path(engine)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect().execution_options(writing=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(engine: Engine) -> str | None:
    """The schema's revision (None: not made yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_READ_ONLY = ("readonly", "read-only", "read only")
_FULL = ("full", "no space", "could not extend")


def unavailable(exc: SQLAlchemyError) -> Unavailable:
    """The reader's one line for a database error that is not theirs to fix."""
    message = str(getattr(exc, "orig", None) or exc).lower()
    if any(word in message for word in _READ_ONLY):
        return Unavailable(
            Text(
                "数据库只读，暂时无法保存；浏览不受影响。",
                "The database is read-only: saving is not possible now; browsing still works.",
            )
        )
    if any(word in message for word in _FULL):
        return Unavailable(
            Text(
                "数据库空间已满，未能保存；浏览不受影响。",
                "The database is full: nothing was saved; browsing still works.",
            )
        )
    if (
        (isinstance(exc, DBAPIError) and exc.connection_invalidated)
        or "connect" in message
        or "unable to open" in message
    ):
        return Unavailable(
            Text(
                "无法连接数据库，暂时不能保存或打开已保存的地图；浏览不受影响。",
                "The database cannot be reached: saved maps cannot be saved or opened now; browsing still works.",
            )
        )
    return Unavailable(Text(f"数据库出错：{message[:200]}", f"The database failed: {message[:200]}"))


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Turn any database failure inside into :class:`Unavailable` (a StoreError passes unchanged)."""
    try:
        yield
    except StoreError:
        raise
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    except OSError as exc:  # a data directory that cannot be made
        raise Unavailable(
            Text(f"无法创建数据目录：{exc.strerror}", f"The data directory cannot be made: {exc.strerror}")
        ) from exc


__all__ = [
    "DEFAULT_DATA_DIR",
    "StoreError",
    "Unavailable",
    "database_url",
    "describe",
    "head_revision",
    "is_sqlite",
    "make_engine",
    "migrate",
    "schema_revision",
    "sqlite_path",
    "translated",
    "unavailable",
    "up_to_date",
]
