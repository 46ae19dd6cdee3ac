"""One verification page for every PDF the portal makes: each kind recognised by its exact bytes, with
its date and whether it is the current version; a changed PDF refused; nothing confidential shown."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.agreements import service as agreements
from portal.assessment import letters
from portal.bids import receipt
from portal.extensions import db
from portal.models import BidSubmission, Decision
from tests.opendata.helpers import Journey


@pytest.fixture
def journey(app) -> Journey:
    journey = Journey(app)
    journey.publish()
    journey.nota()
    journey.submit_bids()
    journey.send_decisions()
    journey.contract()
    return journey


def _upload(client, data: bytes):
    return client.post(
        "/controleren",
        data={"receipt": (io.BytesIO(data), "document.pdf")},
        content_type="multipart/form-data",
    )


def _result(response) -> str:
    """The result box of the page (the lead text names every kind too)."""
    return response.text.split('id="verify-result"', 1)[1].split("</div>", 1)[0]


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _documents(journey: Journey, client) -> dict[str, bytes]:
    submission = db.session.scalar(sa.select(BidSubmission).order_by(BidSubmission.id))
    decision = db.session.scalar(sa.select(Decision).where(Decision.letter_sha256.is_not(None)))
    version = journey.agreement.versions[-1]
    documents = {
        "Ontvangstbewijs van een inschrijving": receipt.pdf_bytes(submission),
        "Nota van Inlichtingen": client.get(f"/inkooptrajecten/{journey.tender.id}/nota/1.pdf").data,
        "Besluitbrief": letters.letter_path(decision).read_bytes(),
        "Raamovereenkomst": agreements.pdf_path(version).read_bytes(),
    }
    db.session.commit()
    return documents


def test_every_kind_is_recognised_with_its_date_and_version(journey, client, no_csrf):
    for label, data in _documents(journey, client).items():
        assert "Echtheid controleren" in _text(data), label  # printed on every PDF
        page = _result(_upload(client, data))
        assert label in page, label
        assert journey.tender.reference in page
        assert "niet echt" not in page
        assert "Zorg Toegelaten" not in page and "Zorg Afgewezen" not in page  # noqa: PT018 - no provider names


def test_a_pdf_changed_by_one_byte_is_refused(journey, client, no_csrf):
    for label, data in _documents(journey, client).items():
        tampered = data.replace(b"/Title", b"/Titel", 1) if b"/Title" in data else data + b"\n"
        page = _result(_upload(client, tampered))
        assert "Dit PDF-bestand is niet echt" in page, label
        assert label not in page


def test_the_pasted_hash_of_a_contract_says_it_is_no_longer_current_after_an_amendment(
    journey, client, no_csrf
):
    journey.sign()
    first = journey.agreement.versions[0].pdf_sha256
    assert "nieuwere versie" not in _result(client.post("/controleren", data={"sha256": first}))
    journey.index()
    page = _result(client.post("/controleren", data={"sha256": first}))
    assert "er is een nieuwere versie" in page
    assert journey.agreement.number in page


def test_something_that_is_not_a_pdf_is_refused_with_a_message(client, no_csrf):
    response = _upload(client, b"geen pdf")
    assert response.status_code == 422
    assert "upload het ontvangstbewijs of een ander document" in response.text


def test_the_footer_links_the_page(client):
    assert 'href="/controleren"' in client.get("/controleren").text
