"""Plant closures as dated events: announcement, production stop, closure, and the staff's fates.

A ``[[shocks.closure]]`` entry (inputs/scenario.py, ``Closure``) names an assembly plant:

- from ``announced`` the plant neither hires nor follows its workforce plan;
- at ``production_stop`` its orders end (orders.py); of its staff then, chosen at random,
  ``transferred_share`` move to the group's plants outside the region (they leave the
  region, not laid off), ``unpaid_leave_share`` go on unpaid leave (still employed, as
  Statistics Korea counts the temporarily absent; the employer pays no wage and
  employment insurance pays ``unpaid_leave_allowance_share`` of it), ``skeleton_crew_share``
  stay at work and the rest are dismissed;
- at ``closed`` everyone still there is dismissed and the plant closes.

A dismissed worker is paid severance of ``severance_months_per_year`` months' wages per year
of tenure plus ``extra_severance_months`` (the legal retirement allowance and the extra
"honorary retirement" payment of Korean restructurings), by the plant; a plant of a group
(an assembly plant) borrows from the group what it lacks. Severance reaches household
income (households.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import Closure, month_number
from sim.region.labour_market import employees_of, lay_off
from sim.region.state import ACTIVE, ASSEMBLER, CLOSED, MOVED_OUT, NEVER, NO_EMPLOYER

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def run_closures(state: RegionState, month: int) -> None:
    """Stage: the month's announcements, production stops and closures of plants."""
    closures = state.config.shocks.closure
    if not closures:
        return
    firms = state.firms
    calendar = state.config.start_month + month - 1
    names = list(firms.name)
    for closure in closures:
        plant = names.index(closure.plant)
        if firms.status[plant] != ACTIVE:
            continue
        if calendar >= month_number(closure.announced):
            firms.closing[plant] = True
        if calendar == month_number(closure.production_stop):
            _stop_production(state, closure, plant, month)
        if calendar == month_number(closure.closed):
            _close(state, closure, plant, month)


def _stop_production(state: RegionState, closure: Closure, plant: int, month: int) -> None:
    workforce, firms = state.workforce, state.firms
    staff = employees_of(workforce, np.arange(firms.count) == plant)
    draw = state.streams.uniform(f"closure/{closure.plant}", month, workforce.key[staff])
    staff = staff[np.argsort(draw, kind="stable")]
    counts = np.round(len(staff) * np.array([closure.transferred_share, closure.unpaid_leave_share])).astype(int)
    skeleton = round(len(staff) * closure.skeleton_crew_share)
    transferred, rest = staff[: counts[0]], staff[counts[0] :]
    on_leave, rest = rest[: counts[1]], rest[counts[1] :]
    dismissed = np.sort(rest[skeleton:])

    transferred = np.sort(transferred)
    firms.release(workforce.employer[transferred], workforce.paid_wage(transferred))
    workforce.status[transferred] = MOVED_OUT
    workforce.employer[transferred] = NO_EMPLOYER
    workforce.quit_month[transferred] = NEVER
    state.tally["transferred_out"] += len(transferred)

    # Unpaid leave: still employed; the employer stops paying, employment insurance pays an allowance.
    on_leave = np.sort(on_leave)
    firms.payroll[plant] -= workforce.wage[on_leave].sum()
    workforce.on_leave[on_leave] = True
    workforce.leave_allowance_krw[on_leave] = workforce.wage[on_leave] * closure.unpaid_leave_allowance_share
    workforce.quit_month[on_leave] = NEVER  # assumption: they wait for recall or the closure

    _dismiss(state, closure, plant, dismissed, month)


def _close(state: RegionState, closure: Closure, plant: int, month: int) -> None:
    workforce, firms = state.workforce, state.firms
    staff = employees_of(workforce, np.arange(firms.count) == plant)
    returning = staff[workforce.on_leave[staff]]
    firms.payroll[plant] += workforce.wage[returning].sum()  # back on the payroll, to be dismissed
    workforce.on_leave[returning] = False
    workforce.leave_allowance_krw[returning] = 0.0
    _dismiss(state, closure, plant, staff, month)
    firms.status[plant] = CLOSED
    firms.closed_month[plant] = month
    state.tally["plant_closures"] += 1


def _dismiss(state: RegionState, closure: Closure, plant: int, workers: np.ndarray, month: int) -> None:
    """Pay severance (borrowed from the group where cash falls short), then lay the workers off."""
    if len(workers) == 0:
        return
    workforce, firms = state.workforce, state.firms
    tenure_years = (month - workforce.hire_month[workers]) / 12.0
    severance = workforce.wage[workers] * (
        closure.severance_months_per_year * tenure_years + closure.extra_severance_months
    )
    total = float(severance.sum())
    firms.cash[plant] -= total
    firms.flow_severance[plant] += total
    if firms.role[plant] == ASSEMBLER and firms.cash[plant] < 0:
        shortfall = -firms.cash[plant]
        firms.cash[plant] += shortfall
        firms.debt[plant] += shortfall
        firms.flow_borrowing[plant] += shortfall
    state.local.severance_received_krw += total
    state.tally["severance_paid"] += total
    lay_off(state, workers, month)
