"""The half-yearly report on the prestatieafspraken: periods, one report per half-year, late ones reminded
once (real SMTP) and listed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portal import mail
from portal.extensions import db
from portal.models import AgreementStatus
from portal.monitoring import indicators, queries, reports, term
from portal.monitoring.rules import MonitoringRefused
from tests.monitoring.helpers import contracted, provider_admin

GOOD = {
    "satisfaction": Decimal("7.8"),
    "outflow": Decimal("64"),
    "waiting_days": Decimal("21"),
    "waiting_list": Decimal("3"),
    "complaints": Decimal("0"),
}


@pytest.mark.parametrize(
    ("today", "period", "due"),
    [
        (date(2027, 1, 5), "2026-H2", date(2027, 1, 31)),
        (date(2027, 6, 30), "2026-H2", date(2027, 1, 31)),
        (date(2027, 7, 1), "2027-H1", date(2027, 7, 31)),
        (date(2027, 12, 31), "2027-H1", date(2027, 7, 31)),
    ],
)
def test_a_provider_reports_on_the_last_half_year_that_ended(today, period, due):
    assert indicators.period_to_report(today) == period
    assert indicators.due_on(period) == due


def test_a_report_is_reminded_two_weeks_before_and_after_its_due_day():
    assert indicators.reminder("2027-H1", date(2027, 7, 16)) is None
    assert indicators.reminder("2027-H1", date(2027, 7, 17)) == "soon"
    assert indicators.reminder("2027-H1", date(2027, 7, 31)) == "soon"
    assert indicators.reminder("2027-H1", date(2027, 8, 1)) == "late"


@pytest.mark.parametrize(("code", "value"), [("satisfaction", Decimal("11")), ("outflow", None)])
def test_a_missing_or_out_of_range_number_is_refused_next_to_its_field(code, value):
    with pytest.raises(MonitoringRefused) as refused:
        indicators.checked_values({**GOOD, code: value})
    assert refused.value.field == f"value_{code}"


def test_one_report_per_half_year(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    now = datetime(2027, 7, 10, 9, tzinfo=UTC)
    report = reports.submit_report(agreement.organisation_id, GOOD, "Goed halfjaar.", user=None, now=now)
    assert (report.period, report.values["satisfaction"]) == ("2027-H1", "7.8")
    with pytest.raises(MonitoringRefused, match="al ingediend"):
        reports.submit_report(agreement.organisation_id, GOOD, "Nog eens.", user=None, now=now)


def test_a_late_report_is_reminded_once_and_listed_until_it_is_in(app, smtp_server):
    agreement = contracted(AgreementStatus.ACTIVE)
    admin = provider_admin(agreement)
    for day in (date(2027, 8, 1), date(2027, 8, 2)):
        term.run(datetime(day.year, day.month, day.day, 3, tzinfo=UTC))
        db.session.commit()
    mail.deliver_pending()
    late = [m for m in smtp_server.messages if "Halfjaarrapportage 2027-H1" in m["Subject"]]
    assert [m["To"] for m in late] == [admin.email]
    assert "nog niet ontvangen" in smtp_server.body_of(late[0])
    rows, _ = queries.monitoring_list(queries.ListFilter(report_late=True), date(2027, 8, 2))
    assert [row.organisation_id for row in rows] == [agreement.organisation_id]
    now = datetime(2027, 8, 3, 9, tzinfo=UTC)
    reports.submit_report(agreement.organisation_id, GOOD, "Te laat, excuus.", user=None, now=now)
    assert queries.monitoring_list(queries.ListFilter(report_late=True), date(2027, 8, 3)) == ([], 0)


def test_the_provider_submits_through_the_page_and_sees_it_listed(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    auth.login(provider_admin(agreement))
    data = {f"value_{code}": str(value) for code, value in GOOD.items()} | {"explanation": "Rustig halfjaar."}
    refused = client.post("/monitoring/rapportage", data={**data, "value_outflow": "140"})
    assert refused.status_code == 422
    assert client.post("/monitoring/rapportage", data=data).status_code == 302
    page = client.get("/monitoring/rapportage").get_data(as_text=True)
    assert "Rustig halfjaar." in page
    assert "Rapportage indienen" not in page  # one per half-year
