"""Every bid route × every actor. Another organisation's bid, evidence and receipt answer 404."""

from tests.access.cases import EVERYONE, OWN_PROVIDER, PROVIDERS, Case


def _bid(w, rest=""):
    return f"/inschrijvingen/{w.own_bid.id}{rest}"


CASES = [
    Case("bids.index", lambda w: "/inschrijvingen", PROVIDERS),
    Case("bids.start", lambda w: f"/inschrijvingen/start/{w.tender.id}", PROVIDERS, method="POST"),
    Case("bids.overview", lambda w: _bid(w), OWN_PROVIDER, owned=True),
    Case("bids.choice", lambda w: _bid(w, "/keuze"), OWN_PROVIDER, owned=True),
    Case(
        "bids.choice",
        lambda w: _bid(w, "/keuze"),
        OWN_PROVIDER,
        method="POST",
        owned=True,
        data={"version": "0"},
        note="save",
    ),
    Case("bids.requirements", lambda w: _bid(w, "/eisen"), OWN_PROVIDER, owned=True),
    Case(
        "bids.save_requirement",
        lambda w: _bid(w, f"/eisen/{w.own_requirement.id}"),
        OWN_PROVIDER,
        method="POST",
        owned=True,
    ),
    Case(
        "bids.attach_evidence",
        lambda w: _bid(w, f"/eisen/{w.own_requirement.id}/bewijs"),
        OWN_PROVIDER,
        method="POST",
        owned=True,
    ),
    Case(
        "bids.detach_evidence",
        lambda w: _bid(w, f"/eisen/{w.own_requirement.id}/bewijs/{w.own_evidence.id}/verwijderen"),
        OWN_PROVIDER,
        method="POST",
        owned=True,
    ),
    Case(
        "bids.download_evidence",
        lambda w: _bid(w, f"/bewijs/{w.own_evidence.id}"),
        OWN_PROVIDER,
        owned=True,
    ),
    Case("bids.criteria", lambda w: _bid(w, "/criteria"), OWN_PROVIDER, owned=True),
    Case(
        "bids.save_criterion",
        lambda w: _bid(w, f"/criteria/{w.own_criterion.id}"),
        OWN_PROVIDER,
        method="POST",
        owned=True,
    ),
    Case("bids.submit", lambda w: _bid(w, "/indienen"), OWN_PROVIDER, owned=True),
    Case("bids.submit", lambda w: _bid(w, "/indienen"), OWN_PROVIDER, method="POST", owned=True, note="post"),
    Case("bids.submitted", lambda w: _bid(w, "/ingediend/1"), OWN_PROVIDER, owned=True),
    Case("bids.receipt_pdf", lambda w: _bid(w, "/ontvangstbewijs/1"), OWN_PROVIDER, owned=True),
    Case("bids.withdraw", lambda w: _bid(w, "/intrekken"), OWN_PROVIDER, method="POST", owned=True),
    Case("bids.verify", lambda w: "/ontvangstbewijs/controleren", EVERYONE),
    Case(
        "bids.verify",
        lambda w: "/ontvangstbewijs/controleren",
        EVERYONE,
        method="POST",
        data={"sha256": "0" * 64},
        note="check",
    ),
]
