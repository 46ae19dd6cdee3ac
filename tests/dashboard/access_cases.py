from tests.access.cases import EVERYONE, Case

CASES = [
    Case("dashboard.home", lambda w: "/", EVERYONE),
    Case("dashboard.set_language", lambda w: "/taal", EVERYONE, method="POST", data={"language": "en"}),
    Case("dashboard.health", lambda w: "/gezond", EVERYONE),
]
