"""The help pages are public: everyone, logged in or not."""

from tests.access.cases import EVERYONE, Case

CASES = [
    Case("help.accessibility", lambda w: "/toegankelijkheid", EVERYONE),
    Case("help.how_to_bid", lambda w: "/hoe-werkt-inschrijven", EVERYONE),
]
