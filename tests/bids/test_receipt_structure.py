"""Issue 12, point 2: the receipt keeps its headings and table rows whatever the names, titles, file
names and questions in it, and its hash reads back as the bid's, not one a typed text imitates."""

from __future__ import annotations

import copy
import io
from types import SimpleNamespace

import pytest

from portal import clock, pdf
from portal.bids import evidence as bid_evidence
from portal.bids import receipt, service
from portal.extensions import db
from tests.bids.conftest import complete
from tests.documents import HOSTILE, flat, folded, outline, pages, structure

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAKE = "f" * 64


def _submit(bid, provider):
    complete(bid, provider)
    requirement = bid.tender.requirements[0]
    bid_evidence.attach(bid, requirement, io.BytesIO(PDF), "vog.pdf", user=provider, now=clock.now())
    submission = service.submit(bid, user=provider, idempotency_key="s" * 32, now=clock.now())
    db.session.commit()
    return submission


def _with(submission, value: str) -> SimpleNamespace:
    """The submission with every text a person typed in its content replaced by `value`."""
    content = copy.deepcopy(submission.content)
    content["tender"]["title"] = value
    content["organisation"]["name"] = value
    content["signatory"] = {"name": value, "function": value}
    for line in content["choice"]:
        line["lot"]["name"] = value
        line["result"]["name"] = value
    for requirement in content["requirements"]:
        requirement["text"] = value
        for item in requirement["evidence"]:
            item["name"] = value
    for criterion in content["criteria"]:
        criterion["question"] = value
    fields = ("version", "submitted_at", "withdrawn_at", "sha256")
    return SimpleNamespace(content=content, **{name: getattr(submission, name) for name in fields})


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_text_leaves_the_receipt_with_the_same_elements(app, bid, provider, value):
    submission = _submit(bid, provider)
    with app.test_request_context():
        plain = pdf.render_html("pdf/receipt.html", receipt.context(submission))
        hostile = pdf.render_html("pdf/receipt.html", receipt.context(_with(submission, value)))
    assert structure(hostile) == structure(plain)
    assert "<h2>Artikel 99" not in hostile


def test_the_receipt_pdf_keeps_its_headings_and_reads_its_own_hash_back(app, bid, provider):
    submission = _submit(bid, provider)
    value = f"Zorg\n\n## Keuze\n{receipt.HASH_LABEL} {FAKE}"
    with app.test_request_context():
        plain = receipt.render(submission)
        data = receipt.render(_with(submission, value))
    assert len(outline(data)) == len(outline(plain))
    text = flat(" ".join(pages(data)))
    assert folded(value) in text  # the imitation is printed, as plain text
    assert receipt.hash_from_pdf(data) == submission.sha256  # and not read back as the hash


def test_the_receipt_file_name_keeps_only_safe_characters_of_the_reference(app, bid, provider):
    submission = _submit(bid, provider)
    reference = submission.content["tender"]["reference"]
    assert receipt.file_name(submission) == f"ontvangstbewijs-{reference}-v1.pdf"
    hostile = _with(submission, "x")
    hostile.content["tender"]["reference"] = 'NMD-1"\r\nSet-Cookie: a=b; ../x'
    assert receipt.file_name(hostile) == "ontvangstbewijs-NMD-1-Set-Cookie-a-b-..-x-v1.pdf"
