"""The coverage table as the page shows it: cells with their counts, filtered and paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.figures import queries, rules
from portal.figures.queries import CellLabel

PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    municipality_id: int | None = None
    domain_id: int | None = None
    gaps_only: bool = False
    page: int = 1


@dataclass(frozen=True)
class CoverageRow:
    label: CellLabel
    cell: rules.Cell
    contracted: str
    admitted: str
    gap: bool


@dataclass(frozen=True)
class CoverageTable:
    rows: list[CoverageRow]
    total: int
    gaps: int
    page: int
    pages: int


def coverage_rows(filters: Filters, *, now: datetime, suppress: bool) -> list[CoverageRow]:
    """Every cell that matches the filters (not paged), counts shown as the reader may see them."""
    cells = queries.cells(filters.municipality_id, filters.domain_id)
    offers = queries.contracted_offers() + queries.admitted_offers()
    counted = rules.coverage(cells, offers, queries.client_stops(now=now), now=now)
    return [
        CoverageRow(
            label,
            cell,
            rules.shown(counted[cell].contracted, suppress=suppress),
            rules.shown(counted[cell].admitted, suppress=suppress),
            counted[cell].gap,
        )
        for cell, label in cells.items()
        if counted[cell].gap or not filters.gaps_only
    ]


def coverage_table(filters: Filters, *, now: datetime, suppress: bool) -> CoverageTable:
    rows = coverage_rows(filters, now=now, suppress=suppress)
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(1, filters.page), pages)
    shown = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    return CoverageTable(shown, len(rows), sum(row.gap for row in rows), page, pages)
