"""Bank credit: the rate each firm pays (priced by risk), who may borrow, and when debt is repaid or called.

Banks price each loan at the bank rate, plus an SME spread, plus a risk spread that rises
with the firm's leverage and its record of losses (sourced in scenarios/gwangju.toml
``[firms]``):

    risk spread = leverage spread + risk_spread_per_loss_month_annual x min(loss_months, max_loss_months_for_credit)
    leverage spread = risk_spread_at_debt_limit_annual x (debt / base annual sales) / max_debt_to_annual_sales

so a firm with debt at the banks' leverage limit pays ``risk_spread_at_debt_limit_annual``
more than one without debt. The leverage the banks price is measured on the firm's base
sales (12 x base output), a stable measure of its scale (assumption: this month's or the
smoothed sales would let demand noise and slow trends move every firm's rate and price in a
steady economy); the limit on lending is measured on its (smoothed) annual sales now.

The bank rate floats: a new one reaches every loan the month it changes. The leverage
spread is fixed in the loan contract and reset when the firm's loans are renewed, once
every ``debt_maturity_months`` per firm, staggered across firms (``renew``), from its debt
then, as a bank re-rates a borrower at renewal (assumption). The loss spread moves every
month: banks' early-warning reviews re-rate a borrower as losses show (assumption; without
it a loss streak would rarely be priced before rationing at ``max_loss_months_for_credit``).

A firm's working-capital line (its starting debt, ``initial_debt_to_annual_sales`` of its
base sales) is rolled over in full at maturity while the firm is in good standing: 74.1% of
SME bank loans mature within a year (KDIC) and working-capital lines are renewed as a matter
of course (assumption, for want of a published renewal rate). Borrowing above that line (to
cover losses) is repaid over ``loan_term_months``. After ``max_loss_months_for_credit``
loss-making months in a row banks lend nothing more and renew only against partial
repayment: the firm repays all its debt over ``loan_term_months``. (Korean banks normally ask
for part of a loan back at renewal: the COVID-19 relief of 2020-2025 was maturity extension
"without partial repayment", Asia Economy, 3 Oct 2022, and FSC, 23 Mar 2022.) Above its limit
a firm gets nothing more and its maturing loans are called (``debt_maturity_months``): it must
repay them from cash. So in a steady economy a firm in good standing keeps its debt,
leverage, rate and price where they started.

A public credit guarantee (sim/policy/interventions/credit_guarantee.py) covers
``guarantee_ratio`` of a loan of up to ``guarantee_cover_krw``: the bank bears the risk of
the uncovered part only, so the risk spread on the covered loan falls in proportion, and
it lends the covered amount beyond its own leverage limit.

An assembly plant's debt is to its group (Kia, an appliance maker), not to a bank: it pays
the bank rate with no spread, and the group funds its losses for up to
``group_max_loss_months`` loss-making months in a row, after which the group stops funding
it and it closes when its cash runs out (GM's Gunsan plant, closed in May 2018 after years
of losses at about 20% of capacity).
"""

from __future__ import annotations

import numpy as np

from sim.inputs.scenario import FirmBehaviour
from sim.region.state import ACTIVE, ASSEMBLER, FirmTable


def leverage(firms: FirmTable) -> np.ndarray:
    """Debt over base annual sales (12 x base output), per firm: the leverage the banks price (0 without sales).

    The banks' limit on lending is measured on the firm's (smoothed) annual sales now
    (``credit_room``); its price on a stable measure of the firm's scale, so that sales noise
    and slow trends do not move every firm's rate (and price) in a steady economy. A firm whose
    sales fall pays more through its loss record and the debt it takes on to cover losses.
    """
    base_sales = 12.0 * firms.base_output
    return np.divide(firms.debt, base_sales, out=np.zeros(firms.count), where=base_sales > 0)


def covered_share(firms: FirmTable) -> np.ndarray:
    """Share of each firm's bank debt whose loss a public guarantee pays (guarantee ratio x covered debt / debt)."""
    covered = np.minimum(firms.guarantee_cover_krw, firms.debt)
    return firms.guarantee_ratio * np.divide(covered, firms.debt, out=np.zeros(firms.count), where=firms.debt > 0)


def leverage_spread(firms: FirmTable, behaviour: FirmBehaviour) -> np.ndarray:
    """The leverage part of the banks' risk spread per year, from each firm's debt now."""
    limit = max(behaviour.max_debt_to_annual_sales, 1e-12)
    return behaviour.risk_spread_at_debt_limit_annual * leverage(firms) / limit


def risk_spread(firms: FirmTable, behaviour: FirmBehaviour) -> np.ndarray:
    """The banks' risk spread per year on each firm's loans, before any guarantee.

    The leverage spread set at the last renewal (``firms.leverage_spread``) plus the loss spread.
    """
    losses = np.minimum(firms.loss_months, behaviour.max_loss_months_for_credit)
    return firms.leverage_spread + behaviour.risk_spread_per_loss_month_annual * losses


def renew(firms: FirmTable, month: int, behaviour: FirmBehaviour) -> np.ndarray:
    """Renew the loans of the firms whose turn it is this month; reset their leverage spread. Return their mask.

    Each firm's loans mature once every ``debt_maturity_months`` (74.1% of SME bank loans
    mature within a year, KDIC), in a month set by its key so that renewals are spread over
    the year, not all in January.
    """
    maturity = behaviour.debt_maturity_months
    due = (firms.status == ACTIVE) & ((firms.key.astype(np.int64) + month) % maturity == 0)
    firms.leverage_spread = np.where(due, leverage_spread(firms, behaviour), firms.leverage_spread)
    return due


def lending_rate(firms: FirmTable, bank_rate_annual: float, behaviour: FirmBehaviour) -> np.ndarray:
    """The rate each firm pays on its debt, per year: bank rate + SME spread + risk spread on the uncovered part.

    Group-funded assembly plants pay the bank rate.
    """
    spread = np.where(firms.is_sme, behaviour.sme_spread_annual, 0.0)
    risk = risk_spread(firms, behaviour)
    if firms.guarantee_ratio.any():
        risk = risk * (1.0 - covered_share(firms))
    return np.where(firms.role == ASSEMBLER, bank_rate_annual, bank_rate_annual + spread + risk)


def repayment(firms: FirmTable, behaviour: FirmBehaviour) -> np.ndarray:
    """Debt each firm must repay this month (KRW), before any new borrowing.

    A firm in good standing (within the banks' limit and its loss record) rolls its
    working-capital line (the starting debt, ``initial_debt_to_annual_sales`` of base sales)
    over in full and repays borrowing above it over ``loan_term_months``; a firm within the
    limit with more than ``max_loss_months_for_credit`` loss months in a row renews only
    against partial repayment, all its debt over ``loan_term_months``; from a firm over the
    limit the banks call the maturing loans, ``1/debt_maturity_months`` of the debt a month.
    """
    within_limit = credit_room(firms, firms.debt, behaviour) >= 0.0
    good_record = firms.loss_months <= behaviour.max_loss_months_for_credit
    line = behaviour.initial_debt_to_annual_sales * 12.0 * firms.base_output
    rolled = np.maximum(firms.debt - line, 0.0) / behaviour.loan_term_months
    amortised = firms.debt / behaviour.loan_term_months
    called = firms.debt / min(behaviour.debt_maturity_months, behaviour.loan_term_months)
    return np.where(within_limit, np.where(good_record, rolled, amortised), called)


def credit_room(firms: FirmTable, debt_krw: np.ndarray, behaviour: FirmBehaviour) -> np.ndarray:
    """How much more each firm's bank would lend (KRW): its leverage limit plus any guaranteed cover, less its debt."""
    return behaviour.max_debt_to_annual_sales * firms.annual_sales + firms.guarantee_cover_krw - debt_krw


def group_funds(firms: FirmTable, behaviour: FirmBehaviour) -> np.ndarray:
    """Mask of plants whose group still funds their losses: assembly plants within the group's loss limit."""
    return (firms.role == ASSEMBLER) & (firms.loss_months <= behaviour.group_max_loss_months)
