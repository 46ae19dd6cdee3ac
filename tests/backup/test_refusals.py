"""`flask restore` refuses, before anything is written: a changed archive, an archive of another
alembic revision, a database that has rows, an upload folder that holds a file."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from flask import Flask

from portal import backup
from tests.backup.conftest import (
    data_set,
    make_backup,
    rewritten,
    rows,
    run_restore,
    unchanged,
)

pytestmark = pytest.mark.committed


def test_an_archive_with_one_byte_of_a_file_changed_is_refused_before_anything_is_written(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    data_set(source)
    archive = make_backup(source, tmp_path)
    with tarfile.open(archive) as opened:
        last_file = [m for m in opened if m.name.startswith(backup.UPLOADS)][-1]  # after every table
    with archive.open("r+b") as raw:  # one byte inside the file's data, in place
        raw.seek(last_file.offset_data + 10)
        byte = raw.read(1)
        raw.seek(-1, io.SEEK_CUR)
        raw.write(bytes([byte[0] ^ 0x01]))

    result = run_restore(target, archive)

    assert result.exit_code == 1
    assert f"{last_file.name} in the archive does not match the SHA-256" in result.output
    unchanged(target)


def test_an_archive_of_another_revision_is_refused_naming_both(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    archive = make_backup(source, tmp_path)

    def older(name: str, data: bytes) -> bytes:
        if name != backup.MANIFEST:
            return data
        return json.dumps({**json.loads(data), "alembic_revision": "4d2a9b7c1e83"}).encode()

    result = run_restore(target, rewritten(archive, older))

    assert result.exit_code == 1
    with target.app_context():
        head = backup.head_revision()
    assert "made at alembic revision 4d2a9b7c1e83" in result.output
    assert f"this code is at {head}" in result.output
    unchanged(target)


def test_restore_into_a_database_that_has_rows_is_refused(
    source: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_set(source)
    archive = make_backup(source, tmp_path)
    before = rows(source)
    monkeypatch.setitem(source.config, "UPLOAD_DIR", str(tmp_path / "empty-uploads"))

    result = run_restore(source, archive)

    assert result.exit_code == 1
    assert "The database is not empty" in result.output
    assert "Nothing was changed" in result.output
    assert rows(source) == before
    assert not (tmp_path / "empty-uploads").exists()


def test_restore_into_an_upload_folder_that_holds_a_file_is_refused(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    archive = make_backup(source, tmp_path)
    folder = Path(target.config["UPLOAD_DIR"])
    folder.mkdir()
    (folder / ("ab" * 16)).write_bytes(b"already here")

    result = run_restore(target, archive)

    assert result.exit_code == 1
    assert f"The upload folder {folder} is not empty" in result.output
    assert not any(rows(target).values())
