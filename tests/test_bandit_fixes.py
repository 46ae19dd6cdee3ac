"""The medium findings bandit made in portal/, fixed where they were real (issue 18).

The rule itself (bandit -ll fails `make test`) lives in the Makefile; these tests hold the fixes.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from portal import uploads


def _docx_with_content_types(content_types: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="{encoding}"?>{doctype}'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="{kind}"/></Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16"])
def test_a_dtd_in_content_types_is_refused_in_any_encoding(app, encoding):
    """B314: the byte search for "<!doctype" did not see a UTF-16 DTD; expat's own report does."""
    xml = CONTENT_TYPES.format(encoding=encoding, doctype='<!DOCTYPE t [<!ENTITY w "word">]>', kind=WORD_MAIN)
    docx = _docx_with_content_types(xml.encode(encoding.lower()))
    with pytest.raises(uploads.UploadRefused, match="archief"):
        uploads.store(io.BytesIO(docx), "dtd.docx")


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16"])
def test_content_types_without_a_dtd_are_read_in_either_encoding(app, encoding):
    plain = CONTENT_TYPES.format(encoding=encoding, doctype="", kind=WORD_MAIN)
    assert uploads.store(io.BytesIO(_docx_with_content_types(plain.encode(encoding.lower()))), "a.docx")
    macro = CONTENT_TYPES.format(
        encoding=encoding, doctype="", kind="application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    with pytest.raises(uploads.UploadRefused, match="macro's"):
        uploads.store(io.BytesIO(_docx_with_content_types(macro.encode(encoding.lower()))), "m.docx")
