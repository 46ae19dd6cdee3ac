"""Pure decisions of the figures: which providers count for a coverage cell, and small-number suppression.

A provider counts for a cell (municipality × result code × level) when it holds a signed or active
contract for it, or, while an open-house tender runs, an approved ADMITTED decision whose bid content
is no longer sealed (portal.bids.rules.content_visible). A provider under a cliëntenstop for the
(organisation, municipality, result) does not count there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

from portal.bids.rules import content_visible
from portal.models import Procedure

SMALL_NUMBER = 5  # counts under this are shown as "< 5" to the council and the public


class Cell(NamedTuple):
    municipality_id: int
    result_code: str
    level: int


Line = tuple[Cell, int]  # a cell and the id of the tender's result it belongs to (for the cliëntenstop)


@dataclass(frozen=True)
class Offer:
    """What one provider can deliver by one contract, or by one admitted open-house bid: its lines."""

    organisation_id: int
    lines: tuple[Line, ...]
    contracted: bool
    procedure: Procedure = Procedure.OPEN_HOUSE
    submission_deadline: datetime | None = None
    window_closes_at: datetime | None = None


@dataclass(frozen=True)
class Coverage:
    contracted: int = 0
    admitted: int = 0  # admitted in a running open-house tender, not (yet) contracted

    @property
    def gap(self) -> bool:
        return self.contracted + self.admitted == 0


def counts(offer: Offer, *, now: datetime) -> bool:
    """Whether an offer counts: a contract always, a bid only once its content is no longer sealed."""
    if offer.contracted:
        return True
    tender = SimpleNamespace(procedure=offer.procedure, submission_deadline=offer.submission_deadline)
    window = SimpleNamespace(closes_at=offer.window_closes_at) if offer.window_closes_at else None
    return content_visible(tender, window, now=now)


def coverage(
    cells: Iterable[Cell], offers: Iterable[Offer], stopped: set[tuple[int, int, int]], *, now: datetime
) -> dict[Cell, Coverage]:
    """Per cell the number of distinct providers contracted and (only) admitted; cells without any are gaps."""
    contracted: dict[Cell, set[int]] = {}
    admitted: dict[Cell, set[int]] = {}
    for offer in offers:
        if counts(offer, now=now):
            target = contracted if offer.contracted else admitted
            for cell, result_id in offer.lines:
                if (offer.organisation_id, cell.municipality_id, result_id) not in stopped:
                    target.setdefault(cell, set()).add(offer.organisation_id)
    result = {}
    for cell in cells:
        signed = contracted.get(cell, set())
        result[cell] = Coverage(len(signed), len(admitted.get(cell, set()) - signed))
    return result


def shown(count: int, *, suppress: bool) -> str:
    """A count as shown: under SMALL_NUMBER (but not 0) as "< 5" where the council or the public sees it."""
    if suppress and 0 < count < SMALL_NUMBER:
        return f"< {SMALL_NUMBER}"
    return str(count)
