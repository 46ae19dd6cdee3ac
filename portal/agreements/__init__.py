from flask import Blueprint

# cli_group=None: the feature's commands sit at the top level (`flask agreements-generate ...`)
bp = Blueprint("agreements", __name__, url_prefix="/overeenkomsten", cli_group=None)

from portal.agreements import cli, routes  # noqa: E402, F401 - routes and commands register themselves on bp
