"""All models, importable from one place: `from portal.models import Bid, Tender`."""

from portal.models.agreement import (
    Agreement,
    AgreementVersion,
    ContractNumberSequence,
    ContractTemplate,
    GenerationJob,
    GenerationJobItem,
)
from portal.models.api import ApiToken
from portal.models.assessment import (
    AssessorAppointment,
    Clarification,
    ConflictDeclaration,
    Decision,
    Opening,
    RequirementCheck,
    Score,
)
from portal.models.audit import AuditEvent
from portal.models.base import Base
from portal.models.bid import Bid, BidLine, BidSubmission, CriterionAnswer, EvidenceFile, RequirementAnswer
from portal.models.document import IssuedDocument
from portal.models.enums import *  # noqa: F403 - the enums are part of the model vocabulary
from portal.models.mail import OutgoingMail
from portal.models.organisation import AccessRequest, Municipality, Organisation, User, UserRole
from portal.models.standards import StandardCode
from portal.models.tender import (
    AdmissionWindow,
    AwardCriterion,
    Domain,
    Level,
    Lot,
    Nota,
    Question,
    Rectification,
    Requirement,
    RequirementTemplate,
    Result,
    ResultLevel,
    Tariff,
    Tender,
    TenderDocument,
    TenderFollow,
)

__all__ = [
    "AccessRequest",
    "AdmissionWindow",
    "Agreement",
    "AgreementVersion",
    "ApiToken",
    "AssessorAppointment",
    "AuditEvent",
    "AwardCriterion",
    "Base",
    "Bid",
    "BidLine",
    "BidSubmission",
    "Clarification",
    "ConflictDeclaration",
    "ContractNumberSequence",
    "ContractTemplate",
    "CriterionAnswer",
    "Decision",
    "Domain",
    "EvidenceFile",
    "GenerationJob",
    "GenerationJobItem",
    "IssuedDocument",
    "Level",
    "Lot",
    "Municipality",
    "Nota",
    "Opening",
    "Organisation",
    "OutgoingMail",
    "Question",
    "Rectification",
    "Requirement",
    "RequirementAnswer",
    "RequirementCheck",
    "RequirementTemplate",
    "Result",
    "ResultLevel",
    "Score",
    "StandardCode",
    "Tariff",
    "Tender",
    "TenderDocument",
    "TenderFollow",
    "User",
    "UserRole",
]
