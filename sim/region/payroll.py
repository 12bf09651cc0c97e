"""The wage bill firms pay next month: their payroll at the end of this month.

Each firm's employee count and payroll (the wages of its workers) are kept as workers join
and leave (``FirmTable.hire`` and ``FirmTable.release``, called wherever a worker is hired,
placed, quits, is laid off, retires or leaves with a visa); the tests check them against a
recount from the workers' rows every month. The wage bill is fixed here, at the end of the
month, and paid by production next month, so placements at a policy point count from the
next month on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def settle_payroll(state: RegionState, month: int) -> None:
    """Stage: next month's wage bill of every firm is its payroll now (KRW per month)."""
    state.firms.wage_bill = state.firms.payroll
