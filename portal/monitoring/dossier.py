"""The provider's dossier: VOG, liability insurance and keurmerk uploaded with their expiry dates.

Uploads pass portal/uploads.py's checks (size, type by content, macros, virus scan). The newest document
of a kind is the current one; the contract-term job reminds the provider 60 and 14 days before it expires.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO

from portal import audit, uploads
from portal.clock import to_local
from portal.extensions import db
from portal.models import DocumentKind, DossierDocument, User
from portal.monitoring import rules


def upload_document(
    organisation_id: int,
    kind: DocumentKind,
    expires_on: date | None,
    stream: IO[bytes],
    name: str | None,
    *,
    user: User | None,
    now: datetime,
) -> DossierDocument:
    """Check and store the file, then record it as the current document of its kind."""
    rules.check_expiry(expires_on, to_local(now).date())
    assert expires_on is not None  # check_expiry refuses a missing date
    stored = uploads.store(stream, name, allowed=uploads.EVIDENCE_TYPES)
    document = DossierDocument(
        organisation_id=organisation_id,
        kind=kind,
        expires_on=expires_on,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=now,
        uploaded_by_id=user.id if user else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "monitoring.dossier_uploaded", document, actor=user, organisation_id=organisation_id, kind=kind.value
    )
    return document
