"""`flask contract-term`: the daily job of the contract term, for cron or to start RQ's schedule."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app

from portal import clock
from portal.extensions import db
from portal.monitoring import bp, term


@bp.cli.command("contract-term")
@click.option(
    "--now", "at", default=None, help="ISO time to run as (Europe/Amsterdam when no zone); default: now"
)
@click.option("--schedule", is_flag=True, help="also put the next daily run on RQ's schedule (REDIS_URL)")
def contract_term_command(at: str | None, schedule: bool) -> None:
    """Start and end contracts by their dates and send due reminders; safe to run twice or late."""
    if schedule and not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "--schedule needs REDIS_URL (without Redis, let cron run this command daily)"
        )
    now = clock.from_local(datetime.fromisoformat(at)) if at else clock.now()
    report = term.run(now)
    db.session.commit()
    click.echo(report.summary())
    for number in report.activated:
        click.echo(f"  active: {number}")
    for number in report.ended:
        click.echo(f"  ended:  {number}")
    if schedule:
        click.echo(f"next run scheduled as RQ job {term.schedule(now)}")
