"""Uploads: type by content, size, virus scan (EICAR, scanner down), archive bombs, path-like names."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal import uploads

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
