"""The demo data's published tenders as OCDS: the bulk file and each record package validate."""

from __future__ import annotations

from portal import demo
from portal.extensions import db
from tests.opendata.helpers import BASE, get_json
from tests.opendata.validation import assert_record_package, assert_release_package


def test_the_demo_tenders_validate_as_ocds(app, client):
    demo.seed()
    db.session.commit()
    bulk = get_json(client, f"{BASE}/releases.json")
    assert_release_package(bulk)
    assert bulk["releases"], "the demo has a published tender"
    for tender_id in {int(r["ocid"].rsplit("-", 1)[1]) for r in bulk["releases"]}:
        assert_record_package(get_json(client, f"{BASE}/inkooptrajecten/{tender_id}/record.json"))
