"""The supply network: who buys parts from whom, and how orders travel up the chain.

``input_coefficients[s, b]`` is the KRW that buyer ``b`` orders from supplier ``s`` per KRW
of its own output. Orders this month follow last month's output, so a fall in final demand
reaches tier-1 suppliers one month later and tier-2 suppliers two months later (Pichler et
al. 2022 and Inoue and Todo 2019 model production networks the same way: output is limited
by demand, labour and inputs, and shocks pass along supplier links).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from sim.inputs.scenario import PART_TYPES, Scenario
from sim.region.powertrain import tag_probabilities
from sim.region.state import ASSEMBLER, TIER1, TIER2, FirmTable


@dataclass
class SupplyNetwork:
    """Input coefficients between the region's firms; the split of base sales by market is in firm columns."""

    input_coefficients: sparse.csr_matrix  # supplier x buyer, KRW ordered per KRW of buyer output
    base_buyer_output: np.ndarray  # every firm's output at the start, to turn coefficients into sales
    #: Orders of failed suppliers not yet taken over (entry.take_over_orders): sorted (buyer, part) group ids
    #: and their input coefficients.
    lost_groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lost_values: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def orders(self, buyer_output: np.ndarray) -> np.ndarray:
        """Orders each supplier receives from the region's buyers for the given buyer output."""
        return self.input_coefficients @ buyer_output

    def grow_to(self, count: int, base_output: np.ndarray) -> None:
        """Make room for arriving firms, which buy and sell outside the supply chains."""
        added = count - self.input_coefficients.shape[0]
        if added > 0:
            self.input_coefficients.resize((count, count))
            self.base_buyer_output = np.concatenate([self.base_buyer_output, base_output])

    def dependence_on_largest_customer(self) -> np.ndarray:
        """For each firm, the share of its in-region network sales that goes to its largest customer."""
        sales = self.input_coefficients.multiply(self.base_buyer_output[np.newaxis, :]).tocsr()
        largest = sales.max(axis=1).toarray().ravel()
        total = np.asarray(sales.sum(axis=1)).ravel()
        return np.divide(largest, total, out=np.zeros_like(total), where=total > 0)


def build_supply_network(table: FirmTable, scenario: Scenario, generator: np.random.Generator) -> SupplyNetwork:
    """Link tier-1 suppliers to assemblers and tier-2 suppliers to tier-1 firms of the same chain.

    Each supplier sells ``1 - export_share`` of its output inside the region, split over one
    to ``customers_max`` customers (chosen with probability proportional to their size, with
    Dirichlet-distributed shares), so many suppliers depend on a single customer. Auto tier-1
    suppliers are tagged combustion-specific, electric-specific or neutral; a tier-2 supplier
    takes the tag of its largest customer.
    """
    count = table.count
    base_output = table.base_output
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sales: list[np.ndarray] = []
    network_sales = np.zeros(count)
    for chain_name, chain in scenario.chains.items():
        in_chain = table.sector == scenario.sector_code(chain_name)
        assemblers = np.flatnonzero(in_chain & (table.role == ASSEMBLER))
        tier1 = np.flatnonzero(in_chain & (table.role == TIER1))
        tier2 = np.flatnonzero(in_chain & (table.role == TIER2))
        if chain.powertrain is not None and len(tier1):
            codes = np.arange(len(PART_TYPES), dtype=np.int8)
            probs = tag_probabilities(chain.powertrain, scenario)
            table.part_type[tier1] = generator.choice(codes, size=len(tier1), p=probs)
        for suppliers, buyers, customers_max in (
            (tier1, assemblers, chain.tier1.customers_max),
            (tier2, tier1, chain.tier2.customers_max),
        ):
            if len(suppliers) == 0 or len(buyers) == 0:
                continue
            buyer_weights = base_output[buyers] / base_output[buyers].sum()
            for supplier in suppliers:
                k = int(generator.integers(1, min(customers_max, len(buyers)) + 1))
                chosen = generator.choice(buyers, size=k, replace=False, p=buyer_weights)
                shares = generator.dirichlet(np.ones(k)) if k > 1 else np.ones(1)
                amount = (1.0 - table.export_share[supplier]) * base_output[supplier]
                rows.append(np.full(k, supplier))
                cols.append(chosen)
                sales.append(shares * amount)
                network_sales[supplier] = amount
                if chain.powertrain is not None and table.role[supplier] == TIER2:
                    table.part_type[supplier] = table.part_type[chosen[np.argmax(shares)]]
    if rows:
        row = np.concatenate(rows)
        col = np.concatenate(cols)
        value = np.concatenate(sales)
    else:
        row = col = np.zeros(0, dtype=np.int64)
        value = np.zeros(0)
    coefficients = sparse.csr_matrix((value / base_output[col], (row, col)), shape=(count, count))
    # A buyer cannot source more inside the region than it buys in all: trim and send the rest outside.
    column_sums = np.asarray(coefficients.sum(axis=0)).ravel()
    limit = table.input_cost_share * 0.95
    excess = column_sums > limit
    if excess.any():
        factors = np.ones(count)
        factors[excess] = limit[excess] / column_sums[excess]
        coefficients = (coefficients @ sparse.diags(factors)).tocsr()
        network_sales = coefficients @ base_output
    coefficients.eliminate_zeros()

    is_services = np.isin(table.sector, [scenario.sector_code(name) for name in scenario.local_services_names])
    is_assembler = table.role == ASSEMBLER
    base_final = np.where(is_assembler, base_output, 0.0)
    outside = np.where(is_services, table.export_share * base_output, 0.0)
    independent_goods = ~is_services & ~is_assembler & (table.role != TIER1) & (table.role != TIER2)
    outside = np.where(independent_goods, base_output, outside)
    suppliers = (table.role == TIER1) | (table.role == TIER2)
    outside = np.where(suppliers, base_output - network_sales, outside)
    local = np.where(is_services, (1.0 - table.export_share) * base_output, 0.0)
    table.base_final_demand = base_final
    table.base_outside_sales = np.maximum(outside, 0.0)
    table.base_local_sales = local
    return SupplyNetwork(input_coefficients=coefficients, base_buyer_output=base_output.copy())
