"""The iStandaarden list is master data: only the functional administrator sees and imports it."""

from tests.access.cases import Case

ADMIN = frozenset({"admin"})

CASES = [
    Case("standards.reference_list", lambda w: "/beheer/istandaarden", ADMIN),
    Case("standards.download_list", lambda w: "/beheer/istandaarden.csv", ADMIN),
    Case(
        "standards.import_list",
        lambda w: "/beheer/istandaarden/importeren",
        ADMIN,
        method="POST",  # without a file: the admin gets the form back (422), the others are refused
    ),
]

EXPORTERS = frozenset({"buyer", "contract_manager", "admin"})

CASES += [
    Case("standards.contract_exports", lambda w: "/contracten/gemeenten", EXPORTERS),
    Case(
        "standards.contract_export",
        lambda w: f"/contracten/gemeenten/{w.tender.municipalities[0].id}/contracten.csv",
        EXPORTERS,
    ),
]
