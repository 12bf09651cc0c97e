"""Households' income and spending, and the local services demand that follows.

Households' disposable income Y is net wages (``net_share_of_wages``), unemployment
benefits, unpaid-leave allowances, policy transfers, pensions and severance. Their spending follows
income smoothed over months, S(t) = S(t-1) + a (Y(t) - S(t-1)) with a the
``spending_adjustment_per_month`` (KDI 2020: a transfer raised card spending by 26-36% of its
value in four months), at the average ``propensity_to_consume`` (Statistics Korea, Household
Income and Expenditure Survey); the ``local_share_of_spending`` of it buys the region's local
services (Bank of Korea regional input-output tables). What is not spent is saved, so a layoff
cuts spending over months, and severance is spent over the following year or so.

Traded firms also buy local services (transport, repair, business services): a share
``markets.local_services_per_krw_traded_sales`` of the region's traded sales to buyers outside
its chains (KIET's services-inducement coefficient of Korean manufacturing times the BOK
regional self-sufficiency). Services demand = autonomous + c x S + b x traded sales, with
c = propensity x local share. The local multiplier is then an outcome: with services output
per worker R, services pay w_s and output per traded job q, one traded job at net pay w_m
removes c w_m + b q of demand for good, and the services jobs lost remove c w_s each in turn,
so the long run loses (c w_m + b q) / (R - c w_s) services jobs per traded job (less while
benefits and savings last, and less again as the laid-off find other work).

Pensions (issues 11 and 16): every resident aged ``pension_age_years`` (65) or more receives the mean
pension income of the region's residents of that age, ``pension_krw_per_person_per_month`` (Statistics
Korea, Pension Statistics: the share of those aged 65+ receiving any pension times the recipients' mean
monthly amount, by sido), times (1 + g)^(t/12) with g = ``pension_real_growth_per_year`` (the real growth of
that mean as pensions mature; the model's pay does not grow in real terms). The total follows the residents
who hold them: it grows as the population ages and leaves with retirees who move. Pensions are paid by the
national funds and the central government (National Pension Service, Basic Pension, occupational schemes),
not by the policy desk, so, like unemployment benefits, they are household income and not ledger rows
(sim/policy/ledger.py counts the policy desk's money only); the monthly table reports them as
``pension_income``. They enter Y at the start, so the autonomous demand set from the start state is smaller
by c times the start's pensions and the start stays in balance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.region.mobility import residents
from sim.region.state import COMMUTING_OUT, EMPLOYED, UNEMPLOYED, Workforce

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def benefits_paid(workforce: Workforce, month: int) -> float:
    """Unemployment benefits paid this month, KRW."""
    receiving = (workforce.benefit_end_month > month) & (workforce.status == UNEMPLOYED)
    return float(workforce.benefit_krw[receiving].sum())


def pensions_paid(state: RegionState, month: int) -> float:
    """Pensions paid to the region's residents this month, KRW (see the module doc).

    Residents are every person not moved out (or aged out) who lives in the region (in-commuters,
    ``lives_outside``, draw theirs at home); a resident is of pension age from the month of the birthday.
    """
    households = state.config.households
    if households.pension_krw_per_person_per_month == 0.0:
        return 0.0
    workforce = state.workforce
    born_by = month - 12 * households.pension_age_years
    holders = np.count_nonzero(residents(workforce) & (workforce.birth_month <= born_by))
    growth = (1.0 + households.pension_real_growth_per_year) ** (month / 12.0)
    return holders * households.pension_krw_per_person_per_month * growth


def tie_local_demand_to_income(state: RegionState) -> None:
    """Set the spending coefficient and the autonomous demand from the start state (see the module doc)."""
    households, local = state.config.households, state.local
    local.smoothed_income_krw = local.income_krw
    local.spending_krw = households.propensity_to_consume * local.income_krw
    local.spending_coefficient = households.propensity_to_consume * households.local_share_of_spending
    firms, config = state.firms, state.config
    traded = ~np.isin(firms.sector, [config.sector_code(name) for name in config.local_services_names])
    traded_sales = float((firms.base_final_demand + firms.base_outside_sales)[traded].sum())
    local.business_purchases_krw = config.markets.local_services_per_krw_traded_sales * traded_sales
    local.autonomous_demand_krw = (
        firms.base_local_sales.sum() - local.spending_coefficient * local.income_krw - local.business_purchases_krw
    )


def residents_wages_and_benefits(state: RegionState, month: int) -> tuple[float, float]:
    """Gross wages and benefits of the region's residents this month, KRW.

    With commuting (``[mobility]``), in-commuters' pay and benefits go home with them, and
    residents working outside the region bring their pay home; without it, every wage the
    region's firms pay and every benefit is a resident's.
    """
    local, workforce = state.local, state.workforce
    if state.mobility is None:
        return local.wage_income_krw, local.benefit_income_krw
    outsiders = np.flatnonzero(workforce.lives_outside)
    status = workforce.status[outsiders]
    commuting_in = outsiders[status == EMPLOYED]
    receiving = outsiders[(status == UNEMPLOYED) & (workforce.benefit_end_month[outsiders] > month)]
    wages = local.wage_income_krw - float(workforce.paid_wage(commuting_in).sum())
    wages += float(workforce.wage[workforce.status == COMMUTING_OUT].sum())
    return wages, local.benefit_income_krw - float(workforce.benefit_krw[receiving].sum())


def disposable_income(state: RegionState, month: int) -> float:
    """This month's disposable income of the region's households, KRW (see the module doc)."""
    local = state.local
    wages, benefits = residents_wages_and_benefits(state, month)
    return (
        state.config.households.net_share_of_wages * wages
        + benefits
        + state.household_transfers_krw
        + local.pension_income_krw
        + local.severance_received_krw
    )


def settle_income(state: RegionState, month: int) -> None:
    """Stage: the month's wages, benefits, allowances, pensions and severance; households' spending and savings.

    Next month's local services demand follows the smoothed income set here.
    """
    local, workforce = state.local, state.workforce
    local.wage_income_krw = float(state.firms.flow_wages.sum())
    local.benefit_income_krw = benefits_paid(workforce, month)
    if state.config.shocks.closure:
        local.benefit_income_krw += float(workforce.leave_allowance_krw[workforce.on_leave].sum())
    local.pension_income_krw = pensions_paid(state, month)
    local.income_krw = disposable_income(state, month)
    local.severance_received_krw = 0.0
    adjustment = state.config.households.spending_adjustment_per_month
    local.smoothed_income_krw += adjustment * (local.income_krw - local.smoothed_income_krw)
    local.spending_krw = state.config.households.propensity_to_consume * local.smoothed_income_krw
    local.savings_krw += local.income_krw - local.spending_krw
