"""An aggregator follows the change feed from empty to a complete tender and rebuilds the record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import time_machine

from portal import clock
from portal.opendata import packages
from tests.opendata.helpers import BASE, Journey, get_json
from tests.opendata.validation import assert_record_package, assert_release_package


class Aggregator:
    """Reads the feed page by page, remembers the last (date, id) it saw and never reads one twice."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.seen: dict[str, dict[str, Any]] = {}
        self.cursor: tuple[str, str] | None = None
        self.pages = 0

    def poll(self) -> int:
        url = f"{BASE}/wijzigingen.json"
        if self.cursor is not None:
            url += f"?since={self.cursor[0]}&na={self.cursor[1]}"
        new = 0
        while url:
            page = get_json(self.client, url)
            self.pages += 1
            if page["releases"]:
                assert_release_package(page)
            for release in page["releases"]:
                assert release["id"] not in self.seen, f"read twice: {release['id']}"
                assert self.cursor is None or (release["date"], release["id"]) > self.cursor
                self.seen[release["id"]] = release
                self.cursor = (release["date"], release["id"])
                new += 1
            following = page.get("links", {}).get("next")
            url = urlsplit(following)._replace(scheme="", netloc="").geturl() if following else ""
        return new

    def record(self, ocid: str) -> dict[str, Any]:
        mine = [r for r in self.seen.values() if r["ocid"] == ocid]
        return {"ocid": ocid, "releases": sorted(mine, key=packages.order_key)}


def test_an_aggregator_follows_the_feed_from_empty_to_a_complete_tender(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OCDS_FEED_PAGE_SIZE", 2)  # several pages per poll
    aggregator = Aggregator(client)
    with time_machine.travel(clock.now(), tick=True) as traveller:
        assert aggregator.poll() == 0
        journey = Journey(app)
        checkpoints = [
            [journey.publish],
            [journey.rectify, journey.nota, journey.submit_bids],  # nothing about the bids themselves
            [journey.send_decisions],
            [journey.contract, journey.sign, journey.index],
        ]
        counts, pages = [], []
        for steps in checkpoints:
            for step in steps:
                step()
                traveller.shift(timedelta(seconds=3))  # the step's second has passed: the feed serves it
            before = aggregator.pages
            counts.append(aggregator.poll())
            pages.append(aggregator.pages - before)
        assert aggregator.poll() == 0
    assert counts == [1, 2, 1, 3]
    assert pages == [1, 1, 1, 2]  # three new releases at two a page: links.next was followed
    served = get_json(client, f"{BASE}/inkooptrajecten/{journey.tender.id}/record.json")
    assert_record_package(served)
    (record,) = served["records"]
    rebuilt = aggregator.record(record["ocid"])
    assert rebuilt["releases"] == record["releases"]
    assert packages.compile_releases(rebuilt["releases"]) == record["compiledRelease"]
    compiled = record["compiledRelease"]
    assert [c["status"] for c in compiled["contracts"]] == ["active"]
    assert len(compiled["contracts"][0]["amendments"]) == 1
    assert {s["name"] for a in compiled["awards"] for s in a["suppliers"]} == {journey.admitted.name}


def test_the_feed_holds_back_the_current_second(app, client):
    with time_machine.travel(clock.now(), tick=False):
        journey = Journey(app)
        journey.publish()
        assert get_json(client, f"{BASE}/wijzigingen.json")["releases"] == []
    with time_machine.travel(clock.now() + timedelta(seconds=1), tick=False):
        (release,) = get_json(client, f"{BASE}/wijzigingen.json")["releases"]
    assert release["tag"] == ["tender"]
