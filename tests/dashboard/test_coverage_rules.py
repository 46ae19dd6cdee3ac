"""Coverage counted by hand for a small region: two municipalities, one result at levels 4 and 5."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.figures.rules import Cell, Coverage, Offer, coverage, shown
from portal.models import Procedure

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
M1, M2, R1 = 1, 2, 100
CELLS = [Cell(M1, "R1", 4), Cell(M1, "R1", 5), Cell(M2, "R1", 4), Cell(M2, "R1", 5)]
CLOSED = NOW - timedelta(days=1)
OPEN = NOW + timedelta(days=1)

OFFERS = [
    Offer(10, ((Cell(M1, "R1", 4), R1),), contracted=True),
    Offer(10, ((Cell(M1, "R1", 4), R1),), contracted=False, window_closes_at=CLOSED),  # already contracted
    Offer(11, ((Cell(M1, "R1", 4), R1),), contracted=True),  # under a cliëntenstop in M1
    Offer(11, ((Cell(M2, "R1", 5), R1),), contracted=True),  # no stop in M2
    Offer(12, ((Cell(M1, "R1", 5), R1),), contracted=False, window_closes_at=CLOSED),
    Offer(12, ((Cell(M1, "R1", 5), R1),), contracted=False, window_closes_at=CLOSED),  # counted once
    Offer(13, ((Cell(M2, "R1", 4), R1),), contracted=False, window_closes_at=OPEN),  # still sealed
    Offer(14, ((Cell(M2, "R1", 4), R1),), contracted=False, window_closes_at=None),  # no window: sealed
    Offer(
        15,
        ((Cell(M2, "R1", 5), R1),),
        contracted=False,
        procedure=Procedure.COMPETITIVE,
        submission_deadline=CLOSED,
    ),
]
STOPPED = {(11, M1, R1)}


def test_coverage_counts_contracts_and_unsealed_admissions_but_not_stops_or_sealed_bids() -> None:
    assert coverage(CELLS, OFFERS, STOPPED, now=NOW) == {
        Cell(M1, "R1", 4): Coverage(contracted=1, admitted=0),
        Cell(M1, "R1", 5): Coverage(contracted=0, admitted=1),
        Cell(M2, "R1", 4): Coverage(contracted=0, admitted=0),
        Cell(M2, "R1", 5): Coverage(contracted=1, admitted=1),
    }


def test_only_the_empty_cell_is_a_gap() -> None:
    found = coverage(CELLS, OFFERS, STOPPED, now=NOW)
    assert [cell for cell, counted in found.items() if counted.gap] == [Cell(M2, "R1", 4)]


def test_the_sealed_bid_counts_once_its_window_has_closed() -> None:
    later = coverage(CELLS, OFFERS, STOPPED, now=OPEN)
    assert later[Cell(M2, "R1", 4)] == Coverage(contracted=0, admitted=1)


def test_without_the_stop_the_stopped_provider_counts() -> None:
    assert coverage(CELLS, OFFERS, set(), now=NOW)[Cell(M1, "R1", 4)].contracted == 2


def test_small_numbers_are_suppressed_only_when_asked() -> None:
    assert [shown(n, suppress=True) for n in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]
    assert shown(3, suppress=False) == "3"
