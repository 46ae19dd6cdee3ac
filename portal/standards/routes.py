"""The admin's iStandaarden page (see, download and import the reference list) and the contract export."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import access, audit, clock
from portal.models import Municipality
from portal.standards import bp, contracts, reference
from portal.standards import contract_export as contract_export_file
from portal.standards.forms import ListImportForm
from portal.standards.rules import LISTS
from portal.tenders import queries as tenders
from portal.web import Page, current_user, get_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


# --- the contract export per municipality ---------------------------------------------------------


@bp.get("/contracten/gemeenten")
@access.guard("standards.contract_export")
def contract_exports() -> str:
    return render_template("standards/contract_exports.html", municipalities=tenders.municipalities())


@bp.get("/contracten/gemeenten/<int:municipality_id>/contracten.<any(csv, xlsx):fmt>")
def contract_export(municipality_id: int, fmt: str) -> Response:
    municipality = get_or_404(Municipality, municipality_id, "standards.contract_export")
    lines = contracts.contract_lines(
        contracts.in_force(), reference.lists(), municipality=municipality.cbs_code, now=clock.now()
    )
    audit.record(
        "standards.contract_export", municipality, actor=current_user(), lines=len(lines), format=fmt
    )
    data = contract_export_file.to_csv(lines) if fmt == "csv" else contract_export_file.to_xlsx(lines)
    mimetype = "text/csv" if fmt == "csv" else XLSX
    name = f"contracten-{municipality.cbs_code}-{clock.now().date().isoformat()}.{fmt}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})
