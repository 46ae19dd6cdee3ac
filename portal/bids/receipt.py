"""The receipt (ontvangstbewijs): a PDF of a submission, mailed to the organisation and downloadable.

The context is built from the submission's frozen canonical content, so a receipt rendered later shows
exactly what was submitted. `hash_from_pdf` reads the bid hash back from a receipt for the verify page.
"""

from __future__ import annotations

import io
import re
import secrets
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal import background, mail, pdf, uploads
from portal.clock import to_local
from portal.extensions import db
from portal.models import BidSubmission, Organisation, OutgoingMail, User

HASH_LABEL = "Hash van de inschrijving (SHA-256):"
HASH_KEY = "BidSha256"  # the hash in the PDF's document information, where no typed text can reach
_HASH_RE = re.compile(re.escape(HASH_LABEL) + r"\s*([0-9a-f]{64})")
_ANY_HASH = re.compile(r"\b[0-9a-fA-F]{64}\b")


def context(submission: BidSubmission) -> dict[str, Any]:
    content = submission.content
    return {
        "tender": content["tender"],
        "organisation": content["organisation"],
        "signatory": content["signatory"],
        "version": submission.version,
        "received_at": to_local(submission.submitted_at),
        "withdrawn_at": to_local(submission.withdrawn_at) if submission.withdrawn_at else None,
        "choice": _choice_by_lot(content["choice"]),
        "requirements": content["requirements"],
        "criteria": [
            {"question": c["question"], "words": len(c["answer"].split())} for c in content["criteria"]
        ],
        "evidence": [e for r in content["requirements"] for e in r["evidence"]],
        "sha256": submission.sha256,
        "hash_label": HASH_LABEL,
    }


def _choice_by_lot(lines: list[dict[str, Any]]) -> dict[str, list[tuple[str, list[str]]]]:
    """Per perceel (by name) each result and level with the municipalities chosen for it."""
    choice: dict[str, dict[str, list[str]]] = {}
    for line in lines:
        label = f"{line['result']['code']} {line['result']['name']} – niveau {line['result_level']['level']}"
        choice.setdefault(line["lot"]["name"], {}).setdefault(label, []).append(line["municipality"]["name"])
    return {lot: sorted(rows.items()) for lot, rows in sorted(choice.items())}


def render(submission: BidSubmission) -> bytes:
    return pdf.render_pdf(
        "pdf/receipt.html",
        context(submission),
        metadata={
            "title": f"Ontvangstbewijs {submission.content['tender']['reference']} v{submission.version}",
            "custom": {HASH_KEY: submission.sha256},
        },
    )


_NOT_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(submission: BidSubmission) -> str:
    """The download's and the attachment's name: the reference a buyer typed, in letters, digits,
    dots, dashes and underscores only, so it can never end a header or a quoted parameter."""
    reference = _NOT_IN_FILE_NAME.sub("-", submission.content["tender"]["reference"]).strip("-.")
    return f"ontvangstbewijs-{reference}-v{submission.version}.pdf"


def stored_name(submission: BidSubmission) -> str:
    return f"receipt-{submission.sha256[:16]}-{submission.id}.pdf"


def queue_receipt(submission: BidSubmission, organisation: Organisation) -> int:
    """Queue the receipt mail to every active user of the organisation; the PDF is made after the commit.

    The mails are in the outbox with the submission (nothing is lost if the request's worker dies); the
    PDF (seconds of rendering for a large bid) is made by `make` in the background, which then delivers
    them. Returns how many were queued.
    """
    users = db.session.scalars(
        sa.select(User)
        .where(User.organisation_id == organisation.id, User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    for user in users:
        _queue_mail(submission, user)
    background.after_commit("portal.bids.receipt.make", submission.id)
    return len(users)


def _queue_mail(submission: BidSubmission, user: User) -> None:
    """One user's receipt mail, its PDF attached once `make` has rendered it."""
    mail.queue(
        user.email,
        _("Ontvangstbewijs inschrijving %(ref)s", ref=submission.content["tender"]["reference"]),
        "bids_receipt",
        dedupe_key=f"{MAIL_KEY}{submission.id}:{user.id}",
        attachment=uploads.path_of(stored_name(submission)),
        attachment_name=file_name(submission),
        attachment_pending=True,
        user=user,
        submission=submission,
        received_at=to_local(submission.submitted_at),
    )


MAIL_KEY = "bids.receipt:"


def make(submission_id: int, *, deliver: bool = True) -> None:
    """Render and store the receipt once, release its queued mails and deliver them (safe to repeat)."""
    submission = db.session.get(BidSubmission, submission_id)
    if submission is None:
        return
    path = uploads.path_of(stored_name(submission))
    if not path.exists():
        partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
        partial.write_bytes(_registered(render(submission), submission))
        partial.replace(path)  # atomic: a mail never attaches half a file
    mail.release(f"{MAIL_KEY}{submission.id}:")
    db.session.commit()
    if deliver:
        mail.deliver_pending()


def make_missing() -> int:
    """Receipts whose mails still wait (their background task was lost): make them now, deliver nothing.

    For `flask send-mail`, which delivers afterwards."""
    keys = db.session.scalars(
        sa.select(OutgoingMail.dedupe_key).where(
            OutgoingMail.attachment_pending.is_(True),
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.dedupe_key.startswith(MAIL_KEY),
        )
    ).all()
    submission_ids = sorted({int(key.split(":")[1]) for key in keys if key})
    for submission_id in submission_ids:
        make(submission_id, deliver=False)
    return len(submission_ids)


def pdf_bytes(submission: BidSubmission) -> bytes:
    """The stored receipt when it was made, else rendered now (the same text either way)."""
    path = uploads.path_of(stored_name(submission))
    return _registered(path.read_bytes() if path.exists() else render(submission), submission)


def _registered(data: bytes, submission: BidSubmission) -> bytes:
    """The exact bytes known to the verification page (portal/verification), then handed out."""
    from portal.verification import registry

    return registry.record(data, "receipt", submission.id)


def hash_from_pdf(data: bytes) -> str | None:
    """The bid hash of a receipt PDF, or None when it cannot be read.

    From the document information first: the printed text also holds names and file names a provider
    typed, which could imitate the label and a hash. Receipts made before it was there (no key) are
    read from the text after the label."""
    try:
        reader = PdfReader(io.BytesIO(data))
        metadata = reader.metadata
        stored = str(metadata.get(f"/{HASH_KEY}", "")) if metadata is not None else ""
        if re.fullmatch(r"[0-9a-f]{64}", stored):
            return stored
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, OSError):
        return None
    compact = re.sub(r"[ \t]+", " ", text)
    found = _HASH_RE.search(compact)
    return found.group(1) if found else None


def normalise_hash(value: str | None) -> str | None:
    found = _ANY_HASH.search((value or "").replace(" ", ""))
    return found.group(0).lower() if found else None
