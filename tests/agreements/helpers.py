"""Set-up shared by the agreement tests: a tender whose every tariff is a different amount."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

from pypdf import PdfReader

from portal.extensions import db
from portal.models import Tariff, Tender
from tests import factories

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def priced_tender(**kwargs: object) -> Tender:
    """tender_with_matrix with distinct tariffs (so the PDF test can tell every amount apart)."""
    kwargs.setdefault("results", 2)
    kwargs.setdefault("levels", (4, 5))
    kwargs.setdefault("municipalities", 3)
    kwargs.setdefault("lots", 2)
    tender = factories.tender_with_matrix(extension_count=2, extension_months=12, **kwargs)
    for index, tariff in enumerate(
        sorted((t for r in tender.results for rl in r.levels for t in rl.tariffs), key=lambda t: t.id)
    ):
        tariff.amount = Decimal(f"{1000 + 111 * index}.{(index * 7) % 100:02d}")
    db.session.commit()
    return tender


def tariff(tender: Tender, code: str, level: int, municipality_index: int) -> Tariff:
    result = next(r for r in tender.results if r.code == code)
    result_level = next(rl for rl in result.levels if rl.level == level)
    municipality = tender.municipalities[municipality_index]
    return next(t for t in result_level.tariffs if t.municipality_id == municipality.id)


def result_level(tender: Tender, code: str, level: int):
    result = next(r for r in tender.results if r.code == code)
    return next(rl for rl in result.levels if rl.level == level)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ")


def dutch(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"
