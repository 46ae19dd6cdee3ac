"""`make bench`: build the data set on PostgreSQL, serve it under gunicorn, measure, write results.json.

Every measure is taken side by side with its anchor in the same run and recorded as
{name, value, unit, goal, anchor, ratio, met}. Measures whose pages or data are not there yet are
recorded with met=false and a note, never skipped silently.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

from bench import loadgen, server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PG_SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BENCH_DB = "portal_bench"


@dataclass
class Measure:
    name: str
    value: float | None
    unit: str
    goal: str
    anchor: float | None
    ratio: float | None
    met: bool
    note: str = ""


def fresh_database() -> str:
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    admin.dispose()
    return sa.engine.make_url(PG_SERVER).set(database=BENCH_DB).render_as_string(hide_password=False)


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "flask"), "--app", "portal", *args]
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, text=True
    )


def build_data(env: dict[str, str]) -> tuple[float, str]:
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    try:
        flask(env, "bench-data")
        source = "bench-data"
    except subprocess.CalledProcessError as error:
        if "No such command" not in (error.stderr or ""):
            raise
        flask(env, "seed-demo")
        source = "seed-demo (bench-data not available yet)"
    return time.perf_counter() - started, source


def measure_floor(base_url: str) -> loadgen.LoadResult:
    return loadgen.run(base_url, ["/gezond"], users=20, requests_per_user=25)


def page_measures(base_url: str, floor: loadgen.LoadResult) -> list[Measure]:
    from bench import pages

    measures = []
    for page in pages.heavy_pages():
        if page.url is None:
            measures.append(Measure(f"P1 {page.name} p95", None, "ms", "≤ 3× floor and < 150 ms", floor.p95, None,
                                    False, page.missing))  # fmt: skip
            continue
        result = loadgen.run(base_url, [page.url], users=20, requests_per_user=10, login=page.login)
        ratio = result.p95 / floor.p95 if floor.p95 else math.nan
        met = result.errors == 0 and ratio <= 3 and result.p95 < 150
        measures.append(Measure(f"P1 {page.name} p95", round(result.p95, 1), "ms", "≤ 3× floor and < 150 ms",
                                round(floor.p95, 1), round(ratio, 2), met, f"p50 {result.p50:.1f} ms, errors {result.errors}"))  # fmt: skip
    return measures


def print_table(measures: list[Measure]) -> None:
    print(f"{'measure':48} {'value':>10} {'unit':5} {'anchor':>9} {'ratio':>7}  met  goal")
    for m in measures:
        value = "-" if m.value is None else f"{m.value:g}"
        anchor = "-" if m.anchor is None else f"{m.anchor:g}"
        ratio = "-" if m.ratio is None else f"{m.ratio:g}"
        print(
            f"{m.name:48} {value:>10} {m.unit:5} {anchor:>9} {ratio:>7}  {'yes' if m.met else 'NO ':3}  {m.goal}"
        )
        if m.note:
            print(f"{'':48}   {m.note}")


def main() -> int:
    upload_dir = tempfile.mkdtemp(prefix="portal-bench-uploads-")
    env = {
        "DATABASE_URL": fresh_database(),
        "SECRET_KEY": "bench-secret-key",
        "UPLOAD_DIR": upload_dir,
        "PORTAL_ENV": "development",
        "LOGIN_LIMIT_PER_ACCOUNT": "10000 per minute",
        "LOGIN_LIMIT_PER_IP": "100000 per minute",
    }
    measures: list[Measure] = []
    seconds, source = build_data(env)
    measures.append(
        Measure("data set build", round(seconds, 1), "s", "< 120 s", None, None, seconds < 120, source)
    )
    with server.gunicorn(env) as base_url:
        floor = measure_floor(base_url)
        measures.append(Measure("P1 floor (/gezond) p95", round(floor.p95, 1), "ms", "anchor", None, None, True,
                                f"p50 {floor.p50:.1f} ms, errors {floor.errors}"))  # fmt: skip
        measures.extend(page_measures(base_url, floor))
    from bench import contracts

    measures.extend(contracts.measures(env))
    RESULTS.write_text(json.dumps([asdict(m) for m in measures], indent=2, ensure_ascii=False))
    print_table(measures)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
