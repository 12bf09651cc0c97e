"""Bank credit: the rate each firm pays (priced by risk), who may borrow, and when maturing debt is called.

Banks price each loan at the bank rate, plus an SME spread, plus a risk spread that rises
with the firm's leverage and its record of losses (sourced in scenarios/gwangju.toml
``[firms]``):

    risk spread = risk_spread_at_debt_limit_annual x (debt / annual sales) / max_debt_to_annual_sales
                  + risk_spread_per_loss_month_annual x min(loss_months, max_loss_months_for_credit)

so a firm at the banks' leverage limit pays ``risk_spread_at_debt_limit_annual`` more than
one without debt. Above the limit, or after ``max_loss_months_for_credit`` loss-making
months in a row, banks ration: they lend nothing more; and from a firm above its limit they
call its maturing loans (``debt_maturity_months``), which it must then repay from cash.

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
from sim.region.state import ASSEMBLER, FirmTable


def leverage(firms: FirmTable) -> np.ndarray:
    """Debt over (smoothed) annual sales, per firm (0 for a firm without sales)."""
    return np.divide(firms.debt, firms.annual_sales, out=np.zeros(firms.count), where=firms.annual_sales > 0)


def covered_share(firms: FirmTable) -> np.ndarray:
    """Share of each firm's bank debt whose loss a public guarantee pays (guarantee ratio x covered debt / debt)."""
    covered = np.minimum(firms.guarantee_cover_krw, firms.debt)
    return firms.guarantee_ratio * np.divide(covered, firms.debt, out=np.zeros(firms.count), where=firms.debt > 0)


def risk_spread(firms: FirmTable, behaviour: FirmBehaviour) -> np.ndarray:
    """The banks' risk spread per year on each firm's loans, before any guarantee."""
    limit = max(behaviour.max_debt_to_annual_sales, 1e-12)
    losses = np.minimum(firms.loss_months, behaviour.max_loss_months_for_credit)
    return (
        behaviour.risk_spread_at_debt_limit_annual * leverage(firms) / limit
        + behaviour.risk_spread_per_loss_month_annual * losses
    )


def lending_rate(firms: FirmTable, bank_rate_annual: float, behaviour: FirmBehaviour) -> np.ndarray:
    """The rate each firm pays on its debt, per year: bank rate + SME spread + risk spread on the uncovered part.

    Group-funded assembly plants pay the bank rate.
    """
    spread = np.where(firms.is_sme, behaviour.sme_spread_annual, 0.0)
    risk = risk_spread(firms, behaviour)
    if firms.guarantee_ratio.any():
        risk = risk * (1.0 - covered_share(firms))
    return np.where(firms.role == ASSEMBLER, bank_rate_annual, bank_rate_annual + spread + risk)


def credit_room(firms: FirmTable, debt_krw: np.ndarray, behaviour: FirmBehaviour) -> np.ndarray:
    """How much more each firm's bank would lend (KRW): its leverage limit plus any guaranteed cover, less its debt."""
    return behaviour.max_debt_to_annual_sales * firms.annual_sales + firms.guarantee_cover_krw - debt_krw


def group_funds(firms: FirmTable, behaviour: FirmBehaviour) -> np.ndarray:
    """Mask of plants whose group still funds their losses: assembly plants within the group's loss limit."""
    return (firms.role == ASSEMBLER) & (firms.loss_months <= behaviour.group_max_loss_months)
