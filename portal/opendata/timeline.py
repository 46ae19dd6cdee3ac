"""All releases of one tender, oldest first: the tender, its changes, its awards and its contracts."""

from __future__ import annotations

from portal.opendata import contracts, packages
from portal.opendata.queries import TenderData
from portal.opendata.releases import (
    Release,
    award_releases,
    awarded_organisations,
    nota_release,
    rectification_release,
    tender_release,
)


def releases(data: TenderData) -> list[Release]:
    """Every release of one tender, oldest first (ties by id)."""
    found = [tender_release(data)]
    found += [rectification_release(data, r) for r in data.rectifications]
    found += [nota_release(data, n) for n in data.notas]
    awards = award_releases(data)
    found += awards
    found += contracts.contract_releases(data, awarded=awarded_organisations(awards))
    return sorted(found, key=packages.order_key)
