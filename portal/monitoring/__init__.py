"""The contract term: monitoring of contracted providers and the daily contract-term job."""

from flask import Blueprint

# cli_group=None: the feature's commands sit at the top level (`flask contract-term`)
bp = Blueprint("monitoring", __name__, url_prefix="/monitoring", cli_group=None)

from portal.monitoring import cli, dossier_routes, report_routes, routes  # noqa: E402, F401 - routes and commands register themselves on bp
