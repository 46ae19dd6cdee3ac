"""Recording the exact bytes of a PDF rendered on demand, so that the verification page knows them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import pdf
from portal.extensions import db
from portal.models import IssuedDocument


def record(data: bytes, kind: str, object_id: int) -> bytes:
    """Register the PDF (once per distinct content) and hand its bytes back unchanged."""
    digest = pdf.sha256(data)
    known = db.session.scalar(sa.select(IssuedDocument.id).where(IssuedDocument.sha256 == digest))
    if known is None:
        try:
            with db.session.begin_nested():  # a render at the same moment may register the same bytes
                db.session.add(IssuedDocument(sha256=digest, kind=kind, object_id=object_id))
        except IntegrityError:
            pass
    return data
