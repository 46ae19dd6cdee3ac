from tests.access.cases import EVERYONE, Case

FIGURES = frozenset({"viewer", "buyer", "contract_manager", "admin"})

CASES = [
    Case("dashboard.home", lambda w: "/", EVERYONE),
    Case("dashboard.set_language", lambda w: "/taal", EVERYONE, method="POST", data={"language": "en"}),
    Case("dashboard.health", lambda w: "/gezond", EVERYONE),
    Case("dashboard.figures", lambda w: "/cijfers", FIGURES),
]
