"""Column-wise state of the region: a registry of columns (dtype, unit, default) and one grow.

Firms and workers are rows; each attribute is a numpy array with one element per row, as
Starsim and Covasim hold people, so that a month's updates are a few vectorised passes. A
column is declared once, with its dtype, unit and the value a new row gets; a stage or an
intervention that needs a column of its own registers it, and every registered column grows
with arriving firms and workers through :meth:`ColumnTable.grow`, the only way rows are
added. ``table.cash`` is a view of the live rows; assigning ``table.cash = values`` writes
into the column (cast to its dtype).

Money is KRW; flows are KRW per month; months are model months (1 = the scenario's first
month; 0 and below are the past).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: A month that never comes.
NEVER = int(np.iinfo(np.int32).max)

# Firm status codes
ACTIVE, CLOSED, RELOCATED = 0, 1, 2
FIRM_STATUS_NAMES = ("active", "closed", "relocated")

# Roles in a supply chain; firms outside the chains are independent.
ASSEMBLER, TIER1, TIER2, INDEPENDENT = 0, 1, 2, 3
ROLE_NAMES = ("assembler", "tier1", "tier2", "independent")
#: Column-name labels of the chain roles (``employed_<chain>_<label>``).
ROLE_LABELS = {ASSEMBLER: "assembly", TIER1: "tier1", TIER2: "tier2"}

NO_PART = -1  # part_type of firms that make no parts a technology shift acts on
NO_BRANCH = -1  # branch of firms in an industry without branches

# Worker status codes
EMPLOYED, UNEMPLOYED, IN_TRAINING, INACTIVE, MOVED_OUT, COMMUTING_OUT, PUBLIC_JOB = 0, 1, 2, 3, 4, 5, 6
#: COMMUTING_OUT: a resident employed outside the region (mobility.py), not by the region's firms.
#: PUBLIC_JOB: a resident in a temporary public job (direct job creation, interventions/public_jobs.py):
#: employed, paid by the policy desk, not searching, with no employer among the region's firms.
WORKER_STATUS_NAMES = (
    "employed",
    "unemployed",
    "in_training",
    "out_of_labour_force",
    "moved_out",
    "commuting_out",
    "public_job",
)
NO_EMPLOYER = -1
NO_SECTOR = -1


@dataclass(frozen=True)
class Column:
    """One registered column: its dtype, the value of a new row, its unit and who owns it."""

    dtype: Any
    default: Any
    unit: str
    owner: str = "region"


def _zero_default(column: Column) -> bool:
    """Whether the column's default is all zero bytes (and so what ``np.zeros`` holds)."""
    dtype = np.dtype(column.dtype)
    return dtype.kind != "O" and not np.array(column.default, dtype=dtype).tobytes().strip(b"\0")


def _storage(length: int, column: Column) -> np.ndarray:
    """Storage for ``length`` rows of a column; only a zero default is in place, other rows are filled by the table.

    A default whose bytes are all zero uses ``np.zeros``: the operating system hands out
    zeroed pages only when a row is written, so spare capacity costs neither time nor memory.
    Any other default is written into a row when the row is added (``ColumnTable.grow``): not
    into spare capacity, which then costs no time at build (about 0.1 s at full scale for the
    workforce's 15 such columns) and no memory until used.
    """
    dtype = np.dtype(column.dtype)
    if _zero_default(column):
        return np.zeros(length, dtype=dtype)
    if dtype.kind == "O":
        return np.full(length, column.default, dtype=dtype)
    return np.empty(length, dtype=dtype)


class ColumnTable:
    """Rows of registered columns, stored with spare capacity so that growing is cheap."""

    def __init__(self, columns: dict[str, Column], capacity: int = 0) -> None:
        object.__setattr__(self, "count", 0)
        object.__setattr__(self, "registry", {})
        object.__setattr__(self, "_data", {})
        object.__setattr__(self, "_capacity", max(int(capacity), 0))
        object.__setattr__(self, "_fill", {})  # column -> its default, for defaults that are not zero bytes
        for name, column in columns.items():
            self.register(name, column)

    # ------------------------------------------------------------ columns
    def register(self, name: str, column: Column) -> None:
        """Add a column (existing rows get its default); registering the same column again is a no-op."""
        if name in self.registry:
            if self.registry[name] != column:
                raise ValueError(f"column {name!r} is registered already, by {self.registry[name].owner}")
            return
        if name in type(self).__dict__ or name in ("count", "registry"):
            raise ValueError(f"column name {name!r} clashes with an attribute of the table")
        self.registry[name] = column
        self._data[name] = _storage(self._capacity, column)
        if not _zero_default(column):
            self._fill[name] = column.default
            self._data[name][: self.count] = column.default

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.count]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.registry:
            self._data[name][: self.count] = value
        else:
            object.__setattr__(self, name, value)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.registry)

    # ------------------------------------------------------------ rows
    def grow(self, number: int, values: dict[str, Any] | None = None) -> np.ndarray:
        """Append ``number`` rows with every column's default, then ``values``; return their ids."""
        number = int(number)
        needed = self.count + number
        if needed > self._capacity:
            self.reserve(max(needed, int(self._capacity * 1.25) + 1024))
        values = values or {}
        for name in values:
            if name not in self.registry:
                raise KeyError(f"no column {name!r}; registered: {sorted(self.registry)}")
        ids = np.arange(self.count, needed)
        for name, default in self._fill.items():
            # Zero defaults are in place already; a column given in ``values`` is written below in full.
            if name not in values:
                self._data[name][self.count : needed] = default
        object.__setattr__(self, "count", needed)
        for name, value in values.items():
            self._data[name][ids] = value
        return ids

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` rows in all (no row is added; a smaller capacity than now is a no-op).

        Growing past the room copies every column (``grow`` reserves a quarter more each time); a caller
        that knows how many rows will come can reserve them once (benchmarks/row_cost.py does).
        """
        capacity = int(capacity)
        if capacity <= self._capacity:
            return
        for name, column in self.registry.items():
            grown = _storage(capacity, column)
            grown[: self.count] = self._data[name][: self.count]
            self._data[name] = grown
        object.__setattr__(self, "_capacity", capacity)

    def view(self, names: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Read-only views of some columns (all by default) of the live rows."""
        views = {}
        for name in self.columns if names is None else names:
            array = self._data[name][: self.count].view()
            array.flags.writeable = False
            views[name] = array
        return views


def _firm_columns() -> dict[str, Column]:
    f8, i8, i4, b1, i1 = np.float64, np.int64, np.int32, np.bool_, np.int8
    return {
        "name": Column(object, "", "the firm's name"),
        "region": Column(np.int16, 0, "region code (index into the model's regions)"),
        "sector": Column(i1, 0, "sector code: index into the scenario's sector_names"),
        "role": Column(i1, INDEPENDENT, "ASSEMBLER, TIER1, TIER2 or INDEPENDENT"),
        "part_type": Column(i1, NO_PART, "index into PART_TYPES, or NO_PART"),
        "branch": Column(i1, NO_BRANCH, "index into the industry's branch_shares, or NO_BRANCH"),
        "status": Column(i1, ACTIVE, "ACTIVE, CLOSED or RELOCATED"),
        "base_employees": Column(i8, 0, "employees at the start (or planned, for arriving firms)"),
        "productivity": Column(f8, 0.0, "output KRW per worker-month"),
        "wage_level": Column(f8, 0.0, "KRW per month: mean pay at the start; a hire gets it times skill and distance"),
        "input_cost_share": Column(f8, 0.0, "purchased inputs per KRW of output"),
        "export_share": Column(f8, 0.0, "share of base sales outside the region"),
        "operating_margin": Column(f8, 0.0, "profit per KRW of output at the start"),
        "base_output": Column(f8, 0.0, "KRW per month at the start"),
        "fixed_costs": Column(f8, 0.0, "KRW per month: overheads of the plant as it stands this month"),
        "overhead_rate": Column(f8, 0.0, "fixed costs per KRW of monthly capacity in use"),
        "interest_rate": Column(f8, 0.0, "interest rate on the firm's debt, per year (priced by risk: credit.py)"),
        "is_sme": Column(b1, False, "small or medium enterprise (full-scale size)"),
        "capacity": Column(f8, 0.0, "KRW of output per month the plant can make"),
        "cash": Column(f8, 0.0, "KRW"),
        "debt": Column(f8, 0.0, "bank debt, KRW"),
        "leverage_spread": Column(f8, 0.0, "banks' leverage spread on the firm's loans, per year, set at renewal"),
        "loss_months": Column(i4, 0, "consecutive months with an operating loss (the credit record)"),
        "expected_demand": Column(f8, 0.0, "KRW per month, adaptive expectation of orders"),
        "demand_noise": Column(f8, 0.0, "log of the firm's AR(1) demand shock"),
        "demand_weight": Column(f8, 0.0, "log of the firm's own share of its market, a random walk (orders.py)"),
        "annual_sales": Column(f8, 0.0, "KRW per year, smoothed (for the leverage limit)"),
        "employees": Column(i8, 0, "workers now (kept as workers join and leave)"),
        "payroll": Column(f8, 0.0, "wages of the workers now, KRW per month (kept as workers join and leave)"),
        "wage_bill": Column(f8, 0.0, "wages paid this month: the payroll at the end of last month, KRW"),
        "closed_month": Column(i4, -1, "month the firm closed or left (-1 while active)"),
        "complex_id": Column(i4, -1, "industrial complex of a traded firm (-1 for local services)"),
        "social_enterprise": Column(b1, False, "social enterprise or cooperative (local services)"),
        "entry_month": Column(i4, 0, "0 for firms present at the start"),
        "unfilled_months": Column(i4, 0, "consecutive months with openings the firm could not fill"),
        "staffing_threshold": Column(f8, 0.5, "in [0, 1): see production.workforce_plans"),
        "size_factor": Column(f8, 1.0, "employees at the start / full-scale employees (see build.scale_sizes)"),
        "key": Column(np.uint64, 0, "stable key of the firm's random draws (random_streams.agent_keys)"),
        "outside_trend_per_year": Column(f8, 0.0, "yearly trend of the firm's sales outside the region"),
        "productivity_growth_per_year": Column(f8, 0.0, "yearly growth of the firm's output per worker"),
        "base_final_demand": Column(f8, 0.0, "assembly plants' base sales to final buyers, KRW per month"),
        "base_outside_sales": Column(f8, 0.0, "base sales outside the region (not through the network), KRW/month"),
        "base_local_sales": Column(f8, 0.0, "local services' base sales to the region's households, KRW/month"),
        # The month's working values, kept per firm so that arriving firms join them.
        "orders": Column(f8, 0.0, "orders this month, KRW"),
        "capacity_factor": Column(f8, 1.0, "share of capacity still in the region this month (relocation)"),
        "relocated_share": Column(f8, 0.0, "share of the plant moved abroad by this month"),
        "output": Column(f8, 0.0, "output last produced, KRW per month"),
        "distressed": Column(b1, False, "short of cash with no bank credit this month"),
        "closing": Column(b1, False, "a closure of the plant has been announced (closures.py)"),
        "site_reused_month": Column(i4, -1, "month an entrant took over the site of this closed firm (-1: not taken)"),
        "site_of": Column(i4, -1, "id of the closed firm whose site this entrant took over (-1: a new site)"),
        "converting_until": Column(i4, -1, "month a conversion to electric parts is done (-1: not converting)"),
        "price": Column(f8, 1.0, "price index (1 at the start; prices.py)"),
        "wage_index": Column(f8, 1.0, "wage cost per worker relative to the start, from minimum-wage rises (rules.py)"),
        "labour_cost_share": Column(f8, 0.0, "wages per KRW of base output at the start"),
        "interest_cost_share": Column(f8, 0.0, "interest per KRW of base output at the start"),
        "fixed_cost_share": Column(f8, 0.0, "overheads per KRW of base output at the start"),
        "base_interest_rate": Column(f8, 0.0, "the firm's interest rate at the start, per year"),
        "conversion_cost_per_month": Column(f8, 0.0, "conversion cost paid each month while converting, KRW"),
        "layoffs": Column(i8, 0, "workers laid off this month"),
        "layoffs_last_month": Column(i8, 0, "workers laid off last month"),
        # The month's money flows (production.pay_and_borrow), KRW per month.
        **{
            f"flow_{name}": Column(f8, 0.0, f"this month's {meaning}, KRW")
            for name, meaning in (
                ("revenue", "sales"),
                ("borrowing", "new bank borrowing"),
                ("wages", "wages paid"),
                ("inputs", "purchased inputs"),
                ("fixed", "fixed costs"),
                ("interest", "interest paid"),
                ("repayment", "bank debt repaid"),
                ("cash_before", "cash before production"),
                ("cash_after", "cash after the policy point"),
                ("policy_in", "grants, subsidies and policy loans received"),
                ("policy_out", "policy loan repayments, interest and clawbacks paid back"),
                ("severance", "severance paid to dismissed staff"),
                ("investment", "spending on converting to electric parts"),
            )
        },
        # Levers: policies set them at the policy point and the later stages read them.
        "overhead_discount": Column(f8, 0.0, "share of fixed costs saved (infrastructure)"),
        "policy_demand": Column(f8, 0.0, "public purchases diverted to the firm this month (procurement), KRW"),
        "public_demand": Column(
            f8, 0.0, "public purchases paid from outside the region's spending (public works), base-price KRW"
        ),
        "demand_uplift": Column(
            f8, 0.0, "relative rise of the firm's weight in local household demand, taken from other local firms"
        ),
        "outside_uplift": Column(f8, 0.0, "relative rise of the firm's sales from buyers outside the region"),
        "retention_covered": Column(i8, 0, "jobs a retention subsidy pays the firm to keep this month"),
        "wage_subsidy_krw": Column(f8, 0.0, "wage subsidies the firm receives this month, KRW"),
        "interest_subsidy_krw": Column(f8, 0.0, "interest a programme pays for the firm this month, KRW"),
        "guarantee_cover_krw": Column(
            f8, 0.0, "bank loans a public credit guarantee covers, KRW (lent beyond the bank's own limit)"
        ),
        "guarantee_ratio": Column(f8, 0.0, "share of a covered loan's loss the guarantee fund pays"),
        "guarantee_fee_krw": Column(f8, 0.0, "guarantee fee the firm pays this month, KRW"),
    }


class FirmTable(ColumnTable):
    """Every firm, one row each (index = firm id)."""

    def __init__(self, capacity: int = 0) -> None:
        super().__init__(_firm_columns(), capacity)

    def hire(self, employers: np.ndarray, wages: np.ndarray) -> None:
        """Workers join firms: count them and add their wages to the firms' payroll."""
        self.employees += np.bincount(employers, minlength=self.count)
        self.payroll += np.bincount(employers, weights=wages, minlength=self.count)

    def release(self, employers: np.ndarray, wages: np.ndarray) -> None:
        """Workers leave firms (quits, layoffs, retirement, visas ending): the reverse of ``hire``."""
        if len(employers) == 0:  # nothing to take away (x - 0.0 is x for every x, -0.0 too)
            return
        self.employees -= np.bincount(employers, minlength=self.count)
        self.payroll -= np.bincount(employers, weights=wages, minlength=self.count)

    def net_flow(self) -> np.ndarray:
        """This month's money in minus money out, per firm (KRW)."""
        money_in = self.flow_revenue + self.flow_borrowing + self.flow_policy_in
        money_out = (
            self.flow_wages
            + self.flow_inputs
            + self.flow_fixed
            + self.flow_interest
            + self.flow_repayment
            + self.flow_policy_out
            + self.flow_severance
            + self.flow_investment
        )
        return money_in - money_out


def _worker_columns() -> dict[str, Column]:
    return {
        "key": Column(np.uint64, 0, "stable key of the worker's random draws (random_streams.agent_keys)"),
        "region": Column(np.int16, 0, "region code of residence"),
        "status": Column(
            np.int8, MOVED_OUT, "EMPLOYED, UNEMPLOYED, IN_TRAINING, INACTIVE, MOVED_OUT, COMMUTING_OUT or PUBLIC_JOB"
        ),
        # numpy's index type (int64 here), not int32: every month gathers and counts by it over all rows, and an
        # int32 index is converted to it first each time (speed only: the ids are the same).
        "employer": Column(np.intp, NO_EMPLOYER, "firm id, or NO_EMPLOYER"),
        "occupation": Column(np.int8, 0, "index into labour_market.occupations"),
        "skill": Column(np.int8, 2, "1 (low) to 3 (high)"),
        "birth_month": Column(np.int32, 0, "model month of birth"),
        "retire_month": Column(np.int32, NEVER, "model month of retirement"),
        "wage": Column(np.float64, 0.0, "KRW per month: current wage if employed, last wage otherwise"),
        "hire_month": Column(np.int32, 0, "month hired by the current employer"),
        "unemployed_since": Column(np.int32, NEVER, "first month of the current unemployment spell"),
        "quit_month": Column(np.int32, NEVER, "month the worker will quit, if nothing comes first"),
        "search_month": Column(np.int32, NEVER, "next month the worker looks for a better job while employed"),
        "contract_end_month": Column(
            np.int32, NEVER, "a fixed-term contract reaches its end (the two-year limit) this month; NEVER: open-ended"
        ),
        "benefit_krw": Column(np.float64, 0.0, "monthly unemployment benefit, KRW"),
        "benefit_end_month": Column(np.int32, 0, "benefit is paid while month < this"),
        "retired": Column(np.bool_, False, "has retired"),
        "displaced_sector": Column(np.int8, NO_SECTOR, "sector of the firm that last laid the worker off"),
        "displaced_month": Column(np.int32, NEVER, "month of the latest layoff"),
        "pre_displacement_wage": Column(np.float64, 0.0, "KRW per month before the latest layoff"),
        "entry_month": Column(np.int32, 0, "0 for the starting population"),
        "training_end_month": Column(np.int32, NEVER, "a course ends at the end of this month"),
        "courses_completed": Column(np.int8, 0, "training courses completed"),
        "foreign": Column(np.bool_, False, "placed by a foreign-workforce programme"),
        "visa_end_month": Column(np.int32, NEVER, "a foreign worker leaves the region at the end of this month"),
        "reemployed_month": Column(np.int32, NEVER, "first hire after the latest layoff"),
        "search_boost": Column(np.float64, 1.0, "multiplies this month's application success (a lever)"),
        "on_leave": Column(np.bool_, False, "on unpaid leave: employed, paid an allowance instead of a wage"),
        "leave_allowance_krw": Column(np.float64, 0.0, "allowance while on unpaid leave, KRW per month"),
        "lives_outside": Column(np.bool_, False, "an in-commuter: works or seeks work in the region, lives outside"),
        "left_search": Column(np.bool_, False, "stopped searching after long unemployment (may return to search)"),
        "mobility_month": Column(np.int32, NEVER, "next month of the person's moving and participation draws"),
    }


class Workforce(ColumnTable):
    """Every person in the region's labour force (and those who left it), one row each."""

    def __init__(self, capacity: int = 0) -> None:
        super().__init__(_worker_columns(), capacity)

    def paid_wage(self, ids: np.ndarray) -> np.ndarray:
        """What the employer pays each worker a month: the wage, or nothing while on unpaid leave."""
        return np.where(self.on_leave[ids], 0.0, self.wage[ids])

    def status_counts(self) -> np.ndarray:
        """Number of workers in each status (index = status code)."""
        status = self.status
        return np.array([np.count_nonzero(status == code) for code in range(len(WORKER_STATUS_NAMES))])

    def age_years(self, month: int) -> np.ndarray:
        """Age of every worker at the given model month, in years."""
        return (month - self.birth_month) / 12.0

    def tenure_months(self, month: int) -> np.ndarray:
        """Months with the current employer (meaningful for the employed)."""
        return np.where(self.status == EMPLOYED, month - self.hire_month, 0)

    def months_unemployed(self, month: int) -> np.ndarray:
        """Length of the current unemployment spell in months (zero if not unemployed)."""
        return np.where(self.status == UNEMPLOYED, month - self.unemployed_since, 0)

    def benefit_months_left(self, month: int) -> np.ndarray:
        """Months of unemployment benefit still to be paid after this month (zero if none)."""
        return np.where(self.status == UNEMPLOYED, np.maximum(self.benefit_end_month - month - 1, 0), 0)


def is_one_of(values: np.ndarray, codes: Iterable[int]) -> np.ndarray:
    """``np.isin(values, codes)`` for a few integer codes: one comparison per code.

    The same mask; ``np.isin`` sorts instead, which over 56,000 firms' sector codes costs about ten
    times as long (0.7 against 0.08 ms), in a pass made every month (speed only).
    """
    mask = np.zeros(np.shape(values), dtype=bool)
    for code in codes:
        mask |= values == code
    return mask


#: The column a national model's commuting links tag rows with (the link's index; -1: none), registered only in
#: the regions of a nation with [[commuting]] links (sim/nation/commuting.py).
COMMUTE_LINK = "commute_link"


def linked_rows(workforce: Workforce) -> np.ndarray | None:
    """Mask of the rows a national model's commuting link holds (sim/nation/commuting.py), or None without links.

    In the home region they are residents employed in, or searching in, the link's work region; in the work
    region, the jobs and job searches of those residents (``lives_outside``). Their moves come from the other end
    of the link, not from this region's outside labour market.
    """
    if COMMUTE_LINK not in workforce.registry:
        return None
    return workforce.commute_link >= 0
