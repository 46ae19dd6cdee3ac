"""The canonical form of a bid's content and its SHA-256.

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, lists in a fixed order (by id). Each
item carries its id and the human label it had at submission, and each evidence file its SHA-256, so the
hash covers the files too. The same content always gives the same bytes, hence the same hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from portal.bids.content import SCHEMA
from portal.models import AwardCriterion, Bid, Lot, Municipality, Organisation, Requirement, ResultLevel


def canonical_json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def bid_content(
    bid: Bid,
    *,
    result_levels: dict[int, ResultLevel],
    municipalities: dict[int, Municipality],
    lots: dict[int, Lot],
    requirements: list[Requirement],
    criteria: list[AwardCriterion],
    signatory: dict[str, str],
) -> dict[str, Any]:
    """Plain data of everything submitted; `requirements`/`criteria` are those that apply to the choice.

    The shape is read back only through content.SubmittedContent (its version: content.SCHEMA).
    """
    answers = {a.requirement_id: a for a in bid.requirement_answers}
    lines = sorted(bid.lines, key=lambda x: (x.lot_id, x.result_level_id, x.municipality_id))
    return {
        "schema": SCHEMA,
        "tender": {"id": bid.tender.id, "reference": bid.tender.reference, "title": bid.tender.title},
        "organisation": _organisation(bid.organisation),
        "signatory": signatory,
        "choice": [
            _line(
                line.lot_id, result_levels[line.result_level_id], municipalities[line.municipality_id], lots
            )
            for line in lines
        ],
        "requirements": [_requirement(r, answers.get(r.id)) for r in requirements],
        "criteria": _criteria(bid, criteria),
    }


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.id, "name": organisation.name, "kvk_number": organisation.kvk_number}


def _criteria(bid: Bid, criteria: list[AwardCriterion]) -> list[dict[str, Any]]:
    texts = {a.criterion_id: a.text for a in bid.criterion_answers}
    return [{"id": c.id, "question": c.question, "answer": texts.get(c.id, "")} for c in criteria]


def _line(lot_id: int, rl: ResultLevel, municipality: Municipality, lots: dict[int, Lot]) -> dict[str, Any]:
    return {
        "lot": {"id": lot_id, "name": lots[lot_id].name},
        "result": {"id": rl.result.id, "code": rl.result.code, "name": rl.result.name},
        "result_level": {"id": rl.id, "level": rl.level},
        "municipality": {"id": municipality.id, "cbs_code": municipality.cbs_code, "name": municipality.name},
    }


def _requirement(requirement: Requirement, answer: Any | None) -> dict[str, Any]:
    evidence = sorted(answer.evidence, key=lambda e: e.id) if answer is not None else []
    return {
        "id": requirement.id,
        "text": requirement.text,
        "answer_type": requirement.answer_type.value,
        "declaration": answer.declaration if answer is not None else None,
        "explanation": answer.text if answer is not None else "",
        "date": answer.answer_date.isoformat() if answer is not None and answer.answer_date else None,
        "evidence": [
            {"id": e.id, "name": e.original_name, "sha256": e.sha256, "size": e.size} for e in evidence
        ],
    }
