"""AuditEvent: who did what to which object, when, from where, and whether it was allowed.

The events form one hash chain per installation: event n stores `seq` = n, the hash of event n-1
(`prev_hash`, GENESIS for the first) and its own `hash`, SHA-256 over `canonical(event)`. Changing,
deleting or inserting an event breaks the chain (`flask audit verify` names where). Events are
insert-only: the ORM refuses to update or delete them, and the database triggers of migration
6a1d4e9c2b35 refuse UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from portal.models.base import Base, enum_column, utcnow
from portal.models.enums import AuditOutcome

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "prev_hash",
    "at",
    "actor_id",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "ip",
    "detail",
)


class AuditEventImmutableError(RuntimeError):
    """An audit event may be added, never changed or removed."""


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(60))
    object_id: Mapped[int | None]
    outcome: Mapped[AuditOutcome] = mapped_column(enum_column(AuditOutcome))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The chain (filled when the event is flushed, under the chain lock: portal/audit.py).
    seq: Mapped[int] = mapped_column(index=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # one successor per event: no fork
    hash: Mapped[str] = mapped_column(sa.String(64))


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes that are hashed: the chained fields as sorted, compact JSON (UTF-8); UTC microsecond time."""
    values = {name: fields.get(name) for name in HASHED_FIELDS}
    at = values["at"]
    if isinstance(at, datetime):
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        values["at"] = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    values["outcome"] = getattr(values["outcome"], "value", values["outcome"])
    values["detail"] = values["detail"] or {}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def fields_of(event: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


@sa.event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper: Mapper[AuditEvent], _connection: sa.Connection, target: AuditEvent) -> None:
    raise AuditEventImmutableError(f"audit event {target.id} cannot be changed")


@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper: Mapper[AuditEvent], _connection: sa.Connection, target: AuditEvent) -> None:
    raise AuditEventImmutableError(f"audit event {target.id} cannot be deleted")
