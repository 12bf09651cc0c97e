"""Everything one region's stages read and write in a month, in one object.

The stages of a month (``sim.model.STAGES``) are functions of this state and the month;
the policy desk is the only other writer, at the policy point. ``tally`` holds the counts of
the month's events, reset at the start of each month: the stage that causes an event
counts it, and the records only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.inputs.scenario import Scenario
from sim.region.labour_market import MatchingMarket, MatchResult
from sim.region.mobility import MobilityState
from sim.region.powertrain import PartsDemand
from sim.region.random_streams import RandomStreams
from sim.region.shocks import ShockSchedule
from sim.region.state import FirmTable, Workforce
from sim.region.supply_chain import SupplyNetwork

#: Monthly pay of this month's hires and of its job-to-job movers, KRW (for the stayers' and movers' mean wages).
PAY_OF_HIRES = ("hired_pay_krw", "job_to_job_pay_krw")

#: Counts of the month's events (columns of the monthly table), besides those by sector.
MONTH_EVENTS = (
    "layoffs",
    "quits",
    "dismissals",
    "contract_ends",
    "short_job_hires",
    "short_job_ends",
    "short_job_ends_unemployed",
    "job_to_job_moves",
    "hires",
    "vacancies",
    "firm_failures",
    "retirements",
    "entrants",
    "bad_debt",
    "firms_rescued",
    "firms_arrived",
    "foreign_entrants",
    "transferred_out",
    "plant_closures",
    "severance_paid",
    "minimum_wage_raises",
    "suppliers_converted",
    "firms_entered",
    "sites_reused",
    "supplier_orders_taken_over",
    "migrants_in",
    "migrants_out",
    "aged_out",
    "commuters_in_arrived",
)


@dataclass
class LocalEconomy:
    """Households' income and spending, and the local services demand that follows (see households.py)."""

    income_krw: float = 0.0  # this month's disposable income: net pay, benefits, transfers, pensions, severance
    smoothed_income_krw: float = 0.0  # the income households' spending follows, smoothed over months
    spending_coefficient: float = 0.0  # local services demand per KRW of smoothed income
    autonomous_demand_krw: float = 0.0  # services demand that follows neither households nor traded firms
    business_purchases_krw: float = 0.0  # traded firms' purchases of local services this month
    diverted_spending_krw: float = 0.0  # households' spending a policy moves from outside to local services
    wage_income_krw: float = 0.0  # this month's wages paid by the region's firms (gross)
    benefit_income_krw: float = 0.0  # this month's unemployment benefits and unpaid-leave allowances
    pension_income_krw: float = 0.0  # this month's pensions paid to the region's residents (households.pensions_paid)
    severance_received_krw: float = 0.0  # severance paid to the region's workers this month
    spending_krw: float = 0.0  # households' consumption spending this month (anywhere)
    savings_krw: float = 0.0  # disposable income not spent since the start (the households' buffer)


@dataclass
class RegionState:
    """The region: its firms and people, the links between them, and the month's tallies."""

    config: Scenario
    scale: float
    months: int
    streams: RandomStreams
    firms: FirmTable
    workforce: Workforce
    network: SupplyNetwork
    shocks: ShockSchedule
    matching: MatchingMarket
    occupation_cdf: np.ndarray  # sectors x occupations, cumulative occupation mix of each sector's jobs
    entrant_occupation_weights: np.ndarray
    entrant_skill_weights: np.ndarray  # skill levels 1-3
    initial_labour_force: int
    parts_demand: PartsDemand
    local: LocalEconomy = field(default_factory=LocalEconomy)
    tally: dict[str, float] = field(default_factory=dict)
    household_transfers_krw: float = 0.0  # policy payments to workers this month (set at the policy point)
    last_hires: MatchResult = field(default_factory=MatchResult.empty)
    entry_baseline: Any = None  # conditions at the start that firm entry responds to (entry.EntryBaseline)
    mobility: MobilityState | None = None  # set when the scenario has a [mobility] section (mobility.py)
    #: Per sector, the multiplier of sales outside the region that a national model (sim/nation) sets
    #: each month from other regions' buyers; None when the region runs alone.
    sales_to_regions: np.ndarray | None = None
    #: Firms, by sector name, that would have located here but another region of a national model
    #: attracted them; removed from the region's next inward investment of that sector (arrivals.py).
    arrivals_lost: dict[str, int] = field(default_factory=dict)

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.config.sector_names

    def start_month_tally(self) -> None:
        """Zero the month's event counts."""
        sectors = self.sectors
        self.tally = dict.fromkeys(
            [
                *MONTH_EVENTS,
                *PAY_OF_HIRES,
                *(f"layoffs_{s}" for s in sectors),
                *(f"firm_failures_{s}" for s in sectors),
            ],
            0.0,
        )
