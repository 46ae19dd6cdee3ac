"""Helpers shared by the bid routes: the acting user and organisation, load-or-404 with access and
audit, refusals, the editable flag and a page with its status."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from portal import access, audit, clock, web
from portal.bids import rules, service
from portal.models import Bid, Organisation, User
from portal.web import Page


def acting_user() -> User:
    return web.current_user()


def acting_organisation() -> Organisation:
    """The provider the acting user works for (the bids policies admit provider users only)."""
    organisation = acting_user().organisation
    if organisation is None:
        abort(403)
    return organisation


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


def page(template: str, status: int, **context: Any) -> Page:
    """The rendered template, with its status when that is not 200."""
    html = render_template(template, **context)
    return (html, status) if status != 200 else html
