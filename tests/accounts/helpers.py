"""Small helpers shared by the accounts and admin tests."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def link_in(body: str, path_start: str) -> str:
    """The path of the first absolute link in a mail body that starts with `path_start`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"[^\s]*)", body)
    assert match, f"no link to {path_start} in:\n{body}"
    return match.group(1)


def registration_data(**overrides: str) -> dict[str, str]:
    data = {
        "organisation_name": "Zorg op Maat Drenthe B.V.",
        "kvk_number": "12345678",
        "agb_code": "",
        "street": "Brink 4",
        "postcode": "9401 HS",
        "city": "Assen",
        "signatory_name": "Anne de Vries",
        "signatory_function": "Directeur-bestuurder",
        "name": "Anne de Vries",
        "email": "anne@zorgopmaat.example",
        "password": "Drie-lange-woorden-samen",
        "confirm": "Drie-lange-woorden-samen",
    }
    data.update(overrides)
    return data
