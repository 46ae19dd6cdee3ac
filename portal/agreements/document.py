"""The raamovereenkomst as a document: plain-data context from a version's frozen content, and the PDF/A.

Everything the PDF says comes from the version's `content` snapshot and the ContractTemplate it
was made with, never from the live tender: rendering the same version again yields the same text
(and, with the creation date fixed to the version's, the same bytes).

The general terms are the contract manager's text with placeholders `{{ aanbieder }}`. A line
"## Titel" starts an article (listed in the table of contents), a line "### Titel" a sub-heading,
blank lines separate paragraphs. The text is first parsed into that structure (`parse_terms`), and
only then are the placeholders filled in, into the text of each title, heading and paragraph, from a
fixed table of strings folded to one line (no template engine, so a template can never run code).
A value (a provider's name, a tender's title) can therefore never add, remove or reorder an
article, a heading or a paragraph: whatever it contains stays text inside the node it was put in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency

from portal import pdf
from portal.clock import to_local
from portal.extensions import db
from portal.models import AgreementVersion, ContractTemplate

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_PIECES = re.compile(r"(\{\{\s*([a-z_]+)\s*\}\})")  # split() yields text, placeholder, name, text, ...
PLACEHOLDERS = (
    "aanbieder",
    "kvk",
    "contractnummer",
    "inkooptraject",
    "referentie",
    "procedure",
    "gemeenten",
    "startdatum",
    "einddatum",
    "looptijd_maanden",
    "verlengingen",
    "verlenging_maanden",
)
NO_TARIFF = "—"


@lru_cache(maxsize=8192)
def money(amount: str | Decimal) -> str:
    """Dutch notation regardless of the reader's language: € 1.234,56. Cached: a tender has a few
    hundred distinct tariffs, each printed in hundreds of contracts, and Babel's formatting is slow."""
    return format_currency(Decimal(amount), "EUR", locale="nl_NL")


def long_date(value: str | date | None) -> str:
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, "d MMMM yyyy", locale="nl_NL")


def placeholder_values(content: dict[str, Any]) -> dict[str, str]:
    term, tender = content["term"], content["tender"]
    return {
        "aanbieder": content["provider"]["name"],
        "kvk": content["provider"]["kvk_number"],
        "contractnummer": content["number"],
        "inkooptraject": tender["title"],
        "referentie": tender["reference"],
        "procedure": tender["procedure"],
        "gemeenten": ", ".join(m["name"] for m in content["municipalities"]),
        "startdatum": long_date(term["start"]),
        "einddatum": long_date(term["end"]),
        "looptijd_maanden": str(term["term_months"]),
        "verlengingen": str(term["extension_count"]),
        "verlenging_maanden": str(term["extension_months"]),
    }


def unknown_placeholders(body: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})


@dataclass(frozen=True)
class Text:
    """A text node of the terms: literal text and placeholders, e.g. ("Tot ", "{{ x }}", "x", " dan.")."""

    pieces: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Text:
        return cls(tuple(_PIECES.split(text)))

    def fill(self, values: dict[str, str]) -> str:
        """Literals as written; a placeholder as its value (one line), or as written when unknown."""
        out = list(self.pieces)
        for i in range(1, len(out), 3):
            out[i] = values.get(out[i + 1], out[i])
            out[i + 1] = ""
        return "".join(out)


@dataclass(frozen=True)
class Article:
    title: Text
    blocks: tuple[tuple[str, Text], ...]  # ("h3" | "p", text)


DEFAULT_TITLE = "Algemene bepalingen"


@lru_cache(maxsize=16)
def parse_terms(body: str) -> tuple[Article, ...]:
    """The template's fixed structure, before any value is filled in: a line "## " starts an article,
    a line "### " is a sub-heading, other lines form paragraphs separated by blank lines. Text before
    the first article belongs to an article "Algemene bepalingen"."""
    terms = _Terms()
    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        terms.read(raw.strip())
    terms.end_paragraph()
    return tuple(Article(Text.parse(title), tuple(blocks)) for title, blocks in terms.articles)


class _Terms:
    """The articles read so far, and the lines of the paragraph being read."""

    def __init__(self) -> None:
        self.articles: list[tuple[str, list[tuple[str, Text]]]] = []
        self.paragraph: list[str] = []

    def read(self, line: str) -> None:
        if not line or line.startswith(("## ", "### ")):
            self.end_paragraph()
        if line.startswith("## "):
            self.articles.append((line[3:].strip(), []))
        elif line.startswith("### "):
            self.add("h3", line[4:].strip())
        elif line:
            self.paragraph.append(line)

    def add(self, kind: str, text: str) -> None:
        if not self.articles:
            self.articles.append((DEFAULT_TITLE, []))
        self.articles[-1][1].append((kind, Text.parse(text)))

    def end_paragraph(self) -> None:
        if self.paragraph:
            self.add("p", "\n".join(self.paragraph))
            self.paragraph.clear()


def template_sections(body: str, values: dict[str, str]) -> list[dict[str, Any]]:
    """The template as articles: [{"title", "anchor", "blocks": [{"kind": "h3"|"p", "text"}]}], the
    structure from `parse_terms` with the values (folded to one line) in its text nodes."""
    values = {name: pdf.one_line(value) for name, value in values.items()}
    return [
        {
            "title": article.title.fill(values),
            "anchor": f"art-{i}",
            "blocks": [{"kind": kind, "text": text.fill(values)} for kind, text in article.blocks],
        }
        for i, article in enumerate(parse_terms(body), start=1)
    ]


def _lot_groups(lot: dict[str, Any], codes: list[str]) -> list[dict[str, Any]]:
    """The perceel's lines grouped per result (as the content lists them): the result once, then a row
    per level with its tariff per municipality. Fewer cells than a row repeating result and domain, so
    a shorter render (WeasyPrint's time goes with the number of table cells) and an easier read."""
    groups: list[dict[str, Any]] = []
    for line in lot["lines"]:
        result = f"{line['result_code']} {line['result_name']}"
        if not groups or groups[-1]["result"] != result:
            groups.append({"result": result, "domain": line["domain"], "unit": line["unit"], "levels": []})
        cells = [money(line["tariffs"][code]) if code in line["tariffs"] else NO_TARIFF for code in codes]
        groups[-1]["levels"].append({"level": line["level"], "cells": cells})
    return groups


def build_context(
    content: dict[str, Any], *, version: int, reason: str, created_at: datetime, template_body: str
) -> dict[str, Any]:
    """Everything the PDF template shows, as plain strings."""
    codes = [m["cbs_code"] for m in content["municipalities"]]
    return {
        "number": content["number"],
        "version": version,
        "reason": reason,
        "created": long_date(to_local(created_at).date()),
        "created_iso": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "provider": content["provider"],
        "municipalities": content["municipalities"],
        "tender": content["tender"],
        "term": _term(content["term"]),
        "decided": long_date(content["decided_on"]),
        "tariffs_from": long_date(content.get("tariffs_valid_from")),
        "lots": _lots(content["lots"], codes),
        "sections": template_sections(template_body, placeholder_values(content)),
        "keywords": keywords(content),
    }


def _lots(lots: list[dict[str, Any]], codes: list[str]) -> list[dict[str, Any]]:
    """Each perceel with its anchor in the document and its lines grouped per result."""
    return [
        {"name": lot["name"], "anchor": f"perceel-{i}", "groups": _lot_groups(lot, codes)}
        for i, lot in enumerate(lots, start=1)
    ]


def _term(term: dict[str, Any]) -> dict[str, Any]:
    dates = {name: long_date(term.get(name)) for name in ("start", "end", "ended_on")}
    counts = {name: term[name] for name in ("extension_count", "extension_months", "extensions_used")}
    return {**dates, "months": term["term_months"], **counts}


def keyword_list(content: dict[str, Any]) -> list[str]:
    parties = [content["provider"]["name"], *(m["name"] for m in content["municipalities"])]
    return ["raamovereenkomst", content["number"], content["tender"]["reference"], *parties]


def keywords(content: dict[str, Any]) -> str:
    return ",".join(keyword_list(content))


def metadata(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"Raamovereenkomst {content['number']} – {content['provider']['name']}",
        "author": "Inkoopsamenwerking Noord- en Midden-Drenthe",
        "keywords": keyword_list(content),  # a list: a comma in a name stays inside its keyword
    }


def render(
    content: dict[str, Any], *, version: int, reason: str, created_at: datetime, template_body: str
) -> bytes:
    context = build_context(
        content, version=version, reason=reason, created_at=created_at, template_body=template_body
    )
    return pdf.render_pdf("pdf/agreement.html", context, pdf_variant="pdf/a-3b", metadata=metadata(content))


def render_version(version: AgreementVersion) -> bytes:
    template = db.session.get(ContractTemplate, version.template_id) if version.template_id else None
    return render(
        version.content,
        version=version.version,
        reason=version.reason,
        created_at=version.created_at,
        template_body=template.body if template else "",
    )


def percentage(value: Decimal) -> str:
    return f"{value:f}".replace(".", ",") + "%"
