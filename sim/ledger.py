"""The budget ledger: one row per payment made by a policy intervention.

Columns: ``month`` (model month), ``intervention`` (its name in the package),
``recipient_kind`` ("firm" or "worker"), ``recipient`` (firm or worker id), ``kind`` (loan,
grant, subsidy, allowance, course_fee), ``amount_krw`` and ``repayable`` (True for loans).
"""

from __future__ import annotations

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


def empty_ledger() -> pd.DataFrame:
    """A ledger with the right columns and types and no payments."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in LEDGER_COLUMNS.items()})
