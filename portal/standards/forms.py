"""Forms of the standards pages: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ListImportForm(FlaskForm):
    file = FileField(_l("Nieuwe lijst (CSV)"), validators=[FileRequired()])
