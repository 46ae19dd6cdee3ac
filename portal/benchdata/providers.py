"""350 provider organisations with users, evidence files and a submitted bid of ~340 lines each."""

from __future__ import annotations

import hashlib
import io
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pypdf import PdfWriter

from portal import clock, uploads
from portal.accounts.passwords import hash_password
from portal.benchdata import BENCH_PASSWORD
from portal.benchdata.region import Staff, existing
from portal.bids import service as bids
from portal.extensions import db
from portal.models import (
    AdmissionWindow,
    AnswerType,
    Bid,
    BidLine,
    CriterionAnswer,
    EvidenceFile,
    Organisation,
    RequirementAnswer,
    Result,
    ResultLevel,
    Role,
    ScanStatus,
    Tender,
    User,
    UserRole,
)
from portal.models.bid import answer_evidence

PREFIXES = [
    "Zorggroep",
    "Jeugdhulp",
    "Begeleiding",
    "Stichting",
    "Praktijk",
    "Zorgboerderij",
    "Thuiszorg",
    "Behandelcentrum",
    "Dagbesteding",
    "Gezinshuis",
    "Ambulante Hulp",
    "Wooncoach",
]
PLACES = [
    "Assen",
    "Roden",
    "Gieten",
    "Beilen",
    "Zuidlaren",
    "Eelde",
    "Vries",
    "Peize",
    "Smilde",
    "Rolde",
    "Annen",
    "Westerbork",
    "Norg",
    "Paterswolde",
    "Zeijen",
    "Hooghalen",
    "Bovensmilde",
    "Leek",
]
FORMS = ["B.V.", "", "V.O.F.", "Zorg B.V."]
FIRST = [
    "Anna",
    "Bram",
    "Carla",
    "Daan",
    "Eva",
    "Femke",
    "Gert",
    "Hilde",
    "Jan",
    "Karin",
    "Lotte",
    "Mark",
    "Nina",
    "Olaf",
    "Petra",
    "Roel",
    "Sanne",
    "Tom",
    "Wendy",
    "Youssef",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Bos",
    "Hoekstra",
    "Dijkstra",
    "Kuiper",
    "Postma",
    "Huisman",
    "Wiersma",
]
SENTENCES = [
    "Wij stellen samen met de inwoner en zijn netwerk een plan op met concrete, haalbare doelen.",
    "De regiebehandelaar bespreekt elke zes weken de voortgang met het gezin en de toegang.",
    "Waar het kan schalen wij af naar lichtere ondersteuning of naar het eigen netwerk.",
    "Onze medewerkers zijn SKJ- of BIG-geregistreerd en volgen jaarlijks scholing en intervisie.",
    "Wij meten de resultaten met de doelrealisatie per plan en bespreken de uitkomsten in het team.",
    "Bij een wachttijd langer dan vier weken bieden wij overbruggingszorg en melden wij dit aan de gemeente.",
    "Met het onderwijs en de huisarts maken wij vaste afspraken over overdracht en afstemming.",
    "Klachten en incidenten analyseren wij elk kwartaal; verbeteracties leggen wij vast in ons kwaliteitsplan.",
    "Wij werken met onderaannemers die aan dezelfde kwaliteitseisen voldoen als wijzelf.",
    "De inwoner beoordeelt aan het einde van elk traject of de afgesproken resultaten zijn bereikt.",
]


@dataclass(frozen=True)
class Member:
    organisation_id: int
    user_ids: list[int]


def build(staff: Staff, count: int, rng: random.Random, *, first_kvk: int = 70000000) -> list[Member]:
    """`count` organisations, each with a complete bid submitted in the tender's admission window."""
    tender = staff.tender()
    members = create_organisations(count, rng, first_kvk=first_kvk)
    evidence = create_evidence(members, rng)
    levels = list(
        db.session.scalars(
            sa.select(ResultLevel).join(Result).where(Result.tender_id == tender.id).order_by(ResultLevel.id)
        )
    )
    bid_ids = create_complete_bids(tender, members, evidence, levels, rng)
    submit_in_window(tender.windows[0], bid_ids, members, rng)
    return members


def submit_in_window(
    window: AdmissionWindow, bid_ids: list[int], members: list[Member], rng: random.Random
) -> None:
    """Each bid submitted by its organisation's first user at a random moment of the window."""
    opens_at, span = window.opens_at, (window.closes_at - window.opens_at).total_seconds() - 3600
    for n, (bid_id, member) in enumerate(zip(bid_ids, members, strict=True)):
        at = opens_at + timedelta(seconds=rng.uniform(3600, span))
        user = existing(User, member.user_ids[0])
        bids.submit(existing(Bid, bid_id), user=user, idempotency_key=secrets.token_hex(16), now=at)
        if n % 25 == 24:
            db.session.flush()
            db.session.expunge_all()  # keep the identity map small: each bid loads its ~340 lines


def create_organisations(count: int, rng: random.Random, *, first_kvk: int) -> list[Member]:
    password_hash = hash_password(BENCH_PASSWORD)  # one hash for all: argon2 is slow on purpose
    organisations = [_organisation(i, rng, first_kvk) for i in range(count)]
    db.session.add_all(organisations)
    db.session.flush()
    confirmed = clock.now() - timedelta(days=200)
    members = []
    for organisation in organisations:
        users = _users(organisation, rng, password_hash, confirmed)
        db.session.add_all(users)
        db.session.flush()
        members.append(Member(organisation.id, [u.id for u in users]))
    return members


def _organisation(i: int, rng: random.Random, first_kvk: int) -> Organisation:
    signatory = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return Organisation(
        name=f"{rng.choice(PREFIXES)} {rng.choice(PLACES)} {rng.choice(FORMS)}".strip() + f" ({i + 1})",
        kvk_number=str(first_kvk + i),
        agb_code=str(73000000 + first_kvk % 1000000 + i) if i % 3 else None,
        street=f"Hoofdstraat {1 + i % 180}",
        postcode=f"94{i % 100:02d} AB",
        city=rng.choice(PLACES),
        signatory_name=signatory,
        signatory_function=rng.choice(["Bestuurder", "Directeur", "Eigenaar"]),
    )


def _users(
    organisation: Organisation, rng: random.Random, password_hash: str, confirmed: datetime
) -> list[User]:
    """One to three users: the first the organisation's administrator, the others members."""
    return [
        User(
            email=f"gebruiker{n + 1}@kvk{organisation.kvk_number}.example",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            password_hash=password_hash,
            organisation_id=organisation.id,
            session_token=secrets.token_hex(32),
            email_confirmed_at=confirmed,
            role_rows=[UserRole(role=Role.PROVIDER_ADMIN if n == 0 else Role.PROVIDER_MEMBER)],
        )
        for n in range(rng.randint(1, 3))
    ]


def evidence_pdf(title: str) -> bytes:
    """A small real PDF (one A4 page) whose metadata names the document and its organisation."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/Author": "Inkoopportaal benchmark"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


EVIDENCE_TITLES = ["Kwaliteitshandboek", "Verklaring Omtrent het Gedrag", "Klachtenregeling"]


def create_evidence(members: list[Member], rng: random.Random) -> dict[int, list[int]]:
    """Three evidence files per organisation, stored like uploads (outside static/, random names)."""
    uploaded = clock.now() - timedelta(days=60)
    files = {
        m.organisation_id: [_evidence_file(m, title, uploaded) for title in EVIDENCE_TITLES] for m in members
    }
    for rows in files.values():
        db.session.add_all(rows)
    db.session.flush()
    return {org_id: [f.id for f in rows] for org_id, rows in files.items()}


def _evidence_file(member: Member, title: str, uploaded: datetime) -> EvidenceFile:
    data = evidence_pdf(f"{title} – organisatie {member.organisation_id}")
    stored_name = secrets.token_hex(16)
    uploads.path_of(stored_name).write_bytes(data)
    return EvidenceFile(
        organisation_id=member.organisation_id,
        original_name=f"{title}.pdf",
        stored_name=stored_name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan_status=ScanStatus.CLEAN,
        uploaded_at=uploaded,
        uploaded_by_id=member.user_ids[0],
    )


def answer_text(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(rng.choice(SENTENCES))
    return " ".join(out)


Row = dict[str, Any]


@dataclass
class BidRows:
    """The bulk rows of a set of draft bids, inserted one multi-row INSERT per table."""

    lines: list[Row] = field(default_factory=list)
    requirement_answers: list[Row] = field(default_factory=list)
    criterion_answers: list[Row] = field(default_factory=list)

    def add_answers(self, tender: Tender, stamp: Row, rng: random.Random) -> None:
        """Every requirement and criterion of the tender answered in one bid (`stamp` names it)."""
        self.requirement_answers.extend(_requirement_answers(tender, stamp, rng))
        self.criterion_answers.extend(
            {**stamp, "criterion_id": c.id, "text": answer_text(rng, 260)} for c in tender.criteria
        )


def create_complete_bids(
    tender: Tender,
    members: list[Member],
    evidence: dict[int, list[int]],
    levels: list[ResultLevel],
    rng: random.Random,
) -> list[int]:
    """A draft bid per organisation with its choice and every requirement and criterion answered."""
    now = clock.now() - timedelta(days=45)
    drafts = _draft_bids(tender, members, now)
    rows = BidRows()
    municipality_ids = [m.id for m in tender.municipalities]
    for bid, member in zip(drafts, members, strict=True):
        stamp = {"bid_id": bid.id, "version": 1, "updated_at": now, "updated_by_id": member.user_ids[0]}
        rows.lines.extend(_choice(bid.id, municipality_ids, levels, rng))
        rows.add_answers(tender, stamp, rng)
    _insert(tender, rows, evidence, {bid.id: bid.organisation_id for bid in drafts})
    return [bid.id for bid in drafts]


def _draft_bids(tender: Tender, members: list[Member], now: datetime) -> list[Bid]:
    rows = [
        Bid(
            tender_id=tender.id,
            organisation_id=m.organisation_id,
            created_at=now,
            updated_at=now,
            updated_by_id=m.user_ids[0],
            choice_version=1,
        )
        for m in members
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _choice(
    bid_id: int, municipality_ids: list[int], levels: list[ResultLevel], rng: random.Random
) -> list[Row]:
    """50–120 result-levels, each in the same 3–5 municipalities."""
    chosen_municipalities = rng.sample(municipality_ids, rng.randint(3, 5))
    return [
        {"bid_id": bid_id, "lot_id": rl.lot_id, "result_level_id": rl.id, "municipality_id": m}
        for rl in sorted(rng.sample(levels, rng.randint(50, 120)), key=lambda x: x.id)
        for m in sorted(chosen_municipalities)
    ]


def _requirement_answers(tender: Tender, stamp: Row, rng: random.Random) -> list[Row]:
    return [
        {
            **stamp,
            "requirement_id": requirement.id,
            "declaration": True if requirement.answer_type is AnswerType.DECLARATION else None,
            "text": answer_text(rng, 25),
            "answer_date": None,
        }
        for requirement in tender.requirements
    ]


def _insert(
    tender: Tender, rows: BidRows, evidence: dict[int, list[int]], organisation_of: dict[int, int]
) -> None:
    """The rows inserted, with the links of file answers to evidence (their ids come from the INSERT)."""
    db.session.execute(sa.insert(BidLine), rows.lines)
    answers = db.session.execute(
        sa.insert(RequirementAnswer).returning(
            RequirementAnswer.id, RequirementAnswer.bid_id, sort_by_parameter_order=True
        ),
        rows.requirement_answers,
    ).all()
    links = _evidence_links(tender, answers, rows.requirement_answers, evidence, organisation_of)
    db.session.execute(answer_evidence.insert(), links)
    db.session.execute(sa.insert(CriterionAnswer), rows.criterion_answers)
    db.session.flush()


def _evidence_links(
    tender: Tender,
    answers: Sequence[sa.Row[int, int]],
    requirement_answers: list[Row],
    evidence: dict[int, list[int]],
    organisation_of: dict[int, int],
) -> list[Row]:
    """Each file requirement's answer linked to one of its organisation's evidence files."""
    file_requirement_ids = {r.id for r in tender.requirements if r.answer_type is AnswerType.FILE}
    links = []
    for (answer_id, bid_id), row in zip(answers, requirement_answers, strict=True):
        if row["requirement_id"] in file_requirement_ids:
            files = evidence[organisation_of[bid_id]]
            links.append({"answer_id": answer_id, "evidence_id": files[row["requirement_id"] % len(files)]})
    return links
