"""Release packages, record packages (with a compiled release) and the change feed's pages. Pure.

The compiled release follows the OCDS merge rules (https://standard.open-contracting.org/1.1/en/schema/merging/):
releases are applied oldest first; objects are merged field by field; an array whose items all have an
`id` is merged item by item on that id; any other value (and any other array) replaces the earlier one;
a null removes the field.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from portal.opendata.releases import Release, stamp

VERSION = "1.1"
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"


# Within one second, releases are applied in the order things happen to a tender.
TAG_ORDER = {
    "tender": 0,
    "tenderAmendment": 1,
    "tenderUpdate": 2,
    "award": 3,
    "contract": 4,
    "contractAmendment": 5,
    "contractTermination": 5,
    "contractUpdate": 6,
}


def order_key(release: Release) -> tuple[str, int, str]:
    """Oldest first; in the same second tender before award before contract; then by id."""
    return release["date"], min(TAG_ORDER.get(tag, 9) for tag in release["tag"]), release["id"]


def _merge(base: Any, new: Any) -> Any:
    if isinstance(base, dict) and isinstance(new, dict):
        merged = dict(base)
        for key, value in new.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = _merge(merged.get(key), value)
        return merged
    if isinstance(base, list) and isinstance(new, list) and _identified(base) and _identified(new):
        merged_items = {str(item["id"]): item for item in base}
        for item in new:
            key = str(item["id"])
            merged_items[key] = _merge(merged_items.get(key), item)
        return list(merged_items.values())
    return copy.deepcopy(new)


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" in item for item in items)


def compile_releases(releases: list[Release]) -> Release:
    """The compiled release of one contracting process (its releases, in any order)."""
    ordered = sorted(releases, key=order_key)
    compiled: dict[str, Any] = {}
    for release in ordered:
        body = {k: v for k, v in release.items() if k not in ("id", "date", "tag")}
        compiled = _merge(compiled, body)
    last = ordered[-1]
    return {
        "ocid": last["ocid"],
        "id": f"{last['ocid']}-compiled-{last['date']}",
        "date": last["date"],
        "tag": ["compiled"],
        **{k: v for k, v in compiled.items() if k != "ocid"},
    }


def _envelope(uri: str, publisher: str, published: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [LOTS_EXTENSION],
        "publishedDate": published,
        "publisher": {"name": publisher},
        "license": LICENSE,
    }


def _latest(releases: list[Release], default: datetime) -> str:
    return max((r["date"] for r in releases), default=stamp(default))


def release_package(uri: str, publisher: str, releases: list[Release], *, now: datetime) -> dict[str, Any]:
    """The releases in the order given; `publishedDate` is the newest one's, so the same data gives the same package."""
    return {**_envelope(uri, publisher, _latest(releases, now)), "releases": list(releases)}


def record_package(uri: str, publisher: str, releases: list[Release], *, now: datetime) -> dict[str, Any]:
    ordered = sorted(releases, key=order_key)
    record = {"ocid": ordered[0]["ocid"], "releases": ordered, "compiledRelease": compile_releases(ordered)}
    return {**_envelope(uri, publisher, _latest(ordered, now)), "records": [record]}


def after(
    releases: list[Release], since: str | None, after_id: str | None, *, now: datetime
) -> list[Release]:
    """The releases after the cursor (date, id), oldest first: what an aggregator has not seen.

    `since` alone includes releases at that very second. Releases of the current second are held back
    until it has passed, so one that happens later in the same second is never skipped by a cursor.
    """
    settled = stamp(now)
    ordered = sorted((r for r in releases if r["date"] < settled), key=lambda r: (r["date"], r["id"]))
    if since is None:
        return ordered
    return [r for r in ordered if (r["date"], r["id"]) > (since, after_id or "")]
