"""A bounded load generator on 127.0.0.1: N concurrent users, a fixed number of requests, a time cap.

Each virtual user keeps its own cookies (so it can be logged in) and requests the given URLs in turn.
Latencies are wall-clock per request; errors are 4xx/5xx answers, redirects to the log-in page (the page
was not measured) and transport failures.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

MAX_SECONDS = 120.0  # a hard cap on any single load run


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)


Login = Callable[[httpx.AsyncClient, int], Awaitable[None]]


@dataclass(frozen=True)
class Plan:
    urls: list[str]
    per_user: int
    own: bool  # True: user i asks urls[i] only (its own organisation's page)
    deadline: float


async def _requests(client: httpx.AsyncClient, plan: Plan, index: int, result: LoadResult) -> None:
    for i in range(plan.per_user):
        if time.monotonic() > plan.deadline:
            return
        url = plan.urls[index % len(plan.urls)] if plan.own else plan.urls[(index + i) % len(plan.urls)]
        started = time.perf_counter()
        try:
            response = await client.get(url)
        except httpx.HTTPError:
            result.errors += 1
            continue
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 400 or "/inloggen" in response.headers.get("location", ""):
            result.errors += 1  # a refusal, or sent to the log-in page: not the page measured


def run(
    base_url: str,
    urls: list[str],
    *,
    users: int = 20,
    requests_per_user: int = 25,
    login: Login | None = None,
    own: bool = False,
    max_seconds: float = MAX_SECONDS,
) -> LoadResult:
    """Run `users` concurrent users, each making `requests_per_user` GETs (bounded by max_seconds).

    All users log in before any measured request; `own`: user i asks urls[i] only.
    """
    if not base_url.startswith(("http://127.", "http://localhost")):
        raise ValueError("load tests target 127.0.0.1 only")
    result = LoadResult()

    async def main() -> None:
        clients = [httpx.AsyncClient(base_url=base_url, timeout=30.0) for _ in range(users)]
        try:
            if login is not None:  # everyone logs in first, so no log-in (argon2) overlaps a measured request
                await asyncio.gather(*(login(client, i) for i, client in enumerate(clients)))
            plan = Plan(urls, requests_per_user, own, time.monotonic() + min(max_seconds, MAX_SECONDS))
            await asyncio.gather(*(_requests(client, plan, i, result) for i, client in enumerate(clients)))
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))

    asyncio.run(main())
    return result
