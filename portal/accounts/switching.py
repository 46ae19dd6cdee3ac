"""Turning an account off or on from a list page: the colleague page and the administrator's user list."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from portal import access
from portal.accounts.forms import ButtonForm
from portal.accounts.rules import ActionRefused
from portal.models import User
from portal.web import Page, current_user


def switch_account(
    policy: str,
    change: Callable[[User, User, bool], None],
    page: Callable[..., Page],
    done_endpoint: str,
    user_id: int,
    active: bool,
) -> Page:
    """Check the policy and the button, let `change` switch the account, then flash and go to the page
    `done_endpoint`; a refusal shows on `page` (called with error= and status=)."""
    user = access.get_or_404(User, user_id, policy)
    if not ButtonForm().validate_on_submit():
        return page(status=422)
    try:
        change(current_user(), user, active)
    except ActionRefused as refusal:
        return page(error=refusal.message, status=422)
    if active:
        flash(_("%(name)s kan weer inloggen.", name=user.name), "success")
    else:
        flash(_("Het account van %(name)s staat uit.", name=user.name), "success")
    return redirect(url_for(done_endpoint))
