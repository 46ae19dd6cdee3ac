"""P3 (one contract against Chromium) and P4 (bulk contracts): filled in when agreements land."""

from __future__ import annotations

from bench import pdf_compare  # noqa: F401 - used once the contract template exists


def measures(env: dict[str, str]) -> list:
    from bench.__main__ import Measure

    note = "contract template not built yet (issue 7)"
    return [
        Measure("P3 one 14-page contract (median)", None, "s", "≤ 2.5× Chromium", None, None, False, note),
        Measure(
            "P4 bulk 350 contracts (wall)",
            None,
            "s",
            "≤ 120 s, peak RSS < 300 MB/process",
            None,
            None,
            False,
            note,
        ),
    ]
