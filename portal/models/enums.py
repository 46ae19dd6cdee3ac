"""Every enumeration of the domain, with its Dutch label in one place."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.Enum):
    """An enum whose members carry a translatable label: Member.label."""

    @property
    def label(self) -> str:
        return str(_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Role(LabelledEnum):
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_MEMBER = "provider_member"
    BUYER = "buyer"
    ASSESSOR = "assessor"
    CONTRACT_MANAGER = "contract_manager"
    ADMIN = "admin"
    VIEWER = "viewer"


STAFF_ROLES = frozenset({Role.BUYER, Role.ASSESSOR, Role.CONTRACT_MANAGER, Role.ADMIN, Role.VIEWER})
PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER})


class Procedure(LabelledEnum):
    OPEN_HOUSE = "open_house"
    COMPETITIVE = "tender"  # aanbesteding; the stored value stays "tender"
    SUBSIDY = "subsidy"


class Law(LabelledEnum):
    JEUGDWET = "jeugdwet"
    WMO = "wmo"
    BOTH = "both"


class TenderStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


class RequirementKind(LabelledEnum):
    QUALITY = "quality"  # kwaliteitseis
    SUITABILITY = "suitability"  # geschiktheidseis


class AnswerType(LabelledEnum):
    DECLARATION = "declaration"
    TEXT = "text"
    FILE = "file"
    DATE = "date"


class BidStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class SubmissionStatus(LabelledEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class ScanStatus(LabelledEnum):
    CLEAN = "clean"
    INFECTED = "infected"


class RequirementOutcome(LabelledEnum):
    MET = "met"
    NOT_MET = "not_met"
    CLARIFICATION = "clarification"


class ScoreKind(LabelledEnum):
    INDIVIDUAL = "individual"
    CONSENSUS = "consensus"


class DecisionOutcome(LabelledEnum):
    ADMITTED = "admitted"
    REJECTED = "rejected"


class AgreementStatus(LabelledEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    SIGNED = "signed"
    ACTIVE = "active"
    ENDED = "ended"


class JobStatus(LabelledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AuditOutcome(LabelledEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


_LABELS: dict[enum.Enum, object] = {
    Role.PROVIDER_ADMIN: _l("Beheerder zorgaanbieder"),
    Role.PROVIDER_MEMBER: _l("Medewerker zorgaanbieder"),
    Role.BUYER: _l("Inkoper"),
    Role.ASSESSOR: _l("Beoordelaar"),
    Role.CONTRACT_MANAGER: _l("Contractmanager"),
    Role.ADMIN: _l("Functioneel beheerder"),
    Role.VIEWER: _l("Raadpleger (raad en college)"),
    Procedure.OPEN_HOUSE: _l("Open house"),
    Procedure.COMPETITIVE: _l("Aanbesteding"),
    Procedure.SUBSIDY: _l("Subsidie"),
    Law.JEUGDWET: _l("Jeugdwet"),
    Law.WMO: _l("Wmo"),
    Law.BOTH: _l("Jeugdwet en Wmo"),
    TenderStatus.DRAFT: _l("Concept"),
    TenderStatus.PUBLISHED: _l("Gepubliceerd"),
    TenderStatus.CLOSED: _l("Gesloten"),
    TenderStatus.ARCHIVED: _l("Gearchiveerd"),
    RequirementKind.QUALITY: _l("Kwaliteitseis"),
    RequirementKind.SUITABILITY: _l("Geschiktheidseis"),
    AnswerType.DECLARATION: _l("Verklaring (ja/nee)"),
    AnswerType.TEXT: _l("Toelichting"),
    AnswerType.FILE: _l("Bewijsstuk"),
    AnswerType.DATE: _l("Datum"),
    BidStatus.DRAFT: _l("Concept"),
    BidStatus.SUBMITTED: _l("Ingediend"),
    BidStatus.WITHDRAWN: _l("Ingetrokken"),
    SubmissionStatus.SUBMITTED: _l("Ingediend"),
    SubmissionStatus.WITHDRAWN: _l("Ingetrokken"),
    ScanStatus.CLEAN: _l("Gecontroleerd"),
    ScanStatus.INFECTED: _l("Geweigerd (virus)"),
    RequirementOutcome.MET: _l("Voldaan"),
    RequirementOutcome.NOT_MET: _l("Niet voldaan"),
    RequirementOutcome.CLARIFICATION: _l("Verduidelijking nodig"),
    ScoreKind.INDIVIDUAL: _l("Individueel"),
    ScoreKind.CONSENSUS: _l("Consensus"),
    DecisionOutcome.ADMITTED: _l("Toegelaten"),
    DecisionOutcome.REJECTED: _l("Afgewezen"),
    AgreementStatus.DRAFT: _l("Concept"),
    AgreementStatus.SENT: _l("Verzonden"),
    AgreementStatus.ACCEPTED: _l("Geaccepteerd"),
    AgreementStatus.SIGNED: _l("Ondertekend"),
    AgreementStatus.ACTIVE: _l("Actief"),
    AgreementStatus.ENDED: _l("Beëindigd"),
    JobStatus.QUEUED: _l("In de wachtrij"),
    JobStatus.RUNNING: _l("Bezig"),
    JobStatus.DONE: _l("Klaar"),
    JobStatus.FAILED: _l("Mislukt"),
    AuditOutcome.ALLOWED: _l("Toegestaan"),
    AuditOutcome.REFUSED: _l("Geweigerd"),
}
