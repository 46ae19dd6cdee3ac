"""Public help pages: the accessibility statement and how a provider makes a bid, step by step."""

from __future__ import annotations

import os

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("help", __name__)

DEFAULT_HELPDESK = "inkoop@inkoop-nmd.nl"


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    state.app.config.setdefault("HELPDESK_EMAIL", os.environ.get("HELPDESK_EMAIL", DEFAULT_HELPDESK))


from portal.help import routes  # noqa: E402, F401 - registers the routes on bp
