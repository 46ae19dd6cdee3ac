"""The provider's dossier: uploads checked, expiry reminders 60 and 14 days before (real SMTP), gaps listed."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest

from portal import clock, mail, uploads
from portal.extensions import db
from portal.models import AgreementStatus, DocumentKind, Role
from portal.monitoring import dossier, queries, rules, term
from portal.monitoring.rules import MonitoringRefused
from tests import factories
from tests.monitoring.helpers import contracted, provider_admin

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _upload(organisation_id: int, kind: DocumentKind, expires_on: date, now: datetime = T0):
    document = dossier.upload_document(
        organisation_id, kind, expires_on, io.BytesIO(PDF), "bewijs.pdf", user=None, now=now
    )
    db.session.commit()
    return document


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 4, 1), None),  # 61 days before
        (date(2027, 4, 2), 60),
        (date(2027, 5, 17), 60),  # 15 days before
        (date(2027, 5, 18), 14),
        (date(2027, 6, 1), 14),  # the last day
        (date(2027, 6, 2), None),  # expired: listed, not reminded
    ],
)
def test_a_document_is_reminded_60_and_14_days_before_it_expires(today, expected):
    assert rules.dossier_reminder(date(2027, 6, 1), today) == expected


def test_an_expired_or_undated_document_is_refused(app):
    with pytest.raises(MonitoringRefused) as refused:
        dossier.upload_document(
            1, DocumentKind.VOG, date(2027, 1, 3), io.BytesIO(PDF), "x.pdf", user=None, now=T0
        )
    assert refused.value.field == "expires_on"


def test_a_file_that_is_no_document_is_refused_by_the_upload_checks(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    with pytest.raises(uploads.UploadRefused):
        dossier.upload_document(
            agreement.organisation_id,
            DocumentKind.VOG,
            date(2028, 1, 1),
            io.BytesIO(b"MZ\x90\x00"),
            "x.exe",
            user=None,
            now=T0,
        )


def test_reminders_are_mailed_once_at_60_and_once_at_14_days(app, smtp_server):
    agreement = contracted(AgreementStatus.ACTIVE)
    admin = provider_admin(agreement)
    _upload(agreement.organisation_id, DocumentKind.LIABILITY_INSURANCE, date(2027, 6, 1))
    for day in (date(2027, 4, 1), date(2027, 4, 5), date(2027, 4, 6), date(2027, 5, 20), date(2027, 5, 21)):
        term.run(datetime(day.year, day.month, day.day, 3, tzinfo=UTC))
        db.session.commit()
    mail.deliver_pending()
    expiring = [m for m in smtp_server.messages if "verloopt" in m["Subject"]]
    assert [m["To"] for m in expiring] == [admin.email, admin.email]
    assert "Aansprakelijkheidsverzekering" in expiring[0]["Subject"]
    assert "1 juni 2027" in smtp_server.body_of(expiring[1])


def test_a_renewed_document_stops_the_reminders_of_the_old_one(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    _upload(agreement.organisation_id, DocumentKind.VOG, date(2027, 6, 1))
    _upload(agreement.organisation_id, DocumentKind.VOG, date(2030, 6, 1), now=T0 + timedelta(days=1))
    reminders = term.run(datetime(2027, 5, 20, 3, tzinfo=UTC)).reminders
    assert [key for key in reminders if key.startswith("dossier:")] == []


def test_missing_and_expired_required_documents_show_on_the_monitoring_list(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    _upload(agreement.organisation_id, DocumentKind.VOG, date(2027, 6, 1))
    _upload(agreement.organisation_id, DocumentKind.QUALITY_MARK, date(2029, 1, 1))
    lines = queries.dossier_of(agreement.organisation_id, date(2027, 6, 2))
    assert [(line.kind, line.expired) for line in lines] == [
        (DocumentKind.VOG, True),
        (DocumentKind.LIABILITY_INSURANCE, True),  # missing
        (DocumentKind.QUALITY_MARK, False),
    ]
    rows, _total = queries.monitoring_list(queries.ListFilter(dossier_incomplete=True), date(2027, 6, 1))
    assert [row.dossier_gaps for row in rows] == [1]
    rows, _total = queries.monitoring_list(queries.ListFilter(dossier_incomplete=True), date(2027, 6, 2))
    assert [row.dossier_gaps for row in rows] == [2]


def test_the_provider_uploads_through_the_page_and_another_provider_cannot_download(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    auth.login(provider_admin(agreement))
    expires = clock.to_local(clock.now()).date() + timedelta(days=365)
    response = client.post(
        "/monitoring/dossier",
        data={"kind": "vog", "expires_on": expires.isoformat(), "file": (io.BytesIO(PDF), "vog.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (line, *_rest) = queries.dossier_of(agreement.organisation_id, expires)
    assert line.document is not None
    assert client.get(f"/monitoring/dossier/{line.document.id}").data == PDF
    auth.as_role(Role.PROVIDER_ADMIN, factories.OrganisationFactory())
    assert client.get(f"/monitoring/dossier/{line.document.id}").status_code == 404
