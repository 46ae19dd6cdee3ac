"""Numbers, money, percentages and dates reach the reader through portal/i18n.py, in the reader's locale.

The formatting functions are checked directly; then every page of the authorization matrix is rendered in
Dutch and in English, as the role that may open it, and its visible text may hold no raw Decimal
("40.00" in a Dutch page) and no ISO date or time ("2027-01-31").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

import pytest
from flask import Flask

from portal import i18n
from tests.access.world import build_world
from tests.browser.test_every_page_accessible import plan_visits

RAW_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{2}(?![\d.,]*\d)")  # 40.00, 1234.56 (not 1.234 nor 1.234,56)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b")
HIDDEN = re.compile(r"<(script|style|textarea|code)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def _with_locale(app: Flask, locale: str, function, *args):
    with app.test_request_context():
        from flask import g, session
        from flask_babel import refresh

        session["locale"] = locale
        g.pop("nmd_locale", None)
        refresh()  # the test's application context outlives this request context
        return function(*args)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("nl", ["40%", "12,5%", "7,00", "1.234,5", "€ 1.234,56"]),
        ("en", ["40%", "12.5%", "7.00", "1,234.5", "€1,234.56"]),
    ],
)
def test_numbers_money_and_percentages_follow_the_locale(
    app: Flask, locale: str, expected: list[str]
) -> None:
    got = [
        _with_locale(app, locale, i18n.percent, Decimal("40.00")),
        _with_locale(app, locale, i18n.percent, Decimal("12.50")),
        _with_locale(app, locale, i18n.decimal2, Decimal("7")),
        _with_locale(app, locale, i18n.number, Decimal("1234.46"), 1),
        _with_locale(app, locale, i18n.money, Decimal("1234.56")).replace("\xa0", " "),
    ]
    assert [g.replace("\xa0", " ") for g in got] == expected


def test_dates_are_shown_in_amsterdam_time_in_words(app: Flask) -> None:
    winter_evening = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)  # already 1 February in Assen
    assert _with_locale(app, "nl", i18n.local_datetime, winter_evening) == "1 februari 2027 om 00:30"
    assert _with_locale(app, "en", i18n.local_datetime, winter_evening) == "1 February 2027 at 00:30"
    assert _with_locale(app, "nl", i18n.local_date, date(2027, 3, 1)) == "1 maart 2027"


def test_none_is_a_dash_not_the_word_none(app: Flask) -> None:
    assert _with_locale(app, "nl", i18n.percent, None) == "–"
    assert _with_locale(app, "nl", i18n.number, None) == "–"


def visible_text(html: str) -> str:
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    return unescape(HIDDEN.sub(" ", main))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_page_shows_a_raw_decimal_or_an_iso_date(app: Flask, client, auth, language: str) -> None:
    world = build_world()
    found = []
    pages = 0
    for visit in plan_visits(world):
        if visit.email:
            auth.login(world.users[visit.actor])
        with client.session_transaction() as session:
            session["locale"] = language
        for _endpoint, url in visit.urls:
            response = client.get(url)
            if "text/html" not in response.content_type:
                continue
            pages += 1
            text = visible_text(response.get_data(as_text=True))
            checks = [ISO_DATE] + ([RAW_DECIMAL] if language == "nl" else [])
            found += [f"{url}: {m.group(0)!r}" for check in checks for m in check.finditer(text)]
    assert pages > 60
    assert found == [], "\n".join(found)


def test_an_iso_date_from_frozen_content_is_shown_in_words(app: Flask) -> None:
    assert _with_locale(app, "en", i18n.local_date, "2029-12-31") == "31 December 2029"
