"""Each firm's wage bill, as its workers' rows say at the end of the month.

The wage bill set here is what firms pay next month (production.pay_and_borrow). Each
firm's employee count is kept as workers come and go (every stage that hires or separates
adjusts ``firms.employees``), so it is not recounted here; the tests check that it always
equals the count from the workers' rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def settle_payroll(state: RegionState, month: int) -> None:
    """Stage: every firm's wage bill, the sum of its employees' wages (KRW per month)."""
    workforce, firms = state.workforce, state.firms
    # Only the employed have an employer; everyone else (NO_EMPLOYER = -1) falls in bin 0,
    # which is dropped. Each firm's wages are summed in the order of its workers' ids.
    bills = np.bincount(workforce.employer + 1, weights=workforce.wage, minlength=firms.count + 1)
    firms.wage_bill = bills[1:]
