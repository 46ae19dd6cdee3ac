"""Absolute links in mails, built on PORTAL_BASE_URL rather than on the request's Host header.

A link built from the Host header (`url_for(..., _external=True)`) lets anyone who posts the
"forgot password" form with a forged Host send the victim a reset link to his own server
(host-header poisoning). The configured base URL is the one address mail may point to.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from portal.accounts import bp


@bp.app_template_global("absolute_url")
def absolute_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("PORTAL_BASE_URL", "").rstrip("/")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, _external=False, **values)
