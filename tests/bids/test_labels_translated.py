"""Labels built in Python for the matrix (a stale choice's pairs, a tender's result levels) go through
_(): in English they say "level", in Dutch "niveau"."""

from __future__ import annotations

from flask_babel import force_locale

from portal.bids import matrix_page
from portal.tenders.routes_matrix import _level_options
from tests.bids.conftest import all_pairs


def _labels(tender):
    (pairs,) = matrix_page.pair_labels(tender, all_pairs(tender))
    return pairs + [str(choice.label) for choice in _level_options(tender)]


def test_matrix_labels_follow_the_language(app, tender):
    with app.test_request_context():
        with force_locale("en"):
            english = _labels(tender)
        dutch = _labels(tender)
    assert english
    assert all(" level " in label and "niveau" not in label for label in english)
    assert all(" niveau " in label for label in dutch)
