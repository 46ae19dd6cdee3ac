"""P5: the SQL statements each heavy page of P1 sends, on the full data set and on a ten times smaller one.

In process, through the Flask test client (the same app, the same pages and log-ins as P1), counting
every statement the engine executes for one warm request. A page whose count grows with the data has
an N+1 somewhere; the counts must be equal.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from bench import factor, pages


def counts(env: dict[str, str]) -> dict[str, int]:
    """Page name → statements of one request (after a first, warming one), logged in as P1 does."""
    from bench.agreements_bench import make_app
    from portal.benchdata import BENCH_PASSWORD
    from portal.extensions import db

    app = make_app(env["DATABASE_URL"], env["UPLOAD_DIR"])
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    found: dict[str, int] = {}
    statements = [0]
    with app.app_context():
        engine = db.engine
    sa.event.listen(
        engine, "before_cursor_execute", lambda *args: statements.__setitem__(0, statements[0] + 1)
    )
    clients: dict[str, FlaskClient] = {}  # one log-in per person: a second-factor code is single-use
    for page in pages.heavy_pages(env["DATABASE_URL"], users=1):
        client = clients.get(page.emails[0])
        if client is None:
            client = clients[page.emails[0]] = app.test_client()
            factor.log_in_test_client(client, page.emails[0], BENCH_PASSWORD)
        client.get(page.urls[0])
        statements[0] = 0
        response = client.get(page.urls[0])
        if response.status_code != 200:
            raise RuntimeError(f"{page.name}: {response.status_code}")
        found[page.name] = statements[0]
    return found
