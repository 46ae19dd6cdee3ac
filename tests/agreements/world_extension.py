"""The objects the agreement routes need in the authorization matrix: a sent contract and a job.

The contract's PDF is a small stand-in file (rendering one per matrix case would make the matrix slow);
the PDF itself has its own tests in test_document.py.
"""

from __future__ import annotations

import hashlib

from portal import uploads
from portal.agreements import admitted
from portal.extensions import db
from portal.models import Agreement, AgreementStatus, AgreementVersion, GenerationJob, JobStatus
from tests import factories

STAND_IN_PDF = b"%PDF-1.7\n% stand-in for the access matrix\n%%EOF\n"


def extend(world) -> None:
    factories.admitted_provider(world.tender, world.own_org)
    number = "NMD-2099-0001"
    content = admitted.admitted_content(world.tender, world.own_org, number)
    sha = hashlib.sha256(STAND_IN_PDF).hexdigest()
    uploads.path_of(sha).write_bytes(STAND_IN_PDF)
    agreement = Agreement(
        number=number,
        year=2099,
        sequence=1,
        tender_id=world.tender.id,
        organisation_id=world.own_org.id,
        status=AgreementStatus.SENT,
    )
    agreement.versions.append(
        AgreementVersion(
            version=1, reason="Eerste versie", content=content, pdf_stored_name=sha, pdf_sha256=sha
        )
    )
    job = GenerationJob(tender_id=world.tender.id, status=JobStatus.FAILED)
    db.session.add_all([agreement, job])
    db.session.commit()
    world.extra["own_agreement"] = agreement
    world.extra["generation_job"] = job
