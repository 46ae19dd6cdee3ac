"""Routes of the monitoring feature: thin — parse, check access, call the service, render or redirect."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import access, audit, clock, spreadsheets
from portal.clock import to_local
from portal.fields import filter_value, record_id
from portal.models import ActionKind, MonitoringAction, Organisation
from portal.monitoring import bp, forms, queries, rules, service
from portal.monitoring.rules import MANAGER, PROVIDER, MonitoringRefused
from portal.web import Page, current_user, get_or_404, show_refusal

# --- the contract manager's list -------------------------------------------------------------------


@bp.get("/")
@access.guard("monitoring.manage")
def index() -> Page:
    form = forms.ListFilterForm(request.args)
    form.validate()  # a refused filter is ignored, its message shown next to it
    kind = filter_value(form.kind)
    filters = queries.ListFilter(
        provider=filter_value(form.provider).strip(),
        kind=ActionKind(kind) if kind else None,
        only_open=bool(form.only_open.data),
        dossier_incomplete=bool(form.dossier_incomplete.data),
        report_late=bool(form.report_late.data),
        page=max(1, request.args.get("pagina", 1, type=record_id) or 1),
    )
    rows, total = queries.monitoring_list(filters, to_local(clock.now()).date())
    pages = max(1, -(-total // queries.PAGE_SIZE))
    args = {name: value for name, value in request.args.items() if name in form}
    return render_template(
        "monitoring/index.html", form=form, rows=rows, total=total, page=filters.page, pages=pages, args=args
    )


# --- one provider ----------------------------------------------------------------------------------


def _action_form(organisation: Organisation) -> forms.ActionForm:
    form = forms.ActionForm()
    municipalities, results = queries.stop_choices(queries.current_agreement(organisation.id))
    form.municipalities.choices = forms.options([(str(m.id), m.name) for m in municipalities])
    form.results.choices = forms.options([(str(r.id), f"{r.code} {r.name}") for r in results])
    return form


@bp.get("/aanbieders/<int:organisation_id>")
def provider(organisation_id: int) -> Page:
    organisation = get_or_404(Organisation, organisation_id, "monitoring.manage")
    return _provider_page(organisation, _action_form(organisation))


def _provider_page(organisation: Organisation, form: forms.ActionForm) -> str:
    today = to_local(clock.now()).date()
    return render_template(
        "monitoring/provider.html",
        organisation=organisation,
        actions=queries.actions_of(organisation.id),
        stops=queries.stops_of(organisation.id, today),
        agreement=queries.current_agreement(organisation.id),
        dossier=queries.dossier_of(organisation.id, today),
        reports=queries.reports_of(organisation.id),
        form=form,
    )


@bp.post("/aanbieders/<int:organisation_id>/acties")
def create(organisation_id: int) -> Page:
    organisation = get_or_404(Organisation, organisation_id, "monitoring.manage")
    form = _action_form(organisation)
    if not form.validate_on_submit():
        return _provider_page(organisation, form), 422
    new = service.NewAction(
        kind=ActionKind(form.kind.data),
        title=form.title.data or "",
        notes=form.notes.data or "",
        agreements_made=form.agreements_made.data or "",
        happens_on=form.happens_on.data,
        due_on=form.due_on.data,
        lines=[(m, r) for m in form.municipalities.data or [] for r in form.results.data or []],
    )
    try:
        action = service.create_action(organisation, new, user=current_user(), now=clock.now())
    except MonitoringRefused as refusal:
        show_refusal(form, refusal)
        return _provider_page(organisation, form), 422
    flash(_("De actie is vastgelegd."))
    return redirect(url_for("monitoring.show", action_id=action.id))


# --- one action ------------------------------------------------------------------------------------


def action_or_404(action_id: int, policy: str) -> MonitoringAction:
    return access.found_or_404(queries.action_page(action_id), policy)


def show_page(
    action: MonitoringAction,
    step_form: forms.StepForm,
    plan_form: forms.PlanForm,
    attach_form: forms.AttachForm | None = None,
) -> str:
    is_manager = access.allowed(current_user(), "monitoring.manage")
    by = MANAGER if is_manager else PROVIDER
    return render_template(
        "monitoring/show.html",
        action=action,
        is_manager=is_manager,
        steps=[
            (step, rules.STEP_LABELS[step]) for step in rules.steps_for(action.kind, action.status, by=by)
        ],
        step_form=step_form,
        plan_form=plan_form,
        stops=queries.stop_lines_of(action.id),
        history=queries.history(action.id),
        documents=queries.documents_of(action.id),
        attach_form=attach_form or forms.AttachForm(),
    )


@bp.get("/acties/<int:action_id>")
def show(action_id: int) -> Page:
    action = action_or_404(action_id, "monitoring.view_action")
    return show_page(action, forms.StepForm(), forms.PlanForm())


@bp.post("/acties/<int:action_id>/stap")
def step(action_id: int) -> Page:
    action = action_or_404(action_id, "monitoring.view_action")
    access.require("monitoring.manage", action)
    form = forms.StepForm()
    if not form.validate_on_submit():
        form.form_errors.append(_("Deze stap kan nu niet (meer) worden gezet."))
        return show_page(action, form, forms.PlanForm()), 422
    note = form.note.data or ""
    return _take_step(action, form.step.data or "", form, done=_("De stap is vastgelegd."), note=note)


@bp.post("/acties/<int:action_id>/indienen")
def submit_plan(action_id: int) -> Page:
    action = action_or_404(action_id, "monitoring.answer")
    form = forms.PlanForm()
    if not form.validate_on_submit():
        return show_page(action, forms.StepForm(), form), 422
    response = form.response.data or ""
    return _take_step(action, "submit", form, done=_("Uw verbeterplan is ingediend."), response=response)


def _take_step(
    action: MonitoringAction, step: str, form: forms.StepForm | forms.PlanForm, *, done: str, **text: str
) -> Page:
    """The manager's step (StepForm) or the provider's plan (PlanForm); a refusal shows on that form."""
    by = MANAGER if isinstance(form, forms.StepForm) else PROVIDER
    try:
        service.take_step(action, step, by=by, user=current_user(), now=clock.now(), **text)
    except MonitoringRefused as refusal:
        if isinstance(form, forms.StepForm):
            show_refusal(form, refusal, field="note")
            return show_page(action, form, forms.PlanForm()), 422
        show_refusal(form, refusal, field="response")
        return show_page(action, forms.StepForm(), form), 422
    flash(done)
    return redirect(url_for("monitoring.show", action_id=action.id))


# --- the provider's own --------------------------------------------------------------------------


@bp.get("/mijn")
@access.guard("monitoring.mine")
def mine() -> Page:
    organisation_id = own_organisation_id()
    today = to_local(clock.now()).date()
    return render_template(
        "monitoring/mine.html",
        actions=queries.actions_of(organisation_id),
        stops=queries.stops_of(organisation_id, today),
    )


def own_organisation_id() -> int:
    """The provider user's organisation (the pages of its own dossier, reports and actions)."""
    organisation_id = current_user().organisation_id
    if organisation_id is None:
        abort(404)
    return organisation_id


# --- the cliëntenstops for the municipalities' toegang ------------------------------------------------

STOP_HEADER = [
    "Zorgaanbieder",
    "KvK-nummer",
    "Gemeente",
    "Resultaatcode",
    "Resultaat",
    "Ingangsdatum",
    "Laatste dag",
    "Reden",
]


@bp.get("/clientenstops/export")
@access.guard("monitoring.manage")
def export_stops() -> Response:
    """The cliëntenstops in force as CSV or XLSX: what the toegang may not allocate to whom."""
    rows = queries.stops_for_export(to_local(clock.now()).date())
    kind = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    audit.record("monitoring.stops_exported", None, format=kind, rows=len(rows))
    if kind == "xlsx":
        data = spreadsheets.to_xlsx("Clientenstops", STOP_HEADER, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, mimetype = spreadsheets.to_csv(STOP_HEADER, rows), "text/csv; charset=utf-8"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="clientenstops.{kind}"'
    return response
