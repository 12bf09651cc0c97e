"""Money out of policy budgets: the ledger (one row per payment) and each intervention's budget.

Every won an intervention pays is a ledger row: month, intervention, recipient (firm or
worker id), kind (loan, grant, subsidy, allowance, course_fee, interest_subsidy, ...),
amount in KRW and whether it is repayable. A budget is never exceeded: a payment that does
not fit is refused whole, the intervention stops taking new cases, and the ledger gets one
``budget_exhausted`` row (amount 0) in the month it happened.
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

#: Kinds of ledger row. Loans are repayable; the others are spent for good.
PAYMENT_KINDS = (
    "loan",
    "interest_subsidy",
    "grant",
    "subsidy",
    "allowance",
    "course_fee",
    "procurement",
    "infrastructure",
    "recruitment",
    "administration",
    "repayment",
    "clawback",
    "budget_exhausted",
)


@dataclass
class Ledger:
    """All payments of a run, appended as they happen."""

    _rows: dict[str, list] = field(default_factory=lambda: {name: [] for name in LEDGER_COLUMNS})

    def record(
        self,
        month: int,
        intervention: str,
        recipient_kind: str,
        recipient: int,
        kind: str,
        amount_krw: float,
        repayable: bool = False,
    ) -> None:
        if kind not in PAYMENT_KINDS:
            raise ValueError(f"unknown ledger kind {kind!r}; allowed: {PAYMENT_KINDS}")
        for name, value in zip(
            LEDGER_COLUMNS,
            (month, intervention, recipient_kind, recipient, kind, float(amount_krw), repayable),
            strict=True,
        ):
            self._rows[name].append(value)

    def record_many(
        self,
        month: int,
        intervention: str,
        recipient_kind: str,
        recipients: np.ndarray,
        kind: str,
        amounts_krw: np.ndarray,
        repayable: bool = False,
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
    """What an intervention may still spend, in KRW of the simulated population."""

    def __init__(self, total_krw: float, intervention: str, ledger: Ledger) -> None:
        self.total_krw = float(total_krw)
        self.spent_krw = 0.0
        self.intervention = intervention
        self.ledger = ledger
        self.exhausted_month: int | None = None

    @property
    def remaining_krw(self) -> float:
        return max(self.total_krw - self.spent_krw, 0.0)

    def affordable(self, amounts_krw: np.ndarray) -> np.ndarray:
        """Mask of the payments, taken in order, that fit in what is left (whole payments only)."""
        amounts = np.asarray(amounts_krw, dtype=float)
        return np.cumsum(amounts) <= self.remaining_krw * (1 + 1e-12)

    def pay(
        self,
        month: int,
        recipient_kind: str,
        recipients: np.ndarray,
        kind: str,
        amounts_krw: np.ndarray,
        repayable: bool = False,
    ) -> np.ndarray:
        """Pay whole amounts in order while money lasts; return the mask of payments made.

        The first refusal for lack of money marks the budget exhausted (a ledger row).
        """
        recipients = np.asarray(recipients)
        amounts = np.asarray(amounts_krw, dtype=float)
        paid = self.affordable(amounts) & (amounts > 0)
        if paid.any():
            self.spent_krw += float(amounts[paid].sum())
            self.ledger.record_many(
                month, self.intervention, recipient_kind, recipients[paid], kind, amounts[paid], repayable
            )
        if ((amounts > 0) & ~paid).any():
            self.refuse(month)
        return paid

    def refuse(self, month: int) -> None:
        """Note that a case was turned away for lack of money (once, as a ledger row)."""
        if self.exhausted_month is None:
            self.exhausted_month = month
            self.ledger.record(month, self.intervention, "none", -1, "budget_exhausted", 0.0)
