"""Firm failures at the end of the policy point: firms still short of cash close; plants gone abroad close.

A firm whose cash is below zero after production, bank credit and any policy money fails:
its bank debt is written off (``bad_debt``) and everyone it employs is laid off. A plant
whose production has moved abroad entirely closes as ``RELOCATED``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.region.labour_market import employees_of, lay_off
from sim.region.state import ACTIVE, CLOSED, RELOCATED

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def settle_failures(state: RegionState, month: int) -> None:
    """Stage: close failed and fully relocated firms and lay off their workers."""
    firms = state.firms
    active = firms.status == ACTIVE
    failed = active & (firms.cash < 0.0)
    firms.flow_cash_after = firms.cash
    state.tally["bad_debt"] = float(firms.debt[failed].sum())
    firms.debt[failed] = 0.0
    moved_away = (firms.relocated_share >= 1.0) & active & ~failed
    firms.status[failed] = CLOSED
    firms.status[moved_away] = RELOCATED
    firms.closed_month[failed | moved_away] = month
    state.tally["firm_failures"] = float(failed.sum())
    state.tally["firms_rescued"] = float((firms.distressed & ~failed).sum())
    for code, sector in enumerate(state.sectors):
        state.tally[f"firm_failures_{sector}"] = float((failed & (firms.sector == code)).sum())
    closing = failed | moved_away
    # Only firms with staff need the pass over every worker (firms.employees counts each firm's workers).
    if firms.employees[closing].any():
        lay_off(state, employees_of(state.workforce, closing), month)
