"""URL converters: `<int:...>` in every route holds to the database's integer range.

Werkzeug's own converter takes any number of digits; a 30-digit id then reached the database
(SQLite: OverflowError, PostgreSQL: out of range) and answered 500. A larger number is no page: 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from portal.fields import MAX_ID


class RecordIdConverter(IntegerConverter):
    def __init__(
        self, url_map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None
    ) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max)


def register(app: Flask) -> None:
    """Before any blueprint: a rule binds its converter when it is added."""
    app.url_map.converters["int"] = RecordIdConverter
