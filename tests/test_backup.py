"""`flask backup` / `flask restore`: a realistic data set (a submitted bid with evidence and its receipt
PDF, a tender document, a contract PDF, audit events) backed up, restored into a second, empty database
and an empty folder, and checked there: every row equal, every receipt and document hash against its
file; a changed archive, a non-empty target and another revision refused before anything is written.

The source is the suite's database (committed for real, emptied afterwards); the target a database of
its own: a SQLite file, and with TEST_DATABASE_URL also a PostgreSQL database created for the test.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config import TestConfig
from portal import backup, clock, create_app, uploads
from portal.agreements import service as agreements
from portal.assessment import deciding
from portal.bids import canonical, receipt, service
from portal.bids import evidence as bid_evidence
from portal.extensions import db
from portal.models import (
    AgreementVersion,
    AuditEvent,
    BidSubmission,
    Decision,
    EvidenceFile,
    Organisation,
    Role,
    TenderDocument,
)
from portal.tenders import service as tenders
from tests import factories
from tests.bids.conftest import complete

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
pytestmark = pytest.mark.committed


@pytest.fixture
def source(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The suite's app with an upload folder of this test's own."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "source-uploads"))
    return app


def _target_url(engine: str, tmp_path: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    server_url = os.environ["TEST_DATABASE_URL"]
    name = f"portal_restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def portals(tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    """Make a second portal: an empty database migrated to the head, an upload folder not yet made."""
    made: list[tuple[Flask, Iterator[str]]] = []

    def make(engine: str) -> Flask:
        urls = _target_url(engine, tmp_path)

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = next(urls)
            UPLOAD_DIR = str(tmp_path / f"restored-uploads-{engine}")

        application = create_app(Config)
        made.append((application, urls))
        with application.app_context():
            from flask_migrate import upgrade

            upgrade()
        return application

    yield make
    for application, urls in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        next(urls, None)


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, portals: Callable[[str], Flask]) -> Flask:
    return portals(request.param)


def _data_set(app: Flask) -> None:
    """Built through the features' own services: what a few weeks of the portal leave behind."""
    with app.test_request_context():
        provider = factories.user_with_role(Role.PROVIDER_ADMIN)
        tender = factories.tender_with_matrix(results=2, levels=(4, 5), municipalities=2, lots=2)
        requirement = factories.RequirementFactory(tender=tender, text="VOG voor alle professionals")
        factories.AwardCriterionFactory(tender=tender, question="Hoe stelt u de inwoner centraal?")
        stored = uploads.store(io.BytesIO(PDF + b"% bestek\n"), "bestek.pdf", allowed=uploads.DOCUMENT_TYPES)
        tenders.add_document(tender, stored, title="Bestek", rectification=True)
        bid = service.start_bid(tender, provider.organisation, provider, now=clock.now())
        db.session.commit()
        complete(bid, provider)
        for name in ("vog-beleid.pdf", "kwaliteit.pdf"):
            data = PDF + f"% {name}\n".encode()
            bid_evidence.attach(bid, requirement, io.BytesIO(data), name, user=provider, now=clock.now())
        submission = service.submit(bid, user=provider, idempotency_key="b" * 32, now=clock.now())
        receipt.queue_receipt(submission, bid.organisation)  # its mail names the receipt's path
        db.session.commit()
        receipt.make(submission.id, deliver=False)
        organisation = factories.admitted_provider(tender)
        buyer = factories.user_with_role(Role.BUYER)
        deciding.send_decisions(tender, buyer, now=clock.now())  # the decision letters (PDF)
        agreements.generate_agreement(tender, organisation, now=clock.now())
        tender.copied_from_id = factories.TenderFactory().id  # a row pointing at a later one of its table
        db.session.commit()


def _rows(app: Flask) -> dict[str, list[tuple]]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    sa.select(table).order_by(*(table.primary_key.columns or table.columns))
                )
            ]
            for table in backup.tables()
        }


def _backup(app: Flask, tmp_path: Path, name: str = "backup.tar") -> Path:
    archive = tmp_path / name
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert str(archive) in result.output
    assert f"({archive.stat().st_size} bytes)" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    return archive


def _restore(app: Flask, archive: Path):  # type: ignore[no-untyped-def]  # click's Result
    return app.test_cli_runner().invoke(args=["restore", str(archive)])


def _attachments_moved(before: dict[str, list[tuple]], after: dict[str, list[tuple]], folder: Path) -> int:
    """A queued mail's attachment path points into the restored folder (else it is unchanged); the
    rows of `after` are set back to the old path so the rest can be compared whole."""
    mails = next(t for t in backup.tables() if t.name == "outgoing_mail")
    index = list(mails.columns.keys()).index("attachment_path")
    moved = 0
    for position, (old, new) in enumerate(zip(before[mails.name], after[mails.name], strict=True)):
        if old[index] and old[index] != new[index]:
            assert Path(new[index]) == folder.resolve() / Path(old[index]).name
            assert Path(new[index]).read_bytes() == Path(old[index]).read_bytes()
            after[mails.name][position] = (*new[:index], old[index], *new[index + 1 :])
            moved += 1
    return moved


def test_a_backup_restores_into_an_empty_database_and_folder_with_every_hash_intact(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    _data_set(source)
    before = _rows(source)
    archive = _backup(source, tmp_path)

    result = _restore(target, archive)

    assert result.exit_code == 0, result.output
    after = _rows(target)
    assert {name: len(rows) for name, rows in after.items()} == {
        name: len(rows) for name, rows in before.items()
    }
    moved = _attachments_moved(before, after, Path(target.config["UPLOAD_DIR"]))
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
        highest = db.session.scalar(sa.select(sa.func.max(Organisation.id)))
        assert factories.OrganisationFactory().id > highest  # the id sequences continue after the restore


def _rewritten(archive: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    copy = archive.with_name("changed.tar")
    with tarfile.open(archive) as original, tarfile.open(copy, "w") as changed:
        for member in original:
            data = change(member.name, original.extractfile(member).read())
            member.size = len(data)
            changed.addfile(member, io.BytesIO(data))
    return copy


def _unchanged(app: Flask) -> None:
    assert not any(_rows(app).values())
    folder = Path(app.config["UPLOAD_DIR"])
    assert not folder.exists() or not any(folder.iterdir())


def test_an_archive_with_one_byte_of_a_file_changed_is_refused_before_anything_is_written(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    _data_set(source)
    archive = _backup(source, tmp_path)
    with tarfile.open(archive) as opened:
        last_file = [m for m in opened if m.name.startswith(backup.UPLOADS)][-1]  # after every table
    with archive.open("r+b") as raw:  # one byte inside the file's data, in place
        raw.seek(last_file.offset_data + 10)
        byte = raw.read(1)
        raw.seek(-1, io.SEEK_CUR)
        raw.write(bytes([byte[0] ^ 0x01]))

    result = _restore(target, archive)

    assert result.exit_code == 1
    assert f"{last_file.name} in the archive does not match the SHA-256" in result.output
    _unchanged(target)


def test_an_archive_of_another_revision_is_refused_naming_both(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    archive = _backup(source, tmp_path)

    def older(name: str, data: bytes) -> bytes:
        if name != backup.MANIFEST:
            return data
        return json.dumps({**json.loads(data), "alembic_revision": "4d2a9b7c1e83"}).encode()

    result = _restore(target, _rewritten(archive, older))

    assert result.exit_code == 1
    with target.app_context():
        head = backup.head_revision()
    assert "made at alembic revision 4d2a9b7c1e83" in result.output
    assert f"this code is at {head}" in result.output
    _unchanged(target)


def test_restore_into_a_database_that_has_rows_is_refused(
    source: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _data_set(source)
    archive = _backup(source, tmp_path)
    before = _rows(source)
    monkeypatch.setitem(source.config, "UPLOAD_DIR", str(tmp_path / "empty-uploads"))

    result = _restore(source, archive)

    assert result.exit_code == 1
    assert "The database is not empty" in result.output
    assert "Nothing was changed" in result.output
    assert _rows(source) == before
    assert not (tmp_path / "empty-uploads").exists()


def test_restore_into_an_upload_folder_that_holds_a_file_is_refused(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    archive = _backup(source, tmp_path)
    folder = Path(target.config["UPLOAD_DIR"])
    folder.mkdir()
    (folder / ("ab" * 16)).write_bytes(b"already here")

    result = _restore(target, archive)

    assert result.exit_code == 1
    assert f"The upload folder {folder} is not empty" in result.output
    assert not any(_rows(target).values())


@pytest.mark.postgres
def test_a_backup_taken_on_sqlite_restores_into_postgresql(
    source: Flask, portals: Callable[[str], Flask], tmp_path: Path
) -> None:
    _data_set(source)
    before = _rows(source)
    on_sqlite = portals("sqlite")
    assert _restore(on_sqlite, _backup(source, tmp_path)).exit_code == 0
    from_sqlite = _backup(on_sqlite, tmp_path, "from-sqlite.tar")
    on_postgresql = portals("postgresql")

    result = _restore(on_postgresql, from_sqlite)

    assert result.exit_code == 0, result.output
    with tarfile.open(from_sqlite) as archive:
        assert json.load(archive.extractfile(backup.MANIFEST))["engine"] == "sqlite"
    after = _rows(on_postgresql)
    assert _attachments_moved(before, after, Path(on_postgresql.config["UPLOAD_DIR"])) == 1
    assert after == before


def test_the_dump_is_one_moment_a_row_committed_during_the_backup_is_not_in_it(
    source: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _data_set(source)
    organisations = len(_rows(source)["organisation"])
    dump_table = backup._add_table
    tables_dumped: list[str] = []

    def and_meanwhile_a_new_provider_registers(archive, name, rows, now):  # type: ignore[no-untyped-def]
        if not tables_dumped:  # the snapshot is open: another connection commits an organisation
            with source.app_context():
                factories.OrganisationFactory()
                db.session.remove()
        tables_dumped.append(name)
        return dump_table(archive, name, rows, now)

    monkeypatch.setattr(backup, "_add_table", and_meanwhile_a_new_provider_registers)
    archive = _backup(source, tmp_path)

    assert tables_dumped.index("organisation") > 0  # read after the commit
    assert len(_rows(source)["organisation"]) == organisations + 1
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile(backup.MANIFEST))
        dumped = opened.extractfile("tables/organisation.jsonl").read().splitlines()
    assert manifest["tables"]["organisation"] == organisations
    assert len(dumped) == organisations


def test_a_file_named_by_a_row_but_gone_is_listed_in_the_manifest_and_reported(
    source: Flask, tmp_path: Path
) -> None:
    _data_set(source)
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
        "kind": Procedure.TENDER,
        "content": {"a": [1, "€"], "b": None},
        "flag": False,
    }

    line = json.dumps({key: backup.encode(value) for key, value in row.items()})
    back = {key: backup.decode(table.c[key], value) for key, value in json.loads(line).items()}

    assert back == row
    assert json.loads(line)["money"] == "1234.50"
    assert json.loads(line)["at"] == "2026-12-02T10:30:00.123456+00:00"
