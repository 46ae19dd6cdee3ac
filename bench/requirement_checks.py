"""The measure "requirement checks for 350 bids": the HTTP requests a buyer needs to mark every met
requirement met (issue 14's goal: at most 2 per requirement, not one per bid × requirement).

Taken on a copy of the bench database (CREATE DATABASE ... TEMPLATE), with the bench tender's decisions
and checks removed, so the region the other measures read is untouched. Per requirement the buyer opens
the list filtered on the answers still open (one GET, 50 a page) and presses "Voldaan voor alle ...
inschrijvingen van dit filter" (one POST); proposals ("nee" on a knock-out) are left for a buyer one by one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.test import TestResponse

from bench import factor

COPY = "portal_bench_checks"
DELETE_DECISIONS = (
    "DELETE FROM decision WHERE submission_id IN "
    "(SELECT s.id FROM bid_submission s JOIN bid b ON b.id = s.bid_id WHERE b.tender_id = :t)"
)
DELETE_CHECKS = (
    "DELETE FROM requirement_check WHERE submission_id IN "
    "(SELECT s.id FROM bid_submission s JOIN bid b ON b.id = s.bid_id WHERE b.tender_id = :t)"
)
COUNT_BIDS = "SELECT count(*) FROM bid_submission s JOIN bid b ON b.id = s.bid_id WHERE b.tender_id = :t"


@dataclass(frozen=True)
class Result:
    requests: int
    requirements: int
    bids: int
    checks_left: int  # answers neither met nor proposed after the run: 0 when every met one was marked
    seconds: float


def copy_database(server_url: str, source: str) -> str:
    """A copy of `source` under the name COPY; returns its URL. No one may be connected to the source: the
    earlier phases' pools (the in-process P5 app) are closed here, the web server is already stopped."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :source AND pid <> pg_backend_pid()"
            ),
            {"source": source},
        )
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{COPY}" TEMPLATE "{source}"')
    admin.dispose()
    return sa.engine.make_url(server_url).set(database=COPY).render_as_string(hide_password=False)


def _reset(url: str, reference: str) -> tuple[int, list[int], int]:
    """Remove the tender's decisions and checks: every requirement of every bid is open again."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tender = connection.execute(
            sa.text("SELECT id FROM tender WHERE reference = :r"), {"r": reference}
        ).scalar_one()
        for statement in (DELETE_DECISIONS, DELETE_CHECKS):
            connection.execute(sa.text(statement), {"t": tender})
        requirements = connection.execute(
            sa.text("SELECT id FROM requirement WHERE tender_id = :t ORDER BY position, id"), {"t": tender}
        ).scalars()
        bids = connection.execute(sa.text(COUNT_BIDS), {"t": tender}).scalar_one()
        found = (tender, list(requirements), bids)
    engine.dispose()
    return found


def _left(url: str, tender: int) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        left = connection.execute(
            sa.text(
                "SELECT count(*) FROM submitted_answer a JOIN requirement r ON r.id = a.requirement_id "
                "LEFT JOIN requirement_check c ON c.submission_id = a.submission_id "
                "AND c.requirement_id = a.requirement_id WHERE r.tender_id = :t AND c.id IS NULL"
            ),
            {"t": tender},
        ).scalar_one()
    engine.dispose()
    return left


def run(server_url: str, source: str, upload_dir: str, buyer: str) -> Result:
    from bench.agreements_bench import make_app
    from portal.benchdata import BENCH_PASSWORD, REFERENCE

    url = copy_database(server_url, source)
    tender, requirements, bids = _reset(url, REFERENCE)
    app = make_app(url, upload_dir)
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    factor.log_in_test_client(client, buyer, BENCH_PASSWORD)
    started, requests = time.perf_counter(), 0
    for requirement in requirements:
        listing = f"/beoordeling/beheer/{tender}/eisen/{requirement}"
        requests += _expect(client.get(f"{listing}?uitkomst=open"), 200)
        requests += _expect(client.post(f"{listing}/voldaan?uitkomst=open", data={"bereik": "alle"}), 302)
    return Result(requests, len(requirements), bids, _left(url, tender), time.perf_counter() - started)


def _expect(response: TestResponse, status: int) -> int:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.path}: {response.status_code}, expected {status}")
    return 1
