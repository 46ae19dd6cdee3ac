"""State changes of raamovereenkomsten: generate, send, accept, sign, amend. Flush only, never commit.

A contract says what was admitted: the lines (result-level × municipality) of the provider's
admitted submission in the percelen with an approved ADMITTED decision, with the tariff valid at the
time of the decision (rules.tariff_on). That content is frozen per version; amendments make a new
version and leave the earlier ones (and their PDFs) untouched.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit, mail, uploads
from portal.agreements import document, numbering, queries, rules
from portal.agreements.rules import AgreementRefused
from portal.clock import to_local
from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    ContractTemplate,
    Municipality,
    Organisation,
    Role,
    Tender,
    User,
    UserRole,
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


# --- content --------------------------------------------------------------------------------------


def admitted_content(tender: Tender, organisation: Organisation, number: str) -> dict[str, Any]:
    """The frozen content of a new contract; refused when the organisation was not admitted."""
    found = queries.admissions(tender.id, organisation.id)
    lines = queries.admitted_lines(found[0]) if found else []
    if not lines:
        raise AgreementRefused(_l("Deze zorgaanbieder is voor dit inkooptraject niet toegelaten."))
    decided_on = to_local(found[0].decided_at).date()
    municipalities = sorted(
        {line.municipality.id: line.municipality for line in lines}.values(), key=lambda m: m.name
    )
    start = max(tender.contract_start or decided_on, decided_on)
    end = rules.contract_end(tender.contract_start or decided_on, tender.term_months)
    return {
        "number": number,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "procedure": str(tender.procedure.label),
            "law": str(tender.law.label),
        },
        "provider": _provider(organisation),
        "municipalities": [_municipality(m) for m in municipalities],
        "term": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "term_months": tender.term_months,
            "extension_count": tender.extension_count,
            "extension_months": tender.extension_months,
            "extensions_used": 0,
            "ended_on": None,
        },
        "decided_on": decided_on.isoformat(),
        "submission_id": found[0].submission_id,
        "lots": lots_content(lines, decided_on),
    }


def lots_content(lines: list[queries.AdmittedLine], decided_on: date) -> list[dict[str, Any]]:
    periods: dict[tuple[int, int], list[rules.TariffPeriod]] = defaultdict(list)
    for tariff in queries.tariffs_for({line.result_level.id for line in lines}):
        periods[(tariff.result_level_id, tariff.municipality_id)].append(
            rules.TariffPeriod(tariff.valid_from, tariff.valid_until, tariff.amount, tariff.unit)
        )
    lots: dict[int, dict[str, Any]] = {}
    for line in lines:
        lot = lots.setdefault(line.lot.id, {"name": line.lot.name, "lines": {}})
        key = (line.result.code, line.result_level.level)
        entry = lot["lines"].setdefault(
            key,
            {
                "result_code": line.result.code,
                "result_name": line.result.name,
                "domain": line.domain.name,
                "level": line.result_level.level,
                "unit": "per maand",
                "tariffs": {},
            },
        )
        period = rules.tariff_on(periods[(line.result_level.id, line.municipality.id)], decided_on)
        if period is None:
            raise AgreementRefused(
                _l(
                    "Voor %(code)s niveau %(level)s in %(name)s is geen tarief vastgesteld.",
                    code=line.result.code,
                    level=line.result_level.level,
                    name=line.municipality.name,
                )
            )
        entry["tariffs"][line.municipality.cbs_code] = str(period.amount.quantize(rules.CENT))
        entry["unit"] = period.unit
    return [{"name": lot["name"], "lines": list(lot["lines"].values())} for lot in lots.values()]


def _provider(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "kvk_number": organisation.kvk_number,
        "agb_code": organisation.agb_code,
        "street": organisation.street,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "signatory_name": organisation.signatory_name,
        "signatory_function": organisation.signatory_function,
    }


def _municipality(municipality: Municipality) -> dict[str, Any]:
    return {
        "cbs_code": municipality.cbs_code,
        "name": municipality.name,
        "signatory_name": municipality.signatory_name,
        "signatory_function": municipality.signatory_function,
    }


# --- generation -----------------------------------------------------------------------------------


def create_agreement(
    tender: Tender, organisation: Organisation, *, now: datetime, user: User | None = None
) -> Agreement:
    """Number, agreement and version 1 (content only). The PDF follows in attach_pdf, outside the lock."""
    if queries.agreement_for(tender.id, organisation.id) is not None:
        raise AgreementRefused(_l("Voor deze zorgaanbieder bestaat al een overeenkomst in dit traject."))
    template = seed_default_template()
    year = to_local(now).year
    sequence, number = numbering.next_number(year)
    content = admitted_content(tender, organisation, number)
    agreement = Agreement(
        number=number,
        year=year,
        sequence=sequence,
        tender_id=tender.id,
        organisation=organisation,
        status=AgreementStatus.DRAFT,
        created_at=now,
    )
    agreement.municipalities = _municipalities_of(content)
    agreement.versions.append(
        AgreementVersion(
            version=1,
            reason="Eerste versie",
            change_summary="",
            content=content,
            template_id=template.id,
            created_at=now,
            created_by_id=user.id if user else None,
        )
    )
    db.session.add(agreement)
    db.session.flush()
    audit.record("agreements.generated", agreement, actor=user, number=number)
    return agreement


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


def _municipalities_of(content: dict[str, Any]) -> list[Municipality]:
    codes = [m["cbs_code"] for m in content["municipalities"]]
    return list(db.session.scalars(sa.select(Municipality).where(Municipality.cbs_code.in_(codes))))


# --- sending, acceptance, signature ---------------------------------------------------------------


def send_agreement(agreement: Agreement, *, user: User | None, now: datetime) -> None:
    rules.check_can_send(agreement.status)
    if not agreement.versions[-1].pdf_sha256:
        raise AgreementRefused(_l("De PDF van deze overeenkomst is nog niet gemaakt."))
    agreement.status = AgreementStatus.SENT
    db.session.flush()
    _mail_provider(
        agreement,
        "agreements_sent",
        _l("Raamovereenkomst %(number)s ter acceptatie", number=agreement.number),
    )
    audit.record("agreements.sent", agreement, actor=user, number=agreement.number)


def _mail_provider(agreement: Agreement, template: str, subject: object) -> None:
    version = agreement.versions[-1]
    admins = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.organisation_id == agreement.organisation_id,
            User.is_active,
            UserRole.role == Role.PROVIDER_ADMIN,
        )
        .order_by(User.id)
    )
    for admin in admins:
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
    version = next((v for v in agreement.versions if v.version == version_number), None)
    if version is None:
        raise AgreementRefused(_l("Deze versie bestaat niet."))
    rules.check_can_accept(
        agreement.status,
        is_current=version is agreement.versions[-1],
        already_accepted=version.accepted_at is not None,
        has_pdf=bool(version.pdf_sha256),
    )
    version.accepted_at, version.accepted_by_id = now, user.id
    version.accepted_name, version.accepted_function, version.accepted_ip = name, function, ip
    if agreement.status is AgreementStatus.SENT:
        agreement.status = AgreementStatus.ACCEPTED
    db.session.flush()
    audit.record(
        "agreements.accepted",
        version,
        actor=user,
        number=agreement.number,
        version=version.version,
        pdf_sha256=version.pdf_sha256,
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


# --- amendments -----------------------------------------------------------------------------------


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
    template = queries.current_template() or seed_default_template()
    version = AgreementVersion(
        version=agreement.versions[-1].version + 1,
        reason=reason,
        change_summary=summary,
        content=content,
        template_id=template.id,
        created_at=now,
        created_by_id=user.id if user else None,
    )
    agreement.versions.append(version)
    agreement.municipalities = _municipalities_of(content)
    db.session.flush()
    if render:
        attach_pdf(version)
    if agreement.status is not AgreementStatus.DRAFT:
        _mail_provider(
            agreement,
            "agreements_amended",
            _l("Wijziging van raamovereenkomst %(number)s", number=agreement.number),
        )
    audit.record("agreements.amended", version, actor=user, number=agreement.number, version=version.version)
    return version


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
    if percentage <= Decimal(-100) or percentage.as_tuple().exponent < -2:
        raise AgreementRefused(
            _l("Geef een percentage groter dan -100 met ten hoogste twee decimalen."), "percentage"
        )
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


def extend_term(agreement: Agreement, *, reason: str, user: User | None, now: datetime) -> AgreementVersion:
    content = rules.extended_content(agreement.versions[-1].content)
    summary = f"Looptijd verlengd tot en met {document.long_date(content['term']['end'])}"
    return amend(agreement, content, reason=reason or summary, summary=summary, user=user, now=now)


def add_admitted_results(
    agreement: Agreement, *, reason: str, user: User | None, now: datetime
) -> AgreementVersion:
    """After a toetreding: the newly admitted results (and municipalities) are added as a new version."""
    tender = db.session.get(Tender, agreement.tender_id)
    fresh = admitted_content(tender, agreement.organisation, agreement.number)
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
