"""factory-boy factories for the models, writing through the test's session."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from portal import sessions
from portal.accounts.passwords import hash_password
from portal.extensions import db
from portal.models import (
    AdmissionWindow,
    AnswerType,
    AwardCriterion,
    Bid,
    Domain,
    Law,
    Lot,
    Municipality,
    Organisation,
    Procedure,
    Requirement,
    RequirementKind,
    Result,
    ResultLevel,
    Role,
    Tariff,
    Tender,
    TenderStatus,
    User,
    UserRole,
)

PASSWORD = "Een-goed-wachtwoord-123"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing once keeps the suite fast


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - evaluated per use: the test's session
        # commit (to the test's savepoint): set-up data survives a failed request's rollback
        sqlalchemy_session_persistence = "commit"


class MunicipalityFactory(Base):
    class Meta:
        model = Municipality

    cbs_code = factory.Sequence(lambda n: f"GM9{n % 1000:03d}")  # tests roll back: codes may repeat
    name = factory.Sequence(lambda n: f"Gemeente {n}")


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Zorgaanbieder {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{70000000 + n}")
    street = "Markt 1"
    postcode = "9401 AA"
    city = "Assen"
    signatory_name = "Sam Tekenbevoegd"
    signatory_function = "Directeur"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.org")
    name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password_hash = _PASSWORD_HASH
    session_token = factory.LazyFunction(sessions.new_session_token)
    email_confirmed_at = factory.LazyFunction(lambda: datetime.now(UTC))

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        for role in extracted or []:
            self.role_rows.append(UserRole(role=role))
        if create:
            db.session.commit()


def user_with_role(role: Role, organisation: Organisation | None = None) -> User:
    """A user with one role; provider roles get (or join) an organisation."""
    if role in (Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER) and organisation is None:
        organisation = OrganisationFactory()
    return UserFactory(roles=[role], organisation=organisation)


class DomainFactory(Base):
    class Meta:
        model = Domain
        sqlalchemy_get_or_create = ("name",)

    name = "Veilig"
    position = 0


class TenderFactory(Base):
    class Meta:
        model = Tender

    reference = factory.Sequence(lambda n: f"NMD-TEST-{n:04d}")
    title = factory.Sequence(lambda n: f"Inkooptraject {n}")
    procedure = Procedure.OPEN_HOUSE
    law = Law.BOTH
    status = TenderStatus.PUBLISHED
    publication_at = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=10))
    question_deadline = factory.LazyFunction(lambda: datetime.now(UTC) + timedelta(days=10))
    submission_deadline = factory.LazyFunction(lambda: datetime.now(UTC) + timedelta(days=30))
    contract_start = date(2027, 1, 1)
    term_months = 36
    published_at = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=10))


class LotFactory(Base):
    class Meta:
        model = Lot

    tender = factory.SubFactory(TenderFactory)
    name = factory.Sequence(lambda n: f"Perceel {n}")


class RequirementFactory(Base):
    class Meta:
        model = Requirement

    tender = factory.SubFactory(TenderFactory)
    kind = RequirementKind.QUALITY
    text = "Dat alle professionals beschikken over een actuele en passende VOG"
    answer_type = AnswerType.DECLARATION
    knockout = True


class AwardCriterionFactory(Base):
    class Meta:
        model = AwardCriterion

    tender = factory.SubFactory(TenderFactory)
    question = "Hoe stelt u de inwoner centraal?"
    weight = Decimal("100")
    scale = [{"score": str(s), "label": f"Score {s}"} for s in (0, 2, 4, 6, 8, 10)]
    word_limit = 500
    minimum_score = Decimal("4")


class BidFactory(Base):
    class Meta:
        model = Bid

    tender = factory.SubFactory(TenderFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def tender_with_matrix(
    *,
    results: int = 2,
    levels: tuple[int, ...] = (4, 5),
    municipalities: int = 2,
    lots: int = 1,
    procedure: Procedure = Procedure.OPEN_HOUSE,
    **tender_fields: object,
) -> Tender:
    """A published tender with its municipalities, lots, results × levels and a tariff for each."""
    tender = TenderFactory(procedure=procedure, **tender_fields)
    tender.municipalities = [MunicipalityFactory() for _ in range(municipalities)]
    tender.lots = [Lot(name=f"Perceel {i + 1}", position=i) for i in range(lots)]
    if procedure is Procedure.OPEN_HOUSE:
        now = datetime.now(UTC)
        tender.windows = [
            AdmissionWindow(opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=30))
        ]
    domain = DomainFactory()
    with db.session.no_autoflush:
        for r in range(results):
            result = Result(domain=domain, code=f"R{r + 1}", name=f"Resultaat {r + 1}", law=Law.JEUGDWET)
            for i, level in enumerate(levels):
                result_level = ResultLevel(level=level, lot=tender.lots[(r + i) % lots])
                result_level.tariffs = [
                    Tariff(municipality=m, valid_from=tender.contract_start, amount=Decimal(100 * level + r))
                    for m in tender.municipalities
                ]
                result.levels.append(result_level)
            tender.results.append(result)
    db.session.commit()
    return tender


# --- agreements: admitted providers (decisions are built in the assessment feature) -------------


def admitted_provider(
    tender: Tender,
    organisation: Organisation | None = None,
    *,
    lines: list[tuple[ResultLevel, Municipality]] | None = None,
    rejected_lots: tuple[Lot, ...] = (),
    approved_at: datetime | None = None,
):
    """A provider with a submitted bid on `tender` and an approved decision per perceel of its lines.

    `lines` defaults to every result-level × municipality of the tender. Lots in `rejected_lots`
    get a REJECTED decision (their lines must not appear in a contract); the others ADMITTED.
    """
    from portal.models import BidLine, BidSubmission, Decision, DecisionOutcome

    organisation = organisation or OrganisationFactory()
    if lines is None:
        lines = [
            (result_level, municipality)
            for result in tender.results
            for result_level in result.levels
            for municipality in tender.municipalities
        ]
    bid = Bid(tender=tender, organisation=organisation)
    bid.lines = [BidLine(lot_id=rl.lot_id, result_level_id=rl.id, municipality_id=m.id) for rl, m in lines]
    db.session.add(bid)
    db.session.flush()
    approved_at = approved_at or datetime.now(UTC) - timedelta(days=1)
    from portal.bids import canonical
    from portal.bids import service as bids

    content = bids.frozen_content(bid, bids.applicable(bid), 1)  # the real canonical shape
    submission = BidSubmission(
        bid=bid, version=1, submitted_at=approved_at - timedelta(days=20), signatory_name="Sam Tekenbevoegd",
        signatory_function="Directeur", content=content, sha256=canonical.digest(content),
    )  # fmt: skip
    db.session.add(submission)
    db.session.flush()
    for lot_id in sorted({rl.lot_id for rl, _ in lines}):
        rejected = lot_id in {lot.id for lot in rejected_lots}
        db.session.add(
            Decision(
                submission_id=submission.id, lot_id=lot_id,
                outcome=DecisionOutcome.REJECTED if rejected else DecisionOutcome.ADMITTED,
                motivation="Voldoet aan alle eisen." if not rejected else "Voldoet niet.",
                approved_at=approved_at,
            )
        )  # fmt: skip
    db.session.commit()
    return organisation


# --- assessment: submitted bids as the bids feature produces them -------------------------------


def submitted_bid(
    tender: Tender,
    organisation: Organisation | None = None,
    *,
    lots: list[Lot] | None = None,
    declarations: dict[int, bool] | None = None,
    criterion_texts: dict[int, str] | None = None,
    submitted_at: datetime | None = None,
    window: AdmissionWindow | None = None,
    evidence_name: str = "vog-verklaring.pdf",
):
    """A Bid with lines and answers and its BidSubmission, as if submitted: the content is frozen by the
    bids feature's own builder (bids.service.frozen_content → bids.canonical), so it has production's shape.
    """
    from portal.bids import canonical
    from portal.bids import service as bids
    from portal.models import BidLine, BidStatus, BidSubmission, CriterionAnswer, RequirementAnswer

    organisation = organisation or OrganisationFactory()
    lots = lots if lots is not None else list(tender.lots)
    declarations = declarations or {}
    criterion_texts = criterion_texts or {}
    bid = Bid(tender=tender, organisation=organisation, status=BidStatus.SUBMITTED)
    municipality = tender.municipalities[0]
    for lot in lots:
        level = next(rl for r in tender.results for rl in r.levels if rl.lot_id == lot.id)
        bid.lines.append(BidLine(lot_id=lot.id, result_level_id=level.id, municipality_id=municipality.id))
    for requirement in tender.requirements:
        answer = RequirementAnswer(
            requirement_id=requirement.id,
            declaration=declarations.get(requirement.id, True),
            text="Zie bijlage",
        )
        if requirement.evidence_required:
            answer.evidence.append(_evidence(organisation, evidence_name))
        bid.requirement_answers.append(answer)
    for criterion in tender.criteria:
        text = criterion_texts.get(criterion.id, f"Ons antwoord op: {criterion.question}")
        bid.criterion_answers.append(CriterionAnswer(criterion_id=criterion.id, text=text))
    db.session.add(bid)
    db.session.flush()
    content = bids.frozen_content(bid, bids.applicable(bid), 1)
    if submitted_at is None:
        deadline = window.closes_at if window else tender.submission_deadline
        submitted_at = (deadline or datetime.now(UTC)) - timedelta(days=1)
    submission = BidSubmission(
        version=1,
        submitted_at=submitted_at,
        signatory_name=content["signatory"]["name"],
        signatory_function=content["signatory"]["function"],
        content=content,
        sha256=canonical.digest(content),
        admission_window_id=window.id if window else None,
    )
    bid.submissions.append(submission)
    db.session.commit()
    return submission


def resubmission(bid: Bid, *, version: int, submitted_at: datetime):
    """A further submitted version of `bid` as its working copy stands, frozen by the bids feature's builder."""
    from portal.bids import canonical
    from portal.bids import service as bids
    from portal.models import BidSubmission

    db.session.flush()
    content = bids.frozen_content(bid, bids.applicable(bid), version)
    submission = BidSubmission(
        bid=bid,
        version=version,
        submitted_at=submitted_at,
        signatory_name=content["signatory"]["name"],
        signatory_function=content["signatory"]["function"],
        content=content,
        sha256=canonical.digest(content),
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def _evidence(organisation: Organisation, name: str):
    import hashlib
    import secrets

    from portal.models import EvidenceFile, ScanStatus

    return EvidenceFile(
        organisation_id=organisation.id,
        original_name=name,
        stored_name=secrets.token_hex(16),
        content_type="application/pdf",
        size=len(name),
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        scan_status=ScanStatus.CLEAN,
    )
