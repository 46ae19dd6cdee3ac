"""A contract in force whose result carries real iStandaarden codes, through the features' own services."""

from __future__ import annotations

from flask import Flask

from tests.opendata.helpers import Journey


def contracted(app: Flask, *, sign: bool = True) -> Journey:
    journey = Journey(app)
    result = journey.tender.results[0]
    result.product_category, result.product_code, result.unit, result.frequency = "45", "45A01", "82", "4"
    journey.publish()
    journey.submit_bids()
    journey.admitted.agb_code = "12345678"
    journey.send_decisions()
    journey.contract()
    if sign:
        journey.sign()
    return journey
