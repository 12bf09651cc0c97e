"""The monthly table: its columns with dtype and unit, preallocated storage, and the month's row.

Values are written into numpy arrays (one per column, one element per month) rather than
through Mesa's DataCollector, which deep-copies every value it collects; the DataCollector
reads the same arrays (see RegionModel). Row 0 is the state at the start, before the first
month; row ``t`` is the state at the end of model month ``t`` and that month's flows.

Recording only reads: flows were counted by the stage that caused them (``state.tally``),
stocks are counted here from the state, and the policy columns come from the ledger.
Columns follow the scenario's names: ``employed_<sector>``, ``employed_<chain>_<tier>``, ...
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.inputs.scenario import Scenario, year_month
from sim.region.mobility import resident_labour
from sim.region.region_state import MONTH_EVENTS, RegionState
from sim.region.state import (
    ACTIVE,
    COMMUTING_OUT,
    EMPLOYED,
    IN_TRAINING,
    INACTIVE,
    MOVED_OUT,
    PUBLIC_JOB,
    ROLE_LABELS,
    UNEMPLOYED,
)

INT, REAL = "int64", "float64"


@dataclass(frozen=True)
class RecordColumn:
    """A column of the monthly table: its dtype and its unit or meaning."""

    dtype: str
    unit: str


def _stayers_and_movers_pay(state: RegionState) -> dict[str, float]:
    """Mean pay of employees not hired this month and of this month's job-to-job movers, KRW per month.

    From the firms' payrolls less the pay of this month's hires (counted as they are hired), so
    no pass over every worker is needed.
    """
    tally = state.tally
    hires = tally["hires"] + tally["foreign_entrants"]
    stayers = float(state.firms.employees.sum()) - hires
    stayers_pay = float(state.firms.payroll.sum()) - tally["hired_pay_krw"]
    moves = tally["job_to_job_moves"]
    return {
        "mean_wage_stayers": stayers_pay / stayers if stayers > 0 else 0.0,
        "mean_wage_movers": tally["job_to_job_pay_krw"] / moves if moves else 0.0,
    }


def columns_for(config: Scenario) -> dict[str, RecordColumn]:
    """The monthly table's columns for a scenario (its sectors and chains), before policy columns."""
    sectors, chains = config.sector_names, config.chain_names
    traded = ", ".join(config.traded_names)
    return {
        "month": RecordColumn(INT, "model month (0 = start state, 1 = first simulated month)"),
        "employed": RecordColumn(INT, "workers employed (end of month), public-job participants included"),
        "employed_public_jobs": RecordColumn(
            INT, "residents in temporary public jobs (direct job creation) at the end of the month; part of employed"
        ),
        "unemployed": RecordColumn(INT, "workers unemployed and searching (end of month)"),
        "unemployment_rate": RecordColumn(REAL, "unemployed / labour_force"),
        "labour_force": RecordColumn(INT, "employed + unemployed (trainees are counted separately)"),
        **{f"employed_{s}": RecordColumn(INT, f"employees of {s} firms") for s in sectors},
        **{
            f"employed_{chain}_{label}": RecordColumn(INT, f"employees of the {chain} chain's {label} firms")
            for chain in chains
            for label in ROLE_LABELS.values()
        },
        "layoffs": RecordColumn(INT, "workers laid off this month (downsizing, failures, relocations; not quits)"),
        **{f"layoffs_{s}": RecordColumn(INT, f"workers laid off by {s} firms this month") for s in sectors},
        "quits": RecordColumn(INT, "workers who quit into unemployment this month"),
        "dismissals": RecordColumn(
            INT, "workers dismissed this month for their own or their firm's idiosyncratic reasons (into unemployment)"
        ),
        "contract_ends": RecordColumn(
            INT, "fixed-term workers whose contract ended this month with no other job to go to (into unemployment)"
        ),
        "short_job_hires": RecordColumn(
            INT, "hires into short jobs (day labour, temporary work of under a year) this month; part of hires"
        ),
        "short_job_ends": RecordColumn(
            INT, "short jobs that reached their end this month (into unemployment or straight to another job)"
        ),
        "short_job_ends_unemployed": RecordColumn(
            INT, "workers whose short job ended this month with no other job to go to (into unemployment)"
        ),
        "job_to_job_moves": RecordColumn(
            INT,
            "employed workers who moved straight to another job this month (up the ladder, at a contract's end "
            "or for reasons other than pay)",
        ),
        "retirements": RecordColumn(
            INT, "workers who reached retirement age this month (with [mobility]: who left the labour force by age)"
        ),
        "hires": RecordColumn(INT, "job seekers hired this month"),
        "vacancies": RecordColumn(INT, "vacancies open this month before matching"),
        "firms_active": RecordColumn(INT, "firms active (end of month)"),
        "firm_failures": RecordColumn(INT, "firms that failed this month"),
        **{f"firm_failures_{s}": RecordColumn(INT, f"{s} firms that failed this month") for s in sectors},
        "in_training": RecordColumn(INT, "workers in training (end of month)"),
        "out_of_labour_force": RecordColumn(INT, "workers outside the labour force, retired or not (end of month)"),
        "moved_out": RecordColumn(INT, "workers who have left the region (cumulative stock)"),
        "entrants": RecordColumn(INT, "young people who entered the labour force this month"),
        "foreign_entrants": RecordColumn(INT, "foreign workers placed in jobs by policy this month"),
        "firms_arrived": RecordColumn(INT, "new firms that came to the region this month without incentives"),
        "transferred_out": RecordColumn(INT, "staff of closing plants transferred to plants outside the region"),
        "plant_closures": RecordColumn(INT, "plants closed this month by a closure event"),
        "severance_paid": RecordColumn(REAL, "severance paid to staff dismissed by closing plants, KRW"),
        "minimum_wage_raises": RecordColumn(INT, "employees whose wage a new minimum wage raised this month"),
        "suppliers_converted": RecordColumn(
            INT, "combustion-only suppliers that finished converting to electric parts"
        ),
        "firms_entered": RecordColumn(INT, "new local firms that entered this month (entry.py)"),
        "sites_reused": RecordColumn(INT, "entrants that took over the site of a closed firm this month"),
        "supplier_orders_taken_over": RecordColumn(
            REAL, "orders of failed suppliers that rivals took over this month, KRW per month at base output"
        ),
        "on_unpaid_leave": RecordColumn(INT, "employees on unpaid leave with an allowance (end of month)"),
        "long_term_unemployed": RecordColumn(INT, "unemployed for at least the long-term threshold (end of month)"),
        **{f"output_{s}": RecordColumn(REAL, f"output of {s} firms, KRW per month") for s in sectors},
        "output_manufacturing": RecordColumn(REAL, f"output of the traded sectors ({traded}), KRW per month"),
        "wage_income": RecordColumn(REAL, "wages paid by the region's firms, KRW per month"),
        "benefit_income": RecordColumn(REAL, "unemployment benefits and unpaid-leave allowances paid, KRW per month"),
        "pension_income": RecordColumn(
            REAL, "pensions paid to the region's residents of pension age (national funds, not ledger), KRW per month"
        ),
        "disposable_income": RecordColumn(
            REAL, "households' net wages, benefits, allowances, policy transfers, pensions and severance, KRW per month"
        ),
        "household_spending": RecordColumn(REAL, "households' consumption spending (anywhere), KRW per month"),
        "business_services_purchases": RecordColumn(REAL, "traded firms' purchases of local services, KRW per month"),
        "household_savings": RecordColumn(REAL, "disposable income not spent since the start, KRW (a stock)"),
        "mean_wage": RecordColumn(REAL, "mean monthly wage of the employed in firms (not public jobs), KRW"),
        "mean_wage_stayers": RecordColumn(
            REAL, "mean monthly wage of the region's employees not hired this month, KRW (end of month)"
        ),
        "mean_wage_movers": RecordColumn(
            REAL, "mean monthly wage of this month's job-to-job movers in their new jobs, KRW (0 when none moved)"
        ),
        "borrowing": RecordColumn(REAL, "new bank lending to firms, KRW per month"),
        "bad_debt": RecordColumn(REAL, "bank debt written off when firms failed, KRW per month"),
        "household_transfers": RecordColumn(REAL, "policy payments to workers (allowances), KRW per month"),
        "policy_spend": RecordColumn(REAL, "payments of all interventions, KRW per month (loans at face value)"),
        "policy_cost": RecordColumn(
            REAL,
            "expected cost of all interventions, KRW per month (grants, subsidies, allowances, fees, "
            "interest subsidies, policy loans written off)",
        ),
        "policy_cost_central": RecordColumn(REAL, "expected cost paid by the central government, KRW per month"),
        "policy_cost_local": RecordColumn(REAL, "expected cost paid by the local government, KRW per month"),
        "policy_returns": RecordColumn(REAL, "repayments of policy loans and clawbacks, KRW per month"),
        "firms_rescued": RecordColumn(INT, "firms in distress (no bank credit) whose cash a policy restored"),
        "foreign_workers": RecordColumn(INT, "foreign workers placed by policy and still in the region (end of month)"),
        "employed_foreign": RecordColumn(
            INT, "foreign workers placed by policy and employed at the end of the month (visa holders in jobs)"
        ),
        "population_15plus": RecordColumn(
            INT, "residents aged 15 and over, in the labour force or not (end of month; Statistics Korea's base)"
        ),
        "residents_employed": RecordColumn(
            INT, "residents with a job, in the region or outside it (commuters_out); the survey's employed"
        ),
        "jobs_in_region": RecordColumn(INT, "jobs at the region's firms, held by residents or in-commuters"),
        "commuters_in": RecordColumn(INT, "jobs in the region held by people living outside it (end of month)"),
        "commuters_out": RecordColumn(INT, "residents employed outside the region (end of month)"),
        "employment_rate_15plus": RecordColumn(REAL, "residents_employed / population_15plus (the survey's 고용률)"),
        "participation_rate_15plus": RecordColumn(
            REAL, "residents employed or unemployed / population_15plus (the survey's 경제활동참가율)"
        ),
        "resident_unemployment_rate": RecordColumn(
            REAL, "residents unemployed / residents in the labour force (the survey's 실업률)"
        ),
        "migrants_in": RecordColumn(INT, "people who moved into the region this month (aged 15+)"),
        "migrants_out": RecordColumn(INT, "residents who moved out of the region this month"),
        "commuters_in_arrived": RecordColumn(
            INT, "people living outside who came to seek work in the region this month (new in-commuters)"
        ),
        "aged_out": RecordColumn(INT, "residents who reached age_max_years and left the population this month"),
        "displaced": RecordColumn(INT, "workers laid off during the run (from month 1 on), still in the region"),
        "displaced_reemployed_12m_rate": RecordColumn(
            REAL, "share of workers laid off 12 or more months ago who found a job within 12 months"
        ),
        "displaced_earnings_rate": RecordColumn(
            REAL,
            "earnings of workers laid off during the run (wage if employed, in the region or outside, else 0) "
            "relative to their pay before the layoff, mean",
        ),
    }


class MonthlyRecords:
    """Preallocated arrays, one per column, for rows 0..months (grown if a run goes on)."""

    def __init__(self, months: int, start_calendar_month: int, columns: dict[str, RecordColumn]) -> None:
        self.rows = months + 1
        self.start_calendar_month = start_calendar_month
        self.columns = dict(columns)
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
        # Counts rounded to whole numbers as arrays, before the frame is built (the same values; setting a
        # hundred columns of a built frame cost about 0.05 s at the end of a run).
        frame = pd.DataFrame(
            {
                name: np.round(self._data[name][:rows]).astype(np.int64)
                if column.dtype == INT
                else self._data[name][:rows].copy()
                for name, column in self.columns.items()
            }
        )
        dates = [year_month(self.start_calendar_month + m - 1) + "-01" for m in range(rows)]
        frame.insert(1, "date", pd.to_datetime(dates))
        return frame


def displaced_outcomes(state: RegionState, month: int) -> dict[str, float]:
    """Re-employment and earnings of workers laid off during the run (still in the region)."""
    workforce = state.workforce
    # Layoffs happen from month 1 on; the never-displaced have displaced_month NEVER.
    displaced = np.flatnonzero(workforce.displaced_month <= month)
    displaced = displaced[(workforce.status[displaced] != MOVED_OUT) & ~workforce.retired[displaced]]
    since = workforce.displaced_month[displaced]
    mature = displaced[month - since >= 12]
    found = workforce.reemployed_month[mature] - workforce.displaced_month[mature] <= 12
    working = (workforce.status[displaced] == EMPLOYED) | (workforce.status[displaced] == COMMUTING_OUT)
    earnings = np.where(working, workforce.wage[displaced], 0.0)
    before = workforce.pre_displacement_wage[displaced]
    ratio = np.divide(earnings, before, out=np.zeros(len(displaced)), where=before > 0)
    return {
        "displaced": len(displaced),
        "displaced_reemployed_12m_rate": float(found.mean()) if len(mature) else 0.0,
        "displaced_earnings_rate": float(ratio.mean()) if len(displaced) else 0.0,
    }


def resident_statistics(state: RegionState, statuses: np.ndarray) -> dict[str, float]:
    """The survey's resident-based figures: population 15+, employment and participation rates, commuters."""
    workforce = state.workforce
    employed, unemployed, population = resident_labour(workforce)
    # Public-job participants are residents (public_jobs.py takes none who live outside).
    public_jobs = int(statuses[PUBLIC_JOB])
    employed += public_jobs
    commuters_in = int(np.count_nonzero(workforce.lives_outside & (workforce.status == EMPLOYED)))
    return {
        "population_15plus": population,
        "residents_employed": employed,
        "jobs_in_region": int(statuses[EMPLOYED]) + public_jobs,
        "commuters_in": commuters_in,
        "commuters_out": int(statuses[COMMUTING_OUT]),
        "employment_rate_15plus": employed / population if population else 0.0,
        "participation_rate_15plus": (employed + unemployed) / population if population else 0.0,
        "resident_unemployment_rate": unemployed / (employed + unemployed) if employed + unemployed else 0.0,
    }


def month_row(state: RegionState, month: int, policy_values: dict[str, float]) -> dict[str, float]:
    """Every column's value for the month: stocks counted from the state, flows from the tally."""
    firms, workforce, config = state.firms, state.workforce, state.config
    sectors = config.sector_names
    statuses = workforce.status_counts()
    in_firms, public_jobs, unemployed = int(statuses[EMPLOYED]), int(statuses[PUBLIC_JOB]), int(statuses[UNEMPLOYED])
    employed = in_firms + public_jobs
    labour_force = employed + unemployed
    by_sector = np.bincount(firms.sector, weights=firms.employees, minlength=len(sectors))
    output_by_sector = np.bincount(firms.sector, weights=firms.output, minlength=len(sectors))
    long_term_since = month - config.labour_market.long_term_unemployment_months
    long_term = int(
        np.count_nonzero((workforce.unemployed_since <= long_term_since) & (workforce.status == UNEMPLOYED))
    )
    traded_codes = [config.sector_code(name) for name in config.traded_names]
    values: dict[str, float] = {
        "month": month,
        "employed": employed,
        "employed_public_jobs": public_jobs,
        "unemployed": unemployed,
        "unemployment_rate": unemployed / labour_force if labour_force else 0.0,
        "labour_force": labour_force,
        "in_training": int(statuses[IN_TRAINING]),
        "out_of_labour_force": int(statuses[INACTIVE]),
        "moved_out": int(statuses[MOVED_OUT]),
        "firms_active": int((firms.status == ACTIVE).sum()),
        "long_term_unemployed": long_term,
        "output_manufacturing": float(output_by_sector[traded_codes].sum()),
        "wage_income": state.local.wage_income_krw,
        "benefit_income": state.local.benefit_income_krw,
        "pension_income": state.local.pension_income_krw,
        "disposable_income": state.local.income_krw,
        "business_services_purchases": state.local.business_purchases_krw,
        "household_spending": state.local.spending_krw,
        "household_savings": state.local.savings_krw,
        "mean_wage": float(firms.wage_bill.sum() / in_firms) if in_firms else 0.0,
        **_stayers_and_movers_pay(state),
        "borrowing": float(firms.flow_borrowing.sum()),
        "household_transfers": state.household_transfers_krw,
        "foreign_workers": int(np.count_nonzero(workforce.foreign & (workforce.status != MOVED_OUT))),
        "employed_foreign": int(np.count_nonzero(workforce.foreign & (workforce.status == EMPLOYED))),
        "on_unpaid_leave": int(np.count_nonzero(workforce.on_leave)) if config.shocks.closure else 0,
        **policy_values,
    }
    values.update(displaced_outcomes(state, month))
    values.update(resident_statistics(state, statuses))
    for code, sector in enumerate(sectors):
        values[f"employed_{sector}"] = int(by_sector[code])
        values[f"output_{sector}"] = float(output_by_sector[code])
    for chain in config.chain_names:
        in_chain = firms.sector == config.sector_code(chain)
        for role, label in ROLE_LABELS.items():
            values[f"employed_{chain}_{label}"] = int(firms.employees[in_chain & (firms.role == role)].sum())
    for name in MONTH_EVENTS:
        values[name] = state.tally.get(name, 0.0)
    for sector in sectors:
        values[f"layoffs_{sector}"] = state.tally.get(f"layoffs_{sector}", 0.0)
        values[f"firm_failures_{sector}"] = state.tally.get(f"firm_failures_{sector}", 0.0)
    return values


# ---------------------------------------------------------------------- unit records (for the bridge)
def _grown(values: np.ndarray | None, size: int) -> np.ndarray:
    """``values`` padded with zeros to ``size`` (a new zero array when there are none yet)."""
    if values is not None and len(values) >= size:
        return values
    grown = np.zeros(size, dtype=np.float64)
    if values is not None:
        grown[: len(values)] = values
    return grown


#: The key that names the public employer of public-job participants (direct job creation,
#: interventions/public_jobs.py) in the unit record: no firm's key (random_streams.agent_keys sets
#: the top bits from the origin), and not among ``firm_key``.
PUBLIC_EMPLOYER_KEY = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
_PUBLIC_EMPLOYER_ROW = -2  # the current spell's "employer row" of a public-job participant


class UnitRecords:
    """Who worked where over a run, per worker and firm: the unit-level record of the gross-to-net bridge.

    Kept only when asked (``RegionModel(unit_records=True)``; comparisons ask). Each month
    (1..T, at the records stage) every employed worker adds a month to the spell with its
    employer (a public-job participant's employer is the public one, :data:`PUBLIC_EMPLOYER_KEY`);
    a spell closes when the worker leaves that employer. At the end the spells are
    summed by (worker key, firm key): job-months by pair, whose total over all pairs is the
    sum of the monthly table's ``employed`` over months 1..T. Keys are the stable agent keys
    (random_streams.agent_keys), so both twins of a comparison name the same worker and firm
    alike. Also kept, per intervention, the employment-months of the firms it touched from its
    first month of support on (a programme's gross claim, sim/experiment/bridge.py), and the
    jobs each supported firm had in the month it was first supported (its headcount claim). Memory: a
    few arrays of the workforce's length, not monthly panels.
    """

    def __init__(self) -> None:
        self.employer = np.zeros(0, dtype=np.int64)  # current spell's employer row (-1: none, -2: public)
        self.spell_months = np.zeros(0, dtype=np.int32)
        self._closed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (worker rows, firm rows, months)
        self.supported_months: dict[str, np.ndarray] = {}  # per intervention, per firm row
        self.first_jobs: dict[str, np.ndarray] = {}  # per intervention, per firm row: jobs in its first month

    def _close(self, rows: np.ndarray) -> None:
        rows = rows[self.spell_months[rows] > 0]
        if len(rows):
            self._closed.append((rows.copy(), self.employer[rows].copy(), self.spell_months[rows].copy()))
        self.employer[rows] = -1
        self.spell_months[rows] = 0

    def add_month(self, state: RegionState, month: int, first_touch_firms: dict[str, np.ndarray]) -> None:
        """Count month ``month``: every employed worker's month with its employer; supported firms' jobs."""
        if month < 1:
            return
        workforce, firms = state.workforce, state.firms
        count = workforce.count
        if len(self.employer) < count:
            grow = count - len(self.employer)
            self.employer = np.concatenate([self.employer, np.full(grow, -1, dtype=np.int64)])
            self.spell_months = np.concatenate([self.spell_months, np.zeros(grow, dtype=np.int32)])
        status = workforce.status[:count]
        employed = status == EMPLOYED
        employer = np.where(employed, workforce.employer[:count].astype(np.int64), -1)
        employer[status == PUBLIC_JOB] = _PUBLIC_EMPLOYER_ROW
        changed = employer != self.employer
        self._close(np.flatnonzero(changed & (self.employer != -1)))
        self.employer[changed] = employer[changed]
        self.spell_months[employer != -1] += 1
        for name, first in first_touch_firms.items():
            months = self.supported_months[name] = _grown(self.supported_months.get(name), firms.count)
            touched = np.zeros(firms.count, dtype=bool)
            touched[: len(first)] = first <= month
            months[touched] += firms.employees[touched]
            jobs = self.first_jobs[name] = _grown(self.first_jobs.get(name), firms.count)
            starting = np.zeros(firms.count, dtype=bool)
            starting[: len(first)] = first == month
            jobs[starting] = firms.employees[starting]

    def finish(
        self, state: RegionState, first_touch_firms: dict[str, np.ndarray], first_touch_workers: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """The record as flat arrays (picklable, savable with ``np.savez``), spells summed by pair."""
        self._close(np.flatnonzero(self.employer != -1))
        workforce, firms = state.workforce, state.firms
        if self._closed:
            workers = np.concatenate([rows for rows, _, _ in self._closed])
            employers = np.concatenate([rows for _, rows, _ in self._closed])
            months = np.concatenate([m for _, _, m in self._closed]).astype(np.int64)
        else:
            workers = employers = months = np.zeros(0, dtype=np.int64)
        # The public employer of public-job participants is one column past the firms.
        columns = firms.count + 1
        employers = np.where(employers == _PUBLIC_EMPLOYER_ROW, firms.count, employers)
        pairs = workers * np.int64(columns) + employers
        unique, inverse = np.unique(pairs, return_inverse=True)
        summed = np.bincount(inverse, weights=months, minlength=len(unique)).astype(np.int32)
        worker_rows, firm_rows = unique // columns, unique % columns
        employer_keys = np.append(firms.key[: firms.count].astype(np.uint64), PUBLIC_EMPLOYER_KEY)
        record: dict[str, np.ndarray] = {
            "pair_worker": workforce.key[worker_rows].astype(np.uint64),
            "pair_firm": employer_keys[firm_rows],
            "pair_months": summed,
            "firm_key": firms.key[: firms.count].astype(np.uint64),
            "firm_sector": firms.sector[: firms.count].astype(np.int8),
        }
        for name, first in first_touch_firms.items():
            rows = np.flatnonzero(first != np.iinfo(np.int32).max)
            record[f"touched_firms__{name}"] = firms.key[rows].astype(np.uint64)
            supported = self.supported_months.get(name, np.zeros(firms.count))
            record[f"supported_months__{name}"] = supported[rows].astype(np.float64)
            first_jobs = self.first_jobs.get(name, np.zeros(firms.count))
            record[f"first_jobs__{name}"] = first_jobs[rows].astype(np.float64)
        for name, first in first_touch_workers.items():
            rows = np.flatnonzero(first != np.iinfo(np.int32).max)
            record[f"touched_workers__{name}"] = workforce.key[rows].astype(np.uint64)
        return record
