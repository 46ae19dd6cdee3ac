"""P3 (one 14-page contract against Chromium) and P4 (all contracts of a tender through the real job).

P3 renders the raamovereenkomst with portal.agreements.document.render (PDF/A-3b) and has Chromium
print the same HTML, both warm, in the same run. P4 runs `flask agreements-generate <reference>` in a
subprocess against an already-built database (its two pool processes are spawned by portal.background and
start through worker.py) and samples the RSS of that process tree every 0.2 s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil

from bench import agreements_bench, pdf_compare

ROOT = Path(__file__).resolve().parent.parent
P3_RUNS = 5
P3_GOAL_RATIO = 2.5
P4_GOAL_SECONDS = 120
P4_GOAL_RSS_MB = 300
SAMPLE_SECONDS = 0.2


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


# --- P3 ---------------------------------------------------------------------------------------------


@dataclass
class P3Result:
    weasyprint: float  # median wall seconds of document.render
    weasyprint_cpu: float  # median CPU seconds of the same renders
    chromium: float  # median wall seconds of Chromium printing the same HTML
    pages: int
    chromium_pages: int
    load: str

    @property
    def ratio(self) -> float:
        return self.weasyprint / self.chromium


def measure_p3(runs: int = P3_RUNS) -> P3Result:
    from portal import pdf
    from portal.agreements import document

    upload_dir = tempfile.mkdtemp(prefix="bench-p3-")
    app = agreements_bench.make_app(f"sqlite:///{upload_dir}/p3.sqlite", upload_dir)
    body = agreements_bench.default_terms()
    content, pages = agreements_bench.fourteen_page_content(app, body, agreements_bench.CREATED)
    with app.app_context():
        context = document.build_context(
            content,
            version=1,
            reason="Eerste versie",
            created_at=agreements_bench.CREATED,
            template_body=body,
        )
        html = pdf.render_html("pdf/agreement.html", context)
    chromium, chromium_pages = pdf_compare.chromium_seconds_and_pages(html, runs)
    weasyprint, cpu = agreements_bench.time_render(app, content, runs)
    return P3Result(weasyprint, cpu, chromium, pages, chromium_pages, _load())


def p3_measures() -> list:
    from bench.__main__ import Measure

    result = measure_p3()
    note = (
        f"WeasyPrint {result.pages} pages, median {result.weasyprint:.2f} s wall, {result.weasyprint_cpu:.2f} s CPU;"
        f" Chromium {result.chromium_pages} pages, median {result.chromium:.2f} s; {P3_RUNS} warm runs each;"
        f" {result.load}"
    )
    return [
        Measure(
            f"P3 one {result.pages}-page contract (median)",
            round(result.weasyprint, 3),
            "s",
            f"≤ {P3_GOAL_RATIO}× Chromium",
            round(result.chromium, 3),
            round(result.ratio, 2),
            result.ratio <= P3_GOAL_RATIO,
            note,
        )
    ]


# --- P4 ---------------------------------------------------------------------------------------------


@dataclass
class P4Result:
    seconds: float
    done: int
    total: int
    failed: int
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # "parent" / "worker <pid>" -> MB
    worker_cpu: float = 0.0  # CPU seconds of the pool's workers together
    output: str = ""
    load: str = ""

    @property
    def peak_mb(self) -> float:
        return max(self.peak_rss_mb.values(), default=0.0)


class RssSampler:
    """Peak resident set size of a process and all its descendants, per process, sampled in a thread."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}  # last seen user + system seconds per process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in processes:
                try:
                    rss = process.memory_info().rss
                    times = process.cpu_times()
                    name = self.peaks[process.pid][0] if process.pid in self.peaks else self._name(process)
                except psutil.Error:
                    continue
                self.cpu[process.pid] = times.user + times.system
                if rss > self.peaks.get(process.pid, ("", 0))[1]:
                    self.peaks[process.pid] = (name, rss)
            self._stop.wait(self.interval)

    def peaks_mb(self) -> dict[str, float]:
        return {
            (name if name == "parent" else f"{name} {pid}"): round(rss / 2**20, 1)
            for pid, (name, rss) in sorted(self.peaks.items())
        }

    def _name(self, process: psutil.Process) -> str:
        return "parent" if process.pid == self.root.pid else _role(process)

    def worker_cpu_seconds(self) -> float:
        return sum(self.cpu.get(pid, 0.0) for pid, (name, _) in self.peaks.items() if name == "worker")


def _role(process: psutil.Process) -> str:
    """The pool's workers are spawned by multiprocessing; anything else below the job is a helper."""
    command = " ".join(process.cmdline())
    if "resource_tracker" in command:
        return "resource_tracker"
    return "worker" if "spawn_main" in command else "helper"


def measure_p4(env: dict[str, str], tender_reference: str) -> P4Result:
    command = [
        str(Path(sys.executable).parent / "flask"),
        "--app",
        "portal",
        "agreements-generate",
        tender_reference,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with RssSampler(process.pid) as sampler:
        output, _ = process.communicate()
    seconds = time.perf_counter() - started
    match = re.search(r"(\d+)/(\d+) agreements done, (\d+) failed", output)
    done, total, failed = (int(g) for g in match.groups()) if match else (0, 0, -1)
    return P4Result(
        seconds, done, total, failed, sampler.peaks_mb(), sampler.worker_cpu_seconds(), output, _load()
    )


def p4_measures(
    env: dict[str, str], tender_reference: str, *, per_contract_seconds: float | None = None
) -> list:
    """`per_contract_seconds` (P3's one-contract time), when given, anchors the wall time at × N / 2 cores."""
    from bench.__main__ import Measure

    result = measure_p4(env, tender_reference)
    anchor = round(per_contract_seconds * result.total / 2, 1) if per_contract_seconds else None
    per_contract = result.seconds / max(result.done, 1)
    note = (
        f"{result.done}/{result.total} done, {result.failed} failed, {per_contract:.2f} s per contract"
        f" (2 workers), {result.worker_cpu / max(result.done, 1):.2f} s worker CPU per contract; {result.load}"
    )
    if result.failed or not result.done:
        note += "; output: " + result.output.strip()[-300:]
    workers = {name: mb for name, mb in result.peak_rss_mb.items() if name.startswith("worker")}
    rss_note = ", ".join(
        f"{name} {mb:.0f} MB" for name, mb in result.peak_rss_mb.items() if not name.startswith("helper")
    )
    return [
        Measure(
            f"P4 bulk {result.total} contracts (wall)",
            round(result.seconds, 1),
            "s",
            f"≤ {P4_GOAL_SECONDS} s",
            anchor,
            round(result.seconds / anchor, 2) if anchor else None,
            result.seconds <= P4_GOAL_SECONDS and result.failed == 0 and result.done == result.total > 0,
            note,
        ),
        Measure(
            "P4 peak RSS per process",
            result.peak_mb,
            "MB",
            f"< {P4_GOAL_RSS_MB} MB",
            None,
            None,
            bool(workers) and result.peak_mb < P4_GOAL_RSS_MB,
            rss_note,
        ),
    ]
