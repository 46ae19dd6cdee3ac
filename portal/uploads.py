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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, TypedDict, Unpack
from xml.parsers import expat

import filetype
from flask import Response, current_app, send_file
from flask_babel import gettext as _

from portal.refusals import DomainRefusal

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
ZIP_MAX_DEPTH = 3  # a DOCX may embed an XLSX (word/embeddings/); deeper nesting is refused

# Macro parts of an OOXML package: the VBA project under any name's casing, anywhere in the archive,
# and the content types Office gives macro-enabled documents (.docm/.xlsm/.dotm/.xltm/...), VBA projects
# and Excel 4.0 macro sheets.
MACRO_PART_NAMES = frozenset({"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"})
MACRO_CONTENT_TYPE_MARKS = ("macroenabled", "vbaproject", "vbadata", "macrosheet")
CONTENT_TYPES_MAX_BYTES = 1024 * 1024

# The EICAR anti-virus test file (https://www.eicar.org): every scanner must refuse it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class UploadRefused(DomainRefusal, ValueError):
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


def _archive_refused() -> UploadRefused:
    return UploadRefused(
        _("Dit bestand is als archief te groot of beschadigd. Sla het opnieuw op en probeer het nog eens.")
    )


def _macros_refused() -> UploadRefused:
    return UploadRefused(
        _(
            "Dit bestand bevat macro's. Bestanden met macro's nemen wij niet aan: sla het op als gewoon "
            "Word- of Excel-bestand (.docx of .xlsx) zonder macro's en probeer het opnieuw."
        )
    )


def check_archive(data: bytes) -> None:
    """Refuse a zip (DOCX/XLSX) that would expand too far, before anything is extracted.

    The one archive-limit check of the portal: evidence, tender documents and the matrix import use it.
    """
    refused = _archive_refused()
    entries = _entries(data)
    if len(entries) > ZIP_MAX_ENTRIES:
        raise refused
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if total > ZIP_MAX_UNCOMPRESSED or total / compressed > ZIP_MAX_RATIO:
        raise refused
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > ZIP_MAX_RATIO:
            raise refused


def _entries(data: bytes) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _archive_refused() from error


@dataclass
class ArchiveBudget:
    """What may still be extracted from one upload, over all its members and nested archives."""

    entries: int
    size: int


def archive_members(
    data: bytes, *, budget: ArchiveBudget | None = None, depth: int = 1
) -> Iterator[tuple[str, bytes]]:
    """(name, content) of every member, nested archives included, within the archive limits.

    Sizes are counted as actually extracted (a zip's directory may lie); a member that cannot be
    extracted (encrypted, damaged, unknown compression) refuses the whole file.
    """
    budget = budget or ArchiveBudget(entries=ZIP_MAX_ENTRIES, size=ZIP_MAX_UNCOMPRESSED)
    check_archive(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in (info for info in archive.infolist() if not info.is_dir()):
            content = _extract(archive, info, budget)
            yield info.filename, content
            if content.startswith(b"PK\x03\x04"):
                yield from _nested_members(content, budget, depth)


def _nested_members(content: bytes, budget: ArchiveBudget, depth: int) -> Iterator[tuple[str, bytes]]:
    if depth >= ZIP_MAX_DEPTH:
        raise _archive_refused()
    yield from archive_members(content, budget=budget, depth=depth + 1)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ArchiveBudget) -> bytes:
    budget.entries -= 1
    if budget.entries < 0:
        raise _archive_refused()
    try:
        with archive.open(info) as member:
            content = member.read(budget.size + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, zlib.error) as error:
        raise _archive_refused() from error
    budget.size -= len(content)
    if budget.size < 0:
        raise _archive_refused()
    return content


def check_macros(name: str, content: bytes) -> None:
    """Refuse a macro part (vbaProject.bin anywhere) or macro content types in [Content_Types].xml."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base in MACRO_PART_NAMES:
        raise _macros_refused()
    if base == "[content_types].xml":
        types = " ".join(_content_types(content)).lower()
        if any(mark in types for mark in MACRO_CONTENT_TYPE_MARKS):
            raise _macros_refused()


class _DoctypeFound(Exception):
    pass


def _content_types(content: bytes) -> list[str]:
    """The ContentType values of [Content_Types].xml, read as XML (character references resolved).

    No DTD is allowed, in whatever encoding the file declares: expat reports the DOCTYPE before any
    entity in it is declared, and the file is refused there (a byte search missed a UTF-16 one).
    """
    if len(content) > CONTENT_TYPES_MAX_BYTES:
        raise _archive_refused()
    found: list[str] = []
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = lambda _name, attributes: found.append(attributes.get("ContentType", ""))
    try:
        parser.Parse(content, True)
    except (expat.ExpatError, _DoctypeFound) as error:
        raise _archive_refused() from error
    return found


def _refuse_doctype(*_declaration: object) -> None:
    raise _DoctypeFound


def inspect_archive(data: bytes) -> None:
    """An OOXML/zip upload after extraction: no macro parts, and every member through the virus scanner."""
    for name, content in archive_members(data):
        check_macros(name, content)
        if content:
            scan(content)


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


@dataclass(frozen=True)
class Received:
    """An upload that passed every check, not yet written to disk."""

    data: bytes
    original_name: str
    content_type: str


def receive(
    stream: IO[bytes],
    original_name: str | None,
    *,
    allowed: frozenset[str] = EVIDENCE_TYPES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Received:
    """Size, archive limits, type by content, macros and virus scan (of the file and of every member)."""
    data = _read(stream, max_bytes)
    is_zip = data.startswith(b"PK")
    if is_zip:
        check_archive(data)
    content_type = _allowed_type(data if is_zip else data[:8192], allowed)
    if is_zip:
        inspect_archive(data)
    scan(data)
    return Received(data=data, original_name=safe_display_name(original_name), content_type=content_type)


def _read(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(
            _("Het bestand is groter dan %(mb)s MB. Kies een kleiner bestand.", mb=max_bytes // (1024 * 1024))
        )
    if not data:
        raise UploadRefused(_("Het bestand is leeg. Kies het bestand opnieuw."))
    return data


def _allowed_type(head: bytes, allowed: frozenset[str]) -> str:
    content_type = detect_type(head)
    if content_type not in allowed:
        kinds = ", ".join(sorted(KIND_LABELS[k] for k in allowed))
        raise UploadRefused(
            _("Dit type bestand nemen wij niet aan. Toegestaan zijn: %(kinds)s.", kinds=kinds)
        )
    return content_type


def save(received: Received) -> StoredFile:
    """Write a received upload under a random name outside static/."""
    stored_name = secrets.token_hex(16)
    path_of(stored_name).write_bytes(received.data)
    return StoredFile(
        stored_name=stored_name,
        original_name=received.original_name,
        content_type=received.content_type,
        size=len(received.data),
        sha256=hashlib.sha256(received.data).hexdigest(),
    )


class Limits(TypedDict, total=False):
    """What `receive` accepts: the allowed types, the largest size."""

    allowed: frozenset[str]
    max_bytes: int


def store(stream: IO[bytes], original_name: str | None, **limits: Unpack[Limits]) -> StoredFile:
    return save(receive(stream, original_name, **limits))


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
