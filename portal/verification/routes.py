"""The public verification page, at /controleren (linked in the footer and printed on every PDF) and at
the receipt's old address /ontvangstbewijs/controleren (bids.verify), which shows the same page."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from portal import access, audit, pdf
from portal.bids import receipt
from portal.extensions import limiter
from portal.verification import bp, queries
from portal.verification.forms import VerifyForm
from portal.web import Page

MAX_PDF_BYTES = 20 * 1024 * 1024


def _page(form: VerifyForm, status: int = 200, **result: object) -> tuple[str, int]:
    context = {"found": None, "checked": None, "uploaded": False, **result}
    return render_template("verification/verify.html", form=form, **context), status


def _checked(form: VerifyForm) -> tuple[str | None, bool]:
    """(hash to look up, whether it is the hash of an uploaded PDF)."""
    pasted = receipt.normalise_hash(form.sha256.data)
    if pasted is not None or not form.receipt.data:
        return pasted, False
    data = form.receipt.data.read(MAX_PDF_BYTES + 1)
    if not data.startswith(b"%PDF-") or len(data) > MAX_PDF_BYTES:
        return None, True
    return pdf.sha256(data), True


def verify_page() -> Page:
    """Anyone checks a PDF or a hash: only kind, public reference, date and 'current version' are shown."""
    form = VerifyForm()
    if request.method != "POST":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 422)
    checked, uploaded = _checked(form)
    if checked is None:
        form.sha256.errors = [
            _(
                "Vul een hash van 64 tekens in, of upload het ontvangstbewijs of een ander document van het portaal (PDF)."
            )
        ]
        return _page(form, 422)
    found = queries.by_hash(checked)
    audit.record(
        "verification.check",
        None,
        found=found is not None,
        kind=found.kind if found else "",
        uploaded=uploaded,
    )
    return _page(form, found=found, checked=checked, uploaded=uploaded)


@bp.route("/controleren", methods=["GET", "POST"])
@access.public("verification.check")
@limiter.limit("30 per 10 minutes", exempt_when=lambda: request.method != "POST")
def verify() -> Page:
    return verify_page()
