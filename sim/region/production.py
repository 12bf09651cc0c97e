"""Orders, production and firm finance for one month, for all firms at once.

Output is the least of orders, plant capacity and what the workforce can make (Pichler et
al. 2022). Firms then pay wages, inputs, fixed costs, interest and scheduled repayments;
a firm short of cash borrows if its leverage and credit record allow, and fails if not.
Banks price each firm's loans by its risk and ration above their limits (sim/region/credit.py).

Every flow is KRW per month. For each active firm, within the month:
``cash_after - cash_before = revenue + borrowing - wages - inputs - fixed - interest - repayment``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.inputs.scenario import FirmBehaviour
from sim.region import credit
from sim.region.rules import bank_rate
from sim.region.state import ACTIVE, FirmTable

if TYPE_CHECKING:
    from sim.region.region_state import RegionState


def produce_and_pay(state: RegionState, month: int) -> None:
    """Stage: produce this month's orders within capacity and labour, settle accounts, borrow.

    Banks first renew the loans that mature this month and reset their leverage spread
    (credit.renew). Sets ``firms.output``, the month's ``flow_*`` columns and
    ``firms.distressed`` (short of cash with no bank credit: such a firm fails at the end of
    the month unless a policy restores its cash).
    """
    firms = state.firms
    grow_productivity(firms, month)
    credit.renew(firms, month, state.config.firms)
    output = produce(firms, firms.orders, firms.capacity_factor)
    firms.distressed = pay_and_borrow(
        firms, output, firms.capacity_factor, state.config.firms, bank_rate(state.config, month)
    )
    firms.output = output


def grow_productivity(firms: FirmTable, month: int) -> None:
    """Output per worker grows by (1 + g)^(1/12) a month, g the firm's ``productivity_growth_per_year``.

    So a firm's productivity in month m is its start value times (1 + g)^(m/12); a firm entering in
    month m starts at its group's value times the same factor (arrivals.add_firms) and grows from the
    next month. Labour-augmenting (output per worker; pay, prices and the input share per unit of output
    do not follow: docs/model.md 7.3b). At given orders a firm then needs 1 / (1 + g) as many workers a
    year on: employment growth = output growth - productivity growth (the growth-accounting identity,
    output = workers x output per worker).
    """
    growth = firms.productivity_growth_per_year
    if not growth.any():
        return
    grows = (growth != 0.0) & (firms.entry_month < month)
    firms.productivity = np.where(grows, firms.productivity * (1.0 + growth) ** (1.0 / 12.0), firms.productivity)


def produce(firms: FirmTable, demand: np.ndarray, capacity_factor: np.ndarray) -> np.ndarray:
    """Output of each firm (KRW/month): min(orders, capacity, labour x productivity); zero if closed."""
    labour_limit = firms.employees * firms.productivity
    output = np.minimum(np.minimum(demand, firms.capacity * capacity_factor), labour_limit)
    return np.where(firms.status == ACTIVE, np.maximum(output, 0.0), 0.0)


def pay_and_borrow(
    firms: FirmTable,
    output: np.ndarray,
    capacity_factor: np.ndarray,
    behaviour: FirmBehaviour,
    bank_rate_annual: float,
) -> np.ndarray:
    """Settle the month's accounts into the ``flow_*`` columns; return the mask of firms in distress.

    Fixed costs are the overheads of the capacity in use this month (capacity moved
    abroad costs nothing here; infrastructure policies may discount them).

    The month's interest is charged at the rate the banks set from the firm's leverage (at
    its last renewal) and loss record at the start of the month (credit.lending_rate). A firm
    within its limit rolls its working-capital line over and repays borrowing above it over
    ``loan_term_months``; a firm over its limit must repay its maturing loans,
    ``1/debt_maturity_months`` of its debt a month (credit.repayment).
    A firm whose cash would fall below zero borrows the shortfall if its debt stays within
    ``max_debt_to_annual_sales`` of its (smoothed) annual sales, plus any guaranteed cover,
    and its loss record allows; an assembly plant's group funds it (its debt then is to the
    group) for up to ``group_max_loss_months`` loss-making months in a row. Otherwise a firm
    is in distress: it fails at the end of the month unless a policy puts its cash back above zero.
    """
    active = firms.status == ACTIVE
    firms.interest_rate = np.where(active, credit.lending_rate(firms, bank_rate_annual, behaviour), firms.interest_rate)
    overheads = firms.overhead_rate * firms.capacity * capacity_factor * (1.0 - firms.overhead_discount)
    firms.fixed_costs = np.where(active, overheads, 0.0)
    revenue = np.where(active, output * firms.price, 0.0)
    wages = np.where(active, firms.wage_bill, 0.0)
    inputs = np.where(active, output, 0.0) * firms.input_cost_share
    fixed = np.where(active, firms.fixed_costs, 0.0)
    interest = np.where(active, firms.debt * firms.interest_rate / 12.0, 0.0)
    repayment = np.where(active, credit.repayment(firms, behaviour), 0.0)
    operating_profit = revenue - wages - inputs - fixed - interest

    investment = np.where(active, firms.conversion_cost_per_month, 0.0)
    cash_before = firms.cash.copy()
    cash_after_payments = cash_before + operating_profit - repayment - investment
    shortfall = np.where(active, np.maximum(-cash_after_payments, 0.0), 0.0)
    firms.loss_months = np.where(active & (operating_profit < 0), firms.loss_months + 1, 0).astype(np.int32)
    firms.annual_sales = np.where(
        active, firms.annual_sales + (12.0 * revenue - firms.annual_sales) / 12.0, firms.annual_sales
    )
    debt_after_repayment = firms.debt - repayment
    room = credit.credit_room(firms, debt_after_repayment, behaviour)
    credit_ok = firms.loss_months <= behaviour.max_loss_months_for_credit
    # An assembly plant belongs to a large group (Kia, an appliance maker) that funds its
    # losses up to the group's limit (credit.group_funds).
    group_funded = credit.group_funds(firms, behaviour)
    can_borrow = (credit_ok & (shortfall <= room)) | group_funded
    needs_money = shortfall > 0
    borrowing = np.where(needs_money & can_borrow, shortfall, 0.0)
    distressed = active & needs_money & ~can_borrow

    firms.debt = debt_after_repayment + borrowing
    firms.cash = cash_after_payments + borrowing
    firms.flow_revenue = revenue
    firms.flow_borrowing = borrowing
    firms.flow_wages = wages
    firms.flow_inputs = inputs
    firms.flow_fixed = fixed
    firms.flow_interest = interest
    firms.flow_repayment = repayment
    firms.flow_cash_before = cash_before
    firms.flow_cash_after = firms.cash
    firms.flow_policy_in = 0.0
    firms.flow_policy_out = 0.0
    firms.flow_severance = 0.0
    firms.flow_investment = investment
    return distressed


def update_expectations_and_capacity(
    firms: FirmTable, demand: np.ndarray, capacity_factor: np.ndarray, behaviour: FirmBehaviour
) -> None:
    """Adaptive expectations of orders, and capacity that follows them slowly.

    Each month capacity closes ``capacity_adjustment_per_month`` of the gap to expected
    orders plus headroom, scaled by the cost of capital: the user cost (the firm's interest
    rate plus ``depreciation_rate_annual``) against its start, to the power of
    ``user_cost_elasticity`` (Chirinko, Fazzari and Meyer 1999: about -0.25 on US firm data).
    Growing firms invest, shrinking firms run plant down; a firm making losses does not add
    capacity. Capacity moved abroad (``capacity_factor`` < 1) is gone at once. Fixed costs
    follow the capacity in use.
    """
    active = firms.status == ACTIVE
    weight = behaviour.expectation_weight
    firms.expected_demand = np.where(
        active, (1 - weight) * firms.expected_demand + weight * demand, firms.expected_demand
    )
    in_use = np.maximum(capacity_factor, 1e-9)
    wanted = firms.expected_demand * (1.0 + behaviour.capacity_headroom) / in_use
    if behaviour.user_cost_elasticity and (firms.interest_rate != firms.base_interest_rate).any():
        depreciation = behaviour.depreciation_rate_annual
        user_cost = (firms.interest_rate + depreciation) / np.maximum(firms.base_interest_rate + depreciation, 1e-9)
        wanted = wanted * user_cost**behaviour.user_cost_elasticity
    change = behaviour.capacity_adjustment_per_month * (wanted - firms.capacity)
    # A firm making losses does not invest (it may still run plant down).
    change = np.where(firms.loss_months > 0, np.minimum(change, 0.0), change)
    # A plant producing nothing (production stopped for a closure) does not invest.
    firms.capacity = np.where(active & (capacity_factor > 0), firms.capacity + change, firms.capacity)


def workforce_plans(
    firms: FirmTable,
    capacity_factor: np.ndarray,
    behaviour: FirmBehaviour,
    expected_demand: np.ndarray | None = None,
    retention_covered: np.ndarray | None = None,
    labour_demand_elasticity: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Per firm: how many workers to lay off and how many vacancies to post this month.

    Firms hoard labour: they cut only when the workforce exceeds what expected orders need
    by more than ``hoarding_margin``, and by at most ``max_firing_rate_per_month`` a month
    (Korean law requires notice and consultation before dismissals for managerial reasons).
    Hiring is limited to ``max_hiring_rate_per_month`` of the workforce (plus one).
    Jobs covered by a retention subsidy are not cut. ``expected_demand`` and
    ``retention_covered`` default to the firms' own (policies pass others to look ahead).
    """
    # A plant whose closure is announced neither hires nor follows its plan: the closure sets its staff.
    active = (firms.status == ACTIVE) & ~firms.closing
    expected = firms.expected_demand if expected_demand is None else expected_demand
    covered = firms.retention_covered if retention_covered is None else retention_covered
    wanted_output = np.minimum(expected, firms.capacity * capacity_factor)
    # Workers come whole: a firm takes on its (n+1)-th worker once the work needs more than
    # n + 1 - staffing_threshold workers. Thresholds differ between firms (uniform on [0, 1)),
    # so across many small firms jobs follow the work in proportion, not in steps of 0.5 worker.
    workers_needed = wanted_output / firms.productivity
    if firms.wage_subsidy_krw.any() or (firms.wage_index != 1.0).any():
        # Labour demand weighs the wage: a subsidy that pays part of the wage bill lowers the
        # wage cost per worker, a minimum-wage rise raises it (the wage index), and firms want
        # (wage cost relative to the start) ** -elasticity as many workers (the own-wage
        # elasticity of labour demand, markets.labour_demand_elasticity).
        share = np.divide(firms.wage_subsidy_krw, firms.wage_bill, out=np.zeros(firms.count), where=firms.wage_bill > 0)
        wage_cost = firms.wage_index * (1.0 - np.minimum(share, 0.9))
        workers_needed = workers_needed * wage_cost ** (-labour_demand_elasticity)
    target = np.floor(workers_needed + firms.staffing_threshold).astype(np.int64)
    employees = firms.employees
    excess = employees - target
    hoarding = employees - workers_needed > behaviour.hoarding_margin * employees
    cut_allowed = np.ceil(behaviour.max_firing_rate_per_month * employees).astype(np.int64)
    fire = np.where(active & hoarding & (excess > 0), np.minimum(excess, cut_allowed), 0)
    fire = np.maximum(fire - covered, 0)
    hire_allowed = np.ceil(behaviour.max_hiring_rate_per_month * employees).astype(np.int64) + 1
    vacancies = np.where(active & (target > employees), np.minimum(target - employees, hire_allowed), 0)
    return fire.astype(np.int64), vacancies.astype(np.int64)
