"""Money of policy: the ledger, where every won is counted once, and each intervention's budget.

Every won an intervention pays is a ledger row: month, intervention, recipient (firm or
worker id), kind (loan, grant, subsidy, allowance, course_fee, interest_subsidy, ...),
amount in KRW and whether it is repayable; repayments and clawbacks are rows with negative
amounts. Everything else is read from the ledger: what a budget has spent, and the monthly
table's spending, expected cost and returns per intervention. A budget is never exceeded: a
payment that does not fit is refused whole, the intervention stops taking new cases, and
the ledger gets one ``budget_exhausted`` row (amount 0) in the month it happened.

Spending counts loans at face value; expected cost counts what is not repaid by design
(grants, subsidies, allowances, fees) plus policy loans written off and the expected loss
provisioned on loans still owed at the horizon (and on guarantees still standing), less
guarantee fees; returns are repayments, clawbacks and guarantee fees. A clawback also lowers the cost and frees budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

LEDGER_COLUMNS: dict[str, str] = {
    "month": "int64",
    "intervention": "string",
    "recipient_kind": "string",
    "recipient": "int64",
    "kind": "string",
    "amount_krw": "float64",
    "repayable": "bool",
}

#: Kinds of ledger row. Loans are repayable; the others are spent for good. Repayments and
#: clawbacks come back (negative amounts); a ``write_off`` row is a policy loan that will not
#: be repaid (its amount was spent when lent; it counts in the expected cost only); a
#: ``provision`` row is the expected loss on policy loans still owed at the horizon
#: (expected cost only, like a write-off). A ``guarantee_payout`` is a guarantee fund paying
#: a bank the guaranteed share of a defaulted loan (spent for good); a ``guarantee_fee`` is
#: a fee collected from a guaranteed firm (it comes back and lowers the expected cost).
#: A ``public_wage`` is the net pay of a public-job participant (household income) and
#: ``contributions`` the income tax and social-insurance contributions on public pay (paid to
#: the funds and the tax office); ``counselling`` is employment services bought per participant;
#: a ``deferral`` is a contribution or local tax a firm may pay later (repayable, like a loan
#: at zero interest); ``interest_forgone`` is the interest the funds lose on deferrals still
#: owed (expected cost only); ``public_works`` is public construction bought from firms.
#: An ``equity`` row is a public fund's stake in a firm: repayable like a loan (spent at face
#: value, an asset, not a cost) until the firm fails and it is written off. ``commercialisation``
#: is prototypes, testing, certification and marketing bought for a firm from service providers.
PAYMENT_KINDS = (
    "loan",
    "equity",
    "interest_subsidy",
    "grant",
    "subsidy",
    "allowance",
    "discount",
    "course_fee",
    "procurement",
    "infrastructure",
    "recruitment",
    "administration",
    "repayment",
    "clawback",
    "write_off",
    "provision",
    "guarantee_payout",
    "guarantee_fee",
    "public_wage",
    "contributions",
    "counselling",
    "deferral",
    "interest_forgone",
    "public_works",
    "commercialisation",
    "budget_exhausted",
)

#: Losses on money already lent: they count in the expected cost, not in spending.
LOSS_KINDS = ("write_off", "provision", "interest_forgone")


@dataclass
class _Account:
    """Running sums of one intervention: over the run (budget) and this month (monthly table)."""

    spent_krw: float = 0.0  # against the budget: payments at face value, less clawbacks
    exhausted_month: int | None = None
    month_spend_krw: float = 0.0
    month_cost_krw: float = 0.0
    month_returns_krw: float = 0.0


@dataclass
class Ledger:
    """All policy money of a run: one row per payment or collection, and the sums read from them."""

    _rows: dict[str, list] = field(default_factory=lambda: {name: [] for name in LEDGER_COLUMNS})
    _accounts: dict[str, _Account] = field(default_factory=dict)
    month_household_income_krw: float = 0.0

    def account(self, intervention: str) -> _Account:
        return self._accounts.setdefault(intervention, _Account())

    def start_month(self) -> None:
        """Zero this month's sums (at the policy point)."""
        for account in self._accounts.values():
            account.month_spend_krw = account.month_cost_krw = account.month_returns_krw = 0.0
        self.month_household_income_krw = 0.0

    def _append(
        self,
        month: int,
        intervention: str,
        recipient_kind: str,
        recipients: np.ndarray,
        kind: str,
        amounts_krw: np.ndarray,
        repayable: bool,
    ) -> None:
        if kind not in PAYMENT_KINDS:
            raise ValueError(f"unknown ledger kind {kind!r}; allowed: {PAYMENT_KINDS}")
        count = len(recipients)
        self._rows["month"].extend([month] * count)
        self._rows["intervention"].extend([intervention] * count)
        self._rows["recipient_kind"].extend([recipient_kind] * count)
        self._rows["recipient"].extend(np.asarray(recipients, dtype=np.int64).tolist())
        self._rows["kind"].extend([kind] * count)
        self._rows["amount_krw"].extend(np.asarray(amounts_krw, dtype=float).tolist())
        self._rows["repayable"].extend([repayable] * count)

    def pay(
        self,
        month: int,
        intervention: str,
        recipient_kind: str,
        recipients: np.ndarray,
        kind: str,
        amounts_krw: np.ndarray,
        repayable: bool = False,
        household_income: bool = False,
    ) -> float:
        """Record payments (already checked against the budget); return their total, KRW.

        ``household_income``: the money is income of the region's households (allowances),
        which they spend locally.
        """
        amounts = np.asarray(amounts_krw, dtype=float)
        if len(amounts) == 0:
            return 0.0
        self._append(month, intervention, recipient_kind, recipients, kind, amounts, repayable)
        total = float(amounts.sum())
        account = self.account(intervention)
        account.spent_krw += total
        account.month_spend_krw += total
        account.month_cost_krw += 0.0 if repayable else total
        if household_income:
            self.month_household_income_krw += total
        return total

    def collect(
        self, month: int, intervention: str, recipients: np.ndarray, kind: str, collected_krw: np.ndarray
    ) -> float:
        """Record repayments or clawbacks collected from firms (zeros are not rows); return the total."""
        collected = np.asarray(collected_krw, dtype=float)
        taken = collected > 0
        if taken.any():
            self._append(month, intervention, "firm", np.asarray(recipients)[taken], kind, -collected[taken], False)
        total = float(collected.sum())
        account = self.account(intervention)
        if kind == "clawback":
            account.spent_krw -= total
            account.month_cost_krw += -total
        elif kind == "guarantee_fee":
            # Fees offset a guarantee's expected cost (as under the Federal Credit Reform Act),
            # but do not refill its budget.
            account.month_cost_krw += -total
        account.month_returns_krw += total
        return total

    def write_off(
        self, month: int, intervention: str, firms: np.ndarray, amounts_krw: np.ndarray, kind: str = "write_off"
    ) -> float:
        """Record policy loans that will not be repaid (``write_off``) or are expected not to be (``provision``).

        The money was spent when lent: a write-off or provision adds to the expected cost only.
        ``interest_forgone``: interest a zero-interest deferral does not earn (cost only too).
        """
        if kind not in LOSS_KINDS:
            raise ValueError(f"a loss is one of {LOSS_KINDS}, not {kind!r}")
        amounts = np.asarray(amounts_krw, dtype=float)
        self._append(month, intervention, "firm", firms, kind, amounts, False)
        total = float(amounts.sum())
        self.account(intervention).month_cost_krw += total
        return total

    def exhausted(self, month: int, intervention: str) -> None:
        """Note that a case was turned away for lack of money (once, as a ledger row)."""
        account = self.account(intervention)
        if account.exhausted_month is None:
            account.exhausted_month = month
            self._append(month, intervention, "none", np.array([-1]), "budget_exhausted", np.array([0.0]), False)

    def __len__(self) -> int:
        return len(self._rows["month"])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {name: pd.Series(values, dtype=LEDGER_COLUMNS[name]) for name, values in self._rows.items()}
        )


def empty_ledger() -> pd.DataFrame:
    """A ledger with the right columns and types and no payments."""
    return Ledger().to_frame()


class Budget:
    """What an intervention may still spend, in KRW of the simulated population (read from the ledger)."""

    def __init__(self, total_krw: float, intervention: str, ledger: Ledger) -> None:
        self.total_krw = float(total_krw)
        self.intervention = intervention
        self.ledger = ledger

    @property
    def spent_krw(self) -> float:
        return self.ledger.account(self.intervention).spent_krw

    @property
    def exhausted_month(self) -> int | None:
        return self.ledger.account(self.intervention).exhausted_month

    @property
    def remaining_krw(self) -> float:
        return max(self.total_krw - self.spent_krw, 0.0)

    def affordable(self, amounts_krw: np.ndarray) -> np.ndarray:
        """Mask of the payments, taken in order, that fit in what is left (whole payments only)."""
        amounts = np.asarray(amounts_krw, dtype=float)
        return np.cumsum(amounts) <= self.remaining_krw * (1 + 1e-12)

    def refuse(self, month: int) -> None:
        """Note that a case was turned away for lack of money (a ``budget_exhausted`` row, once)."""
        self.ledger.exhausted(month, self.intervention)
