"""`flask --app portal bench-data`: a deterministic region of realistic size for `make bench` (issue 8).

What it builds, in this order (each step in its own module):
- region.py: the five municipalities, staff (buyers, three assessors, a contract manager), and the
  tender NMD-BENCH-2027 through the tender services: 4 domains × 8 results × levels 4–8 (160
  result-levels) in 8 percelen with a tariff per municipality, 32 kwaliteitseisen (seed 004 §5.2),
  6 gunningscriteria; published, its admission window closed a month ago.
- providers.py: 350 provider organisations with 1–3 users, 3 small real PDFs of evidence each, a bid
  of on average 340 lines (50–120 result-levels in 3–5 municipalities), every requirement and
  criterion answered, submitted through the bids service (canonical content and SHA-256).
- scoring.py: the opening, three assessors' scores and the consensus of every criterion of every
  bid, the requirement checks, and the decisions drafted and approved (four eyes) through the
  assessment services.
- rush.py: the deadline-rush tender NMD-BENCH-RUSH (a copy of the matrix, an aanbesteding whose
  deadline is hours away) with a complete draft bid of 400 organisations, for P2.

- contracts: every admitted provider's raamovereenkomst numbered with its content, through the
  agreements service (`--no-contracts` leaves them out). Their PDFs are the bulk job's work
  (`flask --app portal agreements-generate NMD-BENCH-2027`); `make bench` builds without contracts and
  times that job making them whole as P4. Bulk rows (bid lines, answers, scores) go in
with one multi-row INSERT per table; everything whose shape a feature defines goes through that
feature's service. Every random choice comes from one seeded generator.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import click

BENCH_PASSWORD = "Bench-wachtwoord-2027"  # noqa: S105 - the bench data set's published log-in
REFERENCE = "NMD-BENCH-2027"
RUSH_REFERENCE = "NMD-BENCH-RUSH"
PROVIDERS = 350
RUSH_ORGANISATIONS = 400
SEED = 2027

T = TypeVar("T")


@dataclass(frozen=True)
class Size:
    providers: int = PROVIDERS
    rush_organisations: int = RUSH_ORGANISATIONS

    def scaled(self, factor: float) -> Size:
        return Size(max(2, round(self.providers * factor)), max(2, round(self.rush_organisations * factor)))


@dataclass
class Steps:
    """Each step of the build committed on its own, its seconds kept and echoed."""

    echo: Callable[[str], None]
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, fn: Callable[[], T]) -> T:
        from portal.extensions import db

        started = time.perf_counter()
        value = fn()
        db.session.commit()
        self.timings[name] = round(time.perf_counter() - started, 1)
        self.echo(f"  {name}: {self.timings[name]} s")
        return value


def build(
    size: Size = Size(), *, contracts: bool = True, echo: Callable[[str], None] = click.echo
) -> dict[str, float]:
    """Build the whole data set in an empty (migrated) database; returns seconds per step."""
    from portal.benchdata import providers, region, rush, scoring
    from portal.monitoring import benchdata as monitoring_bench

    rng = random.Random(SEED)  # noqa: S311 - reproducible bench data, not security
    steps = Steps(echo)
    staff = steps.run("region and tender", region.build)
    organisations = steps.run("providers and bids", lambda: providers.build(staff, size.providers, rng))
    steps.run("assessment and decisions", lambda: scoring.build(staff, rng))
    steps.run("deadline-rush tender", lambda: rush.build(staff, organisations, size.rush_organisations, rng))
    if contracts:
        steps.run("contracts (without PDF)", lambda: scoring.number_contracts(staff))
    steps.run("monitoring", lambda: monitoring_bench.build(staff.contract_manager_id, rng))
    return steps.timings
