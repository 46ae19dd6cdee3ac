"""The read-only API (JSON) and its OpenAPI document, at stable URLs under /api/v1."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, request
from flask_babel import lazy_gettext as _l

from portal import access, clock
from portal.api import PREFIX, bp, queries, tokens
from portal.api.problems import problem
from portal.extensions import limiter

OPENAPI = Path(__file__).resolve().parent / "openapi.json"
KVK = "[0-9]{8}"

# Limits per token (or per address without one), decorated once at import (see portal/bids/routes.py).
limited = limiter.limit("120 per minute", key_func=tokens.rate_key)


@cache
def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return document


def _json(body: Any) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@bp.get(PREFIX + "/openapi.json")
@access.public("api.read")
def openapi() -> Response:
    return _json(openapi_document())


@bp.get(PREFIX + "/contracts")
@access.public("api.read")
@limited
@tokens.token_required
def contracts() -> Response:
    return _json({"contracts": queries.contract_list()})


@bp.get(PREFIX + "/providers/<kvk_number>/products")
@access.public("api.read")
@limited
@tokens.token_required
def provider_products(kvk_number: str) -> Response:
    if not re.fullmatch(KVK, kvk_number):
        return problem(400, _l("kvk_number: een KvK-nummer van 8 cijfers."))
    return _json(
        {"kvk_number": kvk_number, "products": queries.provider_products(kvk_number, now=clock.now())}
    )


@bp.get(PREFIX + "/coverage")
@access.public("api.read")
@limited
@tokens.token_required
def coverage() -> Response:
    municipality = request.args.get("municipality", "").strip().upper() or None
    if municipality is not None and not (len(municipality) == 6 and municipality.startswith("GM")):
        return problem(400, _l("municipality: een CBS-code zoals GM0106."))
    return _json({"coverage": queries.coverage(municipality, now=clock.now())})
