"""`flask --app portal agreements-generate <tender_reference>`: generate every contract of a tender."""

from __future__ import annotations

import click

from portal.agreements import bp, jobs, queries
from portal.extensions import db


@bp.cli.command("agreements-generate")
@click.argument("reference")
@click.option(
    "--workers", default=jobs.WORKERS, show_default=True, help="processes rendering PDFs (0: this one)"
)
def generate_command(reference: str, workers: int) -> None:
    """Generate the raamovereenkomsten of every admitted provider; resumes, never duplicates."""
    tender = queries.tender_by_reference(reference)
    if tender is None:
        raise click.ClickException(f"no tender with reference {reference!r}")
    job = jobs.create_job(tender, user=None)
    db.session.commit()
    job = jobs.run_job(job.id, workers=workers)
    report = jobs.progress(job)
    click.echo(f"{report['done']}/{report['total']} agreements done, {len(report['failed'])} failed")
    for failure in report["failed"]:
        click.echo(f"  {failure['organisation']}: {failure['error']}")
    if report["failed"]:
        raise SystemExit(1)
