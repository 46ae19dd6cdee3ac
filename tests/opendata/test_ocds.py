"""OCDS open data of one tender in every state, validated against the official 1.1.5 schemas."""

from __future__ import annotations

import pytest
import time_machine

from portal import clock
from portal.extensions import db
from tests.opendata.helpers import BASE, Journey, get_json, text_of
from tests.opendata.validation import assert_record_package, assert_release_package, errors


def _packages(client, tender_id: int):
    releases = get_json(client, f"{BASE}/inkooptrajecten/{tender_id}/releases.json")
    record = get_json(client, f"{BASE}/inkooptrajecten/{tender_id}/record.json")
    assert_release_package(releases)
    assert_record_package(record)
    return releases, record


def _tags(package) -> list[str]:
    return [tag for release in package["releases"] for tag in release["tag"]]


def test_the_validator_refuses_a_package_that_breaks_the_schema():
    broken = {"uri": "x", "publisher": {}, "publishedDate": "gisteren", "version": "1", "releases": []}
    found = errors(broken, "release-package-schema.json")
    assert any("publisher" in e or "'name' is a required property" in e for e in found)
    bad_release = {
        "ocid": "o",
        "id": "i",
        "date": "2026-11-02T09:00:00Z",
        "tag": ["geen-tag"],
        "initiationType": "tender",
    }
    package = {
        **broken,
        "publisher": {"name": "N"},
        "version": "1.1",
        "publishedDate": "2026-11-02T09:00:00Z",
        "releases": [bad_release],
    }
    assert any("geen-tag" in e for e in errors(package, "release-package-schema.json"))


def test_a_draft_tender_is_not_served(app, client):
    journey = Journey(app)
    assert client.get(f"{BASE}/inkooptrajecten/{journey.tender.id}/releases.json").status_code == 404
    assert client.get(f"{BASE}/inkooptrajecten/{journey.tender.id}/record.json").status_code == 404
    assert journey.tender.reference not in client.get(f"{BASE}/releases.json").get_data(as_text=True)


def test_a_published_tender_has_lots_items_documents_and_periods(app, client):
    journey = Journey(app)
    journey.publish()
    releases, record = _packages(client, journey.tender.id)
    assert _tags(releases) == ["tender"]
    tender = record["records"][0]["compiledRelease"]["tender"]
    assert tender["id"] == journey.tender.reference
    assert [lot["title"] for lot in tender["lots"]] == ["Perceel 1", "Perceel 2"]
    assert {item["relatedLot"] for item in tender["items"]} == {str(lot.id) for lot in journey.tender.lots}
    assert [d["title"] for d in tender["documents"]] == ["Bestek"]
    assert tender["tenderPeriod"]["endDate"].endswith("Z")
    assert "enquiryPeriod" in tender
    assert record["records"][0]["ocid"] == f"ocds-xxxxxx-nmd-{journey.tender.id}"
    assert "awards" not in record["records"][0]["compiledRelease"]


def test_the_ocid_prefix_is_configurable(app, client, monkeypatch):
    journey = Journey(app)
    journey.publish()
    monkeypatch.setitem(app.config, "OCDS_PREFIX", "ocds-abc123-nmd")
    releases, _ = _packages(client, journey.tender.id)
    assert releases["releases"][0]["ocid"] == f"ocds-abc123-nmd-{journey.tender.id}"


def test_a_rectification_is_an_amendment_and_a_nota_a_clarification(app, client):
    journey = Journey(app)
    journey.publish()
    journey.rectify()
    journey.nota()
    releases, record = _packages(client, journey.tender.id)
    assert sorted(_tags(releases)) == ["tender", "tenderAmendment", "tenderUpdate"]
    tender = record["records"][0]["compiledRelease"]["tender"]
    (amendment,) = tender["amendments"]
    assert amendment["description"] == "Perceel 2 omvat ook niveau 5."
    assert amendment["rationale"].startswith("Vraag 1")
    documents = {d["title"]: d for d in tender["documents"]}
    assert set(documents) == {"Bestek", "Bestek versie 2", "Nota van Inlichtingen 1"}
    assert documents["Bestek versie 2"]["documentType"] == "clarifications"
    amendment_release = next(r for r in releases["releases"] if r["tag"] == ["tenderAmendment"])
    assert [d["title"] for d in amendment_release["tender"]["documents"]] == ["Bestek versie 2"]
    assert (
        client.get(documents["Nota van Inlichtingen 1"]["url"].removeprefix("http://localhost")).status_code
        == 200
    )
    # the asker is never named
    assert journey.asker.email not in text_of(record)
    assert journey.asker.organisation.name not in text_of(record)


def test_serving_again_gives_the_same_releases(app, client):
    journey = Journey(app)
    journey.publish()
    journey.rectify()
    first, _ = _packages(client, journey.tender.id)
    second, _ = _packages(client, journey.tender.id)
    assert first == second
    journey.nota()
    third, _ = _packages(client, journey.tender.id)
    assert [r for r in third["releases"] if r["tag"] != ["tenderUpdate"]] == first["releases"]
    assert len({r["id"] for r in third["releases"]}) == 3


def test_after_submission_and_decisions_drafted_nothing_about_bids_is_published(app, client):
    journey = Journey(app)
    journey.publish()
    journey.submit_bids()  # submitted, assessed and decided, but the decisions are not sent
    releases, record = _packages(client, journey.tender.id)
    assert _tags(releases) == ["tender"]
    body = text_of(releases) + text_of(record)
    for organisation in (journey.admitted, journey.rejected):
        assert organisation.name not in body
        assert organisation.kvk_number not in body
    assert "bids" not in record["records"][0]["compiledRelease"]


def test_after_the_decisions_are_sent_the_admitted_providers_are_the_suppliers(app, client):
    journey = Journey(app)
    journey.publish()
    journey.submit_bids()
    journey.send_decisions()
    releases, record = _packages(client, journey.tender.id)
    compiled = record["records"][0]["compiledRelease"]
    assert compiled["tender"]["status"] == "complete"
    assert {a["relatedLots"][0] for a in compiled["awards"]} == {str(lot.id) for lot in journey.tender.lots}
    for award in compiled["awards"]:
        assert award["status"] == "active"
        assert award["suppliers"] == [
            {"id": f"NL-KVK-{journey.admitted.kvk_number}", "name": journey.admitted.name}
        ]
    (party,) = [p for p in compiled["parties"] if "supplier" in p["roles"]]
    assert party["identifier"] == {
        "scheme": "NL-KVK",
        "id": journey.admitted.kvk_number,
        "legalName": journey.admitted.name,
    }
    assert party["address"]["postalCode"] == journey.admitted.postcode
    body = text_of(releases) + text_of(record)
    assert journey.rejected.name not in body
    assert journey.rejected.kvk_number not in body
    assert "Sam Tekenbevoegd" not in body
    assert "@" not in body


def test_a_contract_its_signature_and_its_indexation(app, client):
    journey = Journey(app)
    journey.publish()
    journey.submit_bids()
    journey.send_decisions()
    journey.contract()
    releases, record = _packages(client, journey.tender.id)
    (contract,) = record["records"][0]["compiledRelease"]["contracts"]
    assert contract["id"] == journey.agreement.number
    assert contract["status"] == "pending"
    assert contract["awardID"] in {a["id"] for a in record["records"][0]["compiledRelease"]["awards"]}
    assert contract["period"]["startDate"] < contract["period"]["endDate"]
    amounts = {item["id"]: item["unit"]["value"]["amount"] for item in contract["items"]}
    assert set(amounts.values()) == {400.5, 500.5}
    journey.sign()
    journey.index()
    releases, record = _packages(client, journey.tender.id)
    assert _tags(releases)[-3:] == ["contract", "contractUpdate", "contractAmendment"]
    (contract,) = record["records"][0]["compiledRelease"]["contracts"]
    assert contract["status"] == "active"
    assert "dateSigned" in contract
    (amendment,) = contract["amendments"]
    assert amendment["rationale"].startswith("Indexatie")
    assert {item["unit"]["value"]["amount"] for item in contract["items"]} == {410.51, 513.01}
    body = text_of(releases) + text_of(record)
    assert "Sam Tekenbevoegd" not in body
    assert "Directeur" not in body
    assert "@" not in body


def test_a_draft_contract_is_not_published(app, client):
    from portal.agreements import service as agreements

    journey = Journey(app)
    journey.publish()
    journey.submit_bids()
    journey.send_decisions()
    with app.test_request_context():
        agreements.generate_agreement(journey.tender, journey.admitted, now=journey.tender.published_at)
    db.session.commit()
    releases, _ = _packages(client, journey.tender.id)
    assert "contract" not in _tags(releases)


@pytest.mark.parametrize("since", ["gisteren", "2026-13-01"])
def test_the_change_feed_refuses_a_since_that_is_no_time(client, since):
    assert client.get(f"{BASE}/wijzigingen.json?since={since}").status_code == 400


def test_the_bulk_file_holds_every_public_tender(app, client):
    first, second = Journey(app), Journey(app)
    first.publish()
    second.publish()
    bulk = get_json(client, f"{BASE}/releases.json")
    assert_release_package(bulk)
    assert {r["tender"]["id"] for r in bulk["releases"]} >= {first.tender.reference, second.tender.reference}


def test_the_open_data_page_lists_the_endpoints_and_every_page_links_it(client):
    page = client.get("/open-data/").get_data(as_text=True)
    assert "/open-data/ocds/releases.json" in page
    assert "/open-data/ocds/wijzigingen.json" in page
    assert 'href="/open-data/"' in client.get("/").get_data(as_text=True)


def test_in_one_second_the_tender_comes_before_its_changes_and_awards(app, client):
    with time_machine.travel(clock.now(), tick=False):
        journey = Journey(app)
        for step in (
            journey.publish,
            journey.rectify,
            journey.nota,
            journey.submit_bids,
            journey.send_decisions,
        ):
            step()
        _, record = _packages(client, journey.tender.id)
    (found,) = record["records"]
    assert len({r["date"] for r in found["releases"]}) == 1
    assert [r["tag"][0] for r in found["releases"]] == ["tender", "tenderAmendment", "tenderUpdate", "award"]
    assert found["compiledRelease"]["tag"] == ["compiled"]
    assert found["compiledRelease"]["id"].endswith(found["releases"][-1]["date"])


def test_the_open_data_page_links_each_public_tenders_releases_and_record(app, client):
    journey = Journey(app)
    journey.publish()
    tender = journey.tender
    page = client.get("/open-data/").get_data(as_text=True)
    assert f"/open-data/ocds/inkooptrajecten/{tender.id}/releases.json" in page
    assert f"/open-data/ocds/inkooptrajecten/{tender.id}/record.json" in page
    assert tender.reference in page
