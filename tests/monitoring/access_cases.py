"""Who may use which monitoring route (tests/test_access_matrix.py walks them all)."""

from tests.access.cases import PROVIDERS, Case

MANAGER = frozenset({"contract_manager"})
VIEW = frozenset({"contract_manager", "provider_admin", "provider_member"})
ANSWER = frozenset({"provider_admin", "provider_member"})


def _action(w) -> str:
    return f"/monitoring/acties/{w.monitoring_plan.id}"


def _provider(w) -> str:
    return f"/monitoring/aanbieders/{w.own_org.id}"


CASES = [
    Case("monitoring.index", lambda w: "/monitoring/", MANAGER),
    Case("monitoring.export_stops", lambda w: "/monitoring/clientenstops/export?format=xlsx", MANAGER),
    Case("monitoring.provider", _provider, MANAGER),
    Case(
        "monitoring.create",
        lambda w: _provider(w) + "/acties",
        MANAGER,
        method="POST",
        data={"kind": "signal", "title": ""},
        note="no title: 422",
    ),
    Case("monitoring.show", _action, VIEW, owned=True),
    Case(
        "monitoring.step",
        lambda w: _action(w) + "/stap",
        MANAGER,
        method="POST",
        owned=True,
        data={"step": "cancel"},
    ),
    Case(
        "monitoring.submit_plan",
        lambda w: _action(w) + "/indienen",
        ANSWER,
        method="POST",
        owned=True,
        data={"response": "Wij verbeteren de dossiervorming."},
    ),
    Case(
        "monitoring.attach",
        lambda w: _action(w) + "/documenten",
        VIEW,
        method="POST",
        owned=True,
        note="no file: 422",
    ),
    Case(
        "monitoring.action_document",
        lambda w: _action(w) + f"/documenten/{w.monitoring_document.id}",
        VIEW,
        owned=True,
    ),
    Case("monitoring.mine", lambda w: "/monitoring/mijn", PROVIDERS),
    Case("monitoring.dossier_page", lambda w: "/monitoring/dossier", PROVIDERS),
    Case(
        "monitoring.upload",
        lambda w: "/monitoring/dossier",
        PROVIDERS,
        method="POST",
        data={"kind": "vog"},
        note="no file: 422",
    ),
    Case("monitoring.report_page", lambda w: "/monitoring/rapportage", PROVIDERS),
    Case(
        "monitoring.submit_report",
        lambda w: "/monitoring/rapportage",
        PROVIDERS,
        method="POST",
        data={"explanation": ""},
        note="incomplete: 422",
    ),
    Case("monitoring.download", lambda w: f"/monitoring/dossier/{w.dossier_document.id}", VIEW, owned=True),
]
