"""National rules that change on dates: unemployment benefit, the minimum wage and the bank rate.

The scenario's ``[labour_market]`` benefit settings hold from the start; each
``[[rules.unemployment_benefit]]`` entry changes some of them from its ``start`` on (keys it
leaves out stay as they were), e.g. Korea's 2019 reform of the replacement rate and
durations. ``[[rules.minimum_wage]]`` entries set the monthly minimum wage from their
``start``: hires are paid at least that, and on the date the wages of employees below it
rise to it. ``[[rules.bank_rate]]`` entries set the banks' lending rate from their ``start``
(the Bank of Korea's base rate passing into loan rates), which firms' prices pass on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import Scenario, month_number
from sim.region.state import EMPLOYED

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


@dataclass(frozen=True)
class BenefitTerms:
    """Unemployment benefit in force: who is eligible, how much, for how long."""

    eligible_share: float
    replacement_rate: float
    cap_krw_per_month: float
    months_by_tenure_years: np.ndarray  # rows: [minimum tenure in years, months of benefit]

    def months(self, tenure_months: np.ndarray) -> np.ndarray:
        """Months of benefit for each tenure (Employment Insurance Act table)."""
        table = self.months_by_tenure_years
        row = np.searchsorted(table[:, 0] * 12.0, tenure_months, side="right") - 1
        return table[np.maximum(row, 0), 1].astype(np.int32)


def benefit_terms(scenario: Scenario, model_month: int) -> BenefitTerms:
    """The benefit rules in force in a model month."""
    labour = scenario.labour_market
    values = {
        "eligible_share": labour.benefit_eligible_share,
        "replacement_rate": labour.benefit_replacement_rate,
        "cap_krw_per_month": labour.benefit_cap_krw_per_month,
        "months_by_tenure_years": labour.benefit_months_by_tenure_years,
    }
    calendar = scenario.start_month + model_month - 1
    for rule in scenario.rules.unemployment_benefit:
        if month_number(rule.start) > calendar:
            break
        for key in values:
            if getattr(rule, key) is not None:
                values[key] = getattr(rule, key)
    return BenefitTerms(
        values["eligible_share"],
        values["replacement_rate"],
        values["cap_krw_per_month"],
        np.array(values["months_by_tenure_years"], dtype=float),
    )


def _in_force(scenario: Scenario, rules: list, field: str, model_month: int, before: float) -> float:
    """The value of ``field`` of the latest rule started by a model month (``before`` until the first)."""
    calendar = scenario.start_month + model_month - 1
    value = before
    for rule in rules:
        if month_number(rule.start) > calendar:
            break
        value = getattr(rule, field)
    return value


def minimum_wage(scenario: Scenario, model_month: int) -> float:
    """The monthly minimum wage in force in a model month, KRW (0 without one)."""
    return _in_force(scenario, scenario.rules.minimum_wage, "krw_per_month", model_month, 0.0)


def bank_rate(scenario: Scenario, model_month: int) -> float:
    """The banks' lending rate in force in a model month, per year (``firms.bank_rate_annual`` until a rule)."""
    return _in_force(
        scenario, scenario.rules.bank_rate, "bank_rate_annual", model_month, scenario.firms.bank_rate_annual
    )


def apply_rules(state: RegionState, month: int) -> None:
    """Stage: this month's national rules: a new minimum wage (a new bank rate is read by the banks).

    A new bank rate reaches every firm's rate when the banks price its loans in the production
    stage (credit.lending_rate: plus its SME and risk spreads). A minimum wage that rises
    lifts the wages of employees below it; the employers' payroll and this month's wage bill
    rise by the same amounts, and so does each employer's wage index (its wage cost per worker
    relative to the start), which its price and its labour demand weigh (prices.py,
    production.workforce_plans).
    """
    floor = minimum_wage(state.config, month)
    if floor <= 0 or (month > 1 and minimum_wage(state.config, month - 1) == floor):
        return
    workforce, firms = state.workforce, state.firms
    below = np.flatnonzero((workforce.status == EMPLOYED) & (workforce.wage < floor))
    raise_krw = floor - workforce.wage[below]
    paid = ~workforce.on_leave[below]
    workforce.wage[below] = floor
    extra = np.bincount(workforce.employer[below[paid]], weights=raise_krw[paid], minlength=firms.count)
    # The firm's wage cost per worker rises by the share the raises add to its payroll.
    firms.wage_index = firms.wage_index * np.divide(
        firms.payroll + extra, firms.payroll, out=np.ones(firms.count), where=firms.payroll > 0
    )
    firms.payroll += extra
    firms.wage_bill += extra
    state.tally["minimum_wage_raises"] += len(below)
