"""Log-in through eHerkenning: to the broker and back; at the first log-in of an organisation new
here, the provider confirms its details. Without a configured broker these pages do not exist (404)."""

from __future__ import annotations

import dataclasses

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import clock, sessions
from portal.accounts import bp, broker, broker_service, second_factor
from portal.accounts.broker import BrokerClaims, BrokerFailed
from portal.accounts.broker_service import BrokerRefused
from portal.accounts.forms import OrganisationForm
from portal.accounts.routes import invalid_form, refuse, registration_of
from portal.accounts.rules import FieldRefused
from portal.models import User
from portal.web import Page

PENDING_CLAIMS = "_broker_claims"


def _not_here() -> Response:
    flash(_("Inloggen met eHerkenning kan hier niet. Log in met uw e-mailadres en wachtwoord."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/inloggen/eherkenning")
def broker_login() -> Response:
    if not broker.configured():
        return _not_here()
    return broker.start(url_for("accounts.broker_callback", _external=True))


@bp.get("/inloggen/eherkenning/terug")
def broker_callback() -> Page:
    if not broker.configured():
        return _not_here()
    try:
        claims = broker.finish()
        _check_level(claims)
        user = broker_service.known_user(claims, now=clock.now())
    except (BrokerFailed, BrokerRefused) as refusal:
        return render_template("accounts/broker_problem.html", message=refusal.message), 403
    if user is not None:
        return _logged_in(user)
    session[PENDING_CLAIMS] = dataclasses.asdict(claims)
    return redirect(url_for("accounts.broker_register"))


def _check_level(claims: BrokerClaims) -> None:
    minimum = current_app.config["EHERKENNING_MIN_LEVEL"]
    if not broker.level_enough(claims.level, minimum):
        raise BrokerRefused(
            _(
                "U logde in met eHerkenning op niveau %(level)s. Voor het Inkoopportaal is minstens niveau %(minimum)s nodig. Vraag bij uw eHerkenningsleverancier een middel op niveau %(minimum)s of hoger aan.",
                level=claims.level or _("onbekend"),
                minimum=minimum,
            )
        )


def _logged_in(user: User) -> Response:
    """eHerkenning at EH2+ or above is itself a log-in with two factors: no TOTP code is asked."""
    sessions.start(user)
    second_factor.mark_verified(session, now=clock.now())
    flash(_("U bent ingelogd met eHerkenning."), "success")
    return redirect(url_for("dashboard.home"))


@bp.route("/inloggen/eherkenning/aanmelden", methods=["GET", "POST"])
def broker_register() -> Page:
    pending = session.get(PENDING_CLAIMS)
    if not pending or not broker.configured():
        return _not_here()
    claims = BrokerClaims(**pending)
    form = OrganisationForm()
    context = {"kvk": claims.kvk, "branch": claims.branch}
    if not form.validate_on_submit():
        return invalid_form("accounts/broker_register.html", form, **context)
    try:
        user = broker_service.register(claims, registration_of(form, kvk=claims.kvk))
    except FieldRefused as refusal:
        return refuse(form, refusal, "accounts/broker_register.html", **context)
    return _logged_in(user)


@bp.app_context_processor
def _eherkenning() -> dict[str, bool]:
    """The log-in page offers eHerkenning only when a broker is configured."""
    return {"eherkenning": broker.configured()}
