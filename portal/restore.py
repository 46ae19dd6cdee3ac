"""Restore an archive of portal/backup.py into an empty database (migrated to the code's head) and an
empty upload folder.

Refused, before anything is written: a database that has any row or is not at the code's alembic head,
an upload folder that holds anything, an archive of another alembic revision, an archive whose members
do not match its manifest (SHA-256 of every table dump and file, nothing missing, nothing extra, no
name outside its folder). Then, in one database transaction: the rows table by table in foreign-key
order (self-references set afterwards), the files (0600, folder 0700) and, on PostgreSQL, every id
sequence moved past the restored ids. Any failure rolls the rows back and removes the files written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app

from portal.backup import (
    BATCH,
    CHUNK,
    FORMAT,
    MANIFEST,
    STORED_NAME,
    TABLES,
    UPLOADS,
    BackupError,
    database_revision,
    decode,
    head_revision,
    tables,
)
from portal.extensions import db

# Columns holding an absolute path into UPLOAD_DIR: moved to the folder restored into.
PATH_COLUMNS = {("outgoing_mail", "attachment_path")}
FOLDER_ENTRIES_IGNORED = {"lost+found"}


@dataclass
class Restored:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def restore(archive_path: Path) -> Restored:
    with _open(archive_path) as archive:
        manifest = _manifest(archive)
        folder = Path(current_app.config["UPLOAD_DIR"])
        db.session.remove()
        with db.engine.connect() as connection:
            _check_database(connection, manifest)
        _check_folder(folder)
        _verify(archive, manifest)
        return _load(archive, manifest, folder)


def _open(archive_path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive_path, "r:*")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive_path} cannot be read as a backup archive: {error}") from error


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        source = archive.extractfile(archive.getmember(MANIFEST))
        manifest = json.load(source) if source else None
    except (KeyError, ValueError, tarfile.TarError) as error:
        raise BackupError("The archive has no readable manifest.json: it is not a portal backup.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"The archive is not a portal backup of format {FORMAT}.")
    _check_fits_this_code(manifest)
    return manifest


def _check_fits_this_code(manifest: dict[str, Any]) -> None:
    head = head_revision()
    if manifest.get("alembic_revision") != head:
        raise BackupError(
            f"The archive was made at alembic revision {manifest.get('alembic_revision')} (portal "
            f"{manifest.get('portal_version')}); this code is at {head}. Restore it with the portal version "
            "that made it, then run `flask db upgrade`."
        )
    expected = {t.name for t in tables()}
    if set(manifest.get("table_order", [])) != expected or set(manifest.get("tables", {})) != expected:
        raise BackupError("The archive's tables are not this code's tables: it cannot be restored here.")


def _check_database(connection: sa.Connection, manifest: dict[str, Any]) -> None:
    revision = database_revision(connection)
    if revision != manifest["alembic_revision"]:
        raise BackupError(
            f"The database is at alembic revision {revision or '(no schema)'}, not "
            f"{manifest['alembic_revision']}: create an empty database and run `flask db upgrade` first."
        )
    filled = [t.name for t in tables() if connection.execute(sa.select(sa.exists().select_from(t))).scalar()]
    if filled:
        raise BackupError(
            f"The database is not empty (rows in {', '.join(filled[:5])}{', ...' if len(filled) > 5 else ''}). "
            "Restore only into a new, empty database: create one, run `flask db upgrade`, point "
            "DATABASE_URL at it and run `flask restore` again. Nothing was changed."
        )


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise BackupError(f"UPLOAD_DIR {folder} is not a folder.")
    entries = [p.name for p in folder.iterdir() if p.name not in FOLDER_ENTRIES_IGNORED]
    if entries:
        raise BackupError(
            f"The upload folder {folder} is not empty ({len(entries)} entries). Restore only into a new, "
            "empty folder: point UPLOAD_DIR at one and run `flask restore` again. Nothing was changed."
        )


def _member_names(manifest: dict[str, Any]) -> set[str]:
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(entry, dict) and isinstance(entry.get("sha256"), str) for entry in files.values()
    ):
        raise BackupError("The archive's manifest lists no SHA-256 per member: it cannot be checked.")
    names = set(files)
    for name in names:
        table = name.removeprefix(TABLES).removesuffix(".jsonl")
        stored = name.removeprefix(UPLOADS)
        if not (
            (name.startswith(TABLES) and table in manifest["tables"])
            or (name.startswith(UPLOADS) and STORED_NAME.fullmatch(stored))
        ):
            raise BackupError(f"The manifest names a member {name!r} that a backup never holds.")
    if any(f"{TABLES}{table}.jsonl" not in names for table in manifest["tables"]):
        raise BackupError("The archive's manifest lacks a table's dump: it cannot be restored.")
    return names


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    return iter(lambda: source.read(CHUNK), b"")


def _member_file(archive: tarfile.TarFile, member: tarfile.TarInfo | str) -> IO[bytes]:
    source = archive.extractfile(member)
    if source is None:  # _verify admits regular files only
        raise BackupError(f"{member} is not a file in the archive. Nothing was restored.")
    return source


def _verify(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member a regular file the manifest names, with its SHA-256; every named file present."""
    expected = _member_names(manifest)
    seen: set[str] = set()
    for member in archive:
        if _admit(member, expected, seen):
            _check_digest(archive, member, manifest["files"][member.name]["sha256"])
    missing = expected - seen
    if missing:
        raise BackupError(
            f"The archive lacks {len(missing)} member(s) its manifest names, e.g. {min(missing)}."
        )


def _admit(member: tarfile.TarInfo, expected: set[str], seen: set[str]) -> bool:
    """Whether the member is one to check (not the manifest); refused unless named once, as a file."""
    if member.name == MANIFEST and MANIFEST not in seen:
        seen.add(MANIFEST)
        return False
    if member.name not in expected or member.name in seen or not member.isreg():
        raise BackupError(
            f"The archive holds {member.name!r}, which its manifest does not name (once, as a file)."
        )
    seen.add(member.name)
    return True


def _check_digest(archive: tarfile.TarFile, member: tarfile.TarInfo, expected_sha256: str) -> None:
    digest = hashlib.sha256()
    for chunk in _chunks(_member_file(archive, member)):
        digest.update(chunk)
    if digest.hexdigest() != expected_sha256:
        raise BackupError(
            f"{member.name} in the archive does not match the SHA-256 in its manifest: the archive is "
            "damaged or was changed. Nothing was restored."
        )


def _load(archive: tarfile.TarFile, manifest: dict[str, Any], folder: Path) -> Restored:
    restored = Restored()
    written: list[Path] = []
    try:
        with db.engine.begin() as connection:
            _insert_tables(connection, archive, manifest, folder, restored)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            _write_files(archive, manifest, folder, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    restored.files = len(written)
    return restored


def _insert_tables(
    connection: sa.Connection,
    archive: tarfile.TarFile,
    manifest: dict[str, Any],
    folder: Path,
    restored: Restored,
) -> None:
    for table in tables():
        count = _insert_table(connection, table, _rows(table, archive, manifest, folder))
        if count != manifest["tables"][table.name]:
            raise BackupError(f"{table.name}: {count} rows in the archive, the manifest says otherwise.")
        restored.rows[table.name] = count


def _lines(archive: tarfile.TarFile, name: str, expected_sha256: str) -> Iterator[bytes]:
    """The member's lines; its SHA-256 checked again at the end (the archive may change meanwhile)."""
    digest = hashlib.sha256()
    for line in _member_file(archive, name):
        digest.update(line)
        yield line
    if digest.hexdigest() != expected_sha256:
        raise BackupError(f"{name} changed while it was being restored. Nothing was restored.")


def _rows(
    table: sa.Table, archive: tarfile.TarFile, manifest: dict[str, Any], folder: Path
) -> Iterator[dict[str, Any]]:
    """The table's rows as decoded from its dump, paths into the old upload folder moved to `folder`."""
    name = f"{TABLES}{table.name}.jsonl"
    columns = {column.name: column for column in table.columns}
    old_folder = Path(str(manifest.get("upload_dir", "")))
    for line in _lines(archive, name, manifest["files"][name]["sha256"]):
        raw = _json_row(name, line, set(columns))
        row = {key: decode(columns[key], value) for key, value in raw.items()}
        _relocate(table.name, row, old_folder, folder)
        yield row


def _json_row(name: str, line: bytes, columns: set[str]) -> dict[str, Any]:
    try:
        raw = json.loads(line)
    except ValueError as error:
        raise BackupError(f"{name}: a line is not JSON. Nothing was restored.") from error
    if not isinstance(raw, dict) or set(raw) != columns:
        raise BackupError(f"{name}: a row's columns differ from the table's. Nothing was restored.")
    return raw


def _insert_table(connection: sa.Connection, table: sa.Table, rows: Iterator[dict[str, Any]]) -> int:
    later = _ForwardReferences(table)
    deferred = (later.defer(row) for row in rows)
    count = 0
    while batch := list(islice(deferred, BATCH)):
        connection.execute(table.insert(), batch)
        count += len(batch)
    later.set(connection)
    return count


class _ForwardReferences:
    """A row's reference to a row of its own table further on: left empty at the insert, set at the end."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self.columns = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        self.inserted: set[Any] = set()  # ids of this table so far
        self.updates: list[tuple[Any, dict[str, Any]]] = []

    def defer(self, row: dict[str, Any]) -> dict[str, Any]:
        if not self.columns:
            return row
        pending = {
            key: row[key] for key in self.columns if row[key] is not None and row[key] not in self.inserted
        }
        if pending:
            self.updates.append((row["id"], pending))
            row.update(dict.fromkeys(pending))
        self.inserted.add(row["id"])
        return row

    def set(self, connection: sa.Connection) -> None:
        for row_id, values in self.updates:
            connection.execute(self.table.update().where(self.table.c.id == row_id).values(**values))


def _relocate(table: str, row: dict[str, Any], old_folder: Path, folder: Path) -> None:
    for key in (column for name, column in PATH_COLUMNS if name == table):
        value = row.get(key)
        if value and Path(value).parent == old_folder:
            row[key] = str(folder.resolve() / Path(value).name)


def _reset_sequences(connection: sa.Connection) -> None:
    """Explicit ids were inserted: each id sequence continues after the highest one."""
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        sequence = connection.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": key[0].name},
        ).scalar()
        if sequence:
            highest = sa.select(sa.func.coalesce(sa.func.max(key[0]), 0) + 1).scalar_subquery()
            connection.execute(sa.select(sa.func.setval(sequence, highest, False)))


def _write_files(
    archive: tarfile.TarFile, manifest: dict[str, Any], folder: Path, written: list[Path]
) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    for name in sorted(n for n in manifest["files"] if n.startswith(UPLOADS)):
        target = folder / name.removeprefix(UPLOADS)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        written.append(target)
        digest = hashlib.sha256()
        with os.fdopen(descriptor, "wb") as output:
            for chunk in _chunks(_member_file(archive, name)):
                digest.update(chunk)
                output.write(chunk)
        if digest.hexdigest() != manifest["files"][name]["sha256"]:
            raise BackupError(f"{name} changed while it was being restored. Nothing was restored.")
