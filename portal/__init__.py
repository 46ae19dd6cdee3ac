"""Inkoopportaal Jeugd & Wmo: the application factory."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from config import Config, config_from_environment, instance_secret_key

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | Config | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config or config_from_environment())
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key()
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_request_hooks(app)
    register_cli(app)
    configure_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    from portal import database
    from portal.extensions import csrf, db, limiter, migrate

    database.configure_engine_options(app)
    db.init_app(app)
    database.install_engine_hooks(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    register_language(app)
    register_login(app)


def register_language(app: Flask) -> None:
    """Translations, local time and the navigation the templates use."""
    from portal import i18n, navigation
    from portal.extensions import babel

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.register_template_helpers(app)
    navigation.register(app)


def register_login(app: Flask) -> None:
    from portal import sessions
    from portal.extensions import login_manager

    login_manager.init_app(app)
    sessions.configure_login_manager(login_manager)


# The feature packages whose blueprint (`bp`) the app serves, in the order they are registered.
FEATURES = (
    "dashboard",
    "accounts",
    "admin",
    "tenders",
    "bids",
    "assessment",
    "agreements",
    "opendata",
    "standards",
    "verification",
    "api",
    "monitoring",
    "help",
)


def register_blueprints(app: Flask) -> None:
    from portal import converters

    converters.register(app)  # before the rules below bind their converters
    for feature in FEATURES:
        app.register_blueprint(importlib.import_module(f"portal.{feature}").bp)


def register_error_handlers(app: Flask) -> None:
    from portal import errors

    errors.register(app)


def register_request_hooks(app: Flask) -> None:
    from portal import security, sessions, transaction

    security.register(app)
    sessions.register(app)
    transaction.register(app)


def register_cli(app: Flask) -> None:
    from portal import cli

    cli.register(app)


def configure_logging(app: Flask) -> None:
    import logging

    from portal import logging_setup

    logging_setup.install(level=None if app.debug or app.testing else logging.INFO)
