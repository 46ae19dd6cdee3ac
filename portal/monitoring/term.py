"""The daily contract-term job: contracts start and end by their dates, reminders go out once.

Run by cron as `flask contract-term`, or (with REDIS_URL) by RQ's own scheduler: `flask contract-term
--schedule` puts the next run on the queue at 02:00 Europe/Amsterdam, and every run puts the one after it
(`python worker.py` runs with RQ's scheduler). Safe to run twice or late: a contract moves only when its
status by date differs from what it is, and every reminder is recorded under a unique key before its
mail is queued (the outbox deduplicates it too), so a second run finds nothing left to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import clock, mail
from portal.accounts import queries as accounts
from portal.agreements import service as agreements
from portal.clock import to_local
from portal.extensions import db
from portal.i18n import local_date
from portal.models import AgreementStatus, DocumentKind, MonitoringAction, SentReminder
from portal.monitoring import indicators, rules, service, term_queries

log = logging.getLogger(__name__)
TASK = "portal.monitoring.term.scheduled_run"
RUN_AT = time(2, 0)  # local time of the daily run


@dataclass
class TermReport:
    activated: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.activated)} contract(s) activated, {len(self.ended)} ended, "
            f"{len(self.reminders)} reminder(s) sent"
        )


def run(now: datetime) -> TermReport:
    """Everything the day `now` falls on asks for; flushes, the caller commits."""
    today = to_local(now).date()
    report = TermReport()
    _move_contracts(today, now, report)
    _remind_plans(today, now, report)
    _remind_dossier(today, now, report)
    _remind_reports(today, now, report)
    return report


def _move_contracts(today: date, now: datetime, report: TermReport) -> None:
    terminations = term_queries.termination_days()
    for agreement, version in term_queries.agreements_to_move():
        start = date.fromisoformat(version.content["term"]["start"])
        end = rules.last_day(version.ends_on, terminations.get(agreement.id))
        new_status = rules.term_status(agreement.status, start=start, end=end, today=today)
        if new_status is None:
            continue
        agreements.move_by_date(agreement, new_status)
        if new_status is AgreementStatus.ENDED:
            _close_terminations(agreement.id, now)
        (report.ended if new_status is AgreementStatus.ENDED else report.activated).append(agreement.number)


def _close_terminations(agreement_id: int, now: datetime) -> None:
    for action in term_queries.terminations_in_force(agreement_id):
        service.take_step(action, "end", by=rules.SYSTEM, user=None, now=now)


def _remind_plans(today: date, now: datetime, report: TermReport) -> None:
    for action in term_queries.requested_plans():
        assert action.due_on is not None  # requested_plans reads only plans with a deadline
        which = rules.plan_reminder(action.due_on, today)
        if which is None:
            continue
        key = f"plan:{action.id}:{action.status.value}:{which}"
        if claim_reminder(key, now):
            _mail_plan_reminder(action, which, key)
            report.reminders.append(key)


def claim_reminder(key: str, now: datetime) -> bool:
    """Record that the reminder `key` is sent; False when it was sent before (then send nothing).

    An insert that skips an existing key, so two runs at once cannot both claim it."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(SentReminder)
        .values(key=key, sent_at=now)
        .on_conflict_do_nothing()
        .returning(SentReminder.id)
    )
    return db.session.execute(statement).first() is not None


def _mail_plan_reminder(action: MonitoringAction, which: str, key: str) -> None:
    _mail_admins(
        action.organisation_id,
        key,
        str(_l("Herinnering verbeterplan: %(title)s", title=action.title)),
        "monitoring_plan_reminder",
        title=action.title,
        due_on=action.due_on,
        overdue=which == "overdue",
    )


def _remind_dossier(today: date, now: datetime, report: TermReport) -> None:
    for organisation_id, kind, expires_on in term_queries.documents_expiring(
        today, max(rules.DOSSIER_REMINDER_DAYS)
    ):
        days = rules.dossier_reminder(expires_on, today)
        key = f"dossier:{organisation_id}:{kind.value}:{expires_on.isoformat()}:{days}"
        if days is not None and claim_reminder(key, now):
            _mail_dossier_reminder(organisation_id, kind, expires_on, key)
            report.reminders.append(key)


def _mail_dossier_reminder(organisation_id: int, kind: DocumentKind, expires_on: date, key: str) -> None:
    _mail_admins(
        organisation_id,
        key,
        str(_l("%(document)s verloopt op %(day)s", document=kind.label, day=local_date(expires_on))),
        "monitoring_dossier_reminder",
        document=kind.label,
        expires_on=expires_on,
    )


def _remind_reports(today: date, now: datetime, report: TermReport) -> None:
    period = indicators.period_to_report(today)
    which = indicators.reminder(period, today)
    if which is None:
        return
    for organisation_id in term_queries.without_report(period):
        key = f"report:{organisation_id}:{period}:{which}"
        if claim_reminder(key, now):
            _mail_admins(
                organisation_id,
                key,
                str(_l("Halfjaarrapportage %(period)s", period=period)),
                "monitoring_report_reminder",
                period=period,
                due_on=indicators.due_on(period),
                late=which == "late",
            )
            report.reminders.append(key)


def _mail_admins(organisation_id: int, key: str, subject: str, template: str, **context: Any) -> None:
    for admin in accounts.provider_admins(organisation_id):
        mail.queue(admin.email, subject, template, dedupe_key=f"{key}:{admin.id}", name=admin.name, **context)


# --- the schedule ----------------------------------------------------------------------------------


def next_run_at(now: datetime) -> datetime:
    """The next 02:00 Europe/Amsterdam after `now`, in UTC."""
    local = to_local(now)
    day = local.date() if local.time() < RUN_AT else local.date() + timedelta(days=1)
    return clock.from_local(datetime.combine(day, RUN_AT))


def schedule(now: datetime) -> str:
    """Put the next run on RQ's schedule; its job id names the day, so scheduling twice keeps one."""
    from redis import Redis
    from rq import Queue

    from portal.background import ENTRY, QUEUE_NAME

    at = next_run_at(now)
    job_id = f"contract-term-{to_local(at):%Y%m%d}"
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(current_app.config["REDIS_URL"]))
    queue.enqueue_at(at, f"{ENTRY}.run", TASK, job_id=job_id, result_ttl=0)
    return job_id


def scheduled_run() -> None:
    """The RQ job: today's run, committed, then the next one scheduled."""
    now = clock.now()
    report = run(now)
    db.session.commit()
    log.info("contract term: %s", report.summary())
    schedule(now)
