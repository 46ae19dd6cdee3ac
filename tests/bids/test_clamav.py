"""ClamAV as the portal's virus scanner, against a real clamd (Debian's) with a test database of its own.

The evidence upload route is the way in: an infected file is a 422 with the Dutch message and nothing is
attached or written; clamd down or silent refuses the upload too, never lets it through unscanned.
"""

from __future__ import annotations

import io
import socket
import time
import zipfile

import pytest
from pypdf import PdfWriter

from config import ProductionConfig
from portal import clamav as clamav_adapter
from portal import uploads
from portal.extensions import db
from tests.clamav import CUSTOM_TEST_STRING, ClamdServer, needs_clamd, signature_name

VIRUS = "In dit bestand is een virus gevonden"
UNAVAILABLE = "De viruscontrole is op dit moment niet beschikbaar"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _pdf(extra: bytes = b"") -> bytes:
    """A real one-page PDF (pypdf), with `extra` bytes in a comment after it."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Kwaliteitsbeleid"})
    writer.write(out)
    return out.getvalue() + (b"%" + extra + b"\n" if extra else b"")


def _docx(document: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def _upload(client, bid, data: bytes, name: str):
    requirement = bid.tender.requirements[0]
    return client.post(
        f"/inschrijvingen/{bid.id}/eisen/{requirement.id}/bewijs",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _files() -> set:
    return set(uploads.upload_dir().iterdir())


def _attached(bid) -> list:
    db.session.expire_all()
    return [evidence for answer in bid.requirement_answers for evidence in answer.evidence]


# --- the adapter against clamd ----------------------------------------------------------------------


def test_clamd_names_the_signature_it_found_and_passes_a_clean_pdf(app, clamav):
    assert clamav_adapter.scan(_pdf(uploads.EICAR)) == signature_name("Portal.Test.EICAR")
    assert clamav_adapter.scan(_pdf(CUSTOM_TEST_STRING)) == signature_name("Portal.Test.Custom")
    assert clamav_adapter.scan(_pdf()) is None
    assert clamav_adapter.ping()


def test_clamd_over_tcp_gives_the_same_verdicts(app, clamav, monkeypatch):
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", "")
    monkeypatch.setitem(app.config, "CLAMD_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CLAMD_PORT", clamav.tcp_port)
    assert clamav_adapter.scan(_pdf(CUSTOM_TEST_STRING)) == signature_name("Portal.Test.Custom")
    assert clamav_adapter.scan(_pdf()) is None


def test_production_scans_with_clamav_by_default():
    assert ProductionConfig.VIRUS_SCANNER == "portal.clamav:scan"


# --- through the evidence upload route ---------------------------------------------------------------


def test_eicar_is_refused_by_clamd_with_the_message_and_nothing_stored(
    client, auth, no_csrf, bid, provider, clamav
):
    auth.login(provider)
    before = _files()
    response = _upload(client, bid, _pdf(uploads.EICAR), "besmet.pdf")
    assert response.status_code == 422
    assert VIRUS in response.text
    assert _files() == before
    assert _attached(bid) == []


def test_the_custom_signature_is_refused(app, client, auth, no_csrf, bid, provider, clamav):
    assert uploads.eicar_scanner(_pdf(CUSTOM_TEST_STRING)) is None  # only clamd's database knows it
    auth.login(provider)
    before = _files()
    response = _upload(client, bid, _pdf(CUSTOM_TEST_STRING), "verklaring.pdf")
    assert response.status_code == 422
    assert VIRUS in response.text
    assert _files() == before
    assert _attached(bid) == []


def test_a_clean_pdf_is_scanned_and_attached(client, auth, no_csrf, bid, provider, clamav):
    auth.login(provider)
    data = _pdf()
    response = _upload(client, bid, data, "beleid.pdf")
    assert response.status_code == 302
    (evidence,) = _attached(bid)
    assert evidence.original_name == "beleid.pdf"
    assert uploads.path_of(evidence.stored_name).read_bytes() == data


def test_eicar_inside_a_docx_part_is_refused(client, auth, no_csrf, bid, provider, clamav):
    docx = _docx(b"<w:document>" + uploads.EICAR + b"</w:document>")
    assert uploads.EICAR not in docx  # deflated: only an unpacked member shows it
    auth.login(provider)
    before = _files()
    response = _upload(client, bid, docx, "beleid.docx")
    assert response.status_code == 422
    assert VIRUS in response.text
    assert _files() == before
    assert _attached(bid) == []


def test_a_clean_docx_passes_clamd(client, auth, no_csrf, bid, provider, clamav):
    auth.login(provider)
    response = _upload(client, bid, _docx(b"<w:document>Ons beleid</w:document>"), "beleid.docx")
    assert response.status_code == 302
    assert len(_attached(bid)) == 1


# --- clamd down, silent or not configured: refused, nothing stored --------------------------------------


@needs_clamd
def test_clamd_stopped_refuses_the_upload_and_stores_nothing(
    app, client, auth, no_csrf, bid, provider, monkeypatch, tmp_path
):
    server = ClamdServer(tmp_path)
    server.start()
    monkeypatch.setitem(app.config, "VIRUS_SCANNER", "portal.clamav:scan")
    monkeypatch.setitem(app.config, "CLAMD_HOST", "")
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", server.socket_path)
    try:
        assert clamav_adapter.scan(_pdf()) is None  # it was up and answering
    finally:
        server.stop()
    assert not clamav_adapter.ping()
    auth.login(provider)
    before = _files()
    response = _upload(client, bid, _pdf(), "schoon.pdf")
    assert response.status_code == 422
    assert UNAVAILABLE in response.text
    assert _files() == before
    assert _attached(bid) == []


def test_a_clamd_that_never_answers_times_out_into_a_refusal(app, monkeypatch, tmp_path):
    path = str(tmp_path / "silent.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(path)
        silent.listen(1)  # accepts the connection, never reads or replies
        monkeypatch.setitem(app.config, "VIRUS_SCANNER", "portal.clamav:scan")
        monkeypatch.setitem(app.config, "CLAMD_HOST", "")
        monkeypatch.setitem(app.config, "CLAMD_SOCKET", path)
        monkeypatch.setitem(app.config, "CLAMD_TIMEOUT", 0.5)
        before = _files()
        started = time.monotonic()
        with pytest.raises(uploads.UploadRefused, match=UNAVAILABLE):
            uploads.store(io.BytesIO(_pdf()), "schoon.pdf")
        assert time.monotonic() - started < 5
        assert _files() == before


def test_clamd_over_tcp_not_listening_refuses(app, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free again once closed: nothing listens there
    monkeypatch.setitem(app.config, "VIRUS_SCANNER", "portal.clamav:scan")
    monkeypatch.setitem(app.config, "CLAMD_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CLAMD_PORT", port)
    assert (
        not clamav_adapter.ping()
    )  # no socket left open behind (the suite turns that warning into an error)
    with pytest.raises(uploads.UploadRefused, match=UNAVAILABLE):
        uploads.store(io.BytesIO(_pdf()), "schoon.pdf")


@needs_clamd
def test_a_file_above_clamds_stream_limit_is_refused_not_let_through(app, monkeypatch, tmp_path):
    server = ClamdServer(tmp_path, stream_max_length="1M")
    server.start()
    monkeypatch.setitem(app.config, "VIRUS_SCANNER", "portal.clamav:scan")
    monkeypatch.setitem(app.config, "CLAMD_HOST", "")
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", server.socket_path)
    try:
        before = _files()
        with pytest.raises(uploads.UploadRefused, match=UNAVAILABLE):
            uploads.store(io.BytesIO(_pdf(b"0" * 2 * 1024 * 1024)), "groot.pdf")
        assert _files() == before
    finally:
        server.stop()


def test_no_clamd_configured_refuses(app, monkeypatch):
    monkeypatch.setitem(app.config, "VIRUS_SCANNER", "portal.clamav:scan")
    monkeypatch.setitem(app.config, "CLAMD_HOST", "")
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", "")
    with pytest.raises(uploads.UploadRefused, match=UNAVAILABLE):
        uploads.store(io.BytesIO(_pdf()), "schoon.pdf")
