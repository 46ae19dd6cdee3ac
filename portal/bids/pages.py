"""Helpers shared by the bid routes: load-or-404 with access and audit, refusals, the editable flag."""

from __future__ import annotations

from flask import request

from portal import access, audit, clock, web
from portal.bids import rules, service
from portal.models import Bid, User


def acting_user() -> User:
    return web.current_user()


def bid_or_404(bid_id: int, action: str = "bids.view") -> Bid:
    """Load-or-404 plus permission; every page view of bid data is recorded in the audit trail."""
    bid = access.get_or_404(Bid, bid_id, action)
    if request.method == "GET":
        audit.record("bids.view", bid, page=request.endpoint)
    return bid


def refused(action: str, bid: Bid | None, error: Exception) -> None:
    audit.refused(action, bid, reason=type(error).__name__)


def editable(bid: Bid) -> bool:
    try:
        service.ensure_editable(bid, now=clock.now())
    except rules.BidRefused:
        return False
    return True
