"""Contract numbers: NMD-<year>-<sequence>, unique and gap-free per year, also under concurrency."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from portal.agreements import numbering
from portal.extensions import db
from portal.models import ContractNumberSequence


def test_numbers_count_up_per_year_and_each_year_starts_at_one(app):
    assert numbering.next_number(2027) == (1, "NMD-2027-0001")
    assert numbering.next_number(2027) == (2, "NMD-2027-0002")
    assert numbering.next_number(2028) == (1, "NMD-2028-0001")


@pytest.mark.committed
def test_a_rolled_back_generation_gives_its_number_back(app):
    with app.app_context():
        numbering.next_number(2030)
        db.session.commit()
        numbering.next_number(2030)
        db.session.rollback()
        assert numbering.next_number(2030) == (2, "NMD-2030-0002")
        db.session.commit()
        db.session.remove()


@pytest.mark.postgres
@pytest.mark.committed
def test_concurrent_transactions_get_one_to_n_without_gaps_or_duplicates(app):
    workers = 8
    barrier = threading.Barrier(workers)
    taken: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                sequence, _ = numbering.next_number(2031)
                time.sleep(0.05)  # hold the row lock a moment: the others must wait, not skip ahead
                db.session.commit()
                taken.append(sequence)
                db.session.remove()
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=take) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(taken) == list(range(1, workers + 1))
    with app.app_context():
        last = db.session.scalar(
            sa.select(ContractNumberSequence.last_value).where(ContractNumberSequence.year == 2031)
        )
        db.session.remove()
    assert last == workers
