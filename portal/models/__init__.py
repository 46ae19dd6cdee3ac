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
from portal.models.broker import BrokerIdentity
from portal.models.document import IssuedDocument
from portal.models.enums import *  # noqa: F403 - the enums are part of the model vocabulary
from portal.models.mail import OutgoingMail
from portal.models.monitoring import (
    ActionDocument,
    ActionEvent,
    ActionKind,
    ActionStatus,
    ClientStopLine,
    DocumentKind,
    DossierDocument,
    IndicatorReport,
    MonitoringAction,
    SentReminder,
)
from portal.models.organisation import AccessRequest, Municipality, Organisation, User, UserRole
from portal.models.second_factor import RecoveryCode, SecondFactor
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
    "ActionDocument",
    "ActionEvent",
    "ActionKind",
    "ActionStatus",
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
    "BrokerIdentity",
    "Clarification",
    "ClientStopLine",
    "ConflictDeclaration",
    "ContractNumberSequence",
    "ContractTemplate",
    "CriterionAnswer",
    "Decision",
    "DocumentKind",
    "Domain",
    "DossierDocument",
    "EvidenceFile",
    "GenerationJob",
    "GenerationJobItem",
    "IndicatorReport",
    "IssuedDocument",
    "Level",
    "Lot",
    "MonitoringAction",
    "Municipality",
    "Nota",
    "Opening",
    "Organisation",
    "OutgoingMail",
    "Question",
    "RecoveryCode",
    "Rectification",
    "Requirement",
    "RequirementAnswer",
    "RequirementCheck",
    "RequirementTemplate",
    "Result",
    "ResultLevel",
    "Score",
    "SecondFactor",
    "SentReminder",
    "StandardCode",
    "Tariff",
    "Tender",
    "TenderDocument",
    "TenderFollow",
    "User",
    "UserRole",
]
