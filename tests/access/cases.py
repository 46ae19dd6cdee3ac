"""The vocabulary of the authorization matrix: who tries, which route, what is expected.

Each feature lists its routes in tests/<feature>/access_cases.py as `CASES = [Case(...), ...]`.
tests/test_access_matrix.py fails when a route of the app has no case, so no route is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Who tries: anonymous, the two provider roles of the object's own organisation, a provider admin of
# another organisation, and every staff role.
ACTORS = (
    "anonymous",
    "provider_admin",
    "provider_member",
    "other_provider",
    "buyer",
    "assessor",
    "contract_manager",
    "admin",
    "viewer",
)
EVERYONE = frozenset(ACTORS)
LOGGED_IN = EVERYONE - {"anonymous"}
OWN_PROVIDER = frozenset({"provider_admin", "provider_member"})
PROVIDERS = frozenset({"provider_admin", "provider_member", "other_provider"})
STAFF = frozenset({"buyer", "assessor", "contract_manager", "admin", "viewer"})


@dataclass(frozen=True)
class Case:
    """One route as one actor meets it.

    url: builds the URL from the World (the objects of the test), e.g. lambda w: f"/x/{w.own_bid.id}".
    allowed: the actors that may use it. The others get: anonymous → log-in page; `other_provider` on an
    object of the own organisation → 404 when `owned` is true (existence not revealed); the rest → 403.
    """

    endpoint: str
    url: Callable[[Any], str]
    allowed: frozenset[str]
    method: str = "GET"
    owned: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    headers: Callable[[Any], dict[str, str]] | None = None  # e.g. an API token built from the World

    def expected(self, actor: str) -> str:
        if actor in self.allowed:
            return "allowed"
        if actor == "anonymous":
            return "login"
        if actor == "other_provider" and self.owned:
            return "not_found"
        return "forbidden"
