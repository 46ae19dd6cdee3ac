"""Benchmark of the raamovereenkomsten (issue 7); not run by the tests.

    /work/main/.venv/bin/python -m bench.agreements_bench [--providers 350] [--runs 5] [--sqlite]

P3: the median time of rendering one 14-page contract (PDF/A-3b, from a frozen content).
P4: the wall time of bulk generation ("generate all") for N admitted providers with the process pool
of two workers, on a fresh PostgreSQL database (BENCH_DATABASE_SERVER) or, with --sqlite, a file.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "portal_agreements_bench"
MUNICIPALITIES = [("GM1680", "Aa en Hunze"), ("GM0106", "Assen"), ("GM1731", "Midden-Drenthe"),
                  ("GM1699", "Noordenveld"), ("GM1730", "Tynaarlo")]  # fmt: skip


def make_app(database_url: str, upload_dir: str):  # type: ignore[no-untyped-def]
    from config import Config
    from portal import create_app

    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": upload_dir, "SECRET_KEY": "bench-key"}
    return create_app(type("BenchConfig", (Config,), overrides))


# --- P3: one 14-page contract ---------------------------------------------------------------------


def big_content(lines_per_lot: int) -> dict:
    municipalities = [{"cbs_code": c, "name": n, "signatory_name": "Wethouder Jeugd", "signatory_function": "Wethouder"}
                      for c, n in MUNICIPALITIES]  # fmt: skip
    lots = []
    for lot_index, lot_name in enumerate(["Jeugdhulp ambulant", "Jeugdhulp met verblijf", "Wmo begeleiding"]):
        lines = []
        for i in range(lines_per_lot):
            lines.append({
                "result_code": f"{'JWZ'[lot_index]}{i // 5 + 1:02d}", "result_name": f"Resultaat {lot_index + 1}.{i // 5 + 1} veilig opgroeien en meedoen",
                "domain": ["Veilig", "Zelfredzaam", "Meedoen", "Gezond"][i % 4], "level": 4 + i % 5, "unit": "per maand",
                "tariffs": {c: f"{245 + 97 * i + 13 * m}.{(i * 7 + m) % 100:02d}" for m, (c, _) in enumerate(MUNICIPALITIES)},
            })  # fmt: skip
        lots.append({"name": lot_name, "lines": lines})
    return {
        "number": "NMD-2027-0001",
        "tender": {"reference": "NMD-JW-2027", "title": "Jeugd en Wmo 2027", "procedure": "Open house", "law": "Jeugdwet en Wmo"},
        "provider": {"name": "Zorggroep De Drentse Hoeve", "kvk_number": "60123456", "agb_code": "73730001",
                     "street": "Brink 12", "postcode": "9401 HS", "city": "Assen",
                     "signatory_name": "Anna de Vries", "signatory_function": "Bestuurder"},
        "municipalities": municipalities,
        "term": {"start": "2027-01-01", "end": "2029-12-31", "term_months": 36, "extension_count": 2,
                 "extension_months": 12, "extensions_used": 0, "ended_on": None},
        "decided_on": "2026-11-20",
        "lots": lots,
    }  # fmt: skip


def measure_one_contract(app, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from portal.agreements import document, service

    body = service.DEFAULT_TERMS.read_text(encoding="utf-8")
    created = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with app.app_context():
        content, pages = None, 0
        for lines_per_lot in range(30, 200, 2):  # the size that gives 14 pages (about 30 per perceel)
            content = big_content(lines_per_lot)
            data = document.render(
                content, version=1, reason="Eerste versie", created_at=created, template_body=body
            )
            pages = len(PdfReader(io.BytesIO(data)).pages)
            if pages >= 14:
                break
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            document.render(
                content, version=1, reason="Eerste versie", created_at=created, template_body=body
            )
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    print(
        f"   (CPU time median {statistics.median(cpu):.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return statistics.median(timings), pages


# --- P4: bulk generation ----------------------------------------------------------------------------


def fresh_postgres() -> str:
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    admin.dispose()
    return sa.engine.make_url(PG_SERVER).set(database=BENCH_DB).render_as_string(hide_password=False)


def build_tender(providers: int):  # type: ignore[no-untyped-def]
    from portal.extensions import db
    from portal.models import (
        Bid,
        BidLine,
        BidSubmission,
        Decision,
        DecisionOutcome,
        Domain,
        Law,
        Lot,
        Municipality,  # fmt: skip
        Organisation,
        Procedure,
        Result,
        ResultLevel,
        Tariff,
        Tender,
    )

    rng = random.Random(7)  # noqa: S311 - reproducible test data, not security
    municipalities = [Municipality(cbs_code=c, name=n, signatory_name="Wethouder") for c, n in MUNICIPALITIES]
    domains = [
        Domain(name=n, position=i) for i, n in enumerate(["Veilig", "Zelfredzaam", "Meedoen", "Gezond"])
    ]
    tender = Tender(reference="NMD-BENCH-2027", title="Jeugd en Wmo 2027", procedure=Procedure.OPEN_HOUSE,
                    law=Law.BOTH, contract_start=date(2027, 1, 1), term_months=36, extension_count=2)  # fmt: skip
    tender.municipalities = municipalities
    tender.lots = [Lot(name=f"Perceel {i + 1}", position=i) for i in range(3)]
    db.session.add_all([*domains, tender])
    levels = []
    for r in range(12):
        result = Result(
            tender=tender,
            domain=domains[r % 4],
            code=f"R{r + 1:02d}",
            name=f"Resultaat {r + 1}",
            law=Law.JEUGDWET,
        )
        db.session.add(result)
        for level in range(4, 9):
            rl = ResultLevel(result=result, level=level, lot=tender.lots[r % 3])
            db.session.add(rl)
            rl.tariffs = [Tariff(municipality=m, valid_from=date(2027, 1, 1), amount=Decimal(100 * level + 7 * r + i))
                          for i, m in enumerate(municipalities)]  # fmt: skip
            levels.append(rl)
    db.session.flush()
    approved = datetime.now(UTC) - timedelta(days=1)
    for p in range(providers):
        organisation = Organisation(name=f"Zorgaanbieder {p + 1} B.V.", kvk_number=f"{80000000 + p}", street="Markt 1",
                                    postcode="9401 AA", city="Assen", signatory_name="Sam", signatory_function="Directeur")  # fmt: skip
        bid = Bid(tender=tender, organisation=organisation)
        chosen_m = rng.sample(municipalities, rng.randint(1, 5))
        chosen_rl = rng.sample(levels, rng.randint(2, 20))
        bid.lines = [
            BidLine(lot_id=rl.lot_id, result_level_id=rl.id, municipality_id=m.id)
            for rl in chosen_rl
            for m in chosen_m
        ]
        submission = BidSubmission(bid=bid, version=1, submitted_at=approved - timedelta(days=10), signatory_name="Sam",
                                   signatory_function="Directeur", content={}, sha256="0" * 64)  # fmt: skip
        db.session.add_all([organisation, bid, submission])
        db.session.flush()
        for lot_id in {rl.lot_id for rl in chosen_rl}:
            db.session.add(Decision(submission_id=submission.id, lot_id=lot_id, outcome=DecisionOutcome.ADMITTED,
                                    motivation="Toegelaten.", approved_at=approved))  # fmt: skip
    db.session.commit()
    return tender.id


def measure_bulk(app, providers: int) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from portal.agreements import jobs
    from portal.extensions import db
    from portal.models import Tender

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        tender_id = build_tender(providers)
        job = jobs.create_job(db.session.get(Tender, tender_id), user=None)
        db.session.commit()
        started = time.perf_counter()
        job = jobs.run_job(job.id, workers=jobs.WORKERS)
        seconds = time.perf_counter() - started
        report = jobs.progress(job)
        return seconds, report["done"], len(report["failed"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=350)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    upload_dir = tempfile.mkdtemp(prefix="agreements-bench-")
    database_url = f"sqlite:///{upload_dir}/bench.sqlite" if args.sqlite else fresh_postgres()
    app = make_app(database_url, upload_dir)
    median, pages = measure_one_contract(app, args.runs)
    print(f"P3 one {pages}-page contract: median {median:.2f} s over {args.runs} runs")
    if args.providers > 0:
        seconds, done, failed = measure_bulk(app, args.providers)
        print(f"P4 bulk generation of {args.providers} providers (2 workers): {seconds:.1f} s wall, "
              f"{done} done, {failed} failed, {seconds / max(done, 1):.2f} s per contract")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
