"""Tender pages through the client: validation messages, frozen structure, public pages, questions, Nota."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pypdf
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Lot, Question, Role, Tender, TenderFollow, TenderStatus
from portal.tenders import (
    matrix,
    matrix_export,
    publication,
    service,
)
from tests import factories
from tests.tenders.helpers import complete_draft
from tests.tenders.world_extension import TINY_PDF

B = "/inkooptrajecten/beheer"


def _buyer(auth):
    return auth.as_role(Role.BUYER)


def _published() -> Tender:
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=tender.publication_at)
    db.session.commit()
    return tender


def test_create_form_names_the_wrong_date_next_to_its_field(client, auth, no_csrf):
    _buyer(auth)
    municipality = factories.MunicipalityFactory()
    response = client.post(
        f"{B}/nieuw",
        data={
            "reference": "NMD-2028-01",
            "title": "Jeugd 2028",
            "procedure": "tender",
            "law": "jeugdwet",
            "municipality_ids": [municipality.id],
            "publication_at": "2028-03-01T09:00",
            "question_deadline": "2028-02-01T12:00",
            "term_months": 36,
            "extension_count": 0,
            "extension_months": 12,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="question_deadline-error"' in page
    assert "De sluitingsdatum voor vragen moet na de publicatiedatum liggen." in page
    assert db.session.scalar(sa.select(Tender).where(Tender.reference == "NMD-2028-01")) is None


def test_wall_clock_dates_from_the_form_are_stored_in_utc_across_dst(client, auth, no_csrf):
    _buyer(auth)
    response = client.post(
        f"{B}/nieuw",
        data={
            "reference": "NMD-2027-DST",
            "title": "Zomertijd",
            "procedure": "tender",
            "law": "wmo",
            "publication_at": "2027-03-28T01:30",
            "question_deadline": "2027-03-28T03:30",
            "submission_deadline": "2027-10-31T02:30",
            "term_months": 36,
            "extension_count": 0,
            "extension_months": 12,
        },
    )
    assert response.status_code == 302
    tender = db.session.scalar(sa.select(Tender).where(Tender.reference == "NMD-2027-DST"))
    assert tender.publication_at == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert tender.question_deadline == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert tender.submission_deadline == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # first 02:30 (CEST)
    edit = client.get(f"{B}/{tender.id}/bewerken").get_data(as_text=True)
    assert 'value="2027-03-28T03:30"' in edit


def test_publication_is_refused_while_incomplete_and_the_checklist_is_shown(client, auth, no_csrf):
    _buyer(auth)
    tender = complete_draft()
    tender.lots[0].result_levels[0].lot = None
    db.session.commit()
    response = client.post(f"{B}/{tender.id}/publiceren")
    assert response.status_code == 422
    assert "hoort bij geen enkel perceel" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Tender, tender.id).status is TenderStatus.DRAFT


def test_every_structural_post_on_a_published_tender_is_refused_and_nothing_changes(client, auth, no_csrf):
    _buyer(auth)
    tender = _published()
    before = matrix_export.export_rows(tender)
    lot = tender.lots[0]
    level = tender.results[0].levels[0]
    attempts = [
        (f"{B}/{tender.id}/percelen", {"name": "Nieuw perceel"}),
        (f"{B}/{tender.id}/percelen/{lot.id}/verwijderen", {}),
        (
            f"{B}/{tender.id}/bewerken",
            {
                "reference": tender.reference,
                "title": "Andere titel",
                "procedure": "tender",
                "law": "jeugdwet",
                "term_months": 36,
                "extension_count": 0,
                "extension_months": 12,
            },
        ),
        (
            f"{B}/{tender.id}/matrix/tarief",
            {
                "tariff-result_level_id": level.id,
                "tariff-municipality_id": tender.municipalities[0].id,
                "tariff-valid_from": "2028-01-01",
                "tariff-amount": "1,00",
            },
        ),
        (f"{B}/{tender.id}/matrix/perceel", {"lot-result_level_id": level.id, "lot-lot_id": 0}),
        (
            f"{B}/{tender.id}/matrix/importeren",
            {"file": (io.BytesIO(matrix_export.export_csv(tender)), "matrix.csv")},
        ),
        (
            f"{B}/{tender.id}/gunningscriteria",
            {"question": "Nieuw?", "weight": "10", "scale": "0 = Nee\n10 = Ja"},
        ),
        (f"{B}/{tender.id}/eisen/{tender.requirements[0].id}/verwijderen", {}),
        (
            f"{B}/{tender.id}/eisen",
            {"new-kind": "quality", "new-text": "Nieuwe eis", "new-answer_type": "text"},
        ),
        (
            f"{B}/{tender.id}/matrix/resultaten",
            {
                "result-domain_id": tender.results[0].domain_id,
                "result-code": "R8",
                "result-name": "Nieuw",
                "result-law": "wmo",
                "result-lot_id": 0,
            },
        ),
        (f"{B}/{tender.id}/gunningscriteria/{tender.criteria[0].id}/verwijderen", {}),
        (f"{B}/{tender.id}/percelen/{lot.id}", {"name": "Andere naam"}),
        (f"{B}/{tender.id}/matrix/niveaus", {"level-number": 4, "level-description": "Anders"}),
        (f"{B}/{tender.id}/documenten", {"file": (io.BytesIO(TINY_PDF), "extra.pdf")}),
    ]
    for url, data in attempts:
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 422, url
        assert "ligt vast" in response.get_data(as_text=True), url
    db.session.expire_all()
    tender = db.session.get(Tender, tender.id)
    assert tender.title == "Jeugdhulp 2028"
    assert [x.name for x in tender.lots] == ["Perceel 1"]
    assert len(tender.requirements) == 1
    assert len(tender.criteria) == 1
    assert tender.documents == []
    assert matrix_export.export_rows(tender) == before


def test_matrix_import_with_bad_rows_lists_them_and_imports_nothing(client, auth, no_csrf):
    _buyer(auth)
    tender = complete_draft()
    db.session.commit()
    before = matrix_export.export_rows(tender)
    csv = (
        "domein;resultaatcode;resultaat;wet;productcode;niveau;niveauomschrijving;perceel;gemeente;geldig_vanaf;tarief\r\n"
        "Veilig;R9;Nieuw;Jeugdwet;;9;;Perceel 1;Atlantis;2028-01-01;€ 1.234,56\r\n"
        "Veilig;R9;Nieuw;Jeugdwet;;4;;Perceel 1;Atlantis;2028-01-01;-3\r\n"
    )
    response = client.post(
        f"{B}/{tender.id}/matrix/importeren", data={"file": (io.BytesIO(csv.encode()), "matrix.csv")}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for expected in (
        "Regel 2, kolom niveau",
        "Regel 2, kolom gemeente",
        "Regel 3, kolom gemeente",
        "Regel 3, kolom tarief",
    ):
        assert expected in page
    db.session.expire_all()
    assert matrix_export.export_rows(db.session.get(Tender, tender.id)) == before


def test_matrix_export_is_an_attachment(client, auth):
    _buyer(auth)
    tender = complete_draft()
    db.session.commit()
    response = client.get(f"{B}/{tender.id}/matrix/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data[:2] == b"PK"


def test_a_document_of_the_wrong_type_is_refused_with_a_message(client, auth, no_csrf):
    _buyer(auth)
    tender = complete_draft()
    db.session.commit()
    response = client.post(
        f"{B}/{tender.id}/documenten", data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "bestek.pdf")}
    )
    assert response.status_code == 422
    assert "Dit type bestand nemen wij niet aan" in response.get_data(as_text=True)


def test_public_list_shows_published_tenders_with_a_countdown_and_hides_drafts(client):
    published = _published()
    published.question_deadline = datetime.now(UTC) + timedelta(days=3, hours=1)
    draft = complete_draft()
    db.session.commit()
    page = client.get("/inkooptrajecten").get_data(as_text=True)
    assert published.title in page
    assert "nog 3 dagen" in page or "nog 4 dagen" in page
    assert f'/inkooptrajecten/{draft.id}"' not in page
    assert client.get(f"/inkooptrajecten/{draft.id}").status_code == 404


def test_public_page_shows_matrix_with_tariffs_per_municipality_without_login(client):
    tender = _published()
    page = client.get(f"/inkooptrajecten/{tender.id}").get_data(as_text=True)
    for municipality in tender.municipalities:
        assert municipality.name in page
    assert "€\xa0400,00" in page or "€ 400,00" in page
    assert "VOG voor alle medewerkers" in page
    assert "Hoe werkt u?" in page


def test_public_document_download_is_an_attachment_with_nosniff(client):
    from portal import uploads

    tender = _published()
    stored = uploads.store(io.BytesIO(TINY_PDF), "Bestek <v2>.pdf", allowed=uploads.DOCUMENT_TYPES)
    document = service.add_document(tender, stored, title="Bestek", rectification=True)
    db.session.commit()
    response = client.get(f"/inkooptrajecten/{tender.id}/documenten/{document.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == TINY_PDF
    other = _published()
    assert client.get(f"/inkooptrajecten/{other.id}/documenten/{document.id}").status_code == 404


def test_question_after_the_deadline_is_refused_with_the_deadline_in_amsterdam_time(client, auth, no_csrf):
    tender = _published()
    tender.question_deadline = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # 12:00 in Amsterdam (CET)
    db.session.commit()
    auth.as_role(Role.PROVIDER_ADMIN)
    response = client.post(
        f"/inkooptrajecten/{tender.id}/vragen", data={"text": "Mag dit nog?", "subject": ""}
    )
    assert response.status_code == 422
    assert "1 maart 2026 om 12:00" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_a_question_about_another_tenders_requirement_is_refused(client, auth, no_csrf):
    tender = _published()
    other = _published()
    auth.as_role(Role.PROVIDER_ADMIN)
    response = client.post(
        f"/inkooptrajecten/{tender.id}/vragen",
        data={"text": "Hoe zit dit?", "subject": f"requirement:{other.requirements[0].id}"},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_nota_is_published_anonymously_and_mailed_to_followers(client, auth, no_csrf, smtp_server):
    tender = _published()
    organisation = factories.OrganisationFactory(name="Zorg Geheim B.V.")
    asker = factories.UserFactory(
        name="Vera Vragensteller", roles=[Role.PROVIDER_ADMIN], organisation=organisation
    )
    follower = factories.user_with_role(Role.PROVIDER_MEMBER)
    db.session.add(TenderFollow(tender_id=tender.id, organisation_id=follower.organisation_id))
    db.session.commit()
    auth.login(asker)
    subject = f"requirement:{tender.requirements[0].id}"
    assert (
        client.post(
            f"/inkooptrajecten/{tender.id}/vragen",
            data={"text": "Geldt de VOG ook voor stagiairs?", "subject": subject},
        ).status_code
        == 302
    )
    client.post(
        f"/inkooptrajecten/{tender.id}/vragen", data={"text": "VOG voor stagiairs nodig?", "subject": ""}
    )
    first, duplicate = db.session.scalars(sa.select(Question).order_by(Question.id)).all()
    auth.as_role(Role.BUYER)
    answer_url = f"{B}/{tender.id}/vragen/{first.id}/antwoord"
    assert (
        client.post(answer_url, data={"answer": "Ja, ook stagiairs hebben een VOG nodig."}).status_code == 302
    )
    merge_url = f"{B}/{tender.id}/vragen/{duplicate.id}/samenvoegen"
    assert client.post(merge_url, data={"into": first.id}).status_code == 302
    assert (
        client.post(f"{B}/{tender.id}/nota", data={"announcements": "Geen wijzigingen."}).status_code == 302
    )
    assert [m["To"] for m in smtp_server.messages] == [follower.email]
    assert "Nota van Inlichtingen 1" in smtp_server.messages[0]["Subject"]

    auth.logout()
    page = client.get(f"/inkooptrajecten/{tender.id}/nota/1").get_data(as_text=True)
    assert "Ja, ook stagiairs hebben een VOG nodig." in page
    assert "Vera Vragensteller" not in page
    assert "Zorg Geheim" not in page
    response = client.get(f"/inkooptrajecten/{tender.id}/nota/1.pdf")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "ook stagiairs hebben een VOG nodig" in text
    assert "Geldt de VOG ook voor stagiairs?" in text
    assert "VOG voor stagiairs nodig?" not in text  # the merged duplicate is not repeated
    assert "Vera" not in text
    assert "Zorg Geheim" not in text


def test_follow_and_unfollow(client, auth, no_csrf):
    tender = _published()
    user = auth.as_role(Role.PROVIDER_MEMBER)
    assert client.post(f"/inkooptrajecten/{tender.id}/volgen").status_code == 302
    client.post(f"/inkooptrajecten/{tender.id}/volgen")  # a double submit changes nothing
    follows = (
        sa.select(sa.func.count())
        .select_from(TenderFollow)
        .where(TenderFollow.organisation_id == user.organisation_id)
    )
    assert db.session.scalar(follows) == 1
    client.post(f"/inkooptrajecten/{tender.id}/ontvolgen")
    assert db.session.scalar(follows) == 0


def test_rectification_through_the_page_mails_organisations_with_a_draft_bid(
    client, auth, no_csrf, smtp_server
):
    tender = _published()
    drafter = factories.user_with_role(Role.PROVIDER_ADMIN)
    factories.BidFactory(tender=tender, organisation=drafter.organisation)
    _buyer(auth)
    response = client.post(
        f"{B}/{tender.id}/rectificatie", data={"what": "Perceel 1 omschrijving", "why": "Typfout"}
    )
    assert response.status_code == 302
    assert [m["To"] for m in smtp_server.messages] == [drafter.email]
    assert "Perceel 1 omschrijving" in client.get(f"/inkooptrajecten/{tender.id}").get_data(as_text=True)


def test_copy_page_creates_a_draft_without_dates(client, auth, no_csrf):
    _buyer(auth)
    source = _published()
    response = client.post(f"{B}/{source.id}/kopieren", data={"reference": "NMD-KOPIE-9", "title": "Kopie"})
    assert response.status_code == 302
    copy = db.session.scalar(sa.select(Tender).where(Tender.reference == "NMD-KOPIE-9"))
    assert copy.status is TenderStatus.DRAFT
    assert copy.publication_at is None
    assert [lot.name for lot in copy.lots] == [lot.name for lot in source.lots]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot).where(Lot.tender_id == copy.id)) == 1


def _queries(client, url: str) -> int:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("q")

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_public_page_query_count_does_not_grow_with_the_matrix(client):
    small = _published()
    large = complete_draft()
    for code in ("R2", "R3", "R4"):
        result = matrix.add_result(large, domain=large.results[0].domain, code=code, name=code, law=large.law)
        for level in (4, 5, 6):
            rl = matrix.add_result_level(result, level=level, lot=large.lots[0])
            for m in large.municipalities:
                matrix.set_tariff(rl, municipality=m, valid_from=date(2028, 1, 1), amount=Decimal(1))
    publication.publish_tender(large, by=None, now=large.publication_at)
    db.session.commit()
    assert _queries(client, f"/inkooptrajecten/{large.id}") == _queries(
        client, f"/inkooptrajecten/{small.id}"
    )


def test_level_descriptions_and_lot_edits_show_on_the_public_page(client, auth, no_csrf):
    _buyer(auth)
    tender = complete_draft()
    db.session.commit()
    lot = tender.lots[0]
    assert (
        client.post(
            f"{B}/{tender.id}/matrix/niveaus",
            data={"level-number": 7, "level-description": "Verblijf met behandeling"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{B}/{tender.id}/percelen/{lot.id}", data={"name": "Perceel Ambulant", "description": "Thuis"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{B}/{tender.id}/matrix/niveaus", data={"level-number": 9, "level-description": "x"}
        ).status_code
        == 422
    )
    db.session.expire_all()
    publication.publish_tender(db.session.get(Tender, tender.id), by=None, now=tender.publication_at)
    db.session.commit()
    page = client.get(f"/inkooptrajecten/{tender.id}").get_data(as_text=True)
    assert "Verblijf met behandeling" in page
    assert "Perceel Ambulant" in page


def test_a_provider_starts_a_bid_from_the_tender_page_and_anonymous_visitors_see_no_button(client, auth):
    tender = factories.tender_with_matrix()
    start = f"/inschrijvingen/start/{tender.id}"
    assert start not in client.get(f"/inkooptrajecten/{tender.id}").get_data(as_text=True)
    auth.as_role(Role.PROVIDER_ADMIN)
    page = client.get(f"/inkooptrajecten/{tender.id}").get_data(as_text=True)
    assert start in page
    assert "Inschrijven (of verder met uw inschrijving)" in page
