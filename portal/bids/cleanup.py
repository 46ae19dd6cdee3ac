"""Removing evidence files that no answer uses any more: `flask uploads-cleanup`, run by cron.

A file attached to no requirement answer is marked the first time the run finds it, and removed (row
and file on disk) once it has been unattached for UNATTACHED_EVIDENCE_KEPT (a day). A file that a
submission names (by id or SHA-256, withdrawn submissions included) is never removed: the receipt
refers to it. Each file is handled on its own: one that cannot be removed is reported and the run goes
on. Running twice, or late, removes nothing more than running once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from portal import uploads
from portal.bids.content import SubmittedContent
from portal.bids.service import affected_rows
from portal.extensions import db
from portal.models import Bid, BidSubmission, EvidenceFile
from portal.models.bid import answer_evidence

log = logging.getLogger(__name__)


@dataclass
class CleanupReport:
    marked: int = 0
    removed: list[Path] = field(default_factory=list)  # rows deleted; their files go after the commit
    failed: list[str] = field(default_factory=list)


def _attached() -> sa.Select:
    return sa.select(answer_evidence.c.evidence_id)


def forget_unattached(*, now: datetime, kept: timedelta) -> CleanupReport:
    """Mark newly unattached files, unmark attached ones, delete the rows of files unattached since `kept`.

    Only flushes: the caller commits, then calls remove_files(report) so no row outlives its file's
    removal by accident and no file is removed while its row might still be rolled back.
    """
    report = CleanupReport(marked=_mark_unattached(now))
    due = _due(now - kept)
    submitted = _submitted_evidence({e.organisation_id for e in due})
    for evidence in due:
        if evidence.id not in submitted and evidence.sha256 not in submitted:
            _forget(evidence, report)
    return report


def _mark_unattached(now: datetime) -> int:
    """Unmark the files attached again, mark the newly unattached ones; how many were marked."""
    db.session.execute(
        sa.update(EvidenceFile)
        .where(EvidenceFile.id.in_(_attached()), EvidenceFile.unattached_since.is_not(None))
        .values(unattached_since=None)
    )
    return affected_rows(
        sa.update(EvidenceFile)
        .where(EvidenceFile.id.not_in(_attached()), EvidenceFile.unattached_since.is_(None))
        .values(unattached_since=now)
    )


def _due(unattached_before: datetime) -> list[EvidenceFile]:
    due = EvidenceFile.id.not_in(_attached()), EvidenceFile.unattached_since <= unattached_before
    return list(db.session.scalars(sa.select(EvidenceFile).where(*due).order_by(EvidenceFile.id)))


def _submitted_evidence(organisation_ids: set[int]) -> set[int | str]:
    """Ids and SHA-256s of every evidence file named in a submission of these organisations."""
    if not organisation_ids:
        return set()
    contents = db.session.scalars(
        sa.select(BidSubmission.content)
        .join(Bid, BidSubmission.bid_id == Bid.id)
        .where(Bid.organisation_id.in_(organisation_ids))
    )
    named: set[int | str] = set()
    for content in contents:
        for requirement in SubmittedContent.from_json(content).requirements:
            for item in requirement.evidence:
                named.update((item.id, item.sha256))
    return named


def _forget(evidence: EvidenceFile, report: CleanupReport) -> None:
    """Delete one row in a savepoint of its own; a failure is reported and leaves the row as it was."""
    try:
        path = uploads.path_of(evidence.stored_name)
        if path.exists() and not path.is_file():
            raise OSError(f"not a regular file: {path.name}")
        deleted = _delete_if_unattached(evidence)
    except (sa.exc.SQLAlchemyError, OSError, ValueError) as error:
        log.warning("uploads-cleanup: evidence file %s not removed: %r", evidence.id, error)
        report.failed.append(f"evidence {evidence.id}: {error!r}")
        return
    db.session.expunge(evidence)
    if deleted:
        report.removed.append(path)


def _delete_if_unattached(evidence: EvidenceFile) -> int:
    with db.session.begin_nested():
        return affected_rows(
            sa.delete(EvidenceFile)
            .where(EvidenceFile.id == evidence.id, EvidenceFile.id.not_in(_attached()))
            .execution_options(synchronize_session=False)
        )


def remove_files(report: CleanupReport) -> None:
    """After the commit: remove the files of the deleted rows (a file already gone is fine)."""
    for path in report.removed:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("uploads-cleanup: file %s not removed: %r", path.name, error)
            report.failed.append(f"file {path.name}: {error!r}")
