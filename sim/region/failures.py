"""Firm failures at the end of the policy point: firms still short of cash close; plants gone abroad close.

A firm whose cash is below zero after production, bank credit and any policy money fails:
its bank debt is written off (``bad_debt``) and everyone it employs is laid off. A plant
whose production has moved abroad entirely closes as ``RELOCATED``.

With gross churn (``entry.churn``), independent firms also exit at Statistics Korea's death
rate (``entry.death_rate_per_year``): each month and industry, a count drawn by the inverse
Poisson CDF of one keyed uniform, less the industry's failures of the month, of the active
independent firms with the lowest demand weight (``firms.demand_weight``, orders.py) leave:
the exit threshold is the weight below which the death rate's share of firms lies (Hopenhayn
1992: firms exit below a threshold of their own state). Their bank debt net of their cash is
written off and their staff are laid off as in a failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.region.entry import industry_codes, poisson_inverse
from sim.region.labour_market import employees_of, lay_off
from sim.region.state import ACTIVE, CLOSED, INDEPENDENT, RELOCATED

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
    closing = failed | moved_away
    entry = state.config.entry
    if entry is not None and entry.churn:
        exits = churn_exits(state, month, active & ~closing, failed)
        # The births at the birth rate include those that replace these deaths: their premises pass on at once
        # and are not free sites that raise entry (entry.free_sites; entry's free-site response is to closures).
        firms.site_reused_month[exits] = month
        state.tally["bad_debt"] += float(np.maximum(firms.debt[exits] - firms.cash[exits], 0.0).sum())
        firms.debt[exits] = 0.0
        firms.status[exits] = CLOSED
        closing |= exits
    firms.status[failed] = CLOSED
    firms.status[moved_away] = RELOCATED
    firms.closed_month[closing] = month
    state.tally["firm_failures"] = float(failed.sum())
    state.tally["firms_rescued"] = float((firms.distressed & ~failed).sum())
    for code, sector in enumerate(state.sectors):
        state.tally[f"firm_failures_{sector}"] = float((failed & (firms.sector == code)).sum())
    # Only firms with staff need the pass over every worker (firms.employees counts each firm's workers).
    if firms.employees[closing].any():
        lay_off(state, employees_of(state.workforce, closing), month)


def churn_exits(state: RegionState, month: int, candidates: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """Mask of the independent firms that exit this month by churn (see the module docstring).

    ``candidates``: firms that may exit (active, neither failed nor relocated this month); a
    plant whose closure is announced is left to its closure. Ties in the demand weight (all 0
    when firms' demand paths are off) are broken by a keyed uniform draw per firm.
    """
    firms, config = state.firms, state.config
    codes = industry_codes(config)
    independent = firms.role == INDEPENDENT
    pool = candidates & independent & ~firms.closing
    sector = firms.sector.astype(np.int64)
    sectors = len(state.sectors)
    active = np.bincount(sector[(firms.status == ACTIVE) & independent], minlength=sectors)[codes]
    failures = np.bincount(sector[failed & independent], minlength=sectors)[codes]
    mean = config.entry.death_rate_per_year / 12.0 * active
    counts = poisson_inverse(state.streams.uniform("firm_churn_exit", month, codes), mean) - failures
    exits = np.zeros(firms.count, dtype=bool)
    if not (counts > 0).any():
        return exits
    tie = state.streams.uniform("firm_churn_rank", month, firms.key)
    for code, count in zip(codes, counts, strict=True):  # a few industries
        if count <= 0:
            continue
        ids = np.flatnonzero(pool & (sector == code))
        order = np.lexsort((tie[ids], firms.demand_weight[ids]))
        leaving = ids[order[:count]]
        exits[leaving] = True
        # A traded firm's customers outside the region pass to the industry's survivors here (local services'
        # shares of local demand are renormalised among active firms in orders.py already): its base sales
        # are shared over theirs in proportion, so the industry's orders are unchanged by the exit, and their
        # plant grows with them (as with their own demand paths, orders.move_demand_weights).
        staying = ids[order[count:]]
        released, kept = firms.base_outside_sales[leaving].sum(), firms.base_outside_sales[staying].sum()
        if released > 0 and kept > 0:
            factor = 1.0 + released / kept
            firms.base_outside_sales[staying] *= factor
            firms.capacity[staying] *= factor
    return exits
