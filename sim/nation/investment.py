"""Investment that moves between regions: a firm one region attracts from another is a firm the other loses.

An investment incentive records the firms it brings that would otherwise have located in
another Korean region (interventions/investment.py, ``from_other_regions_share``; the desk
notes them by sector). In a national model the nation file's ``[[investment]]`` says which
share of those would have gone to which region of the nation; each such firm draws its origin
by those shares (the rest would have gone to regions outside the nation) and, if the origin
draws inward investment in that sector, the origin's next arriving firm of the sector does not
come (arrivals.py, ``arrivals_lost``): the origin's own draws stand, less that firm.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.inputs.nation import InvestmentLink
from sim.model import RegionModel


def move_firms(
    destination: str, model: RegionModel, regions: dict[str, RegionModel], links: list[InvestmentLink], month: int
) -> list[dict[str, Any]]:
    """Take this month's firms ``destination`` attracted from other regions out of their origins' arrivals."""
    mine = [link for link in links if link.destination == destination]
    moved = [sector for when, sector in model.desk.firms_from_other_regions if when == month]
    if not mine or not moved:
        return []
    draw = model.region.streams.generator("investment_origin", month).random(len(moved))
    bounds = np.cumsum([link.share_of_moved_firms for link in mine])
    choice = np.searchsorted(bounds, draw, side="right")
    records = []
    for sector, index in zip(moved, choice, strict=True):
        if index >= len(mine):
            continue  # would have gone to a region outside the nation
        origin = regions[mine[index].origin]
        sectors = origin.config.investment.sectors
        if sector not in sectors:
            continue  # the origin draws no inward investment of this kind: it could not have gone there
        lost = origin.region.arrivals_lost
        lost[sector] = lost.get(sector, 0) + 1
        records.append({"month": month, "destination": destination, "origin": mine[index].origin, "sector": sector})
    return records
