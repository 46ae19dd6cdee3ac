"""Inkoopportaal Jeugd & Wmo: the application factory."""

from __future__ import annotations

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


def register_blueprints(app: Flask) -> None:
    from portal import converters

    converters.register(app)  # before the rules below bind their converters
    from portal.accounts import bp as accounts_bp
    from portal.admin import bp as admin_bp
    from portal.agreements import bp as agreements_bp
    from portal.assessment import bp as assessment_bp
    from portal.bids import bp as bids_bp
    from portal.dashboard import bp as dashboard_bp
    from portal.opendata import bp as opendata_bp
    from portal.tenders import bp as tenders_bp

    for blueprint in (dashboard_bp, accounts_bp, admin_bp, tenders_bp, bids_bp, assessment_bp, agreements_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(opendata_bp)
    from portal.standards import bp as standards_bp

    app.register_blueprint(standards_bp)
    from portal.verification import bp as verification_bp

    app.register_blueprint(verification_bp)
    from portal.api import bp as api_bp

    app.register_blueprint(api_bp)
    from portal.monitoring import bp as monitoring_bp

    app.register_blueprint(monitoring_bp)
    from portal.help import bp as help_bp

    app.register_blueprint(help_bp)


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
