"""Each firm's employees and wage bill, as the workers' rows say at the end of the month.

The wage bill set here is what firms pay next month (production.pay_and_borrow).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.region.state import EMPLOYED

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def settle_payroll(state: RegionState, month: int) -> None:
    """Stage: recount employees and wage bills of every firm from the workers."""
    workforce, firms = state.workforce, state.firms
    employed = np.flatnonzero(workforce.status == EMPLOYED)
    employer = workforce.employer[employed]
    firms.employees = np.bincount(employer, minlength=firms.count)
    firms.wage_bill = np.bincount(employer, weights=workforce.wage[employed], minlength=firms.count)
