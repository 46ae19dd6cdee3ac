"""The heaviest pages of P1, each with the log-in it needs, read from the bench database.

Every virtual user logs in as its own person: providers as the admin of a different organisation
(its own draft bid on the deadline-rush tender), staff as the bench data set's buyer, assessor and
contract manager. The ids come from the database that `flask bench-data` built.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

import httpx
import sqlalchemy as sa

from bench import factor
from bench.loadgen import Login
from portal.benchdata import BENCH_PASSWORD, REFERENCE, RUSH_REFERENCE

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str
    urls: list[str]  # one per virtual user (cycled)
    login: Login | None = None
    emails: tuple[str, ...] = ()  # whom the virtual users log in as (cycled)
    own: bool = False  # True: virtual user i only ever asks urls[i] (its own organisation's bid)


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no csrf_token in the page")
    return match.group(1) or match.group(2)


async def log_in(client: httpx.AsyncClient, email: str) -> None:
    """Password, then (staff) the second factor; a member of staff logs in once per run and every client
    acting for that person shares the session, as a code is single-use (bench/factor.py)."""
    async with _lock(email):
        if email in _SESSIONS:
            client.cookies.update(_SESSIONS[email])
            return
        form = await client.get("/inloggen")
        response = await client.post(
            "/inloggen",
            data={
                "csrf_token": csrf_token(form.text),
                "email": email,
                "password": BENCH_PASSWORD,
                "next": "",
            },
        )
        if response.status_code != 302:
            raise RuntimeError(f"log-in of {email} failed: {response.status_code}")
        if response.headers.get("location", "").endswith("/inloggen/code"):
            await _second_factor(client, email)


async def _second_factor(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/inloggen/code")
    data = {"csrf_token": csrf_token(page.text), "code": factor.next_code(email)}
    response = await client.post("/inloggen/code", data=data)
    if response.status_code != 302 or response.headers.get("location", "").endswith("/inloggen"):
        raise RuntimeError(f"second factor of {email} failed: {response.status_code}")
    _SESSIONS[email] = httpx.Cookies(client.cookies)


_SESSIONS: dict[str, httpx.Cookies] = {}  # staff e-mail → the cookies of its one log-in this run
_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}


def _lock(email: str) -> asyncio.Lock:
    """One log-in at a time per person (locks belong to the running event loop: one per phase)."""
    return _LOCKS.setdefault((id(asyncio.get_running_loop()), email), asyncio.Lock())


def _login_as(emails: list[str]) -> Login:
    async def login(client: httpx.AsyncClient, index: int) -> None:
        await log_in(client, emails[index % len(emails)])

    return login


def heavy_pages(database_url: str, users: int = 20) -> list[Page]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        ids = _ids(connection, users)
    engine.dispose()
    providers = [email for email, _bid in ids["rush_bids"]]
    rows = [
        ("provider matrix choice", [f"/inschrijvingen/{bid}/keuze" for _e, bid in ids["rush_bids"]], providers, True),
        ("bid overview", [f"/inschrijvingen/{bid}" for _e, bid in ids["rush_bids"]], providers, True),
        ("assessor scoring page", [f"/beoordeling/inschrijving/{s}" for s in ids["submissions"]], [ids["assessor"]], False),
        ("contract register", ["/overeenkomsten/register"], [ids["contract_manager"]], False),
        ("tender result page", [f"/beoordeling/beheer/{ids['tender']}/resultaten"], [ids["buyer"]], False),
        ("contract export per municipality", [f"/contracten/gemeenten/{ids['municipality']}/contracten.csv"], [ids["contract_manager"]], False),
        ("requirement across bids", [f"/beoordeling/beheer/{ids['tender']}/eisen/{ids['requirement']}?uitkomst=open"], [ids["buyer"]], False),
        ("requirement overview", [f"/beoordeling/beheer/{ids['tender']}/eisen"], [ids["buyer"]], False),
        ("scoring per criterion", [f"/beoordeling/{ids['tender']}/criterium/{ids['criterion']}?nr=17"], [ids["assessor"]], False),
        ("consensus per criterion", [f"/beoordeling/beheer/{ids['tender']}/consensus?criterium={ids['criterion']}&alleen=open"], [ids["buyer"]], False),
        ("decisions", [f"/beoordeling/beheer/{ids['tender']}/besluiten?status=goedgekeurd"], [ids["buyer"]], False),
        ("monitoring list", ["/monitoring/", "/monitoring/?only_open=y&pagina=2"], [ids["contract_manager"]], False),
        ("coverage figures", ["/cijfers"], [ids["buyer"]], False),
    ]  # fmt: skip
    return [Page(name, urls, _login_as(emails), tuple(emails), own) for name, urls, emails, own in rows]


def staff_email(connection: sa.Connection, role: str) -> str:
    """The bench data set's first member of staff with this role."""
    return connection.execute(
        sa.text(
            "SELECT u.email FROM user_account u JOIN user_role r ON r.user_id = u.id "
            "WHERE r.role = :role AND u.email LIKE :domain ORDER BY u.id LIMIT 1"
        ),
        {"role": role, "domain": "%@bench.inkoop-nmd.nl"},
    ).scalar_one()


def _ids(connection: sa.Connection, users: int) -> dict:
    factor.load_secrets(connection)
    tender = connection.execute(
        sa.text("SELECT id FROM tender WHERE reference = :r"), {"r": REFERENCE}
    ).scalar_one()
    rush_bids = connection.execute(
        sa.text(
            "SELECT u.email, b.id FROM bid b JOIN tender t ON t.id = b.tender_id "
            "JOIN user_account u ON u.organisation_id = b.organisation_id "
            "JOIN user_role r ON r.user_id = u.id AND r.role = 'provider_admin' "
            "WHERE t.reference = :r ORDER BY b.id LIMIT :n"
        ),
        {"r": RUSH_REFERENCE, "n": users},
    ).all()
    submissions = (
        connection.execute(
            sa.text(
                "SELECT s.id FROM bid_submission s JOIN bid b ON b.id = s.bid_id WHERE b.tender_id = :t "
                "ORDER BY s.id LIMIT :n"
            ),
            {"t": tender, "n": users},
        )
        .scalars()
        .all()
    )

    def staff(role: str) -> str:
        return staff_email(connection, role)

    first = "SELECT id FROM {table} WHERE tender_id = :t ORDER BY position, id LIMIT 1"
    return {
        "requirement": connection.execute(
            sa.text(first.format(table="requirement")), {"t": tender}
        ).scalar_one(),
        "criterion": connection.execute(
            sa.text(first.format(table="award_criterion")), {"t": tender}
        ).scalar_one(),
        "tender": tender,
        "rush_bids": [tuple(row) for row in rush_bids],
        "submissions": list(submissions),
        "assessor": staff("assessor"),
        "buyer": staff("buyer"),
        "contract_manager": staff("contract_manager"),
        "municipality": connection.execute(sa.text("SELECT min(id) FROM municipality")).scalar_one(),
    }
