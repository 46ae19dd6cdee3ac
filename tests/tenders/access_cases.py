"""Every tender route and who may use it: buyer pages only for buyers, public pages for everyone."""

from tests.access.cases import EVERYONE, PROVIDERS, Case

BUYER = frozenset({"buyer"})
B = "/inkooptrajecten/beheer"


def _draft(path: str = ""):
    return lambda w: f"{B}/{w.draft_tender.id}{path}"


def _published(path: str = ""):
    return lambda w: f"{B}/{w.tender.id}{path}"


def _public(path: str = ""):
    return lambda w: f"/inkooptrajecten/{w.tender.id}{path}"


CASES = [
    Case("tenders.index", lambda w: B, BUYER),
    Case("tenders.create", lambda w: f"{B}/nieuw", BUYER),
    Case("tenders.create", lambda w: f"{B}/nieuw", BUYER, method="POST", note="empty form"),
    Case("tenders.show", _draft(), BUYER),
    Case("tenders.edit", _draft("/bewerken"), BUYER),
    Case("tenders.edit", _published("/bewerken"), BUYER, method="POST", note="frozen"),
    Case("tenders.copy", _draft("/kopieren"), BUYER),
    Case(
        "tenders.copy", _draft("/kopieren"), BUYER, method="POST", data={"reference": "NMD-K-1", "title": "K"}
    ),
    Case("tenders.archive", _draft("/archiveren"), BUYER, method="POST"),
    Case("tenders.add_lot", _draft("/percelen"), BUYER, method="POST", data={"name": "Perceel X"}),
    Case(
        "tenders.delete_lot",
        lambda w: f"{B}/{w.draft_tender.id}/percelen/{w.draft_lot.id}/verwijderen",
        BUYER,
        method="POST",
    ),
    Case("tenders.edit_lot", lambda w: f"{B}/{w.draft_tender.id}/percelen/{w.draft_lot.id}", BUYER),
    Case(
        "tenders.edit_lot",
        lambda w: f"{B}/{w.draft_tender.id}/percelen/{w.draft_lot.id}",
        BUYER,
        method="POST",
        data={"name": "Perceel A"},
    ),
    Case(
        "tenders.set_level",
        _draft("/matrix/niveaus"),
        BUYER,
        method="POST",
        data={"level-number": 4, "level-description": "Licht"},
    ),
    Case("tenders.upload_document", _draft("/documenten"), BUYER, method="POST", note="no file"),
    Case("tenders.requirements", _draft("/eisen"), BUYER),
    Case("tenders.requirements", _draft("/eisen"), BUYER, method="POST", note="empty form"),
    Case(
        "tenders.delete_requirement",
        lambda w: f"{B}/{w.draft_tender.id}/eisen/{w.draft_requirement.id}/verwijderen",
        BUYER,
        method="POST",
    ),
    Case("tenders.criteria", _draft("/gunningscriteria"), BUYER),
    Case("tenders.criteria", _draft("/gunningscriteria"), BUYER, method="POST", note="empty form"),
    Case(
        "tenders.delete_criterion",
        lambda w: f"{B}/{w.draft_tender.id}/gunningscriteria/{w.draft_criterion.id}/verwijderen",
        BUYER,
        method="POST",
    ),
    Case("tenders.publish", _draft("/publiceren"), BUYER),
    Case("tenders.publish", _draft("/publiceren"), BUYER, method="POST"),
    Case("tenders.rectify", _published("/rectificatie"), BUYER),
    Case(
        "tenders.rectify", _published("/rectificatie"), BUYER, method="POST", data={"what": "x", "why": "y"}
    ),
    Case("tenders.matrix", _draft("/matrix"), BUYER),
    Case("tenders.import_matrix", _draft("/matrix/importeren"), BUYER, method="POST", note="no file"),
    Case("tenders.export_matrix", _draft("/matrix/export.xlsx"), BUYER),
    Case("tenders.add_result", _draft("/matrix/resultaten"), BUYER, method="POST", note="empty form"),
    Case("tenders.assign_lot", _draft("/matrix/perceel"), BUYER, method="POST", note="empty form"),
    Case("tenders.set_tariff", _draft("/matrix/tarief"), BUYER, method="POST", note="empty form"),
    Case("tenders.questions_index", _published("/vragen"), BUYER),
    Case(
        "tenders.answer",
        lambda w: f"{B}/{w.tender.id}/vragen/{w.open_question.id}/antwoord",
        BUYER,
        method="POST",
        data={"answer": "Nee."},
    ),
    Case(
        "tenders.merge",
        lambda w: f"{B}/{w.tender.id}/vragen/{w.open_question.id}/samenvoegen",
        BUYER,
        method="POST",
        note="no target",
    ),
    Case(
        "tenders.publish_nota", _published("/nota"), BUYER, method="POST", data={"announcements": "Let op."}
    ),
    Case("tenders.public_index", lambda w: "/inkooptrajecten", EVERYONE),
    Case("tenders.public_show", _public(), EVERYONE),
    Case(
        "tenders.download_document",
        lambda w: f"/inkooptrajecten/{w.tender.id}/documenten/{w.document.id}",
        EVERYONE,
    ),
    Case("tenders.nota", lambda w: f"/inkooptrajecten/{w.tender.id}/nota/{w.nota.number}", EVERYONE),
    Case("tenders.nota_pdf", lambda w: f"/inkooptrajecten/{w.tender.id}/nota/{w.nota.number}.pdf", EVERYONE),
    Case("tenders.follow", _public("/volgen"), PROVIDERS, method="POST"),
    Case("tenders.unfollow", _public("/ontvolgen"), PROVIDERS, method="POST"),
    Case("tenders.ask", _public("/vragen"), PROVIDERS),
    Case("tenders.ask", _public("/vragen"), PROVIDERS, method="POST", data={"text": "Mag onderaanneming?"}),
]
