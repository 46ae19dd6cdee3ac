"""Open data: every published tender as Open Contracting Data Standard (OCDS) 1.1 data, without log-in."""

from __future__ import annotations

import os

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

# The ocid prefix must be registered with the Open Contracting Partnership; this default is a placeholder.
DEFAULT_PREFIX = "ocds-xxxxxx-nmd"
DEFAULT_PUBLISHER = "Inkoopportaal Jeugd & Wmo Noord- en Midden-Drenthe"


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    config = state.app.config
    config.setdefault("OCDS_PREFIX", os.environ.get("OCDS_PREFIX", DEFAULT_PREFIX))
    config.setdefault("OCDS_PUBLISHER", os.environ.get("OCDS_PUBLISHER", DEFAULT_PUBLISHER))
    config.setdefault("OCDS_FEED_PAGE_SIZE", int(os.environ.get("OCDS_FEED_PAGE_SIZE", "100")))


from portal.opendata import routes  # noqa: E402, F401 - registers the routes on bp
