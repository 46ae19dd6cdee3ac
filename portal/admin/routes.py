"""The functional administrator's pages: users and roles, and the audit trail."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import access, clock
from portal.accounts import second_factor, switching
from portal.accounts.forms import ButtonForm
from portal.accounts.rules import FieldRefused
from portal.admin import bp, queries, service
from portal.admin.forms import AuditFilterForm, RolesForm, StaffUserForm, UserFilterForm, role_choices
from portal.fields import filter_value, record_id
from portal.models import User
from portal.web import Page, current_user, show_refusal


def _users_page(
    new_user: StaffUserForm | None = None, error: object = None, status: int = 200
) -> tuple[str, int]:
    filters = UserFilterForm(request.args)
    filters.validate()
    return render_template(
        "admin/users.html",
        filters=filters,
        users=_filtered_users(filters),
        new_user=new_user or StaffUserForm(formdata=None),
        button=ButtonForm(),
        error=error,
    ), status


def _filtered_users(filters: UserFilterForm) -> list[User]:
    """The users the filter boxes ask for (a refused box filters nothing; its refusal shows next to it)."""
    return queries.users(
        q=filter_value(filters.q),
        kind=filter_value(filters.kind),
        role=filter_value(filters.role),
        status=filter_value(filters.status),
    )


@bp.get("/gebruikers")
@access.guard("admin.manage_users")
def users() -> tuple[str, int]:
    return _users_page()


@bp.post("/gebruikers/nieuw")
@access.guard("admin.manage_users")
@second_factor.recent_required  # roles change here: the second factor again after 15 minutes
def create_user() -> Page:
    form = StaffUserForm()
    if not form.validate_on_submit():
        return _users_page(new_user=form, status=422)
    try:
        user = service.create_staff_user(
            current_user(),
            name=form.name.data or "",
            email=form.email.data or "",
            roles=form.roles.data or [],
        )
    except FieldRefused as refusal:
        show_refusal(form, refusal)
        return _users_page(new_user=form, status=422)
    flash(
        _("%(name)s heeft een account en krijgt een e-mail om een wachtwoord te kiezen.", name=user.name),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _roles_form(user: User) -> RolesForm:
    form = RolesForm(data={"roles": [r.value for r in user.roles]} if request.method == "GET" else None)
    form.roles.choices = role_choices(service.allowed_roles(user))
    return form


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@access.guard("admin.manage_users")
@second_factor.recent_required  # roles change here: the second factor again after 15 minutes
def edit_user(user_id: int) -> Page:
    user = access.get_or_404(User, user_id, "admin.manage_users")
    form = _roles_form(user)
    template = "admin/edit_user.html"
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template(template, user=user, form=form, button=ButtonForm()), status
    try:
        service.set_roles(current_user(), user, form.roles.data or [])
    except FieldRefused as refusal:
        show_refusal(form, refusal)
        return render_template(template, user=user, form=form, button=ButtonForm()), 422
    flash(_("De rollen van %(name)s zijn opgeslagen.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


_switch_user = partial(
    switching.switch_account, "admin.manage_users", service.set_user_active, _users_page, "admin.users"
)


@bp.post("/gebruikers/<int:user_id>/deactiveren")
@access.guard("admin.manage_users")
def deactivate_user(user_id: int) -> Page:
    return _switch_user(user_id, False)


@bp.post("/gebruikers/<int:user_id>/activeren")
@access.guard("admin.manage_users")
def reactivate_user(user_id: int) -> Page:
    return _switch_user(user_id, True)


@bp.get("/audit")
@access.guard("audit.view")
def audit() -> str:
    filters = AuditFilterForm(request.args)
    filters.validate()
    page = request.args.get("pagina", 1, type=record_id) or 1
    events = queries.audit_events(
        action=filter_value(filters.action), outcome=filter_value(filters.outcome), page=page, now=clock.now()
    )
    more = len(events) > queries.PAGE_SIZE
    events = events[: queries.PAGE_SIZE]
    return render_template(
        "admin/audit.html",
        filters=filters,
        events=events,
        actors=queries.actors(events),
        page=page,
        more=more,
    )
