"""Pure contract rules: term, tariff choice, status after signature, merging lines after a toetreding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.agreements import rules
from portal.models import AgreementStatus


def test_a_term_of_36_months_from_1_january_ends_on_31_december_two_years_on():
    assert rules.contract_end(date(2027, 1, 1), 36) == date(2029, 12, 31)
    assert rules.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_the_tariff_is_the_one_valid_on_the_decision_day_or_else_the_first_one_after():
    old = rules.TariffPeriod(date(2026, 1, 1), date(2027, 1, 1), Decimal("100.00"), "per maand")
    new = rules.TariffPeriod(date(2027, 1, 1), None, Decimal("110.00"), "per maand")
    assert rules.tariff_on([new, old], date(2026, 11, 20)) is old
    assert rules.tariff_on([new, old], date(2027, 3, 1)) is new
    assert rules.tariff_on([new], date(2026, 11, 20)) is new  # tariffs start with the contract
    assert rules.tariff_on([], date(2026, 11, 20)) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 12, 31), AgreementStatus.SIGNED), (date(2027, 1, 1), AgreementStatus.ACTIVE)],
)
def test_a_signed_contract_is_active_from_its_start(today, expected):
    assert rules.status_after_signature(date(2027, 1, 1), today) is expected


def test_acceptance_is_refused_for_a_stale_version_before_anything_else():
    with pytest.raises(rules.StaleVersion):
        rules.check_can_accept(AgreementStatus.SENT, is_current=False, already_accepted=False, has_pdf=True)
    with pytest.raises(rules.AgreementRefused):
        rules.check_can_accept(AgreementStatus.DRAFT, is_current=True, already_accepted=False, has_pdf=True)
    rules.check_can_accept(AgreementStatus.ACTIVE, is_current=True, already_accepted=False, has_pdf=True)


def test_merging_after_a_toetreding_adds_new_lines_and_keeps_indexed_tariffs():
    content = {
        "lots": [{"name": "P1", "lines": [{"result_code": "R1", "level": 4, "tariffs": {"A": "102.50"}}]}]
    }
    fresh = [
        {
            "name": "P1",
            "lines": [{"result_code": "R1", "level": 4, "tariffs": {"A": "100.00", "B": "90.00"}}],
        },
        {"name": "P2", "lines": [{"result_code": "R2", "level": 6, "tariffs": {"A": "300.00"}}]},
    ]
    merged, added = rules.merged_lines(content, fresh)
    assert merged["lots"][0]["lines"][0]["tariffs"] == {"A": "102.50", "B": "90.00"}
    assert merged["lots"][1]["name"] == "P2"
    assert added == ["R1 niveau 4 (B)", "R2 niveau 6"]
    assert content["lots"][0]["lines"][0]["tariffs"] == {"A": "102.50"}


def test_ending_before_the_start_is_refused():
    content = {"term": {"start": "2027-01-01"}}
    with pytest.raises(rules.AgreementRefused):
        rules.ended_content(content, date(2026, 12, 31))
