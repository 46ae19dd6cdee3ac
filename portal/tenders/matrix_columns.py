"""The columns of the resultatenmatrix as a spreadsheet, shared by its import and its export."""

from __future__ import annotations

from portal.models import Law

COLUMNS = [
    "domein",
    "resultaatcode",
    "resultaat",
    "wet",
    "productcode",
    "niveau",
    "niveauomschrijving",
    "perceel",
    "gemeente",
    "geldig_vanaf",
    "tarief",
    "productcategorie",  # iStandaarden (portal/tenders/matrix_standards.py): last, so older files still read
    "eenheid",
    "frequentie",
]
REQUIRED_COLUMNS = ["domein", "resultaatcode", "resultaat", "wet", "niveau"]
LAW_NAMES = {"jeugdwet": Law.JEUGDWET, "wmo": Law.WMO, "jeugdwet en wmo": Law.BOTH, "beide": Law.BOTH}
LAW_LABELS = {Law.JEUGDWET: "Jeugdwet", Law.WMO: "Wmo", Law.BOTH: "Jeugdwet en Wmo"}
