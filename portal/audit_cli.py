"""`flask audit verify` and `flask audit head`: check the audit hash chain and publish each day's head.

`verify` recomputes the chain and names the first event changed, deleted or inserted (exit code 1).
`head` writes the head hash of a day (Europe/Amsterdam) to the log and, when AUDIT_HEAD_RECIPIENT is
set, mails it through the outbox once per day (an address outside the portal's administrators: a
copy of the head kept where no one who can write the database can change it; a later verify with
`--expect-head` proves that no event up to it was removed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain, pairwise

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Role, User
from portal.models.audit import GENESIS, HASHED_FIELDS, chain_hash, fields_of

log = logging.getLogger(__name__)
audit_cli = AppGroup(
    "audit", help="The tamper-evident audit trail: verify the chain, publish the day's head."
)


@dataclass(frozen=True)
class ChainBreak:
    kind: str  # changed | deleted | inserted | unlinked | head-missing
    event_id: int | None
    seq: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    head_seq: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def chain_rows() -> Iterator[sa.Row]:
    columns = [AuditEvent.id, AuditEvent.hash, *(getattr(AuditEvent, name) for name in HASHED_FIELDS)]
    statement = sa.select(*columns).order_by(AuditEvent.seq, AuditEvent.id).execution_options(yield_per=1000)
    result = db.session.execute(statement)
    try:
        yield from result
    finally:
        result.close()  # a verify that stops at a break leaves the (server-side) cursor open otherwise


@dataclass
class _Walked:
    """The last event of the chain that fitted, and how many events were read."""

    seq: int = 0
    hash: str = GENESIS
    id: int | None = None
    count: int = 0

    def report(self, problem: ChainBreak | None) -> ChainReport:
        return ChainReport(self.count, self.seq, self.hash, problem)


def verify(rows: Iterable[sa.Row], *, expect_head: str | None = None) -> ChainReport:
    """Walk the chain in (seq, id) order; the first event that does not fit is named, and how."""
    walked, seen_head = _Walked(), expect_head is None
    for row, following in pairwise(chain(rows, [None])):
        assert row is not None  # the None that ends the chain only ever stands second
        walked.count += 1
        problem = _misfit(row, following, walked)
        if problem:
            _close(rows)
            return walked.report(problem)
        walked.seq, walked.hash, walked.id = row.seq, row.hash, row.id
        seen_head = seen_head or row.hash == expect_head
    if not seen_head:
        return walked.report(_head_missing(expect_head, walked))
    return walked.report(None)


def _misfit(row: sa.Row, following: sa.Row | None, walked: _Walked) -> ChainBreak | None:
    """None when `row` follows the last event that fitted; otherwise what happened to the chain there."""
    intact = chain_hash(fields_of(row)) == row.hash
    links, in_place = row.prev_hash == walked.hash, row.seq == walked.seq + 1
    if intact and links and in_place:
        return None
    skipped = following is not None and following.prev_hash == walked.hash and following.seq == walked.seq + 1
    if row.seq <= walked.seq or skipped:
        return ChainBreak("inserted", row.id, row.seq, f"event {row.id} (#{row.seq}) was inserted")
    if intact and row.seq > walked.seq + 1:
        return _gap(row, walked)
    if intact and in_place:
        return _unlinked(row, walked)
    return ChainBreak("changed", row.id, row.seq, f"event {row.id} (#{row.seq}) was changed")


def _gap(row: sa.Row, walked: _Walked) -> ChainBreak:
    missing = f"#{walked.seq + 1}" + (f"-#{row.seq - 1}" if row.seq - 1 > walked.seq + 1 else "")
    where = f"after event {walked.id}" if walked.id is not None else "at the start"
    message = f"event(s) {missing} deleted: gap {where}, before event {row.id}"
    return ChainBreak("deleted", row.id, walked.seq + 1, message)


def _unlinked(row: sa.Row, walked: _Walked) -> ChainBreak:
    """An intact event in its place whose previous hash is not the last event's."""
    if walked.id is None:
        return ChainBreak("inserted", row.id, row.seq, f"event {row.id} (#1) does not start the chain")
    message = (
        f"event {row.id} (#{row.seq}) does not follow event {walked.id}: "
        f"event {row.id} was inserted or event {walked.id} was changed and its hash rewritten"
    )
    return ChainBreak("unlinked", row.id, row.seq, message)


def _head_missing(expect_head: str | None, walked: _Walked) -> ChainBreak:
    message = (
        f"the published head {expect_head} is not in the chain: events at its end were deleted or changed"
    )
    return ChainBreak("head-missing", None, walked.seq + 1, message)


def _close(rows: Iterable[sa.Row]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()


@dataclass(frozen=True)
class DayHead:
    day: date
    seq: int
    hash: str
    events_that_day: int


def day_head(day: date) -> DayHead:
    """The chain's head at the end of `day` (Europe/Amsterdam): the last event recorded up to then."""
    start = datetime.combine(day, time(), tzinfo=clock.AMSTERDAM).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.AMSTERDAM).astimezone(UTC)
    head = db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.at < end)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.at >= start, AuditEvent.at < end)
    )
    seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    return DayHead(day, seq, head_hash, count or 0)


def recipient_refusal(recipient: str) -> str | None:
    """The head goes to someone outside the portal's administrators: never to an admin's address."""
    admins = db.session.scalars(sa.select(User).where(sa.func.lower(User.email) == recipient.strip().lower()))
    if any(user.has_role(Role.ADMIN) for user in admins):
        return f"AUDIT_HEAD_RECIPIENT {recipient} is a functional administrator of the portal: not mailed"
    return None


def publish_head(day: date) -> tuple[DayHead, bool]:
    """Log the day's head and queue its mail (once per day: the outbox dedupes). True when queued now."""
    head = day_head(day)
    log.info("audit head %s: #%s %s (%s events that day)", day, head.seq, head.hash, head.events_that_day)
    recipient = current_app.config.get("AUDIT_HEAD_RECIPIENT") or ""
    if not recipient:
        return head, False
    refusal = recipient_refusal(recipient)
    if refusal:
        raise click.ClickException(refusal)
    return head, _mail_head(recipient, head)


def _mail_head(recipient: str, head: DayHead) -> bool:
    from portal import mail

    day = head.day.isoformat()
    queued = mail.queue(
        recipient,
        _("Kophash van het auditlogboek van %(day)s", day=day),
        "audit_head",
        dedupe_key=f"audit-head-{day}",
        day=day,
        seq=head.seq,
        head_hash=head.hash,
        events=head.events_that_day,
    )
    return queued is not None


def _stop_if_broken(report: ChainReport, consequence: str = "") -> None:
    if report.first_break is None:
        return
    log.error("audit chain broken%s: %s", consequence, report.first_break.message)
    click.echo(f"Audit chain BROKEN{consequence}: {report.first_break.message}", err=True)
    raise SystemExit(1)


@audit_cli.command("verify")
@click.option(
    "--expect-head", default=None, help="A head hash published earlier (mail): it must be in the chain."
)
def verify_command(expect_head: str | None) -> None:
    """Recompute the hash chain; name the first event changed, deleted or inserted (exit code 1)."""
    report = verify(chain_rows(), expect_head=expect_head)
    _stop_if_broken(report)
    click.echo(f"Audit chain intact: {report.events} events, head #{report.head_seq} {report.head_hash}")


@audit_cli.command("head")
@click.option(
    "--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: yesterday (Amsterdam)."
)
def head_command(day: datetime | None) -> None:
    """Write the day's head hash to the log and mail it to AUDIT_HEAD_RECIPIENT (once per day)."""
    from portal import mail

    chosen = day.date() if day else clock.to_local(clock.now()).date() - timedelta(days=1)
    _stop_if_broken(verify(chain_rows()), ", head not published")
    head, queued = publish_head(chosen)
    db.session.commit()
    if queued:
        outcome = f" (mailed, {mail.deliver_pending()} message(s) sent)"
    elif not current_app.config.get("AUDIT_HEAD_RECIPIENT"):
        outcome = " (AUDIT_HEAD_RECIPIENT not set)"
    else:
        outcome = ""
    click.echo(f"Audit head {chosen.isoformat()}: #{head.seq} {head.hash}{outcome}")
