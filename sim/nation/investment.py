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

import numpy as np

from sim.inputs.nation import InvestmentLink
from sim.inputs.scenario import Scenario
from sim.model import RegionModel


def choose_origins(
    destination: str, model: RegionModel, links: list[InvestmentLink], month: int
) -> list[tuple[str, str]]:
    """This month's firms ``destination`` attracted from other regions: (origin region, sector) of each bound for one.

    Each draws its origin by the links' shares (a keyed draw of the destination's streams); those that would
    have gone to a region outside the nation are left out.
    """
    mine = [link for link in links if link.destination == destination]
    moved = [sector for when, sector in model.desk.firms_from_other_regions if when == month]
    if not mine or not moved:
        return []
    draw = model.region.streams.generator("investment_origin", month).random(len(moved))
    bounds = np.cumsum([link.share_of_moved_firms for link in mine])
    choice = np.searchsorted(bounds, draw, side="right")
    return [(mine[index].origin, sector) for sector, index in zip(moved, choice, strict=True) if index < len(mine)]


def could_have_gone(origin: Scenario, sector: str) -> bool:
    """Whether the origin draws inward investment of this sector (else the firm could not have gone there)."""
    return origin.investment is not None and sector in origin.investment.sectors
