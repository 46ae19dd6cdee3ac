"""`make run`'s default holds: the development server on SQLite, background work in a thread of the web
process, several providers submitting at the same moment, and every receipt mail reaches the SMTP server.

Before WAL and IMMEDIATE transactions, the receipt thread's writes and the requests' writes met in
"database is locked" and the receipts were lost until someone ran `flask send-mail`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from bench.pages import CSRF
from bench.rush import idempotency_key, organisations
from portal.benchdata import BENCH_PASSWORD
from tests.smtp import RecordingSMTPServer

pytestmark = pytest.mark.committed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - a fixed command: this project's own flask CLI
        [sys.executable, "-m", "flask", "--app", "portal", *args], env=env, check=True, timeout=300
    )


def _token(html: str) -> str:
    match = CSRF.search(html)
    assert match is not None
    return match.group(1) or match.group(2)


def _submit(base: str, email: str, bid_id: int, gate: threading.Barrier, outcome: dict[int, int]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/inloggen")
        client.post(
            "/inloggen", data={"csrf_token": _token(page.text), "email": email, "password": BENCH_PASSWORD}
        )
        page = client.get(f"/inschrijvingen/{bid_id}/indienen")
        form = {
            "csrf_token": _token(page.text),
            "idempotency_key": idempotency_key(page.text),
            "confirm": "y",
        }
        gate.wait()  # everyone presses at once
        outcome[bid_id] = client.post(f"/inschrijvingen/{bid_id}/indienen", data=form).status_code


def _wait_for_server(base: str, process: subprocess.Popen) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError("the development server stopped")
        try:
            if httpx.get(f"{base}/gezond", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the development server did not start")


def test_simultaneous_submits_on_the_sqlite_dev_server_all_get_their_receipt_mail(tmp_path: Path) -> None:
    smtp = RecordingSMTPServer()
    smtp.start()
    database = tmp_path / "portal.sqlite"
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "TEST_DATABASE_URL"}
    } | {
        "PORTAL_ENV": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "dev-server-test-key-0123456789abcdef",
        "MAIL_SERVER": smtp.hostname,
        "MAIL_PORT": str(smtp.port),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
    }
    _flask(env, "db", "upgrade")
    _flask(env, "bench-data", "--scale", "0.01", "--no-contracts")
    admins = organisations(f"sqlite:///{database}")  # the rush tender's provider admins, as P2 finds them
    assert len(admins) >= 4
    server = subprocess.Popen(  # noqa: S603 - a fixed command: Flask's own development server
        [sys.executable, "-m", "flask", "--app", "portal", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(base, server)
        outcome: dict[int, int] = {}
        gate = threading.Barrier(len(admins))
        threads = [threading.Thread(target=_submit, args=(base, e, b, gate, outcome)) for e, b in admins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert outcome == dict.fromkeys((bid for _e, bid in admins), 302)
        wanted = {email for email, _bid in admins}  # the signer; colleagues may get a copy too
        received: set[str] = set()
        for _ in range(600):  # the receipt PDFs are made by the server's background thread
            received = {
                m["To"]
                for m in smtp.messages
                if any(p.get_content_type() == "application/pdf" for p in m.walk())
            }
            if wanted <= received:
                break
            time.sleep(0.2)
        assert wanted <= received
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
        smtp.stop()
    assert b"database is locked" not in errors
