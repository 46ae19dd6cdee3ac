"""After the deadline: no deadline in the past, no start button, the time it closed (Europe/Amsterdam);
and requirement cards titled by their own text, not all "Kwaliteitseis"."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace as NS  # noqa: N814 - short stand-ins for models

from portal.bids import rules
from portal.extensions import db
from portal.models import AdmissionWindow, AnswerType, Procedure, TenderStatus
from tests import factories

CLOSED = datetime(2026, 1, 15, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam (CET)
CLOSED_SHOWN = "15 januari 2026 om 17:00"
NEXT = datetime(2099, 3, 1, 10, 0, tzinfo=UTC)  # 11:00 in Amsterdam
NEXT_SHOWN = "1 maart 2099 om 11:00"


def _close(tender, *, next_window: bool = False) -> None:
    """The tender's only window ended at CLOSED; optionally a later one opens at NEXT."""
    tender.windows = [AdmissionWindow(opens_at=datetime(2026, 1, 1, tzinfo=UTC), closes_at=CLOSED)]
    if next_window:
        tender.windows.append(AdmissionWindow(opens_at=NEXT, closes_at=NEXT.replace(month=4)))
    db.session.commit()


# --- the rule -------------------------------------------------------------------------------------


def test_timing_is_open_until_the_deadline_then_says_when_it_closed():
    tender = NS(
        procedure=Procedure.COMPETITIVE, windows=[], submission_deadline=CLOSED, status=TenderStatus.PUBLISHED
    )
    assert rules.timing(tender, now=CLOSED.replace(hour=15)) == rules.Timing(deadline=CLOSED)
    assert rules.timing(tender, now=CLOSED) == rules.Timing(closed_at=CLOSED)


def test_timing_of_open_house_between_windows_names_the_last_close_and_the_next_opening():
    windows = [
        NS(opens_at=CLOSED.replace(day=1), closes_at=CLOSED),
        NS(opens_at=NEXT, closes_at=NEXT.replace(month=4)),
    ]
    tender = NS(
        procedure=Procedure.OPEN_HOUSE,
        windows=windows,
        submission_deadline=None,
        status=TenderStatus.PUBLISHED,
    )
    assert rules.timing(tender, now=CLOSED.replace(month=6)) == rules.Timing(closed_at=CLOSED, opens_at=NEXT)
    assert not rules.timing(tender, now=CLOSED.replace(month=6)).is_open


def test_requirement_title_is_the_first_line_cut_at_a_word():
    assert (
        rules.requirement_title("\n  VOG voor alle professionals \nToelichting")
        == "VOG voor alle professionals"
    )
    long = "De aanbieder beschikt over een geldig keurmerk " * 4
    title = rules.requirement_title(long)
    assert len(title) <= 80
    assert title.endswith("…")
    assert long.startswith(title[:-1])
    assert rules.requirement_title("x" * 100) == "x" * 79 + "…"


# --- the pages ------------------------------------------------------------------------------------


def test_overview_after_the_deadline_says_it_passed_and_when(client, auth, bid, provider):
    _close(bid.tender)
    auth.login(provider)
    page = client.get(f"/inschrijvingen/{bid.id}")
    assert page.status_code == 200
    assert "Indienen kan tot" not in page.text
    assert f"De termijn voor indienen is verstreken op {CLOSED_SHOWN} (Nederlandse tijd)." in page.text


def test_overview_while_open_still_says_until_when(client, auth, bid, provider):
    auth.login(provider)
    assert "Indienen kan tot" in client.get(f"/inschrijvingen/{bid.id}").text


def test_submit_page_after_the_deadline_gives_no_closing_time_in_the_past(client, auth, bid, provider):
    _close(bid.tender, next_window=True)
    auth.login(provider)
    page = client.get(f"/inschrijvingen/{bid.id}/indienen").text
    assert "De termijn sluit op" not in page
    assert f"verstreken op {CLOSED_SHOWN}" in page
    assert f"Het volgende toelatingsvenster opent op {NEXT_SHOWN} (Nederlandse tijd)." in page


def test_bid_list_says_when_a_started_bid_closed(client, auth, bid, provider):
    _close(bid.tender)
    auth.login(provider)
    page = client.get("/inschrijvingen").text
    assert f"verstreken op {CLOSED_SHOWN}" in page


def test_public_page_of_a_closed_tender_offers_no_inschrijven_and_says_when_it_closed(
    client, auth, tender, provider
):
    auth.login(provider)
    start = "Inschrijven (of verder met uw inschrijving)"
    assert start in client.get(f"/inkooptrajecten/{tender.id}").text  # open: offered
    _close(tender, next_window=True)
    page = client.get(f"/inkooptrajecten/{tender.id}").text
    assert start not in page
    assert f"/inschrijvingen/start/{tender.id}" not in page
    assert f"verstreken op {CLOSED_SHOWN}" in page
    assert f"opent op {NEXT_SHOWN}" in page


def test_requirement_cards_carry_their_own_title(client, auth, bid, provider):
    factories.RequirementFactory(
        tender=bid.tender, answer_type=AnswerType.DECLARATION,
        text="Meldcode huiselijk geweld\nDe aanbieder werkt aantoonbaar met de meldcode.",
    )  # fmt: skip
    auth.login(provider)
    page = client.get(f"/inschrijvingen/{bid.id}/eisen").text
    headings = [h.split("<", 1)[0].strip() for h in page.split('<h2 class="utrecht-heading-3">')[1:]]
    assert headings == ["VOG voor alle professionals", "Meldcode huiselijk geweld"]
    assert "De aanbieder werkt aantoonbaar met de meldcode." in page
