r"""Why services gain or lose jobs when a package makes manufacturers hire (issues 11 and 16).

One region with a package against its baseline twin (same seed: common random numbers). Each
month is stepped through ``sim.model.STAGES`` and the state read (never changed) after the orders,
production and labour-market stages, so services can be followed from demand to jobs:

- demand reaching local services: households' part (spending coefficient x smoothed income),
  traded firms' purchases (b x traded sales outside the chains), in KRW;
- services' orders and output, and the orders lost because a firm had too few workers
  (output = min(orders, capacity, employees x productivity), docs/model.md 7.3);
- services' staffing: workers their expected orders need (7.4), employees, and the gap left
  after the month's matching (positions still open);
- job-to-job moves between services and the traded sectors (7.6a), by origin and destination.

Printed: package minus twin, summed over each year and averaged over the seeds (KRW at the
sample's scale; worker-months divided by 12: job-years). Usage::

    PYTHONPATH=. python scripts/induced_decomposition.py [scenario] [package] [seeds] [scale] [months]
    PYTHONPATH=. python scripts/induced_decomposition.py scenarios/nations/regions/korea/r21_busan.toml \
        korea_key_industries_2023 1,2,3,4,5,6 0.2 60
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from sim import RegionModel
from sim.model import STAGES
from sim.region.state import ACTIVE, EMPLOYED

COLUMNS = {
    "households_krw": "households' spending reaching local services, KRW",
    "firms_krw": "traded firms' purchases of local services, KRW",
    "services_orders_krw": "services' orders, KRW",
    "services_output_krw": "services' output, KRW",
    "lost_to_staffing_krw": "services' orders not made for want of workers, KRW",
    "services_needed": "workers services' expected orders need, job-years",
    "services_employed": "services' employees, job-years",
    "services_open": "services' positions open after matching, job-years",
    "services_to_traded": "job-to-job moves from services to traded firms",
    "traded_to_services": "job-to-job moves from traded firms to services",
    "traded_employed": "traded firms' employees, job-years",
}
PER_MONTH = ("services_needed", "services_employed", "services_open", "traded_employed")


def run(scenario: str, package: str | None, seed: int, scale: float, months: int) -> pd.DataFrame:
    """One run's monthly rows of the decomposition (reads the state between stages)."""
    model = RegionModel(scenario, rng=seed, scale=scale, months=months, package=package)
    state, config = model.region, model.config
    codes = [config.sector_code(name) for name in config.local_services_names]
    rows = []
    for month in range(1, months + 1):
        model.steps += 1  # as Mesa's step does before RegionModel.step
        row: dict[str, float] = {"month": month}
        for name, stage in STAGES:
            if name == "labour_market":
                firms, workforce = state.firms, state.workforce
                employed_before = np.flatnonzero(workforce.status == EMPLOYED)
                employer_before = workforce.employer[employed_before].copy()
            stage(model, month)
            firms = state.firms
            services = np.isin(firms.sector, codes) & (firms.status == ACTIVE)
            traded = ~np.isin(firms.sector, codes) & (firms.status == ACTIVE)
            if name == "orders":
                local = state.local
                row["households_krw"] = local.spending_coefficient * local.smoothed_income_krw
                row["firms_krw"] = local.business_purchases_krw
                row["services_orders_krw"] = float(firms.orders[services].sum())
            elif name == "production":
                labour = firms.employees * firms.productivity
                within = np.minimum(firms.orders, firms.capacity * firms.capacity_factor)
                row["services_output_krw"] = float(firms.output[services].sum())
                row["lost_to_staffing_krw"] = float(np.maximum(within - labour, 0.0)[services].sum())
            elif name == "labour_market":
                workforce = state.workforce
                needed = np.minimum(firms.expected_demand, firms.capacity * firms.capacity_factor) / firms.productivity
                target = np.floor(needed + firms.staffing_threshold)
                row["services_needed"] = float(needed[services].sum())
                row["services_open"] = float(np.maximum(target - firms.employees, 0)[services].sum())
                still = workforce.status[employed_before] == EMPLOYED
                moved = still & (workforce.employer[employed_before] != employer_before)
                origin = np.isin(firms.sector[employer_before[moved]], codes)
                destination = np.isin(firms.sector[workforce.employer[employed_before[moved]]], codes)
                row["services_to_traded"] = float(np.count_nonzero(origin & ~destination))
                row["traded_to_services"] = float(np.count_nonzero(~origin & destination))
            elif name == "records":
                row["services_employed"] = float(firms.employees[services].sum())
                row["traded_employed"] = float(firms.employees[traded].sum())
        rows.append(row)
    model.running = False
    return pd.DataFrame(rows)


def decompose(scenario: str, package: str, seeds: list[int], scale: float, months: int) -> pd.DataFrame:
    """Package minus twin by year (rows: the COLUMNS; columns: years), averaged over ``seeds``."""
    differences = []
    for seed in seeds:
        difference = run(scenario, package, seed, scale, months) - run(scenario, None, seed, scale, months)
        difference["year"] = (np.arange(months) // 12) + 1
        differences.append(difference.drop(columns="month").groupby("year").sum())
    table = sum(differences) / len(differences)
    table[list(PER_MONTH)] = table[list(PER_MONTH)] / 12.0
    table = table[list(COLUMNS)].T
    table["all"] = table.sum(axis=1)
    return table


def main(argv: list[str]) -> None:
    scenario = argv[0] if argv else "scenarios/nations/regions/korea/r21_busan.toml"
    package = argv[1] if len(argv) > 1 else "korea_key_industries_2023"
    seeds = [int(seed) for seed in (argv[2] if len(argv) > 2 else "1,2").split(",")]
    scale = float(argv[3]) if len(argv) > 3 else 0.05
    months = int(argv[4]) if len(argv) > 4 else 36
    table = decompose(scenario, package, seeds, scale, months)
    print(f"{scenario}, {package}, seeds {seeds}, scale {scale}, {months} months: package minus twin by year")
    with pd.option_context("display.width", 200, "display.float_format", "{:,.1f}".format):
        print(table.rename(index=COLUMNS).to_string())


if __name__ == "__main__":
    main(sys.argv[1:])
