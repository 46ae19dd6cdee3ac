"""The provider admin's page: colleagues of the own organisation and requests for access."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import access, clock
from portal.accounts import bp, colleagues, queries, switching
from portal.accounts.forms import ButtonForm, InviteForm, text
from portal.accounts.rules import ActionRefused, FieldRefused
from portal.models import AccessRequest, Organisation
from portal.web import Page, current_user, show_refusal


def _organisation() -> Organisation:
    organisation = current_user().organisation
    access.require("organisation.manage_colleagues", organisation)
    if organisation is None:  # the policy lets only provider admins in, and they have one
        abort(404)
    return organisation


def _page(invite: InviteForm | None = None, error: object = None, status: int = 200) -> tuple[str, int]:
    organisation = _organisation()
    return render_template(
        "accounts/colleagues.html",
        organisation=organisation,
        users=queries.colleagues(organisation.id),
        access_requests=queries.open_access_requests(organisation.id),
        invite=invite or InviteForm(formdata=None),
        button=ButtonForm(),
        error=error,
    ), status


@bp.get("/organisatie/collegas", endpoint="colleagues")
@access.guard("organisation.manage_colleagues")
def colleagues_index() -> tuple[str, int]:
    return _page()


@bp.post("/organisatie/collegas/uitnodigen")
@access.guard("organisation.manage_colleagues")
def invite_colleague() -> Page:
    _organisation()
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(invite=form, status=422)
    try:
        user = colleagues.invite_colleague(
            current_user(),
            name=text(form.name),
            email=text(form.email),
            role=text(form.role),
        )
    except FieldRefused as refusal:
        show_refusal(form, refusal)
        return _page(invite=form, status=422)
    flash(
        _("%(name)s is uitgenodigd en krijgt een e-mail om een wachtwoord te kiezen.", name=user.name),
        "success",
    )
    return redirect(url_for("accounts.colleagues"))


_switch_colleague = partial(
    switching.switch_account,
    "organisation.manage_colleague",
    colleagues.set_colleague_active,
    _page,
    "accounts.colleagues",
)


@bp.post("/organisatie/collegas/<int:user_id>/deactiveren")
def deactivate_colleague(user_id: int) -> Page:
    return _switch_colleague(user_id, False)


@bp.post("/organisatie/collegas/<int:user_id>/activeren")
def reactivate_colleague(user_id: int) -> Page:
    return _switch_colleague(user_id, True)


def _handle_access_request(request_id: int, grant: bool) -> Page:
    access_request = access.get_or_404(AccessRequest, request_id, "organisation.handle_access_request")
    if not ButtonForm().validate_on_submit():
        return _page(status=422)
    actor = current_user()
    try:
        if grant:
            colleagues.grant_access_request(actor, access_request, now=clock.now())
        else:
            colleagues.refuse_access_request(actor, access_request, now=clock.now())
    except ActionRefused as refusal:
        return _page(error=refusal.message, status=422)
    if grant:
        flash(_("%(name)s is uitgenodigd en krijgt een e-mail.", name=access_request.name), "success")
    else:
        flash(
            _(
                "Het verzoek van %(name)s is afgewezen. Diegene krijgt daarover een e-mail.",
                name=access_request.name,
            ),
            "success",
        )
    return redirect(url_for("accounts.colleagues"))


@bp.post("/organisatie/toegangsverzoeken/<int:request_id>/toekennen")
def grant_access_request(request_id: int) -> Page:
    return _handle_access_request(request_id, True)


@bp.post("/organisatie/toegangsverzoeken/<int:request_id>/weigeren")
def refuse_access_request(request_id: int) -> Page:
    return _handle_access_request(request_id, False)
