"""Command-line commands: `flask --app portal seed-demo`, `send-mail`, `bench-data`, `backup`, `restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from portal.extensions import db


def register(app: Flask) -> None:
    from portal.audit_cli import audit_cli
    from portal.bids.cli import uploads_cleanup

    for command in (
        uploads_cleanup,
        audit_cli,
        seed_demo,
        send_mail,
        bench_data,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo data (idempotent) and print the demo log-ins."""
    from portal import demo

    logins = demo.seed()
    db.session.commit()
    click.echo(f"Demo data loaded. Demo log-ins (password for all: {demo.DEMO_PASSWORD}):")
    for login in logins:
        roles = ", ".join(str(r.label) for r in login.roles)
        click.echo(f"  {login.email:40} {roles}")


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Deliver the queued e-mails that are due (a failed one is retried with back-off), report failures."""
    from portal import mail
    from portal.bids import receipt

    made = receipt.make_missing()  # receipts whose background task was lost: their mails wait for them
    db.session.commit()
    click.echo(f"{made} receipt(s) made, {mail.deliver_pending()} message(s) sent")
    failed, retrying = mail.undelivered_counts()
    if failed or retrying:
        click.echo(
            f"{failed} message(s) failed, {retrying} waiting to be retried (see /beheer/e-mail)", err=True
        )


@click.command("bench-data")
@click.option("--scale", type=float, default=1.0, help="1.0: 350 providers; 0.1: a ten times smaller region")
@click.option(
    "--contracts/--no-contracts",
    default=True,
    help="Number every admitted provider's contract (content only; agreements-generate renders the PDFs).",
)
@with_appcontext
def bench_data(scale: float, contracts: bool) -> None:
    """Build the benchmark region (350 providers, ~120,000 bid lines) in an empty database."""
    from portal import benchdata

    click.echo(f"Building the benchmark data set (scale {scale}) ...")
    timings = benchdata.build(benchdata.Size().scaled(scale), contracts=contracts)
    click.echo(f"Done in {sum(timings.values()):.1f} s.")


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The archive to write (new file); default portal-backup-<UTC time>.tar here.",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Write one archive (0600) of every table and every uploaded file, read as one moment."""
    from portal import backup, clock

    now = clock.now()
    try:
        summary = backup.create(output or Path(backup.default_name(now)), now=now)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backup written to {summary.path.resolve()} ({summary.size} bytes): "
        f"{sum(summary.rows.values())} rows in {len(summary.rows)} tables, {summary.files} files."
    )
    _warn_not_backed_up(summary.skipped, summary.missing)


def _warn_not_backed_up(skipped: list[str], missing: list[str]) -> None:
    if skipped:
        click.echo(f"Not backed up (not an upload): {', '.join(skipped[:10])}", err=True)
    if missing:
        named = ", ".join(missing[:10])
        click.echo(f"{len(missing)} file(s) named by rows were not in the upload folder: {named}", err=True)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restore ARCHIVE into an empty, migrated database and an empty UPLOAD_DIR (nothing is overwritten)."""
    from portal import backup, restore

    try:
        restored = restore.restore(archive)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {sum(restored.rows.values())} rows in {len(restored.rows)} tables "
        f"and {restored.files} files from {archive}."
    )
    for table, count in restored.rows.items():
        if count:
            click.echo(f"  {table:32} {count}")
