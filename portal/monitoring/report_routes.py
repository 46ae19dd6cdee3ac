"""Routes of the half-yearly report: the provider submits it, once per half-year."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import access, clock
from portal.clock import to_local
from portal.monitoring import bp, forms, indicators, queries, reports
from portal.monitoring.routes import own_organisation_id
from portal.monitoring.rules import MonitoringRefused
from portal.web import Page, current_user, show_refusal


def _report_page(form: forms.ReportForm) -> str:
    organisation_id = own_organisation_id()
    period = indicators.period_to_report(to_local(clock.now()).date())
    return render_template(
        "monitoring/report.html",
        form=form,
        period=period,
        due_on=indicators.due_on(period),
        done=queries.report_of(organisation_id, period) is not None,
        value_fields=[form[f"value_{i.code}"] for i in indicators.INDICATORS],
        reports=queries.reports_of(organisation_id),
    )


@bp.get("/rapportage")
@access.guard("monitoring.mine")
def report_page() -> Page:
    return _report_page(forms.ReportForm())


@bp.post("/rapportage")
@access.guard("monitoring.mine")
def submit_report() -> Page:
    form = forms.ReportForm()
    if not form.validate_on_submit():
        return _report_page(form), 422
    values = {i.code: form[f"value_{i.code}"].data for i in indicators.INDICATORS}
    try:
        reports.submit_report(
            own_organisation_id(), values, form.explanation.data or "", user=current_user(), now=clock.now()
        )
    except MonitoringRefused as refusal:
        show_refusal(form, refusal)
        return _report_page(form), 422
    flash(_("Uw halfjaarrapportage is ingediend."))
    return redirect(url_for("monitoring.report_page"))
