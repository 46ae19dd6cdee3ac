"""Benchmark of the raamovereenkomsten (issue 7); not run by the tests.

    .venv/bin/python -m bench.agreements_bench [--providers 350] [--runs 5] [--sqlite] [--no-chromium]

P3: the median time of rendering one 14-page contract (PDF/A-3b, from a frozen content), against
Chromium printing the same HTML (bench.contracts.measure_p3).
P4: `flask agreements-generate` (the real job, process pool of two workers) for N admitted providers
on a fresh PostgreSQL database or, with --sqlite, a file; wall time and peak RSS per process
(bench.contracts.measure_p4).
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
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

if TYPE_CHECKING:
    from portal.models import Domain, Municipality, ResultLevel, Tender

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "portal_agreements_bench"
MUNICIPALITIES = [("GM1680", "Aa en Hunze"), ("GM0106", "Assen"), ("GM1731", "Midden-Drenthe"),
                  ("GM1699", "Noordenveld"), ("GM1730", "Tynaarlo")]  # fmt: skip


def make_app(database_url: str, upload_dir: str) -> Flask:
    from config import Config
    from portal import create_app

    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": upload_dir, "SECRET_KEY": "bench-key"}
    return create_app(type("BenchConfig", (Config,), overrides))


# --- P3: one 14-page contract ---------------------------------------------------------------------


DOMAINS = ["Veilig", "Zelfredzaam", "Meedoen", "Gezond"]
RESULT_NAMES = ["veilig opgroeien in het gezin", "zelfstandig wonen en huishouden", "meedoen in de wijk",
                "gezond blijven en herstellen", "passend onderwijs volgen", "dagbesteding en werk",
                "opvoedondersteuning thuis", "herstel na crisis"]  # fmt: skip
LOTS = 8  # 8 percelen of 4 results x 5 levels: 160 result-levels, as in the bench data set (issue 8)


def result_name(index: int) -> str:
    return f"Resultaat {index + 1}: {RESULT_NAMES[index % len(RESULT_NAMES)]}"


def big_content(lines_per_lot: int) -> dict:
    """A frozen content like the bulk job's, with `lines_per_lot` result-levels in each of the 8 percelen."""
    municipalities = [{"cbs_code": c, "name": n, "signatory_name": "Wethouder Jeugd", "signatory_function": "Wethouder"}
                      for c, n in MUNICIPALITIES]  # fmt: skip
    lots = []
    for lot_index in range(LOTS):
        lines = []
        for i in range(lines_per_lot):
            result = lot_index * 4 + i // 5
            lines.append({
                "result_code": f"R{result + 1:02d}", "result_name": result_name(result),
                "domain": DOMAINS[result % 4], "level": 4 + i % 5, "unit": "per maand",
                "tariffs": {c: f"{245 + 97 * i + 13 * m}.{(i * 7 + m) % 100:02d}" for m, (c, _) in enumerate(MUNICIPALITIES)},
            })  # fmt: skip
        lots.append({"name": f"Perceel {lot_index + 1}", "lines": lines})
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


def fourteen_page_content(app: Flask, body: str, created: datetime) -> tuple[dict, int]:
    """The smallest big_content that renders to 14 pages (P3's document), and its page count."""
    from portal.agreements import document

    with app.app_context():
        for lines_per_lot in range(4, 40):
            content = big_content(lines_per_lot)
            data = document.render(
                content, version=1, reason="Eerste versie", created_at=created, template_body=body
            )
            pages = len(PdfReader(io.BytesIO(data)).pages)
            if pages >= 14:
                break
    return content, pages


CREATED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def default_terms() -> str:
    from portal.agreements import service

    return service.DEFAULT_TERMS.read_text(encoding="utf-8")


def time_render(app: Flask, content: dict, runs: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of document.render (PDF/A-3b), after one warm-up render."""
    from portal.agreements import document

    body = default_terms()
    with app.app_context():
        render = lambda: document.render(  # noqa: E731
            content, version=1, reason="Eerste versie", created_at=CREATED, template_body=body
        )
        render()
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            render()
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    return statistics.median(timings), statistics.median(cpu)


def measure_one_contract(app: Flask, runs: int) -> tuple[float, int]:
    content, pages = fourteen_page_content(app, default_terms(), CREATED)
    median, cpu = time_render(app, content, runs)
    print(
        f"   (CPU time median {cpu:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return median, pages


# --- P4: bulk generation ----------------------------------------------------------------------------


def fresh_postgres() -> str:
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    admin.dispose()
    return sa.engine.make_url(PG_SERVER).set(database=BENCH_DB).render_as_string(hide_password=False)


def build_tender(providers: int, reference: str = "NMD-BENCH-2027") -> int:
    """A tender like the bench data set's: 5 municipalities, 8 percelen of 4 results x levels 4-8 (160
    result-levels) with a tariff per municipality; each provider chose 50-120 result-levels (uniform) in
    3-5 municipalities (about 340 bid lines) and is admitted to every perceel it bid on. Seeded."""
    from portal.extensions import db
    from portal.models import Domain, Law, Lot, Municipality, Procedure, Tender

    rng = random.Random(7)  # noqa: S311 - reproducible test data, not security
    municipalities = [Municipality(cbs_code=c, name=n, signatory_name="Wethouder") for c, n in MUNICIPALITIES]
    domains = [Domain(name=n, position=i) for i, n in enumerate(DOMAINS)]
    tender = Tender(reference=reference, title="Jeugd en Wmo 2027", procedure=Procedure.OPEN_HOUSE,
                    law=Law.BOTH, contract_start=date(2027, 1, 1), term_months=36, extension_count=2)  # fmt: skip
    tender.municipalities = municipalities
    tender.lots = [Lot(name=f"Perceel {i + 1}", position=i) for i in range(LOTS)]
    db.session.add_all([*domains, tender])
    levels = _result_levels(tender, domains, municipalities)
    db.session.flush()
    approved = datetime.now(UTC) - timedelta(days=1)
    for p in range(providers):
        chosen_m = rng.sample(municipalities, rng.randint(3, 5))
        chosen_rl = rng.sample(levels, rng.randint(50, 120))
        _admitted_bid(p, tender, chosen_rl, chosen_m, approved)
    db.session.commit()
    return tender.id


def _result_levels(
    tender: Tender, domains: list[Domain], municipalities: list[Municipality]
) -> list[ResultLevel]:
    from portal.extensions import db
    from portal.models import Law, Result, ResultLevel, Tariff

    levels = []
    for r in range(LOTS * 4):
        result = Result(tender=tender, domain=domains[r % 4], code=f"R{r + 1:02d}", name=result_name(r),
                        law=Law.JEUGDWET if r % 2 == 0 else Law.WMO)  # fmt: skip
        db.session.add(result)
        for level in range(4, 9):
            rl = ResultLevel(result=result, level=level, lot=tender.lots[r // 4])
            db.session.add(rl)
            rl.tariffs = [Tariff(municipality=m, valid_from=date(2027, 1, 1), amount=Decimal(100 * level + 7 * r + i))
                          for i, m in enumerate(municipalities)]  # fmt: skip
            levels.append(rl)
    return levels


def _admitted_bid(
    p: int, tender: Tender, chosen_rl: list[ResultLevel], chosen_m: list[Municipality], approved: datetime
) -> None:
    from portal.bids import canonical
    from portal.bids import service as bids
    from portal.extensions import db
    from portal.models import Bid, BidLine, BidSubmission, Decision, DecisionOutcome, Organisation

    organisation = Organisation(name=f"Zorgaanbieder {p + 1} B.V.", kvk_number=f"{80000000 + p}", street="Markt 1",
                                postcode="9401 AA", city="Assen", signatory_name="Sam", signatory_function="Directeur")  # fmt: skip
    bid = Bid(tender=tender, organisation=organisation)
    bid.lines = [
        BidLine(lot_id=rl.lot_id, result_level_id=rl.id, municipality_id=m.id)
        for rl in chosen_rl
        for m in chosen_m
    ]
    db.session.add_all([organisation, bid])
    db.session.flush()
    content = bids.frozen_content(bid, bids.applicable(bid), 1)  # the bids feature's own builder
    submission = BidSubmission(
        bid=bid,
        version=1,
        submitted_at=approved - timedelta(days=10),
        signatory_name="Sam",
        signatory_function="Directeur",
        content=content,
        sha256=canonical.digest(content),
    )
    db.session.add(submission)
    db.session.flush()
    for lot_id in sorted({rl.lot_id for rl in chosen_rl if rl.lot_id is not None}):  # every level has a lot
        db.session.add(Decision(submission_id=submission.id, lot_id=lot_id, outcome=DecisionOutcome.ADMITTED,
                                motivation="Toegelaten.", approved_at=approved))  # fmt: skip


REFERENCE = "NMD-BENCH-2027"


def prepare_bulk(app: Flask, providers: int) -> float:
    """Migrate the database and build the tender; returns the build's seconds."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        build_tender(providers, REFERENCE)
        return time.perf_counter() - started


def main() -> int:
    from bench import contracts

    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=350)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-chromium", action="store_true", help="P3 without the Chromium anchor")
    args = parser.parse_args()
    upload_dir = tempfile.mkdtemp(prefix="agreements-bench-")
    database_url = f"sqlite:///{upload_dir}/bench.sqlite" if args.sqlite else fresh_postgres()
    app = make_app(database_url, upload_dir)
    if args.no_chromium:
        median, pages = measure_one_contract(app, args.runs)
        print(f"P3 one {pages}-page contract: median {median:.2f} s over {args.runs} runs")
    else:
        p3 = contracts.measure_p3(args.runs)
        median = p3.weasyprint
        print(f"P3 one {p3.pages}-page contract: WeasyPrint median {p3.weasyprint:.2f} s ({p3.weasyprint_cpu:.2f} s CPU), "
              f"Chromium {p3.chromium:.2f} s ({p3.chromium_pages} pages): {p3.ratio:.2f}x; {p3.load}")  # fmt: skip
    if args.providers > 0:
        build = prepare_bulk(app, args.providers)
        print(f"   (tender with {args.providers} admitted providers built in {build:.1f} s)")
        env = {"DATABASE_URL": database_url, "UPLOAD_DIR": upload_dir, "SECRET_KEY": "bench-key"}
        p4 = contracts.measure_p4(env, REFERENCE)
        print(f"P4 bulk generation of {p4.total} contracts (2 workers): {p4.seconds:.1f} s wall, {p4.done} done, "
              f"{p4.failed} failed, {p4.seconds / max(p4.done, 1):.2f} s per contract, "
              f"{p4.worker_cpu / max(p4.done, 1):.2f} s worker CPU per contract; {p4.load}")  # fmt: skip
        print(f"   peak RSS: {p4.peak_rss_mb}")
        if p4.failed:
            print(p4.output[-2000:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
