"""Households' income in the region and the local services demand that follows it.

Services demand = autonomous + c * (last month's wages, benefits and policy transfers paid
in the region). ``c`` is chosen at the start so that the long-run local multiplier is the
scenario's (1.6 local jobs per traded job, Moretti 2010): with services output per worker
R, services pay w_s and traded pay w_m, one traded job lost removes c * w_m of demand, and
the services jobs lost remove more income in turn; the long-run services jobs lost per
traded job are c * w_m / (R - c * w_s). Solving for c makes that equal the multiplier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.region.state import UNEMPLOYED, Workforce

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def benefits_paid(workforce: Workforce, month: int) -> float:
    """Unemployment benefits paid this month, KRW."""
    receiving = (workforce.benefit_end_month > month) & (workforce.status == UNEMPLOYED)
    return float(workforce.benefit_krw[receiving].sum())


def tie_local_demand_to_income(state: RegionState) -> None:
    """Set the spending coefficient and the autonomous demand from the start state (see the module doc).

    With several local-services industries, their multipliers are averaged with their base
    local sales as weights.
    """
    config, firms, local = state.config, state.firms, state.local
    codes = [config.sector_code(name) for name in config.local_services_names]
    services = np.isin(firms.sector, codes)
    multipliers = {config.industries[name].local_multiplier for name in config.local_services_names}
    if len(multipliers) <= 1:
        multiplier = multipliers.pop() if multipliers else 0.0
    else:
        sales = np.bincount(firms.sector, weights=firms.base_local_sales, minlength=len(config.sector_names))
        weights = np.array([sales[code] for code in codes])
        values = np.array([config.industries[name].local_multiplier for name in config.local_services_names])
        multiplier = float((weights * values).sum() / max(weights.sum(), 1e-9))
    employees = firms.employees.astype(float)
    wage_services = firms.wage_bill[services].sum() / max(employees[services].sum(), 1.0)
    if employees[~services].sum() > 0:
        wage_traded = firms.wage_bill[~services].sum() / employees[~services].sum()
    else:  # a region of services only: a lost job of any kind removes services pay
        wage_traded = wage_services
    sales_per_worker = firms.base_output[services].sum() / max(employees[services].sum(), 1.0)
    local.spending_coefficient = multiplier * sales_per_worker / (wage_traded + multiplier * wage_services)
    local.autonomous_demand_krw = firms.base_local_sales.sum() - local.spending_coefficient * local.income_krw


#: Assumption, until households hold savings of their own: severance (a lump sum of months
#: or years of wages) is spent evenly over the year after it is paid, not in one month.
SEVERANCE_SPENDING_MONTHS = 12


def settle_income(state: RegionState, month: int) -> None:
    """Stage: the month's wages, benefits and allowances; with transfers, next month's local income.

    Severance paid this month joins households' savings, spent over ``SEVERANCE_SPENDING_MONTHS``.
    """
    local, workforce = state.local, state.workforce
    local.wage_income_krw = float(state.firms.flow_wages.sum())
    local.benefit_income_krw = benefits_paid(workforce, month)
    local.income_krw = local.wage_income_krw + local.benefit_income_krw + state.household_transfers_krw
    if state.config.shocks.closure:
        allowances = float(workforce.leave_allowance_krw[workforce.on_leave].sum())
        local.benefit_income_krw += allowances
        local.severance_savings_krw += local.severance_received_krw
        local.severance_received_krw = 0.0
        spent = local.severance_savings_krw / SEVERANCE_SPENDING_MONTHS
        local.severance_savings_krw -= spent
        local.income_krw += allowances + spent
