"""OCDS open data without log-in: per tender a release and a record package, all releases, a change feed.

Stable Dutch URLs under /open-data/ocds/. A tender that is not public (draft, not yet published,
archived) answers 404, exactly as the public tender page does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from portal import access, clock
from portal.opendata import bp, packages, queries, releases, timeline


def _json(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _publisher() -> str:
    return current_app.config["OCDS_PUBLISHER"]


def _tender_or_404(tender_id: int) -> queries.TenderData:
    found = queries.public_tender(tender_id, now=clock.now())
    if found is None:
        abort(404)
    return found


@bp.get("/")
@access.public("opendata.read")
def index() -> str:
    return render_template("opendata/index.html", tenders=queries.public_list(now=clock.now()))


def _tender_package(tender_id: int, endpoint: str, build: Callable[..., dict[str, Any]]) -> Response:
    data = _tender_or_404(tender_id)
    uri = url_for(endpoint, tender_id=tender_id, _external=True)
    return _json(build(uri, _publisher(), timeline.releases(data), now=clock.now()))


@bp.get("/ocds/inkooptrajecten/<int:tender_id>/releases.json")
@access.public("opendata.read")
def tender_releases(tender_id: int) -> Response:
    return _tender_package(tender_id, "opendata.tender_releases", packages.release_package)


@bp.get("/ocds/inkooptrajecten/<int:tender_id>/record.json")
@access.public("opendata.read")
def tender_record(tender_id: int) -> Response:
    return _tender_package(tender_id, "opendata.tender_record", packages.record_package)


def _all_releases() -> list[releases.Release]:
    return [r for data in queries.public_tenders(now=clock.now()) for r in timeline.releases(data)]


@bp.get("/ocds/releases.json")
@access.public("opendata.read")
def all_releases() -> Response:
    uri = url_for("opendata.all_releases", _external=True)
    everything = sorted(_all_releases(), key=packages.order_key)
    return _json(packages.release_package(uri, _publisher(), everything, now=clock.now()))


def _since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        abort(400, description=_("since: geef een tijdstip in ISO 8601, bijvoorbeeld 2026-11-02T09:00:00Z"))
    return releases.stamp(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC))


@bp.get("/ocds/wijzigingen.json")
@access.public("opendata.read")
def changes() -> Response:
    """The change feed: releases at or after `since` (and after release `na` at that time), oldest first.

    A page holds OCDS_FEED_PAGE_SIZE releases; `links.next` gives the next page. An aggregator keeps the
    date and id of the last release it read and asks again with them.
    """
    since, after_id = _since(request.args.get("since")), request.args.get("na") or None
    size = current_app.config["OCDS_FEED_PAGE_SIZE"]
    pending = packages.after(_all_releases(), since, after_id, now=clock.now())
    page = pending[:size]
    uri = url_for("opendata.changes", _external=True, **request.args.to_dict())
    body = packages.release_package(uri, _publisher(), page, now=clock.now())
    if len(pending) > size:
        last = page[-1]
        body["links"] = {
            "next": url_for("opendata.changes", since=last["date"], na=last["id"], _external=True)
        }
    return _json(body)
