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


def verify(rows: Iterable[sa.Row], *, expect_head: str | None = None) -> ChainReport:
    """Walk the chain in (seq, id) order; the first event that does not fit is named, and how."""
    last_seq, last_hash, last_id, count, seen_head = 0, GENESIS, None, 0, expect_head is None
    for row, following in pairwise(chain(rows, [None])):
        count += 1
        intact = chain_hash(fields_of(row)) == row.hash
        links, in_place = row.prev_hash == last_hash, row.seq == last_seq + 1
        if intact and links and in_place:
            last_seq, last_hash, last_id = row.seq, row.hash, row.id
            seen_head = seen_head or row.hash == expect_head
            continue
        skipped = following is not None and following.prev_hash == last_hash and following.seq == last_seq + 1
        if row.seq <= last_seq or skipped:
            problem = ChainBreak("inserted", row.id, row.seq, f"event {row.id} (#{row.seq}) was inserted")
        elif links and in_place:
            problem = ChainBreak("changed", row.id, row.seq, f"event {row.id} (#{row.seq}) was changed")
        elif intact and row.seq > last_seq + 1:
            missing = f"#{last_seq + 1}" + (f"-#{row.seq - 1}" if row.seq - 1 > last_seq + 1 else "")
            where = f"after event {last_id}" if last_id is not None else "at the start"
            problem = ChainBreak(
                "deleted",
                row.id,
                last_seq + 1,
                f"event(s) {missing} deleted: gap {where}, before event {row.id}",
            )
        elif intact and in_place and last_id is None:
            problem = ChainBreak("inserted", row.id, row.seq, f"event {row.id} (#1) does not start the chain")
        elif intact and in_place:
            problem = ChainBreak(
                "unlinked",
                row.id,
                row.seq,
                f"event {row.id} (#{row.seq}) does not follow event {last_id}: "
                f"event {row.id} was inserted or event {last_id} was changed and its hash rewritten",
            )
        else:
            problem = ChainBreak("changed", row.id, row.seq, f"event {row.id} (#{row.seq}) was changed")
        _close(rows)
        return ChainReport(count, last_seq, last_hash, problem)
    if not seen_head:
        problem = ChainBreak(
            "head-missing",
            None,
            last_seq + 1,
            f"the published head {expect_head} is not in the chain: events at its end were deleted or changed",
        )
        return ChainReport(count, last_seq, last_hash, problem)
    return ChainReport(count, last_seq, last_hash, None)


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
    from portal import mail

    head = day_head(day)
    log.info(
        "audit head %s: #%s %s (%s events that day)",
        day.isoformat(),
        head.seq,
        head.hash,
        head.events_that_day,
    )
    recipient = current_app.config.get("AUDIT_HEAD_RECIPIENT") or ""
    if not recipient:
        return head, False
    refusal = recipient_refusal(recipient)
    if refusal:
        raise click.ClickException(refusal)
    queued = mail.queue(
        recipient,
        _("Kophash van het auditlogboek van %(day)s", day=day.isoformat()),
        "audit_head",
        dedupe_key=f"audit-head-{day.isoformat()}",
        day=day.isoformat(),
        seq=head.seq,
        head_hash=head.hash,
        events=head.events_that_day,
    )
    return head, queued is not None


@audit_cli.command("verify")
@click.option(
    "--expect-head", default=None, help="A head hash published earlier (mail): it must be in the chain."
)
def verify_command(expect_head: str | None) -> None:
    """Recompute the hash chain; name the first event changed, deleted or inserted (exit code 1)."""
    report = verify(chain_rows(), expect_head=expect_head)
    if report.intact:
        click.echo(f"Audit chain intact: {report.events} events, head #{report.head_seq} {report.head_hash}")
        return
    assert report.first_break is not None
    log.error("audit chain broken: %s", report.first_break.message)
    click.echo(f"Audit chain BROKEN: {report.first_break.message}", err=True)
    raise SystemExit(1)


@audit_cli.command("head")
@click.option(
    "--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: yesterday (Amsterdam)."
)
def head_command(day: datetime | None) -> None:
    """Write the day's head hash to the log and mail it to AUDIT_HEAD_RECIPIENT (once per day)."""
    from portal import mail

    chosen = day.date() if day else clock.to_local(clock.now()).date() - timedelta(days=1)
    report = verify(chain_rows())
    if not report.intact:
        assert report.first_break is not None
        log.error("audit chain broken, head not published: %s", report.first_break.message)
        click.echo(f"Audit chain BROKEN, head not published: {report.first_break.message}", err=True)
        raise SystemExit(1)
    head, queued = publish_head(chosen)
    db.session.commit()
    sent = mail.deliver_pending() if queued else 0
    click.echo(
        f"Audit head {chosen.isoformat()}: #{head.seq} {head.hash}"
        + (f" (mailed, {sent} message(s) sent)" if queued else "")
        + (
            ""
            if queued or current_app.config.get("AUDIT_HEAD_RECIPIENT")
            else " (AUDIT_HEAD_RECIPIENT not set)"
        )
    )
