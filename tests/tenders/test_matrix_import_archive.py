"""The matrix import opens an XLSX (a zip) only within the archive limits every upload has."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal import uploads
from portal.extensions import db
from portal.models import Role, Tender
from portal.tenders import matrix_export, matrix_import, matrix_rows
from tests.tenders.helpers import complete_draft


def _with_extra_members(xlsx: bytes, members: dict[str, bytes]) -> bytes:
    """A real XLSX (the portal's own export) with members added to its zip."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


def _bomb(tender: Tender) -> bytes:
    return _with_extra_members(
        matrix_export.export_xlsx(tender), {"xl/media/pad.bin": b"0" * (20 * 1024 * 1024)}
    )


def _too_many_entries(tender: Tender) -> bytes:
    extra = {f"xl/media/{i}.bin": b"x" for i in range(uploads.ZIP_MAX_ENTRIES + 1)}
    return _with_extra_members(matrix_export.export_xlsx(tender), extra)


@pytest.mark.parametrize("build", [_bomb, _too_many_entries])
def test_an_xlsx_beyond_the_archive_limits_is_refused_on_row_one_and_nothing_is_imported(build):
    tender = complete_draft()
    before = matrix_export.export_rows(tender)
    with pytest.raises(matrix_rows.MatrixInvalid) as refused:
        matrix_import.import_matrix(tender, io.BytesIO(build(tender)), "matrix.xlsx", by=None)
    [error] = refused.value.errors
    assert (error.row, error.column) == (1, "-")
    assert "archief" in str(error)
    assert matrix_export.export_rows(tender) == before


def test_a_zip_bomb_named_csv_is_still_checked_as_an_archive():
    tender = complete_draft()
    with pytest.raises(matrix_rows.MatrixInvalid, match="niet ingelezen") as refused:
        matrix_import.import_matrix(tender, io.BytesIO(_bomb(tender)), "matrix.csv", by=None)
    assert "archief" in str(refused.value.errors[0])


def test_the_same_xlsx_within_the_limits_is_imported():
    tender = complete_draft()
    before = matrix_export.export_rows(tender)
    small = _with_extra_members(matrix_export.export_xlsx(tender), {"xl/media/pad.bin": b"0" * 1000})
    matrix_import.import_matrix(tender, io.BytesIO(small), "matrix.xlsx", by=None)
    assert matrix_export.export_rows(tender) == before


def test_a_zip_bomb_import_over_http_shows_the_refusal_and_keeps_the_matrix(client, auth, no_csrf):
    auth.as_role(Role.BUYER)
    tender = complete_draft()
    db.session.commit()
    before = matrix_export.export_rows(tender)
    response = client.post(
        f"/inkooptrajecten/beheer/{tender.id}/matrix/importeren",
        data={"file": (io.BytesIO(_bomb(tender)), "matrix.xlsx")},
    )
    assert response.status_code == 422
    assert "Regel 1, kolom -: Dit bestand is als archief te groot of beschadigd" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert matrix_export.export_rows(db.session.get(Tender, tender.id)) == before
