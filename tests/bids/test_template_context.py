"""Templates call no rules: the requirements page is handed plain values, never a module."""

from __future__ import annotations

import types

from flask import template_rendered


def test_requirements_page_gets_values_not_the_rules_module(app, client, auth, bid, provider):
    rendered: list[dict] = []

    def record(sender, template, context, **extra):
        rendered.append(context)

    auth.login(provider)
    with template_rendered.connected_to(record, app):
        page = client.get(f"/inschrijvingen/{bid.id}/eisen")
    assert page.status_code == 200
    modules = {k for context in rendered for k, v in context.items() if isinstance(v, types.ModuleType)}
    assert modules == set()
    items = next(c["items"] for c in rendered if "items" in c)
    assert items
    assert all({"title", "answered"} <= item.keys() for item in items)
    assert items[0]["title"] in page.text
