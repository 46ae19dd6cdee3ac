"""Dutch text shown to users goes through _()/_l(): no Dutch string literal in portal/ outside a
translation call, except the allow-listed ones below, each with its reason.

A literal counts as Dutch when it has a space and one of the common Dutch words in DUTCH_WORDS.
"is" alone does not count (English shares it: log lines, SQL "IS NULL"). Not checked: docstrings,
log messages (logger.info(...)), CLI help (help=, click.option/argument/command) and what sits inside a
call to a translation function."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
DUTCH_WORDS = frozenset({"de", "het", "een", "van", "niet", "voor", "met", "op", "uw"})
TRANSLATING = frozenset({"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"})
LOGGING = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
CLI = frozenset({"option", "argument", "command", "group"})

# Whole files whose Dutch is data, not interface text.
ALLOWED_FILES = {
    "reference_data.py": "master data quoted verbatim from the source documents (seeds): requirement texts, "
    "municipality and domain names are stored data, not interface text",
    "demo.py": "demo data: Dutch sample tenders, questions and bids stored in the database",
    "tenders/demo.py": "demo data: a Dutch sample tender stored in the database",
    "benchdata/region.py": "benchmark data set: Dutch sample master data and requirements",
    "benchdata/providers.py": "benchmark data set: Dutch sample providers, names and answers",
    "benchdata/scoring.py": "benchmark data set: Dutch sample assessor motivations",
    "monitoring/benchdata.py": "benchmark data set: Dutch sample monitoring notes, plans and report texts",
}
# Single literals: (file, start of the literal) -> reason.
ALLOWED = {
    ("agreements/amendments.py", "Indexatie van de tarieven met "): "amendment summary stored with the "
    "contract version and printed in the Dutch contract, a document of legal force",
    ("agreements/amendments.py", "Looptijd verlengd tot en met "): "amendment summary stored with the "
    "contract version and printed in the Dutch contract, a document of legal force",
    ("agreements/export.py", "Geaccepteerd op"): "column name of the contract register export, a fixed "
    "Dutch file format read by the municipalities' systems (like the matrix import's column names)",
    ("bids/receipt.py", "Hash van de inschrijving (SHA-256):"): "label in the Dutch receipt PDF (a "
    "document of legal force) that verification reads back; translating it would break old receipts",
    ("opendata/releases.py", "Nota van Inlichtingen "): "OCDS open data is published in Dutch, the "
    "language of the tender documents",
    ("tenders/questions.py", "Nota van Inlichtingen "): "title in the metadata of the Nota van "
    "Inlichtingen PDF, a tender document of legal force written in Dutch",
}


def _is_dutch(text: str) -> bool:
    return " " in text and bool(DUTCH_WORDS & set(re.findall(r"[a-zà-ÿ]+", text.lower())))


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _exempt(tree: ast.AST) -> set[int]:
    """ids of the nodes not checked: docstrings and everything inside translation, log and CLI calls."""
    out: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            out.add(id(body[0].value))
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        logged = name in LOGGING and isinstance(node.func, ast.Attribute)
        parts = [node] if name in TRANSLATING or logged or name in CLI else []
        parts += [kw.value for kw in node.keywords if kw.arg == "help"]
        out.update(id(sub) for part in parts for sub in ast.walk(part))
    return out


def untranslated(path: Path, source: str | None = None) -> list[tuple[str, int, str]]:
    relative = path.relative_to(PORTAL).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    exempt = _exempt(tree)
    return [
        (relative, node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in exempt
        and _is_dutch(node.value)
    ]


def test_no_dutch_literal_outside_a_translation_call():
    found = [
        f"{file}:{line}: {text!r}"
        for path in sorted(PORTAL.rglob("*.py"))
        for file, line, text in untranslated(path)
        if file not in ALLOWED_FILES and not any(file == f and text.startswith(s) for f, s in ALLOWED)
    ]
    assert found == []


def test_every_allow_listed_literal_still_exists():
    """An allow-list entry that no longer matches is removed, so the list stays the reasons of today."""
    present = {(file, text) for path in sorted(PORTAL.rglob("*.py")) for file, _, text in untranslated(path)}
    stale = [key for key in ALLOWED if not any(f == key[0] and t.startswith(key[1]) for f, t in present)]
    assert stale == []
    assert all((PORTAL / name).exists() for name in ALLOWED_FILES)


def test_the_check_sees_a_dutch_literal_and_ignores_translated_ones():
    source = 'LABEL = "Kies een perceel"\nOK = _("Kies een perceel")\nLOG.info("zie de log")\n'
    found = untranslated(PORTAL / "sample.py", source)
    assert [text for _, _, text in found] == ["Kies een perceel"]
