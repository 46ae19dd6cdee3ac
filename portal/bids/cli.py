"""`flask --app portal uploads-cleanup`: remove evidence files no answer uses any more (cron, daily or hourly)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import clock
from portal.bids import cleanup
from portal.extensions import db


@click.command("uploads-cleanup")
@with_appcontext
def uploads_cleanup() -> None:
    """Remove evidence files unattached for a day (never one a submission names); safe to run twice."""
    report = cleanup.forget_unattached(now=clock.now(), kept=current_app.config["UNATTACHED_EVIDENCE_KEPT"])
    db.session.commit()
    cleanup.remove_files(report)
    click.echo(
        f"{report.marked} file(s) newly unattached, {len(report.removed)} removed, {len(report.failed)} failed"
    )
    for failure in report.failed:
        click.echo(f"  {failure}")
    if report.failed:
        raise SystemExit(1)
