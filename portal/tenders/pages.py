"""What the tender pages share: the tender (or one of its parts) with its permission, the acting user,
and the submit-flash-redirect of a form (the page type and refusals on forms are portal/web.py's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal import access, clock, uploads, web
from portal.models import Lot, Tender, User
from portal.tenders import queries
from portal.tenders.forms import ConfirmForm
from portal.tenders.service import TenderError

T = TypeVar("T")


def manageable(tender_id: int) -> Tender:
    """Load-or-404 plus the buyer's permission, for every set-up route."""
    return access.get_or_404(Tender, tender_id, "tenders.manage")


def published_or_404(tender_id: int) -> Tender:
    tender = queries.public_tender(tender_id, now=clock.now())
    if tender is None:
        abort(404)
    return tender


def child_of(tender: Tender, model: type[queries.Part], object_id: int) -> queries.Part:
    """An object of this tender (lot, requirement, ...), or 404 for a tampered id."""
    return found(queries.part_of(tender.id, model, object_id))


def chosen_lots(tender: Tender, ids: list[int] | None) -> list[Lot]:
    """The percelen ticked in a select whose choices are this tender's lots (none ticked: none)."""
    return [lot for lot in tender.lots if lot.id in set(ids or [])]


def found(obj: T | None) -> T:
    """The object a query found, or 404."""
    if obj is None:
        abort(404)
    return obj


def by() -> User:
    return web.current_user()


def submitted(
    form: FlaskForm,
    action: Callable[[], Any],
    done: str,
    to: str | Callable[[Any], str],
    field: str | None = None,
) -> Response | None:
    """A valid form runs `action`; then `done` is flashed and the browser goes `to` (a URL, or one made
    from what the action returned). None when the form is invalid or refused (the refusal is on the form,
    at `field` when it names none): the caller shows its page again with status 422."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except (uploads.UploadRefused, TenderError) as refusal:
        web.show_refusal(form, refusal, field="file" if isinstance(refusal, uploads.UploadRefused) else field)
        return None
    flash(done, "success")
    return redirect(to if isinstance(to, str) else to(result))


def confirmed(
    action: Callable[[], Any], done: str, to: str, form: FlaskForm | None = None
) -> Response | None:
    """A button's POST (a form with only the CSRF token): 400 without a valid token, then as `submitted`."""
    form = form or ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return submitted(form, action, done, to)


def page_status() -> int:
    """A page shown again after a refused POST is a 422; a GET is the page itself."""
    return 422 if request.method == "POST" else 200


def content_disposition(name: str) -> str:
    """An attachment with the original name, safe for any characters (RFC 6266 / 5987)."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def attachment(body: bytes, mimetype: str, disposition: str) -> FlaskResponse:
    """A download the browser saves and never sniffs into another type."""
    response = FlaskResponse(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
