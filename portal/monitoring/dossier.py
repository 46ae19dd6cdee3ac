"""Stored documents: the provider's dossier (VOG, liability insurance, keurmerk, with their expiry
dates) and the documents attached to an action.

Uploads pass portal/uploads.py's checks (size, type by content, macros, virus scan). The newest document
of a kind is the current one; the contract-term job reminds the provider 60 and 14 days before it expires.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any

from portal import audit, uploads
from portal.clock import to_local
from portal.extensions import db
from portal.models import ActionDocument, DocumentKind, DossierDocument, MonitoringAction, User
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
    document = DossierDocument(
        organisation_id=organisation_id, kind=kind, expires_on=expires_on, **_stored(stream, name, user, now)
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "monitoring.dossier_uploaded", document, actor=user, organisation_id=organisation_id, kind=kind.value
    )
    return document


def attach_document(
    action: MonitoringAction, stream: IO[bytes], name: str | None, *, user: User | None, now: datetime
) -> ActionDocument:
    """A document added to an action by the contract manager or the provider, after the upload checks."""
    document = ActionDocument(action_id=action.id, **_stored(stream, name, user, now))
    db.session.add(document)
    db.session.flush()
    audit.record(
        "monitoring.document_attached",
        action,
        actor=user,
        organisation_id=action.organisation_id,
        sha256=document.sha256,
    )
    return document


def _stored(stream: IO[bytes], name: str | None, user: User | None, now: datetime) -> dict[str, Any]:
    """Check and store the file; the columns every stored document has."""
    stored = uploads.store(stream, name, allowed=uploads.EVIDENCE_TYPES)
    return {
        "original_name": stored.original_name,
        "stored_name": stored.stored_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "uploaded_at": now,
        "uploaded_by_id": user.id if user else None,
    }
