"""Uploads: type by content, size, virus scan (EICAR, scanner down), archive bombs, path-like names."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal import uploads
from portal.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _docx(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_real_pdf_is_stored_under_a_random_name_outside_static(app):
    stored = uploads.store(io.BytesIO(PDF), "beleid.pdf")
    assert stored.content_type == uploads.PDF
    path = uploads.path_of(stored.stored_name)
    assert path.read_bytes() == PDF
    assert "static" not in path.parts
    assert stored.stored_name != "beleid.pdf"
    assert len(stored.stored_name) == 32


def test_png_and_docx_are_accepted(app):
    assert uploads.store(io.BytesIO(PNG), "foto.png").content_type == uploads.PNG
    assert (
        uploads.store(io.BytesIO(_docx({"word/document.xml": b"<w/>"})), "a.docx").content_type
        == uploads.DOCX
    )


def test_text_renamed_to_pdf_is_refused(app):
    with pytest.raises(uploads.UploadRefused, match="Dit type bestand nemen wij niet aan"):
        uploads.store(io.BytesIO(b"Dit is gewoon tekst, geen PDF."), "verklaring.pdf")


def test_oversize_file_is_refused_with_the_limit_in_the_message(app):
    with pytest.raises(uploads.UploadRefused, match="groter dan 1 MB"):
        uploads.store(io.BytesIO(PDF + b"0" * (1024 * 1024)), "groot.pdf", max_bytes=1024 * 1024)


def test_eicar_test_file_is_refused(app):
    with pytest.raises(uploads.UploadRefused, match="virus"):
        uploads.store(io.BytesIO(PDF + uploads.EICAR), "besmet.pdf")


def test_upload_is_refused_when_the_scanner_is_unavailable(app, monkeypatch):
    def down(data: bytes) -> str | None:
        raise uploads.ScannerUnavailable("clamd not reachable")

    monkeypatch.setitem(app.config, "VIRUS_SCANNER", down)
    before = set(uploads.upload_dir().iterdir())
    with pytest.raises(uploads.UploadRefused, match="viruscontrole is op dit moment niet beschikbaar"):
        uploads.store(io.BytesIO(PDF), "schoon.pdf")
    assert set(uploads.upload_dir().iterdir()) == before  # nothing stored unscanned


def test_a_configured_scanner_by_dotted_path_is_used(app, monkeypatch):
    monkeypatch.setitem(app.config, "VIRUS_SCANNER", "tests.bids.test_uploads:refuse_everything")
    with pytest.raises(uploads.UploadRefused, match="virus"):
        uploads.store(io.BytesIO(PDF), "a.pdf")


def refuse_everything(data: bytes) -> str:
    return "Test.Signature"


def test_zip_bomb_is_refused_before_extraction(app):
    bomb = _docx({"word/document.xml": b"0" * (20 * 1024 * 1024)})  # ratio ~1000:1
    assert len(bomb) < 100 * 1024
    with pytest.raises(uploads.UploadRefused, match="archief"):
        uploads.store(io.BytesIO(bomb), "bom.docx")


def test_zip_with_too_many_entries_is_refused(app):
    many = _docx({f"word/{i}.xml": b"x" for i in range(uploads.ZIP_MAX_ENTRIES + 1)})
    with pytest.raises(uploads.UploadRefused, match="archief"):
        uploads.store(io.BytesIO(many), "veel.docx")


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\beleid.pdf", "beleid.pdf"),
        ("/home/x/.hidden.pdf", "hidden.pdf"),
        ("a\x00b<>|?.pdf", "ab.pdf"),
        ("..", "bestand"),
        ("", "bestand"),
    ],
)
def test_path_like_names_are_made_safe(given, shown):
    assert uploads.safe_display_name(given) == shown


def test_path_like_name_is_stored_as_data_only(app):
    stored = uploads.store(io.BytesIO(PDF), "../../../static/evil.pdf")
    assert stored.original_name == "evil.pdf"
    assert uploads.path_of(stored.stored_name).parent == uploads.upload_dir()
    with pytest.raises(ValueError, match="invalid stored name"):
        uploads.path_of("../evil.pdf")


# --- OOXML after extraction: every member scanned, macro parts refused ------------------------------

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _content_types(*overrides: tuple[str, str], defaults: tuple[tuple[str, str], ...] = ()) -> str:
    parts = [f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in defaults]
    parts += [f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(parts) + "</Types>"
    )


def _package(files: dict[str, bytes | str], content_types: str | None = None) -> bytes:
    """A real OOXML package written with zipfile, every part deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", content_types or _content_types(("/word/document.xml", WORD_MAIN))
        )
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _stored_files() -> set:
    return set(uploads.upload_dir().iterdir())


def test_a_well_formed_docx_and_an_openpyxl_xlsx_are_accepted(app):
    from openpyxl import Workbook

    docx = _package({"word/document.xml": b"<w:document/>", "word/media/image1.png": PNG})
    assert uploads.store(io.BytesIO(docx), "beleid.docx").content_type == uploads.DOCX
    workbook, out = Workbook(), io.BytesIO()
    workbook.active.append(["VOG", "ja"])
    workbook.save(out)
    assert uploads.store(io.BytesIO(out.getvalue()), "lijst.xlsx").content_type == uploads.XLSX


def test_eicar_inside_a_deflated_docx_part_is_found(app):
    docx = _package({"word/document.xml": b"<w:document>" + uploads.EICAR + b"</w:document>"})
    assert uploads.EICAR not in docx  # deflated: a scan of the raw file alone does not see it
    before = _stored_files()
    with pytest.raises(uploads.UploadRefused, match="virus"):
        uploads.store(io.BytesIO(docx), "besmet.docx")
    assert _stored_files() == before


def test_eicar_inside_an_xlsx_embedded_in_a_docx_is_found(app):
    inner = _package({"xl/workbook.xml": uploads.EICAR}, _content_types())
    docx = _package({"word/document.xml": b"<w:document/>", "word/embeddings/Blad1.xlsx": inner})
    with pytest.raises(uploads.UploadRefused, match="virus"):
        uploads.store(io.BytesIO(docx), "ingebed.docx")


def test_every_member_goes_to_the_configured_scanner(app, monkeypatch):
    seen: list[bytes] = []

    def recording(data: bytes) -> str | None:
        seen.append(data)
        return None

    monkeypatch.setitem(app.config, "VIRUS_SCANNER", recording)
    uploads.store(
        io.BytesIO(_package({"word/document.xml": b"<w:document/>", "word/a.xml": b"<a/>"})), "a.docx"
    )
    assert b"<w:document/>" in seen
    assert b"<a/>" in seen


@pytest.mark.parametrize(
    "name", ["word/vbaProject.bin", "xl/vbaProject.bin", "VBAPROJECT.BIN", "word/embeddings/x/vbaproject.bin"]
)
def test_a_vba_project_part_anywhere_is_refused(app, name):
    before = _stored_files()
    with pytest.raises(uploads.UploadRefused, match="macro's"):
        uploads.store(
            io.BytesIO(_package({"word/document.xml": b"<w/>", name: b"\xd0\xcf\x11\xe0"})), "m.docx"
        )
    assert _stored_files() == before


@pytest.mark.parametrize(
    "kind",
    [
        "application/vnd.ms-word.document.macroEnabled.main+xml",  # .docm
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",  # .dotm
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",  # .xlsm
        "application/vnd.ms-excel.template.macroEnabled.main+xml",  # .xltm
        "application/vnd.ms-office.vbaProject",
        "application/vnd.ms-excel.macrosheet+xml",  # Excel 4.0 macros
        "application/vnd.ms-office.vb&#97;Project",  # an XML character reference does not hide it
    ],
)
def test_macro_enabled_content_types_are_refused(app, kind):
    content_types = _content_types(("/word/document.xml", kind))
    with pytest.raises(uploads.UploadRefused, match="macro's"):
        uploads.store(io.BytesIO(_package({"word/document.xml": b"<w/>"}, content_types)), "m.docx")


def test_a_macro_content_type_as_a_default_extension_is_refused(app):
    content_types = _content_types(
        ("/word/document.xml", WORD_MAIN), defaults=(("bin", "application/vnd.ms-office.vbaProject"),)
    )
    with pytest.raises(uploads.UploadRefused, match="macro's"):
        uploads.store(io.BytesIO(_package({"word/document.xml": b"<w/>"}, content_types)), "m.docx")


def test_a_macro_workbook_embedded_in_a_docx_is_refused(app):
    xlsm = _package({"xl/workbook.xml": b"<w/>", "xl/vbaProject.bin": b"vba"}, _content_types())
    docx = _package({"word/document.xml": b"<w/>", "word/embeddings/Blad1.xlsm": xlsm})
    with pytest.raises(uploads.UploadRefused, match="macro's"):
        uploads.store(io.BytesIO(docx), "ingebed.docx")


def test_content_types_with_a_dtd_are_refused(app):
    content_types = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY m "macroEnabled">]><Types/>'
    with pytest.raises(uploads.UploadRefused, match="archief"):
        uploads.store(io.BytesIO(_package({"word/document.xml": b"<w/>"}, content_types)), "dtd.docx")


def test_members_are_counted_as_extracted_across_nested_archives(app, monkeypatch):
    inner = _package({f"xl/{i}.xml": b"x" for i in range(8)}, _content_types())
    docx = _package({"word/document.xml": b"<w/>", "word/embeddings/a.xlsx": inner})
    uploads.store(io.BytesIO(docx), "genest.docx")  # 12 members in all: within the default limit
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 10)
    with pytest.raises(uploads.UploadRefused, match="archief"):
        uploads.store(io.BytesIO(docx), "genest.docx")


def test_over_http_a_macro_docx_and_a_docx_with_eicar_are_refused_with_a_message(
    client, auth, no_csrf, bid, provider
):
    auth.login(provider)
    url = f"/inschrijvingen/{bid.id}/eisen/{bid.tender.requirements[0].id}/bewijs"
    macro = _package({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"vba"})
    infected = _package({"word/document.xml": uploads.EICAR})
    for data, message in (
        (macro, "Dit bestand bevat macro"),
        (infected, "In dit bestand is een virus gevonden"),
    ):
        response = client.post(
            url, data={"file": (io.BytesIO(data), "beleid.docx")}, content_type="multipart/form-data"
        )
        assert response.status_code == 422
        assert message in response.text
    db.session.expire_all()
    assert bid.requirement_answers == []  # nothing attached, nothing stored
