"""The daily contract-term job: contracts start and end by date once; reminders go out once (real SMTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from portal import mail
from portal.extensions import db
from portal.models import ActionKind, ActionStatus, AgreementStatus, AuditEvent, SentReminder
from portal.monitoring import term
from tests.monitoring.helpers import action, contracted, provider_admin


def at(day: date, hour: int = 3) -> datetime:
    """`hour` o'clock UTC on `day` (in winter 4 o'clock in Amsterdam, the same day)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _status_events(agreement_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.action == "agreements.status_by_date", AuditEvent.object_id == agreement_id
            )
        )
    )


def test_a_signed_contract_becomes_active_on_its_start_day_once(app):
    agreement = contracted(AgreementStatus.SIGNED)
    assert term.run(at(date(2026, 12, 31))).activated == []
    assert agreement.status is AgreementStatus.SIGNED
    first = term.run(at(date(2027, 1, 1)))
    db.session.commit()
    second = term.run(at(date(2027, 1, 1), hour=9))
    db.session.commit()
    assert (first.activated, second.activated) == ([agreement.number], [])
    assert agreement.status is AgreementStatus.ACTIVE
    assert len(_status_events(agreement.id)) == 1


def test_the_start_day_counts_in_amsterdam_not_in_utc(app):
    agreement = contracted(AgreementStatus.SIGNED)
    term.run(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 January in Amsterdam
    assert agreement.status is AgreementStatus.ACTIVE


def test_an_active_contract_ends_the_day_after_its_last_day(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    assert term.run(at(date(2029, 12, 31))).ended == []
    assert term.run(at(date(2030, 1, 1))).ended == [agreement.number]
    assert term.run(at(date(2030, 1, 2))).ended == []
    assert agreement.status is AgreementStatus.ENDED


def test_a_run_after_days_of_downtime_does_what_was_missed_once(app):
    starting = contracted(AgreementStatus.SIGNED)
    ending = contracted(AgreementStatus.ACTIVE)
    ending.versions[-1].ends_on = date(2027, 1, 3)
    db.session.commit()
    report = term.run(at(date(2027, 1, 9)))  # nobody ran it from 1 to 8 January
    assert (report.activated, report.ended) == ([starting.number], [ending.number])
    again = term.run(at(date(2027, 1, 9), hour=10))
    assert (again.activated, again.ended) == ([], [])


def test_a_termination_ends_the_contract_after_its_chosen_day(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    ending = action(agreement, ActionKind.TERMINATION, due_on=date(2027, 6, 30), now=at(date(2027, 2, 1)))
    assert term.run(at(date(2027, 6, 30))).ended == []
    assert term.run(at(date(2027, 7, 1))).ended == [agreement.number]
    assert ending.status is ActionStatus.DONE  # no longer an open action


def test_a_plan_reminder_is_mailed_once_before_and_once_after_the_deadline(app, smtp_server):
    agreement = contracted(AgreementStatus.ACTIVE)
    admin = provider_admin(agreement)
    plan = action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=date(2027, 3, 10), now=at(date(2027, 2, 1)))
    mail.deliver_pending()  # the request itself
    smtp_server.messages.clear()
    for day in (date(2027, 3, 2), date(2027, 3, 3), date(2027, 3, 3), date(2027, 3, 9)):
        term.run(at(day))
        db.session.commit()
    mail.deliver_pending()
    plans = [m for m in smtp_server.messages if "verbeterplan" in m["Subject"]]
    assert [m["To"] for m in plans] == [admin.email]
    assert "uiterlijk 10 maart 2027" in smtp_server.body_of(plans[0])
    for day in (date(2027, 3, 12), date(2027, 3, 13)):
        term.run(at(day))
        db.session.commit()
    mail.deliver_pending()
    plans = [m for m in smtp_server.messages if "verbeterplan" in m["Subject"]]
    assert len(plans) == 2
    assert "nog niet ontvangen" in smtp_server.body_of(plans[1])
    keys = db.session.scalars(
        sa.select(SentReminder.key).where(SentReminder.key.startswith("plan:")).order_by(SentReminder.key)
    ).all()
    assert keys == [f"plan:{plan.id}:requested:overdue", f"plan:{plan.id}:requested:soon"]


def test_a_claimed_reminder_cannot_be_claimed_again(app):
    now = at(date(2027, 3, 3))
    assert term.claim_reminder("test:1", now) is True
    assert term.claim_reminder("test:1", now) is False


def test_the_next_run_is_at_two_in_the_night_amsterdam_time():
    assert term.next_run_at(datetime(2027, 1, 5, 0, 30, tzinfo=UTC)) == datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
    assert term.next_run_at(datetime(2027, 1, 5, 1, 0, tzinfo=UTC)) == datetime(2027, 1, 6, 1, 0, tzinfo=UTC)
    assert term.next_run_at(datetime(2027, 7, 5, 23, 30, tzinfo=UTC)) == datetime(
        2027, 7, 6, 0, 0, tzinfo=UTC
    )


def test_scheduling_twice_puts_one_run_on_rqs_schedule_at_two_at_night(app, redis_url, monkeypatch):
    from redis import Redis
    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    now = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
    first, second = term.schedule(now), term.schedule(now)
    assert first == second == "contract-term-20270106"
    queue = Queue("portal", connection=Redis.from_url(redis_url))
    registry = ScheduledJobRegistry(queue=queue)
    assert registry.get_job_ids() == [first]
    assert registry.get_scheduled_time(first) == datetime(2027, 1, 6, 1, 0, tzinfo=UTC)
    assert queue.fetch_job(first).args == (term.TASK,)


def test_the_cron_command_runs_the_day_given_and_a_second_run_does_nothing(app, runner):
    agreement = contracted(AgreementStatus.SIGNED)
    first = runner.invoke(args=["contract-term", "--now", "2027-01-01T00:30"])  # Amsterdam time
    second = runner.invoke(args=["contract-term", "--now", "2027-01-01T06:00"])
    assert first.exit_code == 0, first.output
    assert "1 contract(s) activated, 0 ended" in first.output
    assert f"active: {agreement.number}" in first.output
    assert "0 contract(s) activated, 0 ended" in second.output


def test_scheduling_without_redis_is_refused_with_a_clear_message(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = runner.invoke(args=["contract-term", "--schedule"])
    assert result.exit_code != 0
    assert "needs REDIS_URL" in result.output
