"""The main menu: one list of items, each shown when its endpoint exists and access allows it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import access


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    action: str | None  # access action needed; None: everyone (also anonymous)
    providers_only: bool = False


ITEMS: list[NavItem] = [
    NavItem("dashboard.home", _l("Start"), None),
    NavItem("tenders.public_index", _l("Inkooptrajecten"), None),
    NavItem("bids.index", _l("Mijn inschrijvingen"), "bids.start", providers_only=True),
    NavItem("accounts.colleagues", _l("Collega's"), "organisation.manage_colleagues"),
    NavItem("tenders.index", _l("Beheer inkooptrajecten"), "tenders.manage"),
    NavItem("assessment.index", _l("Beoordeling"), "assessment.score"),
    NavItem("assessment.manage_index", _l("Besluiten"), "assessment.manage"),
    NavItem("agreements.register", _l("Contractregister"), "agreements.register"),
    NavItem("standards.contract_exports", _l("Contracten per gemeente"), "standards.contract_export"),
    NavItem("agreements.mine", _l("Mijn overeenkomsten"), "bids.start", providers_only=True),
    NavItem("dashboard.figures", _l("Cijfers"), "dashboard.view"),
    NavItem("admin.users", _l("Gebruikers"), "admin.manage_users"),
    NavItem("admin.outbox", _l("E-mail"), "admin.manage_mail"),
    NavItem("standards.reference_list", _l("iStandaarden"), "admin.manage_master_data"),
    NavItem("api.tokens_page", _l("API-sleutels"), "api.manage_tokens"),
    NavItem("accounts.profile", _l("Mijn account"), "accounts.own_account"),
]


def navigation_items() -> list[dict[str, object]]:
    items = []
    for item in ITEMS:
        if item.endpoint not in current_app.view_functions:
            continue
        if item.action is not None and not access.allowed(current_user, item.action):
            continue
        url = url_for(item.endpoint)
        items.append({"url": url, "label": item.label, "current": request.path == url})
    return items


def register(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
    app.jinja_env.globals["has_endpoint"] = lambda name: name in current_app.view_functions
