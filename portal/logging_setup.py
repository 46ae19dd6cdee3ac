"""Logging for the whole process: every record is one line, whatever values it carries.

A value a user typed (a name, an e-mail address, a subject) can hold a line break and so forge a log
line that looks like the portal's own. Every record made in this process is of `OneLineRecord`, whose
message escapes line breaks and control characters (CR as \\r, LF as \\n, others as \\xNN or \\uNNNN),
so it holds for every handler and formatter (gunicorn's too). Tracebacks stay as they are: they come
from the code, not from the message.
"""

from __future__ import annotations

import logging

# C0 and C1 controls, DEL, Unicode line/paragraph separators, bidi overrides and isolates.
_ESCAPED = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_NAMED = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}
_TABLE = {
    code: _NAMED.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in _ESCAPED
}


def one_line(text: str) -> str:
    """`text` as one visible line: every control or line-breaking character written as an escape."""
    return text.translate(_TABLE)


class OneLineRecord(logging.LogRecord):
    def getMessage(self) -> str:  # noqa: N802 - the logging module's own name
        return one_line(super().getMessage())


def install(level: int | None = None) -> None:
    """Make every log record one line; with `level`, also send records to stderr (production)."""
    logging.setLogRecordFactory(OneLineRecord)
    if level is not None:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
