"""The provider's pages through the client: start, choose, answer, upload, submit, refusals."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from portal import clock
from portal.bids import evidence as bid_evidence
from portal.bids import service, versioned
from portal.extensions import db
from portal.models import (
    AuditEvent,
    BidLine,
    BidStatus,
    BidSubmission,
    CriterionAnswer,
    RequirementAnswer,
    Role,
)
from tests import factories
from tests.bids.conftest import all_pairs, complete

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_provider_starts_a_bid_from_the_list(client, auth, no_csrf, tender, provider):
    auth.login(provider)
    page = client.get("/inschrijvingen")
    assert page.status_code == 200
    assert tender.title in page.text
    response = client.post(f"/inschrijvingen/start/{tender.id}")
    assert response.status_code == 302
    overview = client.get(response.headers["Location"])
    assert overview.status_code == 200
    assert "Voortgang" in overview.text


def test_overview_links_to_every_missing_item(client, auth, bid, provider):
    auth.login(provider)
    page = client.get(f"/inschrijvingen/{bid.id}")
    requirement = bid.tender.requirements[0]
    assert f"/inschrijvingen/{bid.id}/eisen#eis-{requirement.id}" in page.text
    assert f"/inschrijvingen/{bid.id}/keuze" in page.text


def test_choice_page_saves_and_resumes(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    page = client.get(f"/inschrijvingen/{bid.id}/keuze")
    assert page.status_code == 200
    pair = sorted(all_pairs(bid.tender))[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/keuze", data={"version": "0", "keuze": [f"{pair[0]}:{pair[1]}"]}
    )
    assert response.status_code == 302
    resumed = client.get(f"/inschrijvingen/{bid.id}/keuze")
    assert f'value="{pair[0]}:{pair[1]}" checked' in resumed.text


def test_select_all_of_a_result_works_without_javascript(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    tender = bid.tender
    result, lot = tender.results[0], tender.lots[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/keuze", data={"version": "0", "select": f"result:{result.id}:{lot.id}"}
    )
    assert response.status_code == 302
    lines = db.session.scalars(sa.select(BidLine).where(BidLine.bid_id == bid.id)).all()
    assert len(lines) == len(result.levels) * len(tender.municipalities)


def test_tampered_choice_ids_are_refused_and_nothing_is_lost(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    pair = sorted(all_pairs(bid.tender))[0]
    client.post(f"/inschrijvingen/{bid.id}/keuze", data={"version": "0", "keuze": [f"{pair[0]}:{pair[1]}"]})
    other = factories.tender_with_matrix()
    foreign_rl = other.results[0].levels[0].id
    for value in (f"{foreign_rl}:{pair[1]}", f"{pair[0]}:{other.municipalities[0].id}", "x:1", "999999:1"):
        response = client.post(f"/inschrijvingen/{bid.id}/keuze", data={"version": "1", "keuze": [value]})
        assert response.status_code == 422, value
    lines = db.session.scalars(sa.select(BidLine).where(BidLine.bid_id == bid.id)).all()
    assert [(x.result_level_id, x.municipality_id) for x in lines] == [pair]


def test_stale_edit_shows_who_changed_it_and_both_versions(client, auth, no_csrf, bid, provider, colleague):
    requirement = bid.tender.requirements[0]
    versioned.save_requirement_answer(
        bid,
        requirement,
        versioned.RequirementInput(True, "tekst van de eerste", None),
        version=0,
        user=provider,
        now=clock.now(),
    )
    db.session.commit()
    auth.login(colleague)
    response = client.post(
        f"/inschrijvingen/{bid.id}/eisen/{requirement.id}",
        data={
            f"r{requirement.id}-version": "0",
            f"r{requirement.id}-declaration": "nee",
            f"r{requirement.id}-text": "tekst van de tweede",
        },
    )
    assert response.status_code == 409
    assert f"Gewijzigd door {provider.name} om" in response.text
    assert "tekst van de eerste" in response.text
    assert "tekst van de tweede" in response.text
    stored = db.session.scalar(sa.select(RequirementAnswer).where(RequirementAnswer.bid_id == bid.id))
    assert stored.text == "tekst van de eerste"


def test_criterion_over_the_word_limit_is_refused_by_the_server(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    criterion = bid.tender.criteria[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/criteria/{criterion.id}",
        data={f"c{criterion.id}-version": "0", f"c{criterion.id}-text": "woord " * 11},
    )
    assert response.status_code == 422
    assert "11 woorden" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CriterionAnswer)) == 0
    page = client.get(f"/inschrijvingen/{bid.id}/criteria")
    assert 'src="/static/js/wordcount.js"' in page.text
    assert "<script>" not in page.text


def test_evidence_upload_download_is_an_audited_attachment(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    requirement = bid.tender.requirements[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/eisen/{requirement.id}/bewijs",
        data={"file": (io.BytesIO(PDF), "../../vog.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/inschrijvingen/{bid.id}/eisen")
    link = re.search(rf"/inschrijvingen/{bid.id}/bewijs/(\d+)", page.text)
    assert link
    assert "vog.pdf" in page.text
    download = client.get(link.group(0))
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "bids.download_evidence"))


def test_fake_pdf_upload_is_refused_with_a_message(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    requirement = bid.tender.requirements[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/eisen/{requirement.id}/bewijs",
        data={"file": (io.BytesIO(b"just text"), "nep.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Dit type bestand nemen wij niet aan" in response.text


def test_submit_refused_lists_what_is_missing(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": "k" * 32, "confirm": "y"}
    )
    assert response.status_code == 422
    assert "nog niet compleet" in response.text
    assert "VOG voor alle professionals" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidSubmission)) == 0


def test_submit_and_double_click_make_one_submission(client, auth, no_csrf, bid, provider):
    complete(bid, provider)
    auth.login(provider)
    form = client.get(f"/inschrijvingen/{bid.id}/indienen")
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]+)"', form.text).group(1)
    for _ in range(2):
        response = client.post(
            f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": key, "confirm": "y"}
        )
        assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidSubmission)) == 1
    done = client.get(response.headers["Location"])
    assert "Uw inschrijving is ontvangen" in done.text


def test_posts_to_a_submitted_bid_are_refused(client, auth, no_csrf, bid, provider):
    complete(bid, provider)
    service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    db.session.commit()
    auth.login(provider)
    requirement, criterion = bid.tender.requirements[0], bid.tender.criteria[0]
    attempts = [
        (f"/inschrijvingen/{bid.id}/keuze", {"version": str(bid.choice_version)}),
        (
            f"/inschrijvingen/{bid.id}/eisen/{requirement.id}",
            {f"r{requirement.id}-version": "1", f"r{requirement.id}-declaration": "nee"},
        ),
        (
            f"/inschrijvingen/{bid.id}/criteria/{criterion.id}",
            {f"c{criterion.id}-version": "1", f"c{criterion.id}-text": "anders"},
        ),
        (f"/inschrijvingen/{bid.id}/eisen/{requirement.id}/bewijs", {"file": (io.BytesIO(PDF), "x.pdf")}),
    ]
    for url, data in attempts:
        assert client.post(url, data=data).status_code == 422, url
    db.session.expire_all()
    assert len(db.session.scalars(sa.select(BidLine).where(BidLine.bid_id == bid.id)).all()) == 8
    assert db.session.scalar(sa.select(CriterionAnswer.text)) == "Wij luisteren eerst."


def test_withdraw_then_resubmit(client, auth, no_csrf, bid, provider):
    complete(bid, provider)
    service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    db.session.commit()
    auth.login(provider)
    assert client.post(f"/inschrijvingen/{bid.id}/intrekken").status_code == 302
    db.session.expire_all()
    assert bid.status is BidStatus.WITHDRAWN
    response = client.post(
        f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": "b" * 32, "confirm": "y"}
    )
    assert response.status_code == 302
    versions = db.session.scalars(sa.select(BidSubmission.version).order_by(BidSubmission.version)).all()
    assert versions == [1, 2]


def test_staff_get_nothing_of_a_bid(client, auth, bid, provider):
    complete(bid, provider)
    service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    db.session.commit()
    for role in (Role.BUYER, Role.ADMIN):
        auth.as_role(role)
        for url in (
            f"/inschrijvingen/{bid.id}",
            f"/inschrijvingen/{bid.id}/ontvangstbewijs/1",
            f"/inschrijvingen/{bid.id}/criteria",
        ):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Wij luisteren eerst" not in response.text


def test_another_organisations_evidence_is_not_found_through_my_own_bid(client, auth, bid, provider, tender):
    stranger = factories.user_with_role(Role.PROVIDER_ADMIN)
    their_bid = service.start_bid(tender, stranger.organisation, stranger, now=clock.now())
    evidence = bid_evidence.attach(
        their_bid, tender.requirements[0], io.BytesIO(PDF), "hun.pdf", user=stranger, now=clock.now()
    )
    db.session.commit()
    auth.login(provider)
    assert client.get(f"/inschrijvingen/{bid.id}/bewijs/{evidence.id}").status_code == 404
    assert client.get(f"/inschrijvingen/{their_bid.id}/bewijs/{evidence.id}").status_code == 404
    assert client.get(f"/inschrijvingen/{their_bid.id}").status_code == 404
    assert client.get(f"/inschrijvingen/{bid.id}/ontvangstbewijs/1").status_code == 404


def test_reusing_another_organisations_evidence_id_is_refused(client, auth, no_csrf, bid, provider, tender):
    stranger = factories.user_with_role(Role.PROVIDER_ADMIN)
    their_bid = service.start_bid(tender, stranger.organisation, stranger, now=clock.now())
    evidence = bid_evidence.attach(
        their_bid, tender.requirements[0], io.BytesIO(PDF), "hun.pdf", user=stranger, now=clock.now()
    )
    db.session.commit()
    auth.login(provider)
    requirement = tender.requirements[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/eisen/{requirement.id}/bewijs", data={"evidence_id": str(evidence.id)}
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(RequirementAnswer).where(RequirementAnswer.bid_id == bid.id)) is None


def test_requirement_of_another_tender_in_the_url_is_not_found(client, auth, no_csrf, bid, provider):
    foreign = factories.RequirementFactory()
    auth.login(provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/eisen/{foreign.id}", data={f"r{foreign.id}-version": "0"}
    )
    assert response.status_code == 404


def test_full_matrix_choice_page_needs_a_constant_number_of_queries(client, auth, no_csrf):
    """160 result-levels × 5 municipalities = 800 checkboxes; reads and the save do not grow with them."""
    tender = factories.tender_with_matrix(results=32, levels=(4, 5, 6, 7, 8), municipalities=5, lots=4)
    user = factories.user_with_role(Role.PROVIDER_ADMIN)
    bid = service.start_bid(tender, user.organisation, user, now=clock.now())
    db.session.commit()
    auth.login(user)
    pairs = [f"{rl.id}:{m.id}" for r in tender.results for rl in r.levels for m in tender.municipalities]
    queries: list[str] = []

    def count(*args: object, **kwargs: object) -> None:
        queries.append("q")

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(f"/inschrijvingen/{bid.id}/keuze")
        assert page.text.count('name="keuze"') == 800
        assert len(queries) < 25
        queries.clear()
        response = client.post(f"/inschrijvingen/{bid.id}/keuze", data={"version": "0", "keuze": pairs})
        assert response.status_code == 302
        assert len(queries) < 25
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidLine)) == 800


def test_stale_choice_page_shows_both_versions(client, auth, no_csrf, bid, provider, colleague):
    pairs = sorted(all_pairs(bid.tender))
    service.save_choice(bid, {pairs[0]}, version=0, user=provider, now=clock.now())
    db.session.commit()
    auth.login(colleague)
    response = client.post(
        f"/inschrijvingen/{bid.id}/keuze", data={"version": "0", "keuze": [f"{pairs[1][0]}:{pairs[1][1]}"]}
    )
    assert response.status_code == 409
    assert f"Gewijzigd door {provider.name}" in response.text
    assert "Opgeslagen versie" in response.text
    assert "Uw versie (niet opgeslagen)" in response.text
    assert response.text.count("niveau") >= 2
    lines = db.session.scalars(sa.select(BidLine).where(BidLine.bid_id == bid.id)).all()
    assert [(x.result_level_id, x.municipality_id) for x in lines] == [pairs[0]]


def test_autosave_answers_json_with_the_new_version_and_refuses_a_stale_one(
    client, auth, no_csrf, bid, provider
):
    auth.login(provider)
    criterion = bid.tender.criteria[0]
    url = f"/inschrijvingen/{bid.id}/criteria/{criterion.id}"
    headers = {"X-Autosave": "1"}
    saved = client.post(
        url, data={f"c{criterion.id}-version": "0", f"c{criterion.id}-text": "een"}, headers=headers
    )
    assert saved.status_code == 200
    assert saved.json["version"] == 1
    again = client.post(
        url, data={f"c{criterion.id}-version": "1", f"c{criterion.id}-text": "een twee"}, headers=headers
    )
    assert again.json["version"] == 2
    stale = client.post(
        url, data={f"c{criterion.id}-version": "1", f"c{criterion.id}-text": "oud"}, headers=headers
    )
    assert stale.status_code == 409
    assert f"Gewijzigd door {provider.name}" in stale.json["message"]
    too_long = client.post(
        url, data={f"c{criterion.id}-version": "2", f"c{criterion.id}-text": "woord " * 11}, headers=headers
    )
    assert too_long.status_code == 422
    assert db.session.scalar(sa.select(CriterionAnswer.text)) == "een twee"


def test_colleagues_see_who_saved_an_answer_last(client, auth, bid, provider, colleague):
    criterion = bid.tender.criteria[0]
    versioned.save_criterion_answer(bid, criterion, "een", version=0, user=provider, now=clock.now())
    service.save_choice(bid, set(), version=0, user=provider, now=clock.now())
    db.session.commit()
    auth.login(colleague)
    assert f"laatst opgeslagen door {provider.name}" in client.get(f"/inschrijvingen/{bid.id}/criteria").text
    assert f"Laatst gewijzigd door {provider.name}" in client.get(f"/inschrijvingen/{bid.id}").text


def test_refused_submit_links_each_missing_item_to_where_it_is_answered(client, auth, no_csrf, bid, provider):
    auth.login(provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": "k" * 32, "confirm": "y"}
    )
    requirement, criterion = bid.tender.requirements[0], bid.tender.criteria[0]
    assert f'href="/inschrijvingen/{bid.id}/eisen#eis-{requirement.id}"' in response.text
    assert f'href="/inschrijvingen/{bid.id}/criteria#criterium-{criterion.id}"' in response.text
    assert f'href="/inschrijvingen/{bid.id}/keuze"' in response.text


def test_after_a_stale_edit_the_form_keeps_my_text_and_a_second_save_replaces_knowingly(
    client, auth, no_csrf, bid, provider, colleague
):
    criterion = bid.tender.criteria[0]
    versioned.save_criterion_answer(
        bid, criterion, "versie van de eerste", version=0, user=provider, now=clock.now()
    )
    db.session.commit()
    auth.login(colleague)
    url = f"/inschrijvingen/{bid.id}/criteria/{criterion.id}"
    stale = client.post(url, data={f"c{criterion.id}-version": "0", f"c{criterion.id}-text": "mijn versie"})
    assert stale.status_code == 409
    assert re.search(r'name="c\d+-version" type="hidden" value="1"', stale.text)
    assert re.search(r"<textarea[^>]*>\s*mijn versie</textarea>", stale.text)
    again = client.post(url, data={f"c{criterion.id}-version": "1", f"c{criterion.id}-text": "mijn versie"})
    assert again.status_code == 302
    assert db.session.scalar(sa.select(CriterionAnswer.text)) == "mijn versie"
