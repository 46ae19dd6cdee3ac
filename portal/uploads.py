"""Receiving files: type checked by content (not by name), size limit, virus scan, safe storage.

Files are stored outside static/ under random names; the original name is kept only as data.
`store(file, allowed=...)` returns what the caller records in its model; a refusal raises
UploadRefused with a message for the person, shown next to the field.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import filetype
from flask import Response, current_app, send_file
from flask_babel import gettext as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"

KIND_LABELS = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", JPEG: "JPG", PNG: "PNG"}
DOCUMENT_TYPES = frozenset({PDF, DOCX, XLSX})
EVIDENCE_TYPES = frozenset({PDF, DOCX, XLSX, JPEG, PNG})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Archive-bomb limits for DOCX/XLSX, checked on the zip directory before anything is extracted.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100

# The EICAR anti-virus test file (https://www.eicar.org): every scanner must refuse it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class UploadRefused(ValueError):
    """The file is not accepted; str(error) is the Dutch message for the person."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


class ScannerUnavailable(Exception):
    """The virus scanner could not give a verdict: the upload is refused, never accepted unscanned."""


class Scanner(Protocol):
    """A virus scanner: returns None when clean, or the name of what it found."""

    def __call__(self, data: bytes) -> str | None: ...


def eicar_scanner(data: bytes) -> str | None:
    """The built-in scanner: recognises the EICAR test string only. Plug a real one in with VIRUS_SCANNER."""
    return "EICAR-Test-File" if EICAR in data else None


def scanner() -> Scanner:
    """The configured scanner: VIRUS_SCANNER is a callable or a "module:attribute" path (e.g. a ClamAV client)."""
    configured = current_app.config.get("VIRUS_SCANNER")
    if configured is None:
        return eicar_scanner
    if callable(configured):
        return configured
    module, _sep, attribute = str(configured).partition(":")
    return getattr(importlib.import_module(module), attribute)


def scan(data: bytes) -> None:
    try:
        found = scanner()(data)
    except ScannerUnavailable as error:
        raise UploadRefused(
            _("De viruscontrole is op dit moment niet beschikbaar. Probeer het over enkele minuten opnieuw.")
        ) from error
    if found:
        raise UploadRefused(_("In dit bestand is een virus gevonden. Het bestand is niet opgeslagen."))


def check_archive(data: bytes) -> None:
    """Refuse a zip (DOCX/XLSX) that would expand too far, before anything is extracted."""
    refused = UploadRefused(
        _("Dit bestand is als archief te groot of beschadigd. Sla het opnieuw op en probeer het nog eens.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise refused from error
    if len(entries) > ZIP_MAX_ENTRIES:
        raise refused
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if total > ZIP_MAX_UNCOMPRESSED or total / compressed > ZIP_MAX_RATIO:
        raise refused
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > ZIP_MAX_RATIO:
            raise refused


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("invalid stored name")
    return upload_dir() / stored_name


def safe_display_name(name: str | None) -> str:
    """The file name as shown to people: no directories, no control or reserved characters, at most 200.

    "../../etc/passwd" becomes "passwd", "C:\\x\\a.pdf" becomes "a.pdf"; the name is only ever data.
    """
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*\x00')
    cleaned = cleaned.strip().lstrip(".").strip()
    return cleaned[:200] or "bestand"


def detect_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/zip" or kind.extension in ("docx", "xlsx"):
        return _office_type(head) or kind.mime
    return kind.mime


def _office_type(head: bytes) -> str | None:
    if b"word/" in head:
        return DOCX
    if b"xl/" in head:
        return XLSX
    return None


def store(
    stream: IO[bytes],
    original_name: str | None,
    *,
    allowed: frozenset[str] = EVIDENCE_TYPES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StoredFile:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(
            _("Het bestand is groter dan %(mb)s MB. Kies een kleiner bestand.", mb=max_bytes // (1024 * 1024))
        )
    if not data:
        raise UploadRefused(_("Het bestand is leeg. Kies het bestand opnieuw."))
    is_zip = data.startswith(b"PK")
    if is_zip:
        check_archive(data)
    content_type = detect_type(data if is_zip else data[:8192])
    if content_type not in allowed:
        kinds = ", ".join(sorted(KIND_LABELS[k] for k in allowed))
        raise UploadRefused(
            _("Dit type bestand nemen wij niet aan. Toegestaan zijn: %(kinds)s.", kinds=kinds)
        )
    scan(data)
    stored_name = secrets.token_hex(16)
    path_of(stored_name).write_bytes(data)
    return StoredFile(
        stored_name=stored_name,
        original_name=safe_display_name(original_name),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def send(stored_name: str, download_name: str, content_type: str) -> Response:
    """Serve a stored file as a download: attachment, its checked type, never sniffed, never cached."""
    response = send_file(
        io.BytesIO(path_of(stored_name).read_bytes()),  # files are small (size limit); no handle left open
        mimetype=content_type,
        as_attachment=True,
        download_name=safe_display_name(download_name),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
