"""Contract numbers NMD-<year>-<sequence>: unique and gap-free per year, also under concurrency.

The year's row in contract_number_sequence is created if missing (INSERT ... ON CONFLICT DO
NOTHING, so two first-of-the-year transactions cannot collide) and then locked with SELECT ...
FOR UPDATE: a second transaction waits until the first commits or rolls back. The number is taken
in the same transaction that inserts the Agreement, so a rollback returns the number as well:
no gaps. On SQLite the database-wide write lock gives the same guarantee.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import ContractNumberSequence

PREFIX = "NMD"


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year}-{sequence:04d}"


def next_number(year: int) -> tuple[int, str]:
    """Take the next sequence of `year` in the current transaction: (sequence, "NMD-2027-0001")."""
    _ensure_year_row(year)
    row = db.session.scalars(
        sa.select(ContractNumberSequence)
        .where(ContractNumberSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    row.last_value += 1
    db.session.flush()
    return row.last_value, format_number(year, row.last_value)


def _ensure_year_row(year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ContractNumberSequence).values(year=year, last_value=0).on_conflict_do_nothing()
    db.session.execute(statement)
