"""Importing the resultatenmatrix, because the team works in Excel.

The import reads every row, validates all of them (matrix_rows.py), and then replaces the tender's
matrix in a few bulk statements - or, when any row is wrong, changes nothing and lists every problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import sqlalchemy as sa

from portal import audit
from portal.extensions import db
from portal.models import Level, Result, ResultLevel, Tariff, Tender, User
from portal.tenders.matrix_rows import ParsedRow, read_rows, validate
from portal.tenders.service import ensure_editable


@dataclass(frozen=True)
class ImportSummary:
    results: int
    result_levels: int
    tariffs: int


def import_matrix(tender: Tender, stream: IO[bytes], filename: str, *, by: User | None) -> ImportSummary:
    """Replace the tender's matrix with the file's, all rows or none."""
    ensure_editable(tender)
    parsed = validate(tender, read_rows(stream, filename))
    _delete_matrix(tender)
    summary = _insert_matrix(tender, parsed)
    db.session.expire(tender, ["results", "levels"])
    audit.record("tenders.import_matrix", tender, actor=by, results=summary.results, tariffs=summary.tariffs)
    return summary


def _delete_matrix(tender: Tender) -> None:
    result_ids = sa.select(Result.id).where(Result.tender_id == tender.id)
    level_ids = sa.select(ResultLevel.id).where(ResultLevel.result_id.in_(result_ids))
    db.session.execute(sa.delete(Tariff).where(Tariff.result_level_id.in_(level_ids)))
    db.session.execute(sa.delete(ResultLevel).where(ResultLevel.result_id.in_(result_ids)))
    db.session.execute(sa.delete(Result).where(Result.tender_id == tender.id))


def _insert_matrix(tender: Tender, rows: list[ParsedRow]) -> ImportSummary:
    firsts: dict[str, ParsedRow] = {}
    level_rows: dict[tuple[str, int], ParsedRow] = {}
    for row in rows:
        firsts.setdefault(row.code, row)
        level_rows.setdefault((row.code, row.level), row)
    _insert_results(tender, list(firsts.values()))
    _insert_levels(tender, level_rows)
    tariffs = _insert_tariffs(tender, rows)
    _ensure_levels(tender, {level for _code, level in level_rows})
    return ImportSummary(results=len(firsts), result_levels=len(level_rows), tariffs=tariffs)


def _insert_results(tender: Tender, firsts: list[ParsedRow]) -> None:
    db.session.execute(sa.insert(Result), [_result_values(tender, r) for r in firsts])


def _result_values(tender: Tender, r: ParsedRow) -> dict[str, Any]:
    return {
        "tender_id": tender.id,
        "domain_id": r.domain_id,
        "code": r.code,
        "name": r.name,
        "law": r.law,
        "product_code": r.product_code,
        "product_category": r.codes.product_category,
        "unit": r.codes.unit,
        "frequency": r.codes.frequency,
        "description": "",
    }


def _insert_levels(tender: Tender, level_rows: dict[tuple[str, int], ParsedRow]) -> None:
    result_ids = {
        code: result_id
        for code, result_id in db.session.execute(
            sa.select(Result.code, Result.id).where(Result.tender_id == tender.id)
        )
    }
    values = [
        {
            "result_id": result_ids[code],
            "level": level,
            "description": r.level_description,
            "lot_id": r.lot_id,
        }
        for (code, level), r in level_rows.items()
    ]
    db.session.execute(sa.insert(ResultLevel), values)


def _insert_tariffs(tender: Tender, rows: list[ParsedRow]) -> int:
    level_ids = {
        (code, level): rl_id
        for code, level, rl_id in db.session.execute(
            sa.select(Result.code, ResultLevel.level, ResultLevel.id)
            .join(Result, ResultLevel.result_id == Result.id)
            .where(Result.tender_id == tender.id)
        )
    }
    tariffs = [
        {
            "result_level_id": level_ids[(r.code, r.level)],
            "municipality_id": r.municipality_id,
            "valid_from": r.valid_from,
            "amount": r.amount,
            "unit": "per maand",
        }
        for r in rows
        if r.municipality_id is not None
    ]
    if tariffs:
        db.session.execute(sa.insert(Tariff), tariffs)
    return len(tariffs)


def _ensure_levels(tender: Tender, numbers: Iterable[int]) -> None:
    existing = set(db.session.scalars(sa.select(Level.number).where(Level.tender_id == tender.id)))
    for number in sorted(set(numbers) - existing):
        db.session.add(Level(tender_id=tender.id, number=number, description=""))
    db.session.flush()
