"""`flask backup` / `flask restore`: a realistic data set (a submitted bid with evidence and its receipt
PDF, a tender document, decision letters, a contract PDF, audit events) backed up and restored into a
second, empty database and folder: every row equal, every receipt and document hash checked against its
file; the dump is one moment; a backup of SQLite restores into PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import audit_cli, backup, uploads
from portal.bids import canonical, receipt
from portal.extensions import db
from portal.models import (
    AgreementVersion,
    AuditEvent,
    BidSubmission,
    Decision,
    EvidenceFile,
    Organisation,
    TenderDocument,
)
from tests import factories
from tests.backup.conftest import (
    attachments_moved,
    data_set,
    make_backup,
    rows,
    run_restore,
)

pytestmark = pytest.mark.committed


def test_a_backup_restores_into_an_empty_database_and_folder_with_every_hash_intact(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    data_set(source)
    before = rows(source)
    archive = make_backup(source, tmp_path)

    result = run_restore(target, archive)

    assert result.exit_code == 0, result.output
    after = rows(target)
    assert {name: len(rows) for name, rows in after.items()} == {
        name: len(rows) for name, rows in before.items()
    }
    moved = attachments_moved(before, after, Path(target.config["UPLOAD_DIR"]))
    assert moved == 1
    assert after == before  # every value, with its type: Decimal, aware UTC datetimes, enums, JSON
    with target.app_context():
        folder = Path(target.config["UPLOAD_DIR"])
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
        submissions = db.session.scalars(sa.select(BidSubmission)).all()
        receipts = 0
        for submission in submissions:
            assert canonical.digest(submission.content) == submission.sha256
            path = uploads.path_of(receipt.stored_name(submission))
            if path.exists():
                receipts += 1
                assert receipt.hash_from_pdf(path.read_bytes()) == submission.sha256
        assert receipts == 1
        documents = [
            *((e.stored_name, e.sha256) for e in db.session.scalars(sa.select(EvidenceFile))),
            *((d.stored_name, d.sha256) for d in db.session.scalars(sa.select(TenderDocument))),
            *((v.pdf_stored_name, v.pdf_sha256) for v in db.session.scalars(sa.select(AgreementVersion))),
            *((d.letter_stored_name, d.letter_sha256) for d in db.session.scalars(sa.select(Decision))),
        ]
        assert len(documents) == 6  # 2 evidence files, a tender document, a contract, 2 decision letters
        for stored_name, sha256 in documents:
            assert hashlib.sha256(uploads.path_of(stored_name).read_bytes()).hexdigest() == sha256
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) > 0
        report = audit_cli.verify(audit_cli.chain_rows())
        assert report.intact, report.first_break  # the restored audit trail is the same chain, unbroken
        highest = db.session.scalar(sa.select(sa.func.max(Organisation.id)))
        assert factories.OrganisationFactory().id > highest  # the id sequences continue after the restore


@pytest.mark.postgres
def test_a_backup_taken_on_sqlite_restores_into_postgresql(
    source: Flask, portals: Callable[[str], Flask], tmp_path: Path
) -> None:
    data_set(source)
    before = rows(source)
    on_sqlite = portals("sqlite")
    assert run_restore(on_sqlite, make_backup(source, tmp_path)).exit_code == 0
    from_sqlite = make_backup(on_sqlite, tmp_path, "from-sqlite.tar")
    on_postgresql = portals("postgresql")

    result = run_restore(on_postgresql, from_sqlite)

    assert result.exit_code == 0, result.output
    with tarfile.open(from_sqlite) as archive:
        assert json.load(archive.extractfile(backup.MANIFEST))["engine"] == "sqlite"
    after = rows(on_postgresql)
    assert attachments_moved(before, after, Path(on_postgresql.config["UPLOAD_DIR"])) == 1
    assert after == before


def test_the_dump_is_one_moment_a_row_committed_during_the_backup_is_not_in_it(
    source: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_set(source)
    organisations = len(rows(source)["organisation"])
    dump_table = backup._add_table
    tables_dumped: list[str] = []

    def and_meanwhile_a_new_provider_registers(archive, name, rows, now):
        if not tables_dumped:  # the snapshot is open: another connection commits an organisation
            with source.app_context():
                factories.OrganisationFactory()
                db.session.remove()
        tables_dumped.append(name)
        return dump_table(archive, name, rows, now)

    monkeypatch.setattr(backup, "_add_table", and_meanwhile_a_new_provider_registers)
    archive = make_backup(source, tmp_path)

    assert tables_dumped.index("organisation") > 0  # read after the commit
    assert len(rows(source)["organisation"]) == organisations + 1
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile(backup.MANIFEST))
        dumped = opened.extractfile("tables/organisation.jsonl").read().splitlines()
    assert manifest["tables"]["organisation"] == organisations
    assert len(dumped) == organisations


def test_a_file_named_by_a_row_but_gone_is_listed_in_the_manifest_and_reported(
    source: Flask, tmp_path: Path
) -> None:
    data_set(source)
    with source.app_context():
        gone = db.session.scalars(sa.select(EvidenceFile.stored_name).order_by(EvidenceFile.id)).first()
        uploads.path_of(gone).unlink()
        half_written = uploads.path_of("receipt-0123456789abcdef-9.pdf.0a1b2c3d.part")
        half_written.write_bytes(b"%PDF-")

    result = source.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "b.tar")])

    assert result.exit_code == 0
    assert f"1 file(s) named by rows were not in the upload folder: {gone}" in result.output
    assert f"Not backed up (not an upload): {half_written.name}" in result.output
    with tarfile.open(tmp_path / "b.tar") as opened:
        manifest = json.load(opened.extractfile(backup.MANIFEST))
        assert f"{backup.UPLOADS}{half_written.name}" not in opened.getnames()
    assert manifest["missing_files"] == [gone]
    assert manifest["skipped_entries"] == [half_written.name]


def test_values_keep_their_type_through_the_archive() -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from portal.models import Procedure
    from portal.models.base import UTCDateTime, enum_column

    table = sa.Table(
        "sample",
        sa.MetaData(),
        sa.Column("money", sa.Numeric(12, 2)),
        sa.Column("at", UTCDateTime()),
        sa.Column("on", sa.Date()),
        sa.Column("data", sa.LargeBinary()),
        sa.Column("kind", enum_column(Procedure)),
        sa.Column("content", sa.JSON()),
        sa.Column("flag", sa.Boolean()),
    )
    row = {
        "money": Decimal("1234.50"),
        "at": datetime(2026, 12, 2, 10, 30, 0, 123456, tzinfo=UTC),
        "on": date(2027, 1, 1),
        "data": bytes(range(256)),
        "kind": Procedure.COMPETITIVE,
        "content": {"a": [1, "€"], "b": None},
        "flag": False,
    }

    line = json.dumps({key: backup.encode(value) for key, value in row.items()})
    back = {key: backup.decode(table.c[key], value) for key, value in json.loads(line).items()}

    assert back == row
    assert json.loads(line)["money"] == "1234.50"
    assert json.loads(line)["at"] == "2026-12-02T10:30:00.123456+00:00"
