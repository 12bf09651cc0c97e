"""Migration between regions: a share of one region's out-migrants settle in another region of the nation.

A region's model sends its out-migrants to "the rest of the country" and draws its
in-migrants from it (mobility.py: rates by age, out-migration rising with the region's
unemployment). In a national model the nation file's ``[[migration]]`` says which share of a
region's out-migrants go to another region (Statistics Korea's internal migration statistics
by origin and destination). Each month each out-migrant of the origin draws a destination by
those shares (one keyed uniform per person: common random numbers); those bound for a region
of the nation arrive there the next month as they were (age, occupation, skill; searching if
they were in the labour force), so people leave one region and arrive in the other. The
destination's own in-migration from the rest of the country is smaller by the share's
expected flow at the start's rates, which its in-migration rates already held.

Relative prospects: how many leave the origin follows the origin's unemployment (its
out-migration factor, mobility.py); how many of them choose a linked destination follows the
destination's, by the same mechanism the destination applies to everyone moving in (its
in-migration factor last month: net out-migrants per extra unemployed resident, half of them as
fewer arrivals; "Labor Mobility and Unemployment over the Business Cycle", Blanchard and Katz
1992; for Korea, Choi, Kim and Lim 2015, J. Korea Planning Assoc. 50(5): prime-age migrants move
to local labour markets with better employment opportunities). Prospects are relative: each
destination's weight is its link's share times that factor, the rest of the country's is what the
links leave (1 less the shares) at its start prospects (factor 1, the nation does not model it),
and every out-migrant goes to one of them in proportion to the weights. At the start (every factor
1) the links take their shares; a destination whose jobs go takes fewer, and its would-be migrants
go to the other destinations and the rest of the country; when every destination's prospects fall
together nothing changes but the rest of the country's part, which a complete nation (an origin's
shares adding up to 1, as the Korea nation's do: every inter-sido mover settles in another sido)
does not have, so its migrants stay in the nation.
"""

from __future__ import annotations

import numpy as np

from sim.inputs.nation import MigrationLink
from sim.region.mobility import Migrants
from sim.region.region_state import RegionState


def expected_out_migrants_per_month(state: RegionState) -> float:
    """The region's out-migrants a month at the start: residents by age band times the band's rate."""
    mobility, tables = state.config.mobility, state.mobility
    out_rate = np.asarray(mobility.out_migration_rate_per_year_by_age) / 12.0
    return float(tables.population_by_band_start @ out_rate)


def shares(mine: list[MigrationLink], prospects: dict[str, float]) -> np.ndarray:
    """Each link's share of the origin's out-migrants this month: relative prospects (module docstring).

    ``prospects``: the destinations' in-migration factors last month (1 when not known yet). A link's
    weight is the file's share x its destination's factor; the rest of the country weighs 1 less the
    file's shares; each link's share is its weight over all the weights.
    """
    base = np.array([link.share_of_out_migrants for link in mine])
    scaled = base * np.array([prospects.get(link.destination, 1.0) for link in mine])
    rest = max(1.0 - float(base.sum()), 0.0)
    total = float(scaled.sum()) + rest
    return scaled / total if total > 0.0 else scaled


def send(
    origin: str, state: RegionState, links: list[MigrationLink], month: int, prospects: dict[str, float] | None = None
) -> dict[str, Migrants]:
    """This month's out-migrants of ``origin`` bound for the nation's regions, by destination.

    ``prospects``: the destinations' in-migration factors last month (``MobilityState.in_migration_factor``).
    """
    tables, workforce = state.mobility, state.workforce
    rows = tables.departed_rows
    mine = [link for link in links if link.origin == origin]
    if not mine or len(rows) == 0:
        return {}
    draw = state.streams.uniform("migration_destination", month, workforce.key[rows])
    bounds = np.cumsum(shares(mine, prospects or {}))
    choice = np.searchsorted(bounds, draw, side="right")
    sent = {}
    for index, link in enumerate(mine):
        going = choice == index
        if going.any():
            chosen = rows[going]
            sent[link.destination] = Migrants(
                origin=origin,
                birth_month=workforce.birth_month[chosen].copy(),
                occupation=workforce.occupation[chosen].copy(),
                skill=workforce.skill[chosen].copy(),
                in_labour_force=tables.departed_in_labour_force[going].copy(),
            )
    return sent
