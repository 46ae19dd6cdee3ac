"""Fixtures of the backup tests: the suite's portal as the source (its own upload folder; the tests
commit for real and the tables are emptied afterwards) and second portals to restore into, each with a
database of its own (a SQLite file, or a PostgreSQL database created for the test) and an upload folder
not yet made; a realistic data set built through the features' own services.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config import TestConfig
from portal import backup, clock, create_app, uploads
from portal.agreements import service as agreements
from portal.assessment import deciding
from portal.bids import evidence as bid_evidence
from portal.bids import receipt, service
from portal.extensions import db
from portal.models import (
    Role,
)
from portal.tenders import service as tenders
from tests import factories
from tests.bids.conftest import complete
from tests.databases import throwaway_database

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def source(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The suite's app with an upload folder of this test's own."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "source-uploads"))
    return app


@pytest.fixture
def portals(tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    """Make a second portal: an empty database migrated to the head, an upload folder not yet made."""
    made: list[Flask] = []
    with ExitStack() as databases:

        def make(engine: str) -> Flask:
            server_url = os.environ["TEST_DATABASE_URL"] if engine == "postgresql" else None
            url = databases.enter_context(
                throwaway_database("portal_restore", tmp_path / "restored.sqlite", server_url)
            )

            class Config(TestConfig):
                SQLALCHEMY_DATABASE_URI = url
                UPLOAD_DIR = str(tmp_path / f"restored-uploads-{engine}")

            application = create_app(Config)
            made.append(application)
            with application.app_context():
                from flask_migrate import upgrade

                upgrade()
            return application

        yield make
        for application in made:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, portals: Callable[[str], Flask]) -> Flask:
    return portals(request.param)


def data_set(app: Flask) -> None:
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


def rows(app: Flask) -> dict[str, list[tuple]]:
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


def make_backup(app: Flask, tmp_path: Path, name: str = "backup.tar") -> Path:
    archive = tmp_path / name
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert str(archive) in result.output
    assert f"({archive.stat().st_size} bytes)" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    return archive


def run_restore(app: Flask, archive: Path):  # type: ignore[no-untyped-def]  # click's Result
    return app.test_cli_runner().invoke(args=["restore", str(archive)])


def attachments_moved(before: dict[str, list[tuple]], after: dict[str, list[tuple]], folder: Path) -> int:
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


def rewritten(archive: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    copy = archive.with_name("changed.tar")
    with tarfile.open(archive) as original, tarfile.open(copy, "w") as changed:
        for member in original:
            data = change(member.name, original.extractfile(member).read())
            member.size = len(data)
            changed.addfile(member, io.BytesIO(data))
    return copy


def unchanged(app: Flask) -> None:
    assert not any(rows(app).values())
    folder = Path(app.config["UPLOAD_DIR"])
    assert not folder.exists() or not any(folder.iterdir())
