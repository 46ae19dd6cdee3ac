"""Pure tender rules: date order (also across daylight-saving changes), checklist, countdown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from portal.clock import from_local
from portal.models import Procedure
from portal.tenders import rules
from portal.tenders.rules import TenderDates, TenderOutline


def _local(*args: int) -> datetime:
    return from_local(datetime(*args))  # noqa: DTZ001 - a wall-clock time in Europe/Amsterdam


def _fields(problems: list[rules.Problem]) -> list[str]:
    return [p.field for p in problems]


def test_question_deadline_before_publication_is_wrong_and_names_the_field():
    dates = TenderDates(
        Procedure.COMPETITIVE, publication_at=_local(2027, 3, 1, 9), question_deadline=_local(2027, 2, 1, 9)
    )
    problems = rules.date_problems(dates)
    assert _fields(problems) == ["question_deadline"]
    assert "na de publicatiedatum" in str(problems[0])


def test_submission_deadline_must_follow_question_deadline():
    dates = TenderDates(
        Procedure.COMPETITIVE,
        publication_at=_local(2027, 3, 1, 9),
        question_deadline=_local(2027, 3, 10, 12),
        submission_deadline=_local(2027, 3, 10, 12),
    )
    problems = rules.date_problems(dates)
    assert _fields(problems) == ["submission_deadline"]
    assert "na de sluitingsdatum voor vragen" in str(problems[0])


def test_windows_must_open_after_publication_and_not_overlap():
    pub = _local(2027, 3, 1, 9)
    early = TenderDates(
        Procedure.OPEN_HOUSE,
        publication_at=pub,
        windows=((pub - timedelta(days=1), pub + timedelta(days=5)),),
    )
    assert "vóór de publicatiedatum" in str(rules.date_problems(early)[0])
    overlapping = TenderDates(
        Procedure.OPEN_HOUSE,
        publication_at=pub,
        windows=((pub, pub + timedelta(days=10)), (pub + timedelta(days=9), pub + timedelta(days=20))),
    )
    problems = rules.date_problems(overlapping)
    assert _fields(problems) == ["windows"]
    assert "overlappen" in str(problems[0])
    touching = TenderDates(
        Procedure.OPEN_HOUSE,
        publication_at=pub,
        windows=((pub, pub + timedelta(days=10)), (pub + timedelta(days=10), pub + timedelta(days=20))),
    )
    assert rules.date_problems(touching) == []


def test_contract_start_must_follow_the_submission_deadline():
    dates = TenderDates(
        Procedure.COMPETITIVE,
        publication_at=_local(2027, 3, 1, 9),
        question_deadline=_local(2027, 3, 10, 12),
        submission_deadline=_local(2027, 4, 1, 12),
        contract_start=date(2027, 4, 1),
    )
    problems = rules.date_problems(dates)
    assert _fields(problems) == ["contract_start"]
    assert rules.date_problems(TenderDates(**{**dates.__dict__, "contract_start": date(2027, 4, 2)})) == []


def test_wall_clock_times_across_the_spring_change_are_stored_as_correct_utc():
    # 28 March 2027: clocks go from 02:00 CET to 03:00 CEST.
    before = _local(2027, 3, 28, 1, 30)
    after = _local(2027, 3, 28, 3, 30)
    assert before == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert after == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert after - before == timedelta(hours=1)  # two wall-clock hours, one real hour
    dates = TenderDates(Procedure.COMPETITIVE, publication_at=before, question_deadline=after)
    assert rules.date_problems(dates) == []


def test_wall_clock_times_across_the_autumn_change_keep_their_order():
    # 31 October 2027: clocks go back from 03:00 CEST to 02:00 CET.
    publication = _local(2027, 10, 30, 12)
    deadline = _local(2027, 10, 31, 12)
    assert publication == datetime(2027, 10, 30, 10, 0, tzinfo=UTC)
    assert deadline == datetime(2027, 10, 31, 11, 0, tzinfo=UTC)
    assert deadline - publication == timedelta(hours=25)
    wrong = TenderDates(Procedure.COMPETITIVE, publication_at=deadline, question_deadline=publication)
    assert _fields(rules.date_problems(wrong)) == ["question_deadline"]


def test_countdown_counts_amsterdam_calendar_days_across_dst():
    now = _local(2027, 3, 26, 23, 30)  # Friday evening before the spring change
    assert rules.countdown(_local(2027, 3, 29, 0, 15), now=now) == "nog 3 dagen"
    assert rules.countdown(_local(2027, 3, 27, 8), now=now) == "nog 1 dag"
    assert rules.countdown(_local(2027, 3, 26, 23, 59), now=now) == "vandaag"
    assert rules.countdown(now, now=now) == "verlopen"


def test_question_at_the_deadline_second_is_allowed_one_second_later_is_not():
    deadline = _local(2027, 10, 31, 12)
    assert not rules.question_deadline_passed(deadline, now=deadline)
    assert rules.question_deadline_passed(deadline, now=deadline + timedelta(seconds=1))


def _complete_outline(**changes: object) -> TenderOutline:
    base = {
        "dates": TenderDates(
            Procedure.COMPETITIVE,
            publication_at=_local(2027, 3, 1, 9),
            question_deadline=_local(2027, 3, 10, 12),
            submission_deadline=_local(2027, 4, 1, 12),
            contract_start=date(2027, 7, 1),
        ),
        "municipality_count": 5,
        "lot_names": ("Perceel 1",),
        "criterion_weights": (Decimal("60"), Decimal("40")),
        "requirement_count": 3,
        "result_level_count": 10,
    }
    base.update(changes)
    return TenderOutline(**base)


def test_complete_tender_has_an_empty_checklist():
    assert rules.publication_checklist(_complete_outline()) == []


def test_checklist_names_everything_missing():
    outline = _complete_outline(
        dates=TenderDates(Procedure.OPEN_HOUSE),
        lot_names=(),
        criterion_weights=(Decimal("60"), Decimal("30")),
        requirement_count=0,
        result_levels_without_lot=("V1 niveau 4",),
        missing_tariffs=("V1 niveau 5 in Assen",),
    )
    text = " | ".join(str(m) for m in rules.publication_checklist(outline))
    for expected in (
        "publicatiedatum ontbreekt",
        "toelatingsronde",
        "geen percelen",
        "tellen op tot 90",
        "geen eisen",
        "V1 niveau 4 hoort bij geen enkel perceel",
        "geen tarief voor V1 niveau 5 in Assen",
        "ingangsdatum",
    ):
        assert expected in text, expected


def test_the_aanbesteding_member_is_competitive_and_keeps_its_stored_value():
    """Procedure.COMPETITIVE (aanbesteding) is not confused with Tender (inkooptraject); the database
    value stays "tender", so existing rows read back without a migration."""
    assert Procedure("tender") is Procedure.COMPETITIVE
    assert not hasattr(Procedure, "TENDER")
    assert Procedure.COMPETITIVE.label == "Aanbesteding"
