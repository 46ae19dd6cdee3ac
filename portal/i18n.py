"""Language and time zone: Dutch first, English selectable; times shown in Europe/Amsterdam."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from portal.clock import to_local


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen: str | None = session.get("locale")
    if chosen is not None and chosen in supported:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in supported:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def money(value: Decimal | None) -> str:
    """€ 1.234,56 in Dutch, €1,234.56 in English. Never float."""
    if value is None:
        return ""
    return _currency(value, current_locale())


def decimal2(value: Decimal | None) -> str:
    """A score or weight with two decimals in the reader's locale (7,00 in Dutch); – for none."""
    if value is None:
        return "–"
    return _decimal2(value, current_locale())


def number(value: Decimal | int | float | None, places: int = 0) -> str:
    """A number in the reader's locale with at most `places` decimals (1.234,5 in Dutch); – for none."""
    if value is None:
        return "–"
    return _number(Decimal(str(value)), places, current_locale())


def percent(value: Decimal | int | None) -> str:
    """A weight or share given in percentage points (40 or 12.5): "40%", "12,5%" in Dutch; – for none."""
    if value is None:
        return "–"
    return _percent(Decimal(str(value)), current_locale())


def current_locale() -> str:
    """The reader's locale as a string, looked up once per request (a table asks for it per cell)."""
    if not has_request_context():
        return str(get_locale())
    if "nmd_locale" not in g:
        g.nmd_locale = str(get_locale())
    return g.nmd_locale


# Formatting is pure, and a page repeats the same few hundred amounts (a matrix of tariffs, a table of
# scores): babel's pattern work is done once per value and locale, not once per cell.
@lru_cache(maxsize=8192)
def _currency(value: Decimal, locale: str) -> str:
    return format_currency(value, "EUR", locale=locale)


@lru_cache(maxsize=4096)
def _decimal2(value: Decimal, locale: str) -> str:
    return format_decimal(value, format="0.00", locale=locale)


@lru_cache(maxsize=4096)
def _number(value: Decimal, places: int, locale: str) -> str:
    return format_decimal(value, format="#,##0" + ("." + "#" * places if places else ""), locale=locale)


@lru_cache(maxsize=1024)
def _percent(value: Decimal, locale: str) -> str:
    return format_percent(value / 100, format="#,##0.##%", locale=locale)


def local_datetime(value: datetime | None, fmt: str = "d MMMM yyyy 'om' HH:mm") -> str:
    if value is None:
        return ""
    if str(get_locale()) == "en":
        fmt = fmt.replace("'om'", "'at'")
    return format_datetime(to_local(value).replace(tzinfo=None), fmt, rebase=False)


def local_date(value: date | datetime | str | None, fmt: str = "d MMMM yyyy") -> str:
    """A date in words in the reader's locale; also an ISO string, as frozen contents store dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = to_local(value).date()
    return _date(value, fmt, current_locale())


@lru_cache(maxsize=4096)
def _date(value: date, fmt: str, locale: str) -> str:
    return babel_format_date(value, fmt, locale=locale)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["decimal2"] = decimal2
    app.jinja_env.globals["reader_locale"] = current_locale  # for macros, which are imported without context
    app.jinja_env.add_extension("jinja2.ext.i18n")

    @app.context_processor
    def _language() -> dict[str, object]:
        return {"current_locale": str(get_locale()), "request_path": request.path if request else "/"}
