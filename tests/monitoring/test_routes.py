"""The monitoring pages through HTTP: the manager records and decides, the provider answers only its own."""

from __future__ import annotations

from datetime import timedelta

from lxml import html

from portal import clock
from portal.models import ActionKind, ActionStatus, AgreementStatus, Role
from portal.monitoring import queries
from tests import factories
from tests.monitoring.helpers import action, contracted, provider_admin

SOON = clock.to_local(clock.now()).date() + timedelta(days=20)


def _texts(response, selector: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in html.fromstring(response.data).xpath(selector)]


def test_manager_requests_a_plan_the_provider_submits_and_the_manager_accepts(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    organisation_id = agreement.organisation_id
    auth.as_role(Role.CONTRACT_MANAGER)
    response = client.post(
        f"/monitoring/aanbieders/{organisation_id}/acties",
        data={"kind": "improvement_plan", "title": "Dossiervorming", "due_on": SOON.isoformat()},
    )
    assert response.status_code == 302
    (plan,) = queries.actions_of(organisation_id)
    auth.login(provider_admin(agreement))
    assert "Dossiervorming" in _texts(client.get("/monitoring/mijn"), "//td//a")
    response = client.post(
        f"/monitoring/acties/{plan.id}/indienen", data={"response": "Wij scholen het team."}
    )
    assert response.status_code == 302
    auth.as_role(Role.CONTRACT_MANAGER)
    page = client.get(f"/monitoring/acties/{plan.id}")
    assert "Wij scholen het team." in page.get_data(as_text=True)
    assert _texts(page, "//button[@name='step']") == ["Goedkeuren", "Afwijzen"]
    assert client.post(f"/monitoring/acties/{plan.id}/stap", data={"step": "accept"}).status_code == 302
    assert plan.status is ActionStatus.ACCEPTED


def test_a_provider_cannot_take_the_managers_step_nor_submit_twice(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    plan = action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=SOON)
    auth.login(provider_admin(agreement))
    assert client.post(f"/monitoring/acties/{plan.id}/stap", data={"step": "accept"}).status_code == 403
    assert client.post(f"/monitoring/acties/{plan.id}/indienen", data={"response": "Plan"}).status_code == 302
    again = client.post(f"/monitoring/acties/{plan.id}/indienen", data={"response": "Nog een plan"})
    assert again.status_code == 422
    assert "niet (meer)" in again.get_data(as_text=True)
    assert plan.provider_response == "Plan"


def test_another_providers_action_is_not_found(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    plan = action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=SOON)
    auth.as_role(Role.PROVIDER_ADMIN, factories.OrganisationFactory())
    assert client.get(f"/monitoring/acties/{plan.id}").status_code == 404
    assert client.post(f"/monitoring/acties/{plan.id}/indienen", data={"response": "x"}).status_code == 404
    assert "Dossiervorming" not in client.get("/monitoring/mijn").get_data(as_text=True)


def test_a_client_stop_imposed_shows_on_the_contract_and_in_the_register_until_lifted(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    municipalities, results = queries.stop_choices(agreement)
    auth.as_role(Role.CONTRACT_MANAGER)
    response = client.post(
        f"/monitoring/aanbieders/{agreement.organisation_id}/acties",
        data={
            "kind": "client_stop",
            "title": "Wachtlijst",
            "notes": "Te weinig personeel",
            "happens_on": clock.to_local(clock.now()).date().isoformat(),
            "municipalities": [str(municipalities[0].id)],
            "results": [str(results[0].id)],
        },
    )
    assert response.status_code == 302
    contract_page = client.get(f"/overeenkomsten/{agreement.id}")
    assert f"{municipalities[0].name}: R1" in " ".join(
        _texts(contract_page, "//div[contains(@class, 'nmd-flash--warning')]//li")
    )
    assert "cliëntenstop" in " ".join(
        _texts(client.get("/overeenkomsten/register"), "//span[contains(@class, 'nmd-badge')]")
    )
    export = client.get("/monitoring/clientenstops/export?format=csv").get_data(as_text=True)
    assert f"{municipalities[0].name};R1;Resultaat 1" in export.replace(",", ";")
    assert "Te weinig personeel" in export
    (stop,) = queries.actions_of(agreement.organisation_id)
    assert client.post(f"/monitoring/acties/{stop.id}/stap", data={"step": "lift"}).status_code == 302
    assert (
        _texts(
            client.get(f"/overeenkomsten/{agreement.id}"), "//div[contains(@class, 'nmd-flash--warning')]//li"
        )
        == []
    )


def test_a_client_stop_without_municipalities_is_refused_next_to_the_field(client, auth, no_csrf):
    agreement = contracted(AgreementStatus.ACTIVE)
    auth.as_role(Role.CONTRACT_MANAGER)
    response = client.post(
        f"/monitoring/aanbieders/{agreement.organisation_id}/acties",
        data={
            "kind": "client_stop",
            "title": "Stop",
            "happens_on": clock.to_local(clock.now()).date().isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Kies ten minste één gemeente" in " ".join(
        _texts(response, "//div[contains(@class, 'utrecht-form-field-error-message')]")
    )


def test_the_monitoring_list_pages_by_fifty_and_filters_by_name(client, auth):
    for _ in range(3):
        contracted(AgreementStatus.ACTIVE)
    auth.as_role(Role.CONTRACT_MANAGER)
    page = client.get("/monitoring/")
    assert len(_texts(page, "//tbody/tr")) == 3
    name = queries.monitoring_list(queries.ListFilter(), clock.to_local(clock.now()).date())[0][0].name
    filtered = client.get("/monitoring/", query_string={"provider": name})
    assert _texts(filtered, "//tbody//td//a") == [name]


def test_the_monitoring_list_sends_as_many_statements_for_six_providers_as_for_two(client, auth):
    from tests.test_query_counts import counting

    auth.as_role(Role.CONTRACT_MANAGER)

    def grow(count: int) -> None:
        for _ in range(count):
            agreement = contracted(AgreementStatus.ACTIVE)
            action(agreement, ActionKind.SIGNAL)
            action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=SOON)

    grow(2)
    client.get("/monitoring/")
    with counting() as small:
        assert client.get("/monitoring/").status_code == 200
    grow(4)
    with counting() as large:
        page = client.get("/monitoring/")
    assert len(_texts(page, "//tbody/tr")) == 6
    assert large == small


def test_the_provider_attaches_a_document_the_manager_reads_it_another_provider_cannot(client, auth, no_csrf):
    import io

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    agreement = contracted(AgreementStatus.ACTIVE)
    plan = action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=SOON)
    auth.login(provider_admin(agreement))
    response = client.post(
        f"/monitoring/acties/{plan.id}/documenten",
        data={"file": (io.BytesIO(pdf), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    refused = client.post(
        f"/monitoring/acties/{plan.id}/documenten",
        data={"file": (io.BytesIO(b"MZ\x90\x00"), "plan.exe")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    (document,) = queries.documents_of(plan.id)
    auth.as_role(Role.CONTRACT_MANAGER)
    assert "plan.pdf" in _texts(client.get(f"/monitoring/acties/{plan.id}"), "//a")
    assert client.get(f"/monitoring/acties/{plan.id}/documenten/{document.id}").data == pdf
    auth.as_role(Role.PROVIDER_ADMIN, factories.OrganisationFactory())
    assert client.get(f"/monitoring/acties/{plan.id}/documenten/{document.id}").status_code == 404
