"""State changes of raamovereenkomsten: template, generate, send, accept, sign. Flush only, never commit.

What a contract says is in admitted.py; amendments (new versions) are in amendments.py.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import audit, mail, uploads
from portal.accounts import queries as accounts
from portal.agreements import admitted, document, numbering, queries, rules
from portal.agreements.rules import AgreementRefused
from portal.clock import to_local
from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    ContractTemplate,
    Organisation,
    Tender,
    User,
)

DEFAULT_TERMS = Path(__file__).with_name("default_terms.txt")


# --- the contract template ------------------------------------------------------------------------


def seed_default_template() -> ContractTemplate:
    """Version 1 of the general terms and prestatieafspraken (seed 000, kader 9), when none exists."""
    template = queries.current_template()
    if template is None:
        template = ContractTemplate(
            name=queries.TEMPLATE_NAME, version=1, body=DEFAULT_TERMS.read_text(encoding="utf-8")
        )
        db.session.add(template)
        db.session.flush()
    return template


def save_template(body: str, *, user: User | None) -> ContractTemplate:
    """A changed template is a new version; contracts keep the version they were made with."""
    unknown = document.unknown_placeholders(body)
    if unknown:
        raise AgreementRefused(
            _l("Onbekende invulvelden: %(names)s.", names=", ".join(unknown)), field="body"
        )
    current = queries.current_template()
    template = ContractTemplate(
        name=queries.TEMPLATE_NAME,
        version=(current.version + 1) if current else 1,
        body=body.replace("\r\n", "\n"),
        created_by_id=user.id if user else None,
    )
    db.session.add(template)
    db.session.flush()
    audit.record("agreements.template_saved", template, actor=user, version=template.version)
    return template


# --- generation -----------------------------------------------------------------------------------


def create_agreement(
    tender: Tender, organisation: Organisation, *, now: datetime, user: User | None = None
) -> Agreement:
    """Number, agreement and version 1 (content only). The PDF follows in attach_pdf, outside the lock."""
    if queries.agreement_for(tender.id, organisation.id) is not None:
        raise AgreementRefused(_l("Voor deze zorgaanbieder bestaat al een overeenkomst in dit traject."))
    year = to_local(now).year
    sequence, number = numbering.next_number(year)
    content = admitted.admitted_content(tender, organisation, number)
    agreement = Agreement(
        number=number, year=year, sequence=sequence, tender_id=tender.id, organisation=organisation
    )
    agreement.status, agreement.created_at = AgreementStatus.DRAFT, now
    agreement.municipalities = admitted.municipalities_of(content)
    first = new_version(content, number=1, reason="Eerste versie", summary="", user=user, now=now)
    agreement.versions.append(first)
    db.session.add(agreement)
    db.session.flush()
    audit.record("agreements.generated", agreement, actor=user, number=number)
    return agreement


def new_version(
    content: dict[str, Any], *, number: int, reason: str, summary: str, user: User | None, now: datetime
) -> AgreementVersion:
    """A contract version of `content` on the current template (its PDF follows in attach_pdf)."""
    template = seed_default_template()
    return AgreementVersion(
        version=number,
        reason=reason,
        change_summary=summary,
        content=content,
        template_id=template.id,
        created_at=now,
        created_by_id=user.id if user else None,
    )


def attach_pdf(version: AgreementVersion, data: bytes | None = None) -> AgreementVersion:
    """Render the version's PDF/A (unless rendered already), store it under UPLOAD_DIR by its SHA-256."""
    data = data if data is not None else document.render_version(version)
    version.pdf_sha256 = hashlib.sha256(data).hexdigest()
    version.pdf_stored_name = version.pdf_sha256
    path = uploads.path_of(version.pdf_stored_name)
    if not path.exists():
        path.write_bytes(data)
    db.session.flush()
    return version


def generate_agreement(
    tender: Tender, organisation: Organisation, *, now: datetime, user: User | None = None
) -> Agreement:
    agreement = create_agreement(tender, organisation, now=now, user=user)
    attach_pdf(agreement.versions[-1])
    return agreement


def pdf_path(version: AgreementVersion) -> Path:
    if not version.pdf_stored_name:
        raise AgreementRefused(_l("De PDF van deze versie wordt nog gemaakt."))
    return uploads.path_of(version.pdf_stored_name)


# --- sending, acceptance, signature ---------------------------------------------------------------


def send_agreement(agreement: Agreement, *, user: User | None, now: datetime) -> None:
    rules.check_can_send(agreement.status)
    if not agreement.versions[-1].pdf_sha256:
        raise AgreementRefused(_l("De PDF van deze overeenkomst is nog niet gemaakt."))
    agreement.status = AgreementStatus.SENT
    db.session.flush()
    mail_provider(
        agreement,
        "agreements_sent",
        _l("Raamovereenkomst %(number)s ter acceptatie", number=agreement.number),
    )
    audit.record("agreements.sent", agreement, actor=user, number=agreement.number)


def mail_provider(agreement: Agreement, template: str, subject: object) -> None:
    """Queue the mail to each active admin of the provider, once per contract version."""
    version = agreement.versions[-1]
    for admin in accounts.provider_admins(agreement.organisation_id):
        mail.queue(
            admin.email,
            str(subject),
            template,
            dedupe_key=f"{template}:{agreement.id}:{version.version}:{admin.id}",
            name=admin.name,
            number=agreement.number,
            version=version.version,
            reason=version.reason,
        )


def accept_version(
    agreement: Agreement,
    version_number: int,
    *,
    user: User,
    name: str,
    function: str,
    ip: str | None,
    now: datetime,
) -> AgreementVersion:
    """The provider's signatory accepts one version; a version that is no longer current is refused."""
    version = _acceptable(agreement, version_number)
    version.accepted_at, version.accepted_by_id = now, user.id
    version.accepted_name, version.accepted_function, version.accepted_ip = name, function, ip
    if agreement.status is AgreementStatus.SENT:
        agreement.status = AgreementStatus.ACCEPTED
    db.session.flush()
    _audit_acceptance(agreement, version, user)
    return version


def _audit_acceptance(agreement: Agreement, version: AgreementVersion, user: User) -> None:
    audit.record(
        "agreements.accepted",
        version,
        actor=user,
        number=agreement.number,
        version=version.version,
        pdf_sha256=version.pdf_sha256,
    )


def _acceptable(agreement: Agreement, version_number: int) -> AgreementVersion:
    version = next((v for v in agreement.versions if v.version == version_number), None)
    if version is None:
        raise AgreementRefused(_l("Deze versie bestaat niet."))
    rules.check_can_accept(
        agreement.status,
        is_current=version is agreement.versions[-1],
        already_accepted=version.accepted_at is not None,
        has_pdf=bool(version.pdf_sha256),
    )
    return version


def record_signature(agreement: Agreement, *, user: User | None, now: datetime) -> AgreementVersion:
    """The contract manager records that the municipalities signed the current (accepted) version."""
    version = agreement.versions[-1]
    rules.check_can_sign(accepted=version.accepted_at is not None, signed=version.signed_at is not None)
    version.signed_at, version.signed_recorded_by_id = now, user.id if user else None
    if agreement.status in (AgreementStatus.ACCEPTED, AgreementStatus.SIGNED):
        start = date.fromisoformat(version.content["term"]["start"])
        agreement.status = rules.status_after_signature(start, to_local(now).date())
    db.session.flush()
    audit.record("agreements.signed", version, actor=user, number=agreement.number, version=version.version)
    return version


def move_by_date(agreement: Agreement, status: AgreementStatus) -> None:
    """The contract-term job (portal/monitoring/term.py) activates or ends a contract by its dates."""
    previous = agreement.status
    agreement.status = status
    db.session.flush()
    audit.record(
        "agreements.status_by_date",
        agreement,
        number=agreement.number,
        previous=previous.value,
        status=status.value,
    )
