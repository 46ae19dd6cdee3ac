"""Who may use which agreement route (tests/test_access_matrix.py walks them all)."""

from tests.access.cases import PROVIDERS, Case

MANAGER = frozenset({"contract_manager"})
REGISTER = frozenset({"contract_manager", "buyer"})
VIEW = frozenset({"contract_manager", "buyer", "provider_admin", "provider_member"})
ACCEPT = frozenset({"provider_admin"})


def _agreement(w) -> str:
    return f"/overeenkomsten/{w.own_agreement.id}"


def _tender(w) -> str:
    return f"/overeenkomsten/trajecten/{w.tender.id}"


CASES = [
    Case("agreements.register", lambda w: "/overeenkomsten/register", REGISTER),
    Case("agreements.export_register", lambda w: "/overeenkomsten/register/export?format=xlsx", REGISTER),
    Case("agreements.show", _agreement, VIEW, owned=True),
    Case("agreements.download", lambda w: _agreement(w) + "/versies/1/pdf", VIEW, owned=True),
    Case(
        "agreements.send",
        lambda w: _agreement(w) + "/verzenden",
        MANAGER,
        method="POST",
        owned=True,
        note="already sent: refused with 422",
    ),
    Case("agreements.sign", lambda w: _agreement(w) + "/ondertekening", MANAGER, method="POST", owned=True),
    Case("agreements.amend", lambda w: _agreement(w) + "/wijzigen", MANAGER, owned=True),
    Case(
        "agreements.amend",
        lambda w: _agreement(w) + "/wijzigen",
        MANAGER,
        method="POST",
        owned=True,
        data={"kind": "extend", "reason": "Verlenging"},
        note="no extension left: 422",
    ),
    Case("agreements.mine", lambda w: "/overeenkomsten/mijn", PROVIDERS),
    Case("agreements.accept", lambda w: _agreement(w) + "/accepteren", ACCEPT, owned=True),
    Case(
        "agreements.accept",
        lambda w: _agreement(w) + "/accepteren",
        ACCEPT,
        method="POST",
        owned=True,
        data={"version": "1", "name": "Anna", "function": "Bestuurder", "confirm": "y"},
    ),
    Case("agreements.tender", _tender, MANAGER),
    Case("agreements.generate_all", lambda w: _tender(w) + "/genereren", MANAGER, method="POST"),
    Case(
        "agreements.retry",
        lambda w: f"/overeenkomsten/taken/{w.generation_job.id}/opnieuw",
        MANAGER,
        method="POST",
    ),
    Case(
        "agreements.index_tariffs",
        lambda w: _tender(w) + "/indexatie",
        MANAGER,
        method="POST",
        data={"percentage": "", "valid_from": ""},
        note="incomplete: 422",
    ),
    Case("agreements.template", lambda w: "/overeenkomsten/sjabloon", MANAGER),
    Case(
        "agreements.template",
        lambda w: "/overeenkomsten/sjabloon",
        MANAGER,
        method="POST",
        data={"body": ""},
        note="empty: 422",
    ),
]
