"""P2, the deadline rush: 400 organisations submit their final bid within 60 seconds.

Before the clock: every organisation's admin logs in and opens the submit page (its CSRF token and
idempotency key). Then each one presses "Inschrijving indienen" at its own moment, spread at random
(seeded) over 60 s; one in ten presses twice (a double click, 50–300 ms apart). Afterwards the
database is counted: one submission per organisation, none lost, none doubled; every stored hash is the
SHA-256 of its canonical content and is found by the public receipt check; the receipt PDFs the
background worker has made carry that same hash.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from flask import Flask

from bench.loadgen import LoadResult
from bench.pages import csrf_token, log_in
from portal.benchdata import RUSH_REFERENCE

WINDOW_SECONDS = 60.0
DOUBLE_CLICK_SHARE = 0.1


@dataclass
class RushResult:
    load: LoadResult = field(default_factory=LoadResult)
    organisations: int = 0
    double_clicks: int = 0
    wall_seconds: float = 0.0


def organisations(database_url: str) -> list[tuple[str, int]]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT u.email, b.id FROM bid b JOIN tender t ON t.id = b.tender_id "
                "JOIN user_account u ON u.organisation_id = b.organisation_id "
                "JOIN user_role r ON r.user_id = u.id AND r.role = 'provider_admin' "
                "WHERE t.reference = :r ORDER BY b.id"
            ),
            {"r": RUSH_REFERENCE},
        ).all()
    engine.dispose()
    return [(email, bid_id) for email, bid_id in rows]


def idempotency_key(html: str) -> str:
    match = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="idempotency_key"', html
    )
    if match is None:
        raise RuntimeError("no idempotency_key in the submit page")
    return match.group(1)


async def _prepare(client: httpx.AsyncClient, email: str, bid_id: int, gate: asyncio.Semaphore) -> dict:
    async with gate:
        await log_in(client, email)
        page = await client.get(f"/inschrijvingen/{bid_id}/indienen")
        if page.status_code != 200:
            raise RuntimeError(f"submit page of bid {bid_id}: {page.status_code}")
        return {
            "csrf_token": csrf_token(page.text),
            "idempotency_key": idempotency_key(page.text),
            "confirm": "y",
        }


async def _press(client: httpx.AsyncClient, bid_id: int, form: dict, result: LoadResult) -> None:
    started = time.perf_counter()
    try:
        response = await client.post(f"/inschrijvingen/{bid_id}/indienen", data=form)
    except httpx.HTTPError:
        result.errors += 1
        return
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
    if response.status_code != 302 or "/ingediend/" not in response.headers.get("location", ""):
        result.errors += 1


async def _organisation(
    client: httpx.AsyncClient,
    bid_id: int,
    form: dict,
    at: float,
    double: float | None,
    start: float,
    result: LoadResult,
) -> None:
    await asyncio.sleep(max(0.0, start + at - time.monotonic()))
    presses = [_press(client, bid_id, form, result)]
    if double is not None:
        presses.append(_second_press(client, bid_id, form, double, result))
    await asyncio.gather(*presses)


async def _second_press(
    client: httpx.AsyncClient, bid_id: int, form: dict, delay: float, result: LoadResult
) -> None:
    await asyncio.sleep(delay)
    await _press(client, bid_id, form, result)


def run(base_url: str, database_url: str, *, seed: int = 8) -> RushResult:
    if not base_url.startswith(("http://127.", "http://localhost")):
        raise ValueError("load tests target 127.0.0.1 only")
    rng = random.Random(seed)  # noqa: S311 - a reproducible schedule, not security
    orgs = organisations(database_url)
    schedule = sorted(rng.uniform(0, WINDOW_SECONDS) for _ in orgs)
    rng.shuffle(schedule)
    doubles = [rng.uniform(0.05, 0.3) if rng.random() < DOUBLE_CLICK_SHARE else None for _ in orgs]
    outcome = RushResult(organisations=len(orgs), double_clicks=sum(d is not None for d in doubles))

    async def main() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        clients = [httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) for _ in orgs]
        try:
            gate = asyncio.Semaphore(8)
            forms = await asyncio.gather(
                *(_prepare(c, email, bid_id, gate) for c, (email, bid_id) in zip(clients, orgs, strict=True))
            )
            start = time.monotonic()
            await asyncio.gather(
                *(
                    _organisation(c, bid_id, form, at, double, start, outcome.load)
                    for c, (_e, bid_id), form, at, double in zip(
                        clients, orgs, forms, schedule, doubles, strict=True
                    )
                )
            )
            outcome.wall_seconds = time.monotonic() - start
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

    asyncio.run(main())
    return outcome


@dataclass
class Count:
    submissions: int
    bids_with_one: int
    bids_with_more: int
    hashes_ok: int
    verified: int
    receipts_made: int
    receipts_ok: int


def count(app: Flask, upload_dir: str) -> Count:
    """What the database holds after the rush, and whether every hash verifies."""
    from portal.bids import canonical, queries, receipt
    from portal.extensions import db
    from portal.models import Bid, BidSubmission, Tender

    with app.app_context():
        rows = db.session.scalars(
            sa.select(BidSubmission).join(Bid).join(Tender).where(Tender.reference == RUSH_REFERENCE)
        ).all()
        per_bid: dict[int, int] = {}
        for s in rows:
            per_bid[s.bid_id] = per_bid.get(s.bid_id, 0) + 1
        hashes_ok = sum(1 for s in rows if canonical.digest(s.content) == s.sha256)
        verified = sum(1 for s in rows if queries.verify_hash(s.sha256) is not None)
        made = ok = 0
        for s in rows:
            path = Path(upload_dir) / receipt.stored_name(s)
            if path.exists():
                made += 1
                ok += receipt.hash_from_pdf(path.read_bytes()) == s.sha256
        return Count(
            submissions=len(rows),
            bids_with_one=sum(1 for n in per_bid.values() if n == 1),
            bids_with_more=sum(1 for n in per_bid.values() if n > 1),
            hashes_ok=hashes_ok,
            verified=verified,
            receipts_made=made,
            receipts_ok=ok,
        )
