"""Firms' own demand paths and gross churn: survival, high-growth firms, growth dispersion, sizes, layoffs.

Usage: PYTHONPATH=. python scripts/firm_growth_measure.py [seed] [scale] [months] [off|paths|both]
Gwangju with its shocks. ``paths`` turns firms' demand paths on at the level measured in docs/calibration.md
("Firms that grow and die one by one"); ``both`` adds gross churn; ``off`` is the shipped scenario. Prints one
JSON line: survival of firms born in months 1-12 at 12 and 36 months (as tests/test_entry.py counts it), the
share of starting firms of 10+ full-scale employees growing 10%+ a year over 36 months (as tests/test_seed004.py),
the s.d. of log employment growth of continuing firms over months 12-24 (all; 10+), the employment-weighted
s.d. of DHS growth with exits, the share of active firms by full-scale employees (0, 1-4, 5-9, 10-49, 50-299,
300+) and their count at the start and end, layoffs a month, unemployment and employment.
"""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np

from sim import RegionModel
from sim.region.state import ACTIVE

PATHS = {
    "markets.firm_growth_sd_per_year": 0.25,
    "markets.firm_growth_size_elasticity": 0.2,
    "markets.firm_growth_young_multiplier": 2.0,
    "markets.firm_growth_young_years": 5.0,
}
ARMS = {"off": {}, "paths": PATHS, "both": {**PATHS, "entry.churn": True}}
SIZE_BINS = [0, 1, 5, 10, 50, 300, 1e9]


def size_shares(model: RegionModel) -> list[float]:
    firms = model.firms
    active = firms.status == ACTIVE
    counts = np.histogram(firms.employees[active] / firms.size_factor[active], bins=SIZE_BINS)[0]
    return [round(float(share), 4) for share in counts / active.sum()] + [int(active.sum())]


def main() -> None:
    seed, scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1, float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    months, arm = int(sys.argv[3]) if len(sys.argv) > 3 else 60, sys.argv[4] if len(sys.argv) > 4 else "both"
    warnings.simplefilter("ignore")
    model = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides=ARMS[arm])
    out: dict = {"seed": seed, "scale": scale, "months": months, "arm": arm, "sizes_start": size_shares(model)}
    alive_at: dict[int, list[int]] = {12: [0, 0], 36: [0, 0]}
    snapshots = {}
    for month in range(1, months + 1):
        model.step()
        firms = model.firms
        for age, tally in alive_at.items():
            if 1 <= month - age <= 12:
                born = np.flatnonzero(firms.entry_month == month - age)
                tally[0] += len(born)
                tally[1] += int((firms.status[born] == ACTIVE).sum())
        if month in (12, 24, 36):
            snapshots[month] = (firms.employees.copy(), firms.status == ACTIVE)
    firms = model.firms
    out["survival_12_36"] = [round(alive / max(counted, 1), 3) for counted, alive in alive_at.values()]
    if 36 in snapshots:
        employees, active = snapshots[36]
        n = len(employees)
        base, factor = firms.base_employees[:n], firms.size_factor[:n]
        present = (firms.entry_month[:n] == 0) & active & (base / factor >= 10) & (base > 0)
        growth = (employees[present] / base[present]) ** (1 / 3) - 1
        out["high_growth_share"] = round(float(np.mean(growth >= 0.10)), 4)
    if 24 in snapshots:
        (e12, a12), (e24, a24) = snapshots[12], snapshots[24]
        n = len(e12)
        e24, a24 = e24[:n], a24[:n]
        continuing = a12 & a24 & (e12 > 0) & (e24 > 0)
        large = continuing & (e12 / firms.size_factor[:n] >= 10)
        out["sd_log_growth_all_10plus"] = [
            round(float(np.std(np.log(e24[mask] / e12[mask]))), 3) for mask in (continuing, large)
        ]
        now, before = np.where(a24, e24, 0).astype(float), np.where(a12, e12, 0).astype(float)
        mean = (now + before) / 2
        keep = mean > 0
        dhs = (now[keep] - before[keep]) / mean[keep]
        average = np.average(dhs, weights=mean[keep])
        out["dhs_sd_weighted"] = round(float(np.sqrt(np.average((dhs - average) ** 2, weights=mean[keep]))), 3)
    out["sizes_end"] = size_shares(model)
    table = model.results()
    out["layoffs_per_month"] = round(float(table["layoffs"].mean()), 1)
    out["unemployment_mean_end"] = [round(float(table["unemployment_rate"].mean()), 4)]
    out["unemployment_mean_end"].append(round(float(table["unemployment_rate"].iloc[-1]), 4))
    out["employed_end"] = int(table["employed"].iloc[-1])
    out["failures"] = int(table["firm_failures"].sum())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
