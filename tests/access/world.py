"""The objects the authorization matrix works on: two organisations, every role, a tender, bids.

Features add what their routes need (a bid, an agreement, ...) in `build_world`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.models import Organisation, Role, Tender, User
from tests import factories


@dataclass
class World:
    own_org: Organisation
    other_org: Organisation
    users: dict[str, User]
    tender: Tender
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.extra[name]
        except KeyError as error:
            raise AttributeError(name) from error


STAFF_ROLE = {
    "buyer": Role.BUYER,
    "assessor": Role.ASSESSOR,
    "contract_manager": Role.CONTRACT_MANAGER,
    "admin": Role.ADMIN,
    "viewer": Role.VIEWER,
}


def build_world() -> World:
    own_org = factories.OrganisationFactory()
    other_org = factories.OrganisationFactory()
    users = {
        "provider_admin": factories.user_with_role(Role.PROVIDER_ADMIN, own_org),
        "provider_member": factories.user_with_role(Role.PROVIDER_MEMBER, own_org),
        "other_provider": factories.user_with_role(Role.PROVIDER_ADMIN, other_org),
    }
    users.update({key: factories.user_with_role(role) for key, role in STAFF_ROLE.items()})
    tender = factories.tender_with_matrix()
    world = World(own_org=own_org, other_org=other_org, users=users, tender=tender)
    for extend in EXTENSIONS:
        before = dict(world.extra)
        extend(world)
        clashes = [key for key in before if world.extra[key] is not before[key]]
        if clashes:
            raise AssertionError(
                f"{extend.__module__} overwrote world objects {clashes}: use a key of its own"
            )
    return world


def _discover_extensions() -> list:
    """Each feature may add its objects in tests/<feature>/world_extension.py: def extend(world) -> None."""
    import importlib
    import pkgutil

    import tests

    found = []
    for module in sorted(pkgutil.iter_modules(tests.__path__), key=lambda m: m.name):
        if not module.ispkg:
            continue
        try:
            feature = importlib.import_module(f"tests.{module.name}.world_extension")
        except ModuleNotFoundError:
            continue
        found.append(feature.extend)
    return found


EXTENSIONS: list = _discover_extensions()
