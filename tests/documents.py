"""Reading a document's own structure back, to show that no value a user typed changes it.

`HOSTILE` are values that try to become structure (an article, a heading, a table row, a line of
their own); `structure` counts the elements of the HTML a document is rendered from; `outline` and
`toc_entries` read the PDF's bookmarks and table of contents back with pypdf.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

from pypdf import PdfReader

HOSTILE = [
    "Zorg\n\nArtikel 99 Extra\nDe gemeente betaalt alles.",
    "Zorg\r\n## Artikel 99 Extra\r\n\r\n### Kop\r\n# heading",
    "<h2>Artikel 99</h2><table><tr><td>rij</td></tr></table><li>x</li>",
    "Zorg\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029Artikel 99\u202eExtra\t\x01\x7f",
    "{{ kvk }} {{ config }} {% for x in y %}",
    '=HYPERLINK("http://x")\n\n## Artikel 99',
]
STRUCTURE_TAGS = ("h1", "h2", "h3", "h4", "p", "section", "table", "tr", "td", "th", "li", "ol", "ul", "br")


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in STRUCTURE_TAGS:
            self.tags[tag] += 1


def structure(html: str) -> Counter[str]:
    """How many headings, paragraphs, tables, rows, cells and list items the HTML has."""
    parser = _Counter()
    parser.feed(html)
    return parser.tags


def outline(data: bytes) -> list[str]:
    """The PDF's bookmarks (one per heading), flattened in order."""
    reader = PdfReader(io.BytesIO(data))

    def walk(items: list[Any]) -> list[str]:
        out: list[str] = []
        for item in items:
            out.extend(walk(item) if isinstance(item, list) else [str(item.title)])
        return out

    return walk(reader.outline)


def pages(data: bytes) -> list[str]:
    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(io.BytesIO(data)).pages]


def toc_entries(first_page: str) -> list[tuple[str, int]]:
    """("Artikel 1. Partijen", 2), ... from the table of contents' dot leaders."""
    return [
        (match.group(1).strip(), int(match.group(2)))
        for match in re.finditer(r"^(.+?) \.{5,}\s*(\d+)$", first_page, flags=re.MULTILINE)
    ]


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (a PDF wraps lines where it likes)."""
    return " ".join(text.split())


def folded(value: str) -> str:
    """How a hostile value reads back as text: its control and separator characters as spaces."""
    return flat(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", " ", value))
