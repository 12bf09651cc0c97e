"""Trade between regions: a seller region's sales to other regions' assembly plants follow their output.

A region's model knows its buyers outside only as sales outside the region (orders.py). In a
national model a share of a sector's outside sales goes to another region's assembly plants
(the nation file's ``[[trade]]``, each share with its source: the Bank of Korea's
inter-regional input-output tables give how much of a region's parts go to which region's
industries). That share follows the buyers' output relative to the start, with the same
one-month lag as orders inside a region's chain (supply_chain.py: suppliers receive orders
from last month's output of their buyers); the rest of the sector's outside sales are as the
region's scenario says.
"""

from __future__ import annotations

import numpy as np

from sim.inputs.nation import TradeLink
from sim.region.region_state import RegionState
from sim.region.state import ASSEMBLER


def assembly_output_krw(state: RegionState) -> float:
    """This month's output of the region's assembly plants, KRW (closed plants produce nothing)."""
    firms = state.firms
    count = firms.count
    return float(firms.output[:count][firms.role[:count] == ASSEMBLER].sum())


def assembly_base_krw(state: RegionState) -> float:
    """The region's assembly plants' output at the start (their base output), KRW per month."""
    firms = state.firms
    count = firms.count
    return float(firms.base_output[:count][firms.role[:count] == ASSEMBLER].sum())


def sales_multipliers(
    links: list[TradeLink],
    sector_names: dict[str, tuple[str, ...]],
    assembly_index: dict[str, float],
) -> dict[str, np.ndarray]:
    """Per seller region, the per-sector multiplier of its outside sales next month.

    ``assembly_index``: each buyer region's assembly output this month over its base. A sector
    selling the share s to buyer b gets 1 - s + s x index_b, summed over its buyers.
    """
    multipliers = {region: np.ones(len(names)) for region, names in sector_names.items()}
    for link in links:
        code = sector_names[link.seller].index(link.sector)
        multipliers[link.seller][code] += link.share_of_outside_sales * (assembly_index[link.buyer] - 1.0)
    return multipliers
