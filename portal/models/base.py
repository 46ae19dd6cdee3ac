"""Declarative base and the column types every model shares."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry

# Constraint names follow one convention so Alembic can name and drop them on both engines.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = sa.Numeric(12, 2, asdecimal=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), Decimal: Money},
    )


def link_table(name: str, owner: str, linked: str, *, linked_ondelete: str = "CASCADE") -> sa.Table:
    """A many-to-many table of two keys, each given as "column=table": a link goes with its owner; the
    linked row is protected by `linked_ondelete` (RESTRICT: it cannot be deleted while linked)."""
    (owner_column, owner_table), (linked_column, linked_table) = owner.split("="), linked.split("=")
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(owner_column, sa.ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            linked_column, sa.ForeignKey(f"{linked_table}.id", ondelete=linked_ondelete), primary_key=True
        ),
    )


def level_range(column: str) -> sa.CheckConstraint:
    """Interventieniveaus run from 4 to 8."""
    return sa.CheckConstraint(f"{column} BETWEEN 4 AND 8", name="level_range")


def enum_column(enum_cls: type, **kwargs: object) -> sa.Enum:
    """Enums are stored by value as plain strings (no native PG enum: migrations stay simple)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )
