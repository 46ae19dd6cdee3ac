"""Templates call no rules: no template reaches into a Python module (rules, service, queries, access)
to compute something; the view computes it and hands the template plain values."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MODULE_CALL = re.compile(r"\b(rules|service|queries|access|clock|money)\.[a-z_]+\(")


def test_no_template_calls_a_module_function():
    calls = [
        f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in MODULE_CALL.finditer(line)
    ]
    assert calls == []
