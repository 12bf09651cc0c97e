"""Gwangju without shocks: separations by route, the flows into and out of unemployment, spells, movers, tenure.

Usage: PYTHONPATH=. python scripts/inflow_measure.py [seed] [scale] [key.path=value ...]
e.g. ``labour_market.dismissal_rate_per_month=0.0025 labour_market.quit_rate_per_month=0``.
Routes and flows are shares of the employed a month over months 13-60, as tests/test_validation_labour.py
counts them; docs/calibration.md ("The flow into unemployment") gives the figures this printed.
"""

from __future__ import annotations

import itertools
import sys

import numpy as np

from sim import RegionModel
from sim.region.labour_market import short_job_workers
from sim.region.state import (
    COMMUTING_OUT,
    EMPLOYED,
    IN_TRAINING,
    INACTIVE,
    MOVED_OUT,
    NEVER,
    UNEMPLOYED,
    WORKER_STATUS_NAMES,
)

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}
VOLUNTARY = ("job_to_job", "quit", "moved_out")
INVOLUNTARY = ("contract_end", "short_job_end", "layoff", "dismissal", "left_labour_force")
#: Tenure bands of Statistics Korea's administrative statistics of wage jobs (years: from, to).
TENURE_BANDS = ((0, 1), (1, 3), (3, 5), (5, 10), (10, 20), (20, 99))
MONTHS = 60


def main(seed: int, scale: float, overrides: dict[str, float]) -> None:
    model = RegionModel("gwangju", rng=seed, scale=scale, months=MONTHS, overrides={**NO_SHOCKS, **overrides})
    print("mu", round(model.region.matching.efficiency, 4))
    routes = dict.fromkeys(VOLUNTARY + INVOLUNTARY, 0)
    into, out_of = dict.fromkeys(WORKER_STATUS_NAMES, 0), dict.fromkeys(WORKER_STATUS_NAMES, 0)
    employee_months = unemployed_months = new_rows_unemployed = 0
    unemployment, vacancies, spells, tenure, fixed_term, decembers = [], [], [], [], [], []
    hires = short_hires = short_ends = short_ends_unemployed = 0
    bands, short_share_of_employees = [], []
    cohorts, retained, followed = {}, 0, 0  # hires of months 13-48 and whether they are in the same job a year on
    share = model.region.config.labour_market.short_job_worker_share
    streams = model.region.streams
    for month in range(1, MONTHS + 1):
        workforce = model.workforce
        rows = workforce.count
        before = workforce.status[:rows].copy()
        employed = np.flatnonzero(before == EMPLOYED)
        employer = workforce.employer[employed].copy()
        leaving = workforce.quit_month[employed] == month
        due = workforce.contract_end_month[employed] == month
        short_due = due & short_job_workers(workforce.key[employed], share, streams)
        seeking = np.flatnonzero(before == UNEMPLOYED)
        since = workforce.unemployed_since[seeking].copy()
        model.step()
        workforce, tally = model.workforce, model.region.tally
        now_employed = workforce.status == EMPLOYED
        unemployed, employed_count = int((workforce.status == UNEMPLOYED).sum()), int(now_employed.sum())
        unemployment.append(unemployed / (unemployed + employed_count))
        vacancies.append(tally["vacancies"] / employed_count)
        if month % 12 == 0:
            years = (month - workforce.hire_month[now_employed]) / 12
            tenure.append(float(years.mean()))
            bands.append([float(((years >= lo) & (years < hi)).mean()) for lo, hi in TENURE_BANDS])
            short_share_of_employees.append(
                float(short_job_workers(workforce.key[now_employed], share, streams).mean())
            )
            fixed_term.append(float((workforce.contract_end_month[now_employed] != NEVER).mean()))
            decembers.append((now_employed.copy(), workforce.employer.copy()))
        if month in cohorts:
            hired_then = cohorts.pop(month)
            followed += len(hired_then)
            retained += int(
                ((workforce.status[hired_then] == EMPLOYED) & (workforce.hire_month[hired_then] == month - 12)).sum()
            )
        if 12 < month <= 48:
            cohorts[month + 12] = np.flatnonzero(now_employed & (workforce.hire_month == month))
        if month <= 12:
            continue
        after = workforce.status[:rows]
        for code, name in enumerate(WORKER_STATUS_NAMES):
            if code == UNEMPLOYED:
                continue
            into[name] += int(((before == code) & (after == UNEMPLOYED)).sum())
            out_of[name] += int(((before == UNEMPLOYED) & (after == code)).sum())
        new_rows_unemployed += int((workforce.status[rows:] == UNEMPLOYED).sum())
        unemployed_months += len(seeking)
        hires += int(tally["hires"])
        short_hires += int(tally["short_job_hires"])
        short_ends += int(tally["short_job_ends"])
        short_ends_unemployed += int(tally["short_job_ends_unemployed"])
        spells.append(month - since[workforce.status[seeking] == EMPLOYED])
        status = workforce.status[employed]
        laid_off = workforce.displaced_month[employed] == month
        moved = ((status == EMPLOYED) & (workforce.employer[employed] != employer)) | (status == COMMUTING_OUT)
        employee_months += len(employed)
        dismissed = int(tally["dismissals"])
        routes["quit"] += int(leaving.sum()) - dismissed
        routes["dismissal"] += dismissed
        # A short job that ends is an involuntary separation whether or not its holder found another job in its
        # last month (MOEL's survey counts the end of temporary work as involuntary).
        routes["job_to_job"] += int((moved & ~leaving & ~short_due).sum())
        routes["layoff"] += int((laid_off & ~leaving).sum())
        routes["contract_end"] += int(((status == UNEMPLOYED) & due & ~short_due & ~laid_off & ~leaving).sum())
        routes["short_job_end"] += int((((status == UNEMPLOYED) | moved) & short_due & ~laid_off & ~leaving).sum())
        routes["moved_out"] += int((status == MOVED_OUT).sum())
        routes["left_labour_force"] += int(((status == INACTIVE) | (status == IN_TRAINING)).sum())
    rates = {route: 100 * count / employee_months for route, count in routes.items()}
    voluntary, involuntary = sum(rates[r] for r in VOLUNTARY), sum(rates[r] for r in INVOLUNTARY)
    leavers = sum(rates[r] for r in ("contract_end", "layoff", "dismissal"))
    short_into_unemployment = 100 * short_ends_unemployed / employee_months
    print(
        f"hires {100 * hires / employee_months:.3f}% of the employed a month (short jobs "
        f"{100 * short_hires / employee_months:.3f}%); short-job ends {100 * short_ends / employee_months:.3f}% "
        f"({short_into_unemployment:.3f}% into unemployment)"
    )
    with_short = leavers + short_into_unemployment
    print(
        "involuntary share of separations into non-employment, short-job ends into unemployment counted: "
        f"{with_short / (with_short + rates['quit'] + rates['left_labour_force']):.3f}"
    )
    print("routes, % of the employed a month:", {route: round(rate, 3) for route, rate in rates.items()})
    print(
        f"voluntary {voluntary:.3f}, involuntary {involuntary:.3f}, share {voluntary / (voluntary + involuntary):.3f}"
    )
    into_non_employment = leavers + rates["quit"] + rates["left_labour_force"]
    print(f"involuntary share of separations into non-employment {leavers / into_non_employment:.3f}")
    print(
        "into unemployment, % of the employed a month, by status before:",
        {k: round(100 * v / employee_months, 3) for k, v in into.items() if v},
    )
    print(f"  and new rows (entrants, in-migrants) {100 * new_rows_unemployed / employee_months:.3f}")
    print(
        "out of unemployment, % of the unemployed a month, by status after:",
        {k: round(100 * v / unemployed_months, 2) for k, v in out_of.items() if v},
    )
    print(f"hires of months 13-48 in the same job a year on (KEIS: 40.1%) {retained / max(followed, 1):.3f}")
    print(f"mean completed spell {np.concatenate(spells).mean():.2f} months")
    print(
        "unemployment by year, %:",
        [round(100 * float(np.mean(unemployment[i : i + 12])), 2) for i in range(0, MONTHS, 12)],
    )
    print("mean tenure in Decembers, years:", [round(years, 2) for years in tenure])
    print("fixed-term share of employees in Decembers:", [round(share, 3) for share in fixed_term])
    print("short-job workers' share of employees in Decembers:", [round(x, 3) for x in short_share_of_employees])
    print(
        "employees by tenure band (years <1, 1-3, 3-5, 5-10, 10-20, 20+) in Decembers 3-5:",
        [[round(x, 3) for x in row] for row in bands[2:]],
    )
    movers = employed_both = employed_later = 0
    for (employed_then, employer_then), (employed_next, employer_next) in itertools.pairwise(decembers[:4]):
        both = employed_then & employed_next[: len(employed_then)]
        employed_both += int(both.sum())
        employed_later += int(employed_next.sum())
        movers += int((both & (employer_then != employer_next[: len(employer_then)])).sum())
    print(f"workers changing employer between Decembers 2021-2024 {movers / employed_both:.4f}")
    # Statistics Korea's job mobility statistics divide by every worker registered in the later December, entrants
    # (not registered in the earlier one) included.
    print(f"  of all employed in the later December {movers / employed_later:.4f}")
    print(f"vacancies before matching, % of the employed, year 3 {100 * float(np.mean(vacancies[24:36])):.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    pairs = dict(arg.split("=", 1) for arg in args[2:])
    main(int(args[0]) if args else 1, float(args[1]) if len(args) > 1 else 0.2, {k: float(v) for k, v in pairs.items()})
