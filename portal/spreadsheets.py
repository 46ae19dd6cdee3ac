"""Writing every spreadsheet the portal hands out (CSV and XLSX), with one rule against formulas.

Data never becomes a formula (CSV injection, OWASP): a text that starts with = + - @ (or their
full-width forms), a tab, a carriage return or a line feed, also after leading spaces, gets a single
quote in front, so Excel and LibreOffice show it as text and never evaluate it. The same rule holds
for CSV and XLSX, so an export reads the same in either. Only text is touched: numbers, amounts and
dates the portal itself produced (int, Decimal, date) stay numbers and dates in an XLSX, and are
written in a CSV by the writer's own `fmt`. Characters an XLSX cannot hold (control characters) are
written as a space, so a value can never make an export fail.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_SPACE = re.compile(r"^[ \u00a0\u3000]+")


def neutralise(text: str) -> str:
    """The text, with a single quote in front when a spreadsheet could read it as a formula."""
    if text.startswith(TRIGGERS) or _LEADING_SPACE.sub("", text).startswith(TRIGGERS):
        return "'" + text
    return text


def cell(value: Any) -> Any:
    """A value as it may go into a spreadsheet: text neutralised, anything else as it is."""
    return neutralise(value) if isinstance(value, str) else value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def to_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fmt: Callable[[Any], str] = _text,
    lineterminator: str = "\r\n",
) -> bytes:
    """A semicolon-separated CSV (what Dutch Excel opens) in UTF-8 with a byte order mark. Text is
    neutralised; every other value is written as `fmt(value)`, which is the portal's own notation."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator=lineterminator)
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else fmt(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub(" ", value))
    return value


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: the header, then the rows. Text is neutralised and stored as a string cell;
    numbers and dates stay numbers and dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append([_xlsx_cell(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
