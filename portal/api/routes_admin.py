"""The functional administrator's page of API tokens: create (the token is shown once) and revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import access, clock
from portal.accounts.forms import ButtonForm
from portal.api import bp, queries, tokens
from portal.api.forms import TokenForm
from portal.models import ApiToken
from portal.web import Page, current_user, get_or_404, show_refusal


def _page(form: TokenForm, new_token: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "api/tokens.html", form=form, rows=queries.tokens(), new_token=new_token, button=ButtonForm()
    ), status


@bp.get("/beheer/api-sleutels")
@access.guard("api.manage_tokens")
def tokens_page() -> tuple[str, int]:
    return _page(TokenForm(formdata=None))


@bp.post("/beheer/api-sleutels/nieuw")
@access.guard("api.manage_tokens")
def create_token() -> Page:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        _row, token = tokens.create(form.name.data or "", by=current_user(), now=clock.now())
    except tokens.TokenRefused as refusal:
        show_refusal(form, refusal)
        return _page(form, status=422)
    return _page(TokenForm(formdata=None), new_token=token)  # shown once, never stored: no redirect


@bp.post("/beheer/api-sleutels/<int:token_id>/intrekken")
def revoke_token(token_id: int) -> Page:
    row = get_or_404(ApiToken, token_id, "api.manage_tokens")
    if not ButtonForm().validate_on_submit():
        abort(400)
    tokens.revoke(row, by=current_user(), now=clock.now())
    flash(_("De API-sleutel van %(name)s is ingetrokken.", name=row.name), "success")
    return redirect(url_for("api.tokens_page"))
