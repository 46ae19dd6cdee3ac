"""Open data (OCDS) is public: every route for everyone, logged in or not."""

from tests.access.cases import EVERYONE, Case

BASE = "/open-data"

CASES = [
    Case("opendata.index", lambda w: f"{BASE}/", EVERYONE),
    Case(
        "opendata.tender_releases",
        lambda w: f"{BASE}/ocds/inkooptrajecten/{w.tender.id}/releases.json",
        EVERYONE,
    ),
    Case(
        "opendata.tender_record", lambda w: f"{BASE}/ocds/inkooptrajecten/{w.tender.id}/record.json", EVERYONE
    ),
    Case("opendata.all_releases", lambda w: f"{BASE}/ocds/releases.json", EVERYONE),
    Case("opendata.changes", lambda w: f"{BASE}/ocds/wijzigingen.json?since=2020-01-01T00:00:00Z", EVERYONE),
]
