"""The one reader of a submission's frozen content (`BidSubmission.content`), as written by canonical.py.

Every feature that reads what a provider submitted (assessment, agreements, receipts) reads it through
`SubmittedContent.from_json`, never by picking keys out of the JSON itself. `SCHEMA` is the shape's
version: canonical.bid_content writes it, and a content of a schema this reader does not know is refused
rather than guessed at. Content stored before the key was written has exactly the shape of schema 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

SCHEMA = 1


class UnknownContentSchema(ValueError):
    """A stored content of a shape this reader does not know (written by a newer portal)."""


@dataclass(frozen=True)
class Evidence:
    id: int
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ChoiceLine:
    """One chosen result-level in one municipality, with the labels it had at submission."""

    lot_id: int
    lot_name: str
    result_id: int
    result_code: str
    result_name: str
    result_level_id: int
    level: int
    municipality_id: int
    cbs_code: str
    municipality_name: str


@dataclass(frozen=True)
class RequirementAnswer:
    id: int
    text: str  # the requirement as it read at submission
    answer_type: str
    declaration: bool | None
    explanation: str
    date: date | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class CriterionAnswer:
    id: int
    question: str
    answer: str


@dataclass(frozen=True)
class SubmittedContent:
    schema: int
    version: int
    tender_reference: str
    organisation_name: str
    choice: tuple[ChoiceLine, ...]
    requirements: tuple[RequirementAnswer, ...]
    criteria: tuple[CriterionAnswer, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubmittedContent:
        schema = data.get("schema")  # content without its schema is not guessed at
        if schema != SCHEMA:
            raise UnknownContentSchema(f"submitted content of schema {schema!r}; this portal reads {SCHEMA}")
        return cls(
            schema=schema,
            version=data["version"],
            tender_reference=data["tender"]["reference"],
            organisation_name=data["organisation"]["name"],
            choice=tuple(_choice_line(line) for line in data["choice"]),
            requirements=tuple(_requirement(r) for r in data["requirements"]),
            criteria=tuple(CriterionAnswer(c["id"], c["question"], c["answer"]) for c in data["criteria"]),
        )

    @property
    def lot_ids(self) -> list[int]:
        """The chosen percelen, in order of first appearance."""
        return list(dict.fromkeys(line.lot_id for line in self.choice))

    def requirement(self, requirement_id: int) -> RequirementAnswer | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def criterion_answer(self, criterion_id: int) -> str:
        """The text submitted for the criterion ("" when the criterion did not apply to the choice)."""
        return next((c.answer for c in self.criteria if c.id == criterion_id), "")


def _choice_line(line: Mapping[str, Any]) -> ChoiceLine:
    lot, result, level, municipality = line["lot"], line["result"], line["result_level"], line["municipality"]
    return ChoiceLine(
        lot_id=lot["id"],
        lot_name=lot["name"],
        result_id=result["id"],
        result_code=result["code"],
        result_name=result["name"],
        result_level_id=level["id"],
        level=level["level"],
        municipality_id=municipality["id"],
        cbs_code=municipality["cbs_code"],
        municipality_name=municipality["name"],
    )


def _requirement(item: Mapping[str, Any]) -> RequirementAnswer:
    as_stored = {name: item[name] for name in ("id", "text", "answer_type", "declaration", "explanation")}
    answered_on = date.fromisoformat(item["date"]) if item["date"] else None
    evidence = tuple(Evidence(e["id"], e["name"], e["sha256"], e["size"]) for e in item["evidence"])
    return RequirementAnswer(**as_stored, date=answered_on, evidence=evidence)
