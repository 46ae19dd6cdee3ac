"""The admin's iStandaarden page (see, download and import the reference list) and the contract export."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import access
from portal.standards import bp, reference
from portal.standards.forms import ListImportForm
from portal.standards.rules import LISTS
from portal.web import Page, current_user


def _list_page(form: ListImportForm, problems: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    lists = reference.lists()
    tables = [(name, lists.entries(name)) for name in LISTS]
    return render_template("standards/list.html", form=form, tables=tables, problems=problems or []), status


@bp.get("/beheer/istandaarden")
@access.guard("admin.manage_master_data")
def reference_list() -> tuple[str, int]:
    return _list_page(ListImportForm(formdata=None))


@bp.post("/beheer/istandaarden/importeren")
@access.guard("admin.manage_master_data")
def import_list() -> Page:
    form = ListImportForm()
    if not form.validate_on_submit():
        return _list_page(form, status=422)
    try:
        count = reference.import_list(form.file.data.read(reference.MAX_BYTES + 1), by=current_user())
    except reference.ListRefused as refused:
        form.file.errors = [str(refused)]
        return _list_page(form, refused.problems, status=422)
    flash(_("De lijst is ingelezen: %(count)s codes.", count=count), "success")
    return redirect(url_for("standards.reference_list"))


@bp.get("/beheer/istandaarden.csv")
@access.guard("admin.manage_master_data")
def download_list() -> Response:
    return Response(
        reference.export_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=istandaarden.csv"},
    )
