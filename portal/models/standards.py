"""Reference lists of open standards: the iStandaarden (iWmo/iJw) code lists an admin keeps current."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, enum_column
from portal.models.enums import Law


class StandardCode(Base):
    """One entry of an iStandaarden list: a productcategorie, an eenheid (WJ756) or a frequentie (WJ757).

    Codes are never deleted (results keep referring to them); a code that a newer release dropped is
    marked legacy and no longer accepted for new results."""

    __tablename__ = "standard_code"
    __table_args__ = (sa.UniqueConstraint("list_name", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(sa.String(20))
    code: Mapped[str] = mapped_column(sa.String(5))
    name: Mapped[str] = mapped_column(sa.String(200))
    law: Mapped[Law | None] = mapped_column(enum_column(Law))
    legacy: Mapped[bool] = mapped_column(default=False)
