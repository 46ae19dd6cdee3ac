"""The choice page's matrix as its template shows it: each box's value, tariff and label are made here,
so the template only loops.

Rendered afresh for every page, from what the database holds at that moment: a tariff, or a result,
domain or municipality name that the admin corrects shows at once, in every worker. Reading columns
instead of entities (queries.matrix) and formatting each distinct amount once keep the 800 boxes of a
32-result matrix in five municipalities to a few milliseconds of Jinja.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.bids import queries
from portal.bids.queries import Matrix, MatrixLevel, MatrixResult
from portal.i18n import money
from portal.models import Lot, Municipality, ResultLevel, Tender


@dataclass(frozen=True)
class Box:
    value: str  # "<result level id>:<municipality id>", as the form posts it
    tariff: str  # the amount in the reader's locale; "" without a tariff
    unit: str
    label: str  # what a screen reader says: "<code> niveau <level>, <municipality>"


LevelRow = tuple[MatrixLevel, list[Box]]  # a level and its box in each municipality


@dataclass(frozen=True)
class ResultRows:
    result: MatrixResult
    new_domain: bool  # the first result of its domain in this perceel: the domain's heading goes above it
    levels: list[LevelRow]


@dataclass(frozen=True)
class MatrixView:
    lots: list[tuple[Lot, list[ResultRows]]]  # per perceel its results, in matrix order
    municipalities: list[Municipality]


def view(matrix: Matrix) -> MatrixView:
    boxes = _Boxes(matrix)
    return MatrixView(
        [(lot, _lot_results(matrix.rows[lot.id], boxes)) for lot in matrix.lots], matrix.municipalities
    )


def ticked(chosen: set[tuple[int, int]]) -> set[str]:
    """The chosen (result level, municipality) pairs as the boxes' values."""
    return {f"{level_id}:{municipality_id}" for level_id, municipality_id in chosen}


def pair_labels(tender: Tender, *choices: set[tuple[int, int]]) -> list[list[str]]:
    """Each choice's (result level, municipality) pairs as readable lines, e.g. a stale edit's two sides."""
    result_levels, municipalities, _lots = queries.labels(tender)

    def lines(pairs: set[tuple[int, int]]) -> list[str]:
        named = ((result_levels.get(rl), municipalities.get(m)) for rl, m in sorted(pairs))
        return [_pair_label(rl, m) for rl, m in named if rl is not None and m is not None]

    return [lines(pairs) for pairs in choices]


def _pair_label(result_level: ResultLevel, municipality: Municipality) -> str:
    result = result_level.result
    return _(
        "%(code)s %(result)s – niveau %(level)s – %(municipality)s",
        code=result.code,
        result=result.name,
        level=result_level.level,
        municipality=municipality.name,
    )


def _lot_results(rows: list[tuple[MatrixResult, list[MatrixLevel]]], boxes: _Boxes) -> list[ResultRows]:
    shown, domain = [], None
    for result, levels in rows:
        shown.append(ResultRows(result, result.domain_id != domain, [boxes(result, lv) for lv in levels]))
        domain = result.domain_id
    return shown


class _Boxes:
    """Makes a level's row of boxes, one per municipality; each distinct amount is formatted once."""

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        self.level_word = _("niveau")
        self.money = functools.cache(money)

    def __call__(self, result: MatrixResult, level: MatrixLevel) -> LevelRow:
        return level, [self.box(result, level, m) for m in self.matrix.municipalities]

    def box(self, result: MatrixResult, level: MatrixLevel, municipality: Municipality) -> Box:
        amount, unit = self.matrix.tariffs.get((level.id, municipality.id), (None, ""))
        label = f"{result.code} {self.level_word} {level.level}, {municipality.name}"
        return Box(f"{level.id}:{municipality.id}", self.money(amount), unit, label)
