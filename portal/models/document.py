"""The register of PDFs the portal rendered on demand (receipts, Nota's), so the public verification
page can recognise their exact bytes. Decision letters and contracts keep their hash on their own row."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class IssuedDocument(Base):
    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # "receipt" (BidSubmission) or "nota" (Nota)
    object_id: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
