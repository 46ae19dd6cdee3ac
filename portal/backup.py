"""Backup: one archive (.tar) holding a logical dump of every table and the files under UPLOAD_DIR.

    manifest.json          format, alembic revision, portal version, created_at (UTC), the database
                           engine it came from, row counts per table (in foreign-key order), the
                           SHA-256 and size of every other member, referenced files found missing
    tables/<table>.jsonl   one JSON object per row, in primary-key order; Decimal as a string,
                           datetimes ISO 8601 in UTC, dates ISO, bytes base64, enums by value
    uploads/<stored name>  every regular file of UPLOAD_DIR (its names are random or content hashes)

The tables are read through SQLAlchemy's metadata in ONE transaction (PostgreSQL: REPEATABLE READ,
read only; SQLite: an explicit BEGIN, one read snapshot), so the dump is one moment, and a backup taken
on one engine restores into the other. The files are copied after that snapshot; this is consistent
because a file is always written before the row naming it is committed, and never changed afterwards
(random names, content-addressed contract PDFs, receipts renamed into place whole). A file deleted
after the snapshot (uploads-cleanup of an unattached evidence file) is listed in the manifest as
missing. Restoring is portal/restore.py. The SECRET_KEY and other key material are not in the archive.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import metadata as package_metadata
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.pool import ConnectionPoolEntry

from portal.extensions import db
from portal.models.base import Base

FORMAT = 1
MANIFEST = "manifest.json"
TABLES = "tables/"
UPLOADS = "uploads/"
CHUNK = 1024 * 1024
BATCH = 1000
# The names the portal stores files under (random hex, a SHA-256, receipt-<hash>-<id>.pdf); a file of
# another name in UPLOAD_DIR is no upload (a `.part` being written, an editor's leftover): not backed up.
STORED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,200}(\.[A-Za-z0-9]{1,10})?")  # fullmatch


class BackupError(Exception):
    """The backup or the restore cannot go on; str(error) says why and what to do."""


@dataclass
class Summary:
    path: Path
    size: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def tables() -> list[sa.Table]:
    """Every table of the application, parents before children (the order rows are restored in)."""
    return list(Base.metadata.sorted_tables)


def portal_version() -> str:
    try:
        return package_metadata.version("inkoopportaal")
    except package_metadata.PackageNotFoundError:
        return "unknown"


def head_revision() -> str:
    """The alembic revision the code expects (the head of migrations/)."""
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    heads = ScriptDirectory(directory).get_heads()
    if len(heads) != 1:
        raise BackupError(f"The migrations have {len(heads)} heads ({', '.join(heads)}); merge them first.")
    return heads[0]


def database_revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# --- values: JSON in the archive, Python (as the column type wants it) in the database ---------------


def encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _python_type(column: sa.Column) -> type | None:
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):  # UTCDateTime: what it stores (its own says `object`)
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def decode(column: sa.Column, value: Any) -> Any:
    kind = _python_type(column)
    if value is None or kind is None:
        return value
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is bytes:
        return base64.b64decode(value)
    if issubclass(kind, enum.Enum):
        return kind(value)
    return value


# --- writing the archive -------------------------------------------------------------------------


def _snapshot_engine() -> sa.Engine:
    """The engine to read the snapshot with: the application's, except on SQLite.

    The application's SQLite transactions begin IMMEDIATE (the write lock, for the whole backup); the
    backup's own engine begins a plain (deferred) transaction: with WAL its first read fixes a snapshot
    and writers go on beside it.
    """
    if db.engine.dialect.name != "sqlite":
        return db.engine
    engine = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool, connect_args={"timeout": 30})
    sa.event.listen(engine, "connect", _no_pysqlite_transactions)
    sa.event.listen(engine, "begin", _begin_deferred)
    return engine


def _no_pysqlite_transactions(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None  # pysqlite's own transaction handling off: _begin_deferred's


def _begin_deferred(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _snapshot(connection: sa.Connection) -> sa.Connection:
    """Begin the one read transaction every table is read in."""
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    connection.begin()
    return connection


def _rows(connection: sa.Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(table).order_by(*order)
    )
    for row in result.mappings():
        yield {key: encode(value) for key, value in row.items()}


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes], size: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(mtime)
    archive.addfile(info, source)


def _add_table(
    archive: tarfile.TarFile, name: str, rows: Iterable[dict[str, Any]], now: datetime
) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as spool:
        for row in rows:
            line = json.dumps(row, ensure_ascii=False, sort_keys=True, allow_nan=False).encode() + b"\n"
            digest.update(line)
            spool.write(line)
            count += 1
        size = spool.tell()
        spool.seek(0)
        _add(archive, f"{TABLES}{name}.jsonl", spool, size, now.timestamp())
    return count, digest.hexdigest()


def _referenced_names(connection: sa.Connection) -> set[str]:
    """Stored names the snapshot's rows point at (columns `stored_name` / `*_stored_name`)."""
    names: set[str] = set()
    for table in tables():
        for column in table.columns:
            if column.name == "stored_name" or column.name.endswith("_stored_name"):
                names.update(v for v in connection.execute(sa.select(column)).scalars() if v)
    return names


def upload_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The uploads in the folder (regular files of a stored name), and the names of what else is there."""
    if not folder.is_dir():
        return [], []
    entries = sorted(folder.iterdir())
    files = [p for p in entries if p.is_file() and not p.is_symlink() and STORED_NAME.fullmatch(p.name)]
    return files, [p.name for p in entries if p not in files]


def _copy_file(archive: tarfile.TarFile, path: Path) -> tuple[str, int] | None:
    """Add one upload; None when it was deleted meanwhile."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
        handle.seek(0)
        _add(archive, f"{UPLOADS}{path.name}", handle, stat.st_size, stat.st_mtime)
    return digest.hexdigest(), stat.st_size


def default_name(now: datetime) -> str:
    return f"portal-backup-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar"


def create(path: Path, *, now: datetime) -> Summary:
    """Write the archive at `path` (created new, readable by the owner only)."""
    descriptor = _new_file(path)
    summary = Summary(path=path)
    try:
        with (
            os.fdopen(descriptor, "wb") as output,
            tarfile.open(fileobj=output, mode="w", format=tarfile.PAX_FORMAT) as archive,
        ):
            manifest = _write(archive, summary, now=now)
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            _add(archive, MANIFEST, io.BytesIO(data), len(data), now.timestamp())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    summary.size = path.stat().st_size
    return summary


def _new_file(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(f"{path} exists already; choose another name.") from error


@dataclass(frozen=True)
class _Snapshot:
    """What the archive's manifest says about the database read."""

    revision: str
    dialect: str
    referenced: set[str]  # stored names the rows point at


def _write(archive: tarfile.TarFile, summary: Summary, *, now: datetime) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}
    snapshot = _write_tables(archive, summary, files, now=now)
    folder = Path(current_app.config["UPLOAD_DIR"])
    copied = _write_uploads(archive, folder, summary, files)
    summary.missing = sorted(snapshot.referenced - copied)
    return {
        "format": FORMAT,
        "alembic_revision": snapshot.revision,
        "portal_version": portal_version(),
        "created_at": now.astimezone(UTC).isoformat(),
        "engine": snapshot.dialect,
        "upload_dir": str(folder.resolve()),
        "tables": summary.rows,
        "table_order": [t.name for t in tables()],
        "files": files,
        "missing_files": summary.missing,
        "skipped_entries": summary.skipped,
    }


def _write_tables(
    archive: tarfile.TarFile, summary: Summary, files: dict[str, dict[str, Any]], *, now: datetime
) -> _Snapshot:
    """Every table's dump, all read in one transaction."""
    db.session.remove()
    engine = _snapshot_engine()
    with engine.connect() as plain:
        connection = _snapshot(plain)
        revision = database_revision(connection)
        if revision is None:
            raise BackupError("This database has no schema (no alembic_version table): nothing to back up.")
        for table in tables():
            summary.rows[table.name], digest = _add_table(archive, table.name, _rows(connection, table), now)
            files[f"{TABLES}{table.name}.jsonl"] = {"sha256": digest}
        snapshot = _Snapshot(revision, connection.dialect.name, _referenced_names(connection))
        connection.rollback()  # read only: nothing to keep
    if engine is not db.engine:
        engine.dispose()
    return snapshot


def _write_uploads(
    archive: tarfile.TarFile, folder: Path, summary: Summary, files: dict[str, dict[str, Any]]
) -> set[str]:
    """The upload folder's files (those deleted meanwhile left out); the names copied."""
    copied: set[str] = set()
    files_found, summary.skipped = upload_files(folder)
    for path in files_found:
        added = _copy_file(archive, path)
        if added is not None:
            files[f"{UPLOADS}{path.name}"] = {"sha256": added[0], "size": added[1]}
            copied.add(path.name)
    summary.files = len(copied)
    return copied
