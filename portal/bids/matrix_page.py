"""The choice page's matrix as HTML, rendered once per published tender, language and mode.

A published tender's matrix can no longer change (the tender services raise TenderFrozen), so its
HTML is the same for every provider; only which boxes are ticked differs. The matrix is rendered with
a marker where a box's `checked` goes, cut at the markers once, and each page joins the pieces with
its own choice: the 800 boxes of a 160-result matrix in five municipalities in about a millisecond,
instead of ~60 ms of Jinja and the matrix's queries. A draft tender is rendered every time.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import render_template
from markupsafe import Markup

from portal.i18n import current_locale
from portal.models import Tender, TenderStatus

_MARK = re.compile("\x00(\\d+):(\\d+)\x00")
_MAX_ENTRIES = 64  # tenders × languages × modes kept per process
Pieces = tuple[list[str], list[tuple[int, int]]]
_cache: OrderedDict[tuple[object, ...], Pieces] = OrderedDict()
_lock = threading.Lock()


def mark(result_level_id: int, municipality_id: int) -> Markup:
    return Markup("\x00{}:{}\x00").format(result_level_id, municipality_id)  # the values escaped


def render(
    tender: Tender, chosen: set[tuple[int, int]], *, editable: bool, matrix: Callable[[], object]
) -> Markup:
    """The matrix with `chosen` ticked; `matrix` loads queries.matrix(tender) when it must be rendered."""
    key = (tender.id, tender.published_at, current_locale(), editable)  # published_at: never reused
    cacheable = tender.status is TenderStatus.PUBLISHED
    with _lock:
        pieces = _cache.get(key) if cacheable else None
        if pieces is not None:
            _cache.move_to_end(key)
    if pieces is None:
        pieces = _cut(render_template("bids/_matrix.html", matrix=matrix(), editable=editable, mark=mark))
        if cacheable:
            with _lock:
                _cache[key] = pieces
                while len(_cache) > _MAX_ENTRIES:
                    _cache.popitem(last=False)
    texts, keys = pieces
    out = [texts[0]]
    for box, text in zip(keys, texts[1:], strict=True):
        out.append(" checked" if box in chosen else "")
        out.append(text)
    return Markup("".join(out))  # noqa: S704  # nosec B704  # pieces of our own rendered, escaped template


def _cut(html: str) -> Pieces:
    parts = _MARK.split(html)
    texts = parts[0::3]
    keys = [(int(rl), int(m)) for rl, m in zip(parts[1::3], parts[2::3], strict=True)]
    return texts, keys


def forget() -> None:
    """Empty the cache (tests)."""
    with _lock:
        _cache.clear()
