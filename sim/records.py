"""The monthly table: its columns, their units, and preallocated storage.

Values are written into numpy arrays (one per column, one element per month) rather than
through Mesa's DataCollector, which deep-copies every value it collects; the DataCollector
reads the same arrays (see RegionModel). Row 0 is the state at the start, before the first
month; row ``t`` is the state at the end of model month ``t`` and that month's flows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.inputs.scenario import CHAINS, SECTORS, year_month

ROLE_COLUMNS = tuple(f"employed_{chain}_{role}" for chain in CHAINS for role in ("assembly", "tier1", "tier2"))

#: column name -> unit / meaning. Counts are people or firms in the model (at the run's scale).
COLUMNS: dict[str, str] = {
    "month": "model month (0 = start state, 1 = first simulated month)",
    "employed": "workers employed (end of month)",
    "unemployed": "workers unemployed and searching (end of month)",
    "unemployment_rate": "unemployed / labour_force",
    "labour_force": "employed + unemployed (trainees are counted separately)",
    **{f"employed_{sector}": f"employees of {sector} firms" for sector in SECTORS},
    **dict.fromkeys(ROLE_COLUMNS, "employees of this chain tier"),
    "layoffs": "workers laid off this month (downsizing, failures, relocations; not quits or retirements)",
    **{f"layoffs_{sector}": f"workers laid off by {sector} firms this month" for sector in SECTORS},
    "quits": "workers who quit into unemployment this month",
    "retirements": "workers who reached retirement age this month",
    "hires": "job seekers hired this month",
    "vacancies": "vacancies open this month before matching",
    "firms_active": "firms active (end of month)",
    "firm_failures": "firms that failed this month",
    **{f"firm_failures_{sector}": f"{sector} firms that failed this month" for sector in SECTORS},
    "in_training": "workers in training (end of month)",
    "out_of_labour_force": "workers outside the labour force, retired or not (end of month)",
    "moved_out": "workers who have left the region (cumulative stock)",
    "entrants": "young people who entered the labour force this month",
    "foreign_entrants": "foreign workers placed in jobs by policy this month",
    "firms_arrived": "new firms that came to the region this month without incentives",
    "long_term_unemployed": "unemployed for at least the long-term threshold (end of month)",
    **{f"output_{sector}": f"output of {sector} firms, KRW per month" for sector in SECTORS},
    "output_manufacturing": "output of all manufacturing (auto, appliance, growth, other), KRW per month",
    "wage_income": "wages paid by the region's firms, KRW per month",
    "benefit_income": "unemployment benefits paid, KRW per month",
    "mean_wage": "mean monthly wage of the employed, KRW",
    "borrowing": "new bank lending to firms, KRW per month",
    "bad_debt": "debt written off when firms failed, KRW per month",
    "household_transfers": "policy payments to workers (training allowances), KRW per month",
    "policy_spend": "payments of all interventions, KRW per month (loans at face value)",
    "policy_cost": "expected cost of all interventions, KRW per month (grants, subsidies, allowances, fees, "
    "interest subsidies, policy loans written off)",
    "policy_returns": "repayments of policy loans and clawbacks, KRW per month",
    "firms_rescued": "firms in distress (no bank credit) whose cash a policy restored this month",
    "foreign_workers": "foreign workers placed by policy and still in the region (end of month)",
    "displaced": "workers laid off during the run (latest layoff from month 1 on), still in the region",
    "displaced_reemployed_12m_rate": "share of workers laid off 12 or more months ago who found a job within 12 months",
    "displaced_earnings_rate": "earnings of workers laid off during the run (wage if employed, else 0) relative to "
    "their pay before the layoff, mean",
}


class MonthlyRecords:
    """Preallocated arrays, one per column, for rows 0..months (grown if a run goes on)."""

    def __init__(self, months: int, start_calendar_month: int, extra_columns: dict[str, str] | None = None) -> None:
        self.rows = months + 1
        self.start_calendar_month = start_calendar_month
        self.extra_columns = dict(extra_columns or {})
        self.columns = {**COLUMNS, **self.extra_columns}
        self._data = {name: np.zeros(self.rows) for name in self.columns}
        self.last_row = -1

    def write(self, row: int, values: dict[str, float]) -> None:
        """Store a month's values; every column must be given."""
        missing = set(self.columns) - set(values)
        if missing:
            raise KeyError(f"monthly record lacks columns {sorted(missing)}")
        if row >= self.rows:  # stepping past the planned horizon: make room
            self.rows = max(row + 1, 2 * self.rows)
            for name, column in self._data.items():
                self._data[name] = np.concatenate([column, np.zeros(self.rows - len(column))])
        for name, value in values.items():
            self._data[name][row] = value
        self.last_row = row

    def latest(self, column: str) -> float:
        """The most recently written value of a column (for Mesa's DataCollector)."""
        return float(self._data[column][self.last_row])

    def column(self, name: str) -> np.ndarray:
        return self._data[name][: self.last_row + 1]

    def to_frame(self) -> pd.DataFrame:
        """The rows written so far as a DataFrame, with a ``date`` column (first day of the month)."""
        rows = self.last_row + 1
        frame = pd.DataFrame({name: self._data[name][:rows].copy() for name in self.columns})
        integer_columns = [c for c in self.columns if not _is_real(c)]
        frame[integer_columns] = frame[integer_columns].round().astype(np.int64)
        dates = [year_month(self.start_calendar_month + m - 1) + "-01" for m in range(rows)]
        frame.insert(1, "date", pd.to_datetime(dates))
        return frame


def _is_real(column: str) -> bool:
    """Money and rates are kept as floats; counts become integers."""
    return (
        column.startswith(("output_", "policy_"))
        or column.endswith(("_krw", "_rate", "_share"))
        or column
        in {
            "wage_income",
            "benefit_income",
            "mean_wage",
            "borrowing",
            "bad_debt",
            "household_transfers",
        }
    )
