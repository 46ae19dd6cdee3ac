"""Both pages are public and static apart from the helpdesk address; they work without logging in."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from portal import access
from portal.help import bp

STATEMENT_DATE = date(2026, 12, 2)  # when the statement below was last drawn up; update with its text


@bp.get("/toegankelijkheid")
@access.public("help.read")
def accessibility() -> str:
    return render_template(
        "help/accessibility.html",
        helpdesk=current_app.config["HELPDESK_EMAIL"],
        statement_date=STATEMENT_DATE,
    )


@bp.get("/hoe-werkt-inschrijven")
@access.public("help.read")
def how_to_bid() -> str:
    return render_template("help/how_to_bid.html", helpdesk=current_app.config["HELPDESK_EMAIL"])
