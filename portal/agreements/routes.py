"""Routes of the agreements feature: thin — parse, check access, call the service, render or redirect."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from portal import access, audit, clock, web
from portal.accounts import second_factor
from portal.agreements import amendments, bp, export, forms, jobs, queries, service
from portal.agreements.rules import AgreementRefused
from portal.fields import filter_value
from portal.models import Agreement, AgreementStatus, GenerationJob, Tender
from portal.monitoring import queries as monitoring
from portal.tenders import queries as tender_queries
from portal.web import Page

# --- the register (contract manager, buyer) ------------------------------------------------------


def _register_filters() -> tuple[forms.RegisterFilterForm, queries.RegisterFilter]:
    form = forms.RegisterFilterForm(request.args)
    tenders = ((str(t.id), f"{t.reference} {t.title}") for t in queries.tenders())
    form.tender.choices = forms.optional_choices(tenders)
    form.municipality.choices = forms.optional_choices(
        (m.cbs_code, m.name) for m in tender_queries.municipalities()
    )
    form.validate()  # a refused filter is ignored, its message shown next to it
    return form, _filters(form)


def _filters(form: forms.RegisterFilterForm) -> queries.RegisterFilter:
    tender, level, status = filter_value(form.tender), filter_value(form.level), filter_value(form.status)
    return queries.RegisterFilter(
        tender_id=int(tender) if tender else None,
        municipality_code=filter_value(form.municipality),
        lot=filter_value(form.lot).strip(),
        result=filter_value(form.result).strip(),
        level=int(level) if level else None,
        status=AgreementStatus(status) if status else None,
        provider=filter_value(form.provider).strip(),
    )


@bp.get("/register")
@access.guard("agreements.register")
def register() -> Page:
    form, filters = _register_filters()
    return render_template(
        "agreements/register.html",
        form=form,
        rows=queries.register(filters),
        tenders=queries.tenders(),
        may_manage=access.allowed(web.current_user(), "agreements.manage"),
        stopped=monitoring.stopped_organisations(clock.now()),
        export_args={name: value for name, value in request.args.items() if name in form},
    )


@bp.get("/register/export")
@access.guard("agreements.register")
def export_register() -> Response:
    _form, filters = _register_filters()
    rows = queries.register(filters, with_content=True)
    kind = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    audit.record("agreements.register_exported", None, format=kind, rows=len(rows))
    if kind == "xlsx":
        data, mimetype = (
            export.to_xlsx(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        data, mimetype = export.to_csv(rows), "text/csv; charset=utf-8"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="contractregister.{kind}"'
    return response


# --- one contract ---------------------------------------------------------------------------------


def _agreement_or_404(agreement_id: int, action: str) -> Agreement:
    """Load-or-404 with the page's eager loading, plus permission."""
    return access.found_or_404(queries.agreement_page(agreement_id), action)


@bp.get("/<int:agreement_id>")
def show(agreement_id: int) -> Page:
    agreement = _agreement_or_404(agreement_id, "agreements.view")
    audit.record("agreements.viewed", agreement, number=agreement.number)
    return _show_page(agreement)


def _show_page(agreement: Agreement, error: str | None = None) -> str:
    user = web.current_user()
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        versions=list(reversed(agreement.versions)),
        current=agreement.versions[-1],
        confirm=forms.ConfirmForm(),
        error=error,
        may_manage=access.allowed(user, "agreements.manage", agreement),
        may_accept=access.allowed(user, "agreements.accept", agreement),
        stops=monitoring.stops_of(agreement.organisation_id, clock.to_local(clock.now()).date()),
    )


@bp.get("/<int:agreement_id>/versies/<int:version>/pdf")
def download(agreement_id: int, version: int) -> Response:
    agreement = _agreement_or_404(agreement_id, "agreements.view")
    found = next((v for v in agreement.versions if v.version == version), None)
    if found is None or not found.pdf_stored_name:
        abort(404)
    audit.record("agreements.downloaded", found, number=agreement.number, version=version)
    pdf = io.BytesIO(service.pdf_path(found).read_bytes())
    name = f"raamovereenkomst-{agreement.number}-v{version}.pdf"
    return send_file(pdf, "application/pdf", as_attachment=True, download_name=name)


@bp.post("/<int:agreement_id>/verzenden")
@second_factor.recent_required  # a sensitive action: the second factor again after 15 minutes
def send(agreement_id: int) -> Page:
    return _confirmed(
        agreement_id, service.send_agreement, _("De overeenkomst is verzonden naar de zorgaanbieder.")
    )


@bp.post("/<int:agreement_id>/ondertekening")
def sign(agreement_id: int) -> Page:
    return _confirmed(
        agreement_id, service.record_signature, _("De ondertekening door de gemeenten is vastgelegd.")
    )


def _confirmed(agreement_id: int, change: Callable[..., object], done: str) -> Page:
    """A confirmed button of the contract manager: the change, or its refusal on the contract's page."""
    agreement = _agreement_or_404(agreement_id, "agreements.manage")
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(agreement, user=web.current_user(), now=clock.now())
    except AgreementRefused as refusal:
        return _show_page(agreement, error=str(refusal)), 422
    flash(done, "success")
    return redirect(url_for("agreements.show", agreement_id=agreement.id))


@bp.route("/<int:agreement_id>/wijzigen", methods=["GET", "POST"])
def amend(agreement_id: int) -> Page:
    agreement = _agreement_or_404(agreement_id, "agreements.manage")
    form = forms.AmendForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("agreements/amend.html", agreement=agreement, form=form), status
    try:
        _apply_amendment(agreement, form)
    except AgreementRefused as refusal:
        # on the choice, not on end_date: macros/forms.html cannot yet show an error on an optional field
        form.kind.errors = [*form.kind.errors, str(refusal)]
        return render_template("agreements/amend.html", agreement=agreement, form=form), 422
    flash(_("De wijziging is vastgelegd als nieuwe versie."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement.id))


def _apply_amendment(agreement: Agreement, form: forms.AmendForm) -> None:
    now, reason, user = clock.now(), (form.reason.data or "").strip(), web.current_user()
    if form.kind.data == "extend":
        amendments.extend_term(agreement, reason=reason, user=user, now=now)
    elif form.kind.data == "add_results":
        amendments.add_admitted_results(agreement, reason=reason, user=user, now=now)
    else:
        if form.end_date.data is None:
            raise AgreementRefused(_("Vul de einddatum in."), "end_date")
        amendments.end_agreement(agreement, form.end_date.data, reason=reason, user=user, now=now)


# --- the provider's side --------------------------------------------------------------------------


@bp.get("/mijn")
@access.guard("agreements.mine")
def mine() -> Page:
    organisation = web.current_user().organisation
    if organisation is None:  # the policy admits provider users only
        abort(403)
    return render_template("agreements/mine.html", agreements=queries.own_agreements(organisation.id))


@bp.route("/<int:agreement_id>/accepteren", methods=["GET", "POST"])
def accept(agreement_id: int) -> Page:
    agreement = _agreement_or_404(agreement_id, "agreements.accept")
    form = forms.AcceptForm(version=str(agreement.versions[-1].version))
    if not form.validate_on_submit():
        return _accept_page(agreement, form, 422 if form.is_submitted() else 200)
    try:
        _accept(agreement, form)
    except (AgreementRefused, ValueError) as refusal:
        form.confirm.errors = [*form.confirm.errors, str(refusal)]
        return _accept_page(agreement, form, 422)
    flash(_("U heeft de overeenkomst geaccepteerd. Dank u wel."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement.id))


def _accept(agreement: Agreement, form: forms.AcceptForm) -> None:
    """The version the page showed (a newer one refuses), accepted by the signatory named in the form."""
    name, function = (form.name.data or "").strip(), (form.function.data or "").strip()
    version = int(form.version.data or 0)
    user, ip = web.current_user(), request.remote_addr
    service.accept_version(
        agreement, version, user=user, name=name, function=function, ip=ip, now=clock.now()
    )


def _accept_page(agreement: Agreement, form: forms.AcceptForm, status: int) -> tuple[str, int]:
    page = render_template(
        "agreements/accept.html", agreement=agreement, current=agreement.versions[-1], form=form
    )
    return page, status


# --- per tender: generate all, progress, indexation -------------------------------------------------


@bp.get("/trajecten/<int:tender_id>")
def tender(tender_id: int) -> Page:
    found = access.get_or_404(Tender, tender_id, "agreements.manage")
    return _tender_page(found, forms.IndexationForm())


def _tender_page(found: Tender, indexation: forms.IndexationForm) -> str:
    job = queries.latest_job(found.id)
    return render_template(
        "agreements/tender.html",
        tender=found,
        job=job,
        progress=jobs.progress(job) if job else None,
        admitted=len(queries.admissions(found.id)),
        agreements=queries.tender_agreements(found.id, include_ended=True),
        confirm=forms.ConfirmForm(),
        indexation=indexation,
    )


@bp.post("/trajecten/<int:tender_id>/genereren")
@second_factor.recent_required  # a sensitive action: the second factor again after 15 minutes
def generate_all(tender_id: int) -> Page:
    found = access.get_or_404(Tender, tender_id, "agreements.manage")
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    jobs.start(jobs.create_job(found, user=web.current_user()).id)
    flash(_("Het genereren is gestart."), "success")
    return redirect(url_for("agreements.tender", tender_id=found.id))


@bp.post("/taken/<int:job_id>/opnieuw")
def retry(job_id: int) -> Page:
    job = access.get_or_404(GenerationJob, job_id, "agreements.manage")
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    if jobs.retry_failures(job, user=web.current_user()):
        jobs.start(job.id)
    return redirect(url_for("agreements.tender", tender_id=job.tender_id))


@bp.post("/trajecten/<int:tender_id>/indexatie")
def index_tariffs(tender_id: int) -> Page:
    found = access.get_or_404(Tender, tender_id, "agreements.manage")
    form = forms.IndexationForm()
    if not form.validate_on_submit():
        return _tender_page(found, form), 422
    try:
        count = _index(found, form)
    except AgreementRefused as refusal:
        form.percentage.errors = [*form.percentage.errors, str(refusal)]
        return _tender_page(found, form), 422
    flash(_("%(count)s overeenkomsten zijn geïndexeerd.", count=count), "success")
    return redirect(url_for("agreements.tender", tender_id=found.id))


def _index(found: Tender, form: forms.IndexationForm) -> int:
    """Index the tariffs, then render the new versions' PDFs in a generation job; how many were indexed."""
    percentage, valid_from = form.indexation()
    user = web.current_user()
    versions = amendments.index_tariffs(
        found, percentage, valid_from, user=user, now=clock.now(), render=False
    )
    jobs.start(jobs.create_job(found, user=user).id)
    return len(versions)


# --- the template ---------------------------------------------------------------------------------


@bp.route("/sjabloon", methods=["GET", "POST"])
@access.guard("agreements.manage")
def template() -> Page:
    current = queries.current_template() or service.seed_default_template()
    form = forms.TemplateForm(body=current.body)
    if form.validate_on_submit():
        try:
            saved = service.save_template(form.body.data or "", user=web.current_user())
        except AgreementRefused as refusal:
            form.body.errors = [*form.body.errors, str(refusal)]
        else:
            flash(_("Versie %(version)s van het sjabloon is opgeslagen.", version=saved.version), "success")
            return redirect(url_for("agreements.template"))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("agreements/template.html", form=form, current=current), status
