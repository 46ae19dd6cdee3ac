"""The agreement pages over HTTP: register, export, contract page, provider acceptance, bulk actions."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal import uploads
from portal.agreements import amendments, service
from portal.extensions import db
from portal.models import Agreement, AgreementStatus, AuditEvent, AuditOutcome, ContractTemplate, Role
from tests import factories
from tests.agreements.helpers import NOW, pdf_text, priced_tender, result_level


@pytest.fixture
def two_contracts(app):
    tender = priced_tender()
    m0, m1, _ = tender.municipalities
    first = factories.admitted_provider(tender, lines=[(result_level(tender, "R1", 4), m0)])
    second = factories.admitted_provider(tender, lines=[(result_level(tender, "R2", 5), m1)])
    with app.test_request_context():
        agreements = [service.generate_agreement(tender, o, now=NOW) for o in (first, second)]
        for agreement in agreements:
            service.send_agreement(agreement, user=None, now=NOW)
    db.session.commit()
    return tender, agreements


def test_the_register_filters_on_municipality_result_and_level(client, auth, two_contracts):
    tender, (first, second) = two_contracts
    auth.as_role(Role.CONTRACT_MANAGER)
    page = client.get(f"/overeenkomsten/register?municipality={tender.municipalities[1].cbs_code}").text
    assert second.number in page
    assert first.number not in page
    page = client.get("/overeenkomsten/register?result=R1&level=4").text
    assert first.number in page
    assert second.number not in page
    page = client.get(f"/overeenkomsten/register?tender={tender.id}&status=sent").text
    assert first.number in page
    assert second.number in page


def test_the_register_exports_to_xlsx_and_csv_with_the_same_filter(client, auth, two_contracts):
    _, (first, second) = two_contracts
    auth.as_role(Role.BUYER)
    response = client.get("/overeenkomsten/register/export?format=xlsx&result=R2")
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.data)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [second.number]
    response = client.get("/overeenkomsten/register/export?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Contractnummer"
    assert sorted(r[0] for r in rows[1:]) == sorted([first.number, second.number])


def test_a_pdf_download_is_an_attachment_with_the_stored_bytes_and_is_audited(client, auth, two_contracts):
    _, (first, _second) = two_contracts
    user = auth.as_role(Role.PROVIDER_MEMBER, first.organisation)
    response = client.get(f"/overeenkomsten/{first.id}/versies/1/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data == uploads.path_of(first.versions[0].pdf_stored_name).read_bytes()
    assert first.number in pdf_text(response.data)
    assert db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "agreements.downloaded", AuditEvent.actor_id == user.id
        )
    )


def test_a_provider_sees_only_its_own_contracts(client, auth, two_contracts):
    _, (first, second) = two_contracts
    auth.as_role(Role.PROVIDER_ADMIN, first.organisation)
    page = client.get("/overeenkomsten/mijn").text
    assert first.number in page
    assert second.number not in page
    assert client.get(f"/overeenkomsten/{second.id}").status_code == 404
    assert client.get(f"/overeenkomsten/{second.id}/versies/1/pdf").status_code == 404
    assert client.get(f"/overeenkomsten/{second.id}/accepteren").status_code == 404


def test_a_draft_contract_is_hidden_from_the_provider(app, client, auth):
    tender = priced_tender()
    organisation = factories.admitted_provider(tender)
    with app.test_request_context():
        draft = service.generate_agreement(tender, organisation, now=NOW)
    db.session.commit()
    auth.as_role(Role.PROVIDER_ADMIN, organisation)
    assert client.get(f"/overeenkomsten/{draft.id}").status_code == 404
    assert draft.number not in client.get("/overeenkomsten/mijn").text


def test_acceptance_records_name_function_ip_and_shows_the_hash(client, auth, no_csrf, two_contracts):
    _, (first, _second) = two_contracts
    auth.as_role(Role.PROVIDER_ADMIN, first.organisation)
    data = {"version": "1", "name": "Anna de Vries", "function": "Bestuurder", "confirm": "y"}
    response = client.post(f"/overeenkomsten/{first.id}/accepteren", data=data)
    assert response.status_code == 302
    version = db.session.get(Agreement, first.id).versions[0]
    db.session.refresh(version)
    assert version.accepted_name == "Anna de Vries"
    assert version.accepted_ip == "127.0.0.1"
    page = client.get(f"/overeenkomsten/{first.id}").text
    assert "Anna de Vries" in page
    assert version.pdf_sha256 in page
    again = client.post(f"/overeenkomsten/{first.id}/accepteren", data=data)
    assert again.status_code == 422
    assert "al geaccepteerd" in again.text


def test_accepting_a_stale_version_over_http_is_refused_and_changes_nothing(
    app, client, auth, no_csrf, two_contracts
):
    _, (first, _second) = two_contracts
    with app.test_request_context():
        amendments.extend_term(first, reason="Verlenging", user=None, now=NOW)
    db.session.commit()
    assert len(first.versions) == 2
    auth.as_role(Role.PROVIDER_ADMIN, first.organisation)
    data = {"version": "1", "name": "Anna", "function": "Bestuurder", "confirm": "y"}
    response = client.post(f"/overeenkomsten/{first.id}/accepteren", data=data)
    assert response.status_code == 422
    assert "niet meer de geldende versie" in response.text
    db.session.expire_all()
    agreement = db.session.get(Agreement, first.id)
    assert [v.accepted_at for v in agreement.versions] == [None, None]
    assert agreement.status is AgreementStatus.SENT


def test_acceptance_without_confirmation_is_refused_next_to_the_field(client, auth, no_csrf, two_contracts):
    _, (first, _second) = two_contracts
    auth.as_role(Role.PROVIDER_ADMIN, first.organisation)
    response = client.post(
        f"/overeenkomsten/{first.id}/accepteren", data={"version": "1", "name": "Anna", "function": "B"}
    )
    assert response.status_code == 422
    assert "Bevestig dat u tekenbevoegd bent" in response.text


def test_generate_all_creates_every_contract_and_shows_progress(client, auth, no_csrf, app):
    tender = priced_tender(results=1, levels=(4,), municipalities=1, lots=1)
    organisations = [factories.admitted_provider(tender) for _ in range(3)]
    auth.as_role(Role.CONTRACT_MANAGER)
    response = client.post(f"/overeenkomsten/trajecten/{tender.id}/genereren")
    assert response.status_code == 302
    numbers = db.session.scalars(
        sa.select(Agreement.organisation_id).where(Agreement.tender_id == tender.id)
    ).all()
    assert sorted(numbers) == sorted(o.id for o in organisations)
    page = client.get(f"/overeenkomsten/trajecten/{tender.id}").text
    assert "3 van 3 klaar" in page
    client.post(f"/overeenkomsten/trajecten/{tender.id}/genereren")
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Agreement).where(Agreement.tender_id == tender.id)
        )
        == 3
    )


def test_indexation_over_http_makes_new_versions_and_bad_input_is_refused(
    client, auth, no_csrf, two_contracts
):
    tender, (first, second) = two_contracts
    auth.as_role(Role.CONTRACT_MANAGER)
    bad = client.post(
        f"/overeenkomsten/trajecten/{tender.id}/indexatie", data={"percentage": "abc", "valid_from": ""}
    )
    assert bad.status_code == 422
    assert len(db.session.get(Agreement, first.id).versions) == 1
    ok = client.post(
        f"/overeenkomsten/trajecten/{tender.id}/indexatie",
        data={"percentage": "2.5", "valid_from": "2028-01-01"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    agreements = [db.session.get(Agreement, a.id) for a in (first, second)]
    assert [len(a.versions) for a in agreements] == [2, 2]
    assert all(a.versions[-1].pdf_sha256 for a in agreements)  # rendered by the job the route started
    assert all(a.versions[-1].pdf_sha256 != a.versions[0].pdf_sha256 for a in agreements)


def test_a_template_with_an_unknown_placeholder_is_refused_and_a_good_one_is_a_new_version(
    client, auth, no_csrf, app
):
    auth.as_role(Role.CONTRACT_MANAGER)
    assert client.get("/overeenkomsten/sjabloon").status_code == 200
    bad = client.post("/overeenkomsten/sjabloon", data={"body": "## Art\n{{ config }}"})
    assert bad.status_code == 422
    assert "Onbekende invulvelden: config" in bad.text
    good = client.post("/overeenkomsten/sjabloon", data={"body": "## Art\nMet {{ aanbieder }}."})
    assert good.status_code == 302
    versions = db.session.scalars(
        sa.select(ContractTemplate.version).order_by(ContractTemplate.version)
    ).all()
    assert versions == [1, 2]


def test_sending_over_http_mails_the_provider(client, auth, no_csrf, app, smtp_server):
    tender = priced_tender()
    organisation = factories.admitted_provider(tender)
    admin = factories.user_with_role(Role.PROVIDER_ADMIN, organisation)
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    db.session.commit()
    auth.as_role(Role.CONTRACT_MANAGER)
    assert client.post(f"/overeenkomsten/{agreement.id}/verzenden").status_code == 302
    assert [m["To"] for m in smtp_server.messages] == [admin.email]
    again = client.post(f"/overeenkomsten/{agreement.id}/verzenden")
    assert again.status_code == 422
    assert len(smtp_server.messages) == 1


def test_the_contract_manager_amends_and_records_the_signature_over_http(
    client, auth, no_csrf, two_contracts
):
    _, (first, _second) = two_contracts
    manager = factories.user_with_role(Role.CONTRACT_MANAGER)
    auth.as_role(Role.PROVIDER_ADMIN, first.organisation)
    data = {"version": "1", "name": "Anna", "function": "Bestuurder", "confirm": "y"}
    assert client.post(f"/overeenkomsten/{first.id}/accepteren", data=data).status_code == 302
    auth.login(manager)
    assert client.post(f"/overeenkomsten/{first.id}/ondertekening").status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, first.id).status is AgreementStatus.SIGNED
    missing_date = client.post(
        f"/overeenkomsten/{first.id}/wijzigen", data={"kind": "end", "reason": "Stopt"}
    )
    assert missing_date.status_code == 422
    assert "Vul de einddatum in" in missing_date.text
    ended = client.post(
        f"/overeenkomsten/{first.id}/wijzigen",
        data={"kind": "end", "reason": "Stopt", "end_date": "2028-06-30"},
    )
    assert ended.status_code == 302
    db.session.expire_all()
    agreement = db.session.get(Agreement, first.id)
    assert agreement.status is AgreementStatus.ENDED
    assert [v.version for v in agreement.versions] == [1, 2]
    assert agreement.versions[0].signed_at is not None
    assert "Beëindigd per 30 juni 2028" in agreement.versions[1].change_summary


def test_anonymous_visitors_meet_the_same_access_check_as_everywhere(client, two_contracts):
    """Agreements need no decorator of their own: access.require sends the visitor to log in and
    records the refusal in the audit trail, as every other feature does."""
    _, (first, _second) = two_contracts
    response = client.get(f"/overeenkomsten/{first.id}")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]
    refusal = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "agreements.view",
            AuditEvent.object_id == first.id,
            AuditEvent.outcome == AuditOutcome.REFUSED,
        )
    ).one()
    assert refusal.detail["reason"] == "anonymous"
