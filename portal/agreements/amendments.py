"""Amendments of raamovereenkomsten: every change is a new version; earlier versions and PDFs stay untouched.

Indexation of tariffs, extension of the term, admitted results added later, and the end of a contract.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.agreements import admitted, document, queries, rules, service
from portal.agreements.rules import AgreementRefused
from portal.extensions import db
from portal.models import Agreement, AgreementStatus, AgreementVersion, Tender, User


def amend(
    agreement: Agreement,
    content: dict[str, Any],
    *,
    reason: str,
    summary: str,
    user: User | None,
    now: datetime,
    render: bool = True,
) -> AgreementVersion:
    """A new version with what changed and why; earlier versions stay as they are.

    `render=False` leaves the PDF to the bulk job (jobs.create_job picks up versions without one).
    """
    rules.check_can_amend(agreement.status)
    number = agreement.versions[-1].version + 1
    version = service.new_version(content, number=number, reason=reason, summary=summary, user=user, now=now)
    agreement.versions.append(version)
    agreement.municipalities = admitted.municipalities_of(content)
    db.session.flush()
    if render:
        service.attach_pdf(version)
    _tell_provider(agreement)
    audit.record("agreements.amended", version, actor=user, number=agreement.number, version=version.version)
    return version


def _tell_provider(agreement: Agreement) -> None:
    """The provider hears of a change to a contract it has seen (not of one still a draft)."""
    if agreement.status is not AgreementStatus.DRAFT:
        subject = _l("Wijziging van raamovereenkomst %(number)s", number=agreement.number)
        service.mail_provider(agreement, "agreements_amended", subject)


def index_tariffs(
    tender: Tender,
    percentage: Decimal,
    valid_from: date,
    *,
    user: User | None,
    now: datetime,
    render: bool = True,
) -> list[AgreementVersion]:
    """Yearly indexation: every tariff of every running contract of the tender, in one bulk action.

    With `render=False` the new versions get their PDFs from a generation job (the route starts one),
    so indexing 350 contracts does not render 350 PDFs inside one request.
    """
    _check_percentage(percentage)
    reason = f"Indexatie van de tarieven met {document.percentage(percentage)} per {document.long_date(valid_from)}"
    versions = []
    for agreement in queries.tender_agreements(tender.id):
        content = rules.indexed_content(agreement.versions[-1].content, percentage, valid_from)
        versions.append(
            amend(agreement, content, reason=reason, summary=reason, user=user, now=now, render=render)
        )
    audit.record(
        "agreements.indexed",
        tender,
        actor=user,
        percentage=percentage,
        valid_from=valid_from,
        agreements=len(versions),
    )
    return versions


def _check_percentage(percentage: Decimal) -> None:
    """Greater than -100 (a tariff stays positive), in hundredths at the finest."""
    exponent = percentage.as_tuple().exponent
    if not isinstance(exponent, int) or percentage <= Decimal(-100) or exponent < -2:
        raise AgreementRefused(
            _l("Geef een percentage groter dan -100 met ten hoogste twee decimalen."), "percentage"
        )


def extend_term(agreement: Agreement, *, reason: str, user: User | None, now: datetime) -> AgreementVersion:
    content = rules.extended_content(agreement.versions[-1].content)
    summary = f"Looptijd verlengd tot en met {document.long_date(content['term']['end'])}"
    return amend(agreement, content, reason=reason or summary, summary=summary, user=user, now=now)


def add_admitted_results(
    agreement: Agreement, *, reason: str, user: User | None, now: datetime
) -> AgreementVersion:
    """After a toetreding: the newly admitted results (and municipalities) are added as a new version."""
    tender = db.session.get_one(Tender, agreement.tender_id)
    fresh = admitted.admitted_content(tender, agreement.organisation, agreement.number)
    content, added = rules.merged_lines(agreement.versions[-1].content, fresh["lots"])
    if not added:
        raise AgreementRefused(_l("Er zijn geen nieuw toegelaten resultaten om toe te voegen."))
    known = {m["cbs_code"] for m in content["municipalities"]}
    content["municipalities"] = sorted(
        content["municipalities"] + [m for m in fresh["municipalities"] if m["cbs_code"] not in known],
        key=lambda m: m["name"],
    )
    summary = "Toegevoegd: " + ", ".join(added)
    return amend(agreement, content, reason=reason or summary, summary=summary, user=user, now=now)


def end_agreement(
    agreement: Agreement, end_date: date, *, reason: str, user: User | None, now: datetime
) -> AgreementVersion:
    content = rules.ended_content(agreement.versions[-1].content, end_date)
    summary = f"Beëindigd per {document.long_date(end_date)}"
    version = amend(agreement, content, reason=reason or summary, summary=summary, user=user, now=now)
    agreement.status = AgreementStatus.ENDED
    db.session.flush()
    return version
