"""Measure the power of the budget-response test (tests/test_budget_response.py, docs/compare.md).

For each ``single_<instrument>`` package at 10, 20 and 40 bn KRW on Gwangju, per seed: region-wide
job-years against the same seed's baseline, the job-years of the units the package reached (the
gross-to-net bridge's direct part) and the other bridge parts, the spending, and the twins'
difference in firm failures. Then per instrument: means, the paired differences 2x-1x and 4x-2x with
their standard deviations and t statistics, and the detectable size (one-sided 5%, power 80%) for
the seeds measured. Full-population units (the sample's figures divided by the scale).

    PYTHONPATH=. .venv/bin/python benchmarks/budget_response_power.py --scale 0.05 --seeds 20 --out s005.csv
    PYTHONPATH=. .venv/bin/python benchmarks/budget_response_power.py --scale 0.1 --seeds 10 \
        --packages single_retention,single_retraining --out s01.csv
    PYTHONPATH=. .venv/bin/python benchmarks/budget_response_power.py --analyse s005.csv --outcome reach
"""

from __future__ import annotations

import argparse
import math
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim import RegionModel
from sim.experiment.bridge import bridge
from sim.inputs.package import Package, load_package
from sim.inputs.scenario import load_scenario

BUDGET_KRW = 10e9
MULTIPLES = (1, 2, 4)
PACKAGES = Path(__file__).resolve().parents[1] / "scenarios" / "packages"


def _run(args: tuple[str | None, int, int, float]) -> tuple[tuple, pd.DataFrame, dict, Package | None]:
    name, multiple, seed, scale = args
    package = None if name is None else load_package(name).with_total_budget(BUDGET_KRW * multiple)
    model = RegionModel("gwangju", rng=seed, scale=scale, package=package, unit_records=True)
    table = model.run()
    return (name, multiple, seed), table, model.units(), package


def measure(scale: float, seeds: list[int], names: list[str], workers: int) -> pd.DataFrame:
    """One row per (package, multiple, seed): effects against the same seed's baseline (full population)."""
    config = load_scenario("gwangju", {"scenario.scale": scale})
    rows = []
    with Pool(workers) as pool:
        base = {
            key[2]: (table, units) for key, table, units, _ in pool.imap(_run, [(None, 0, s, scale) for s in seeds])
        }
        jobs = [(name, multiple, seed, scale) for name in names for multiple in MULTIPLES for seed in seeds]
        for (name, multiple, seed), table, units, package in pool.imap(_run, jobs, chunksize=2):
            base_table, base_units = base[seed]
            parts = bridge(units, base_units, package, table, config)
            employed = table["employed"].to_numpy(dtype=float)
            base_employed = base_table["employed"].to_numpy(dtype=float)
            spill = parts["substitution"] + parts["displacement"] + parts["induced"]
            rows.append(
                {
                    "name": name,
                    "mult": multiple,
                    "seed": seed,
                    "job_years": (employed - base_employed)[1:].sum() / 12 / scale,
                    "reach": (parts["bridge_net"] - spill) / scale,
                    "substitution": parts["substitution"] / scale,
                    "displacement": parts["displacement"] / scale,
                    "induced": parts["induced"] / scale,
                    "spend_krw": float(table["policy_spend"].sum()) / scale,
                    "failures_diff": float(table["firm_failures"].sum() - base_table["firm_failures"].sum()),
                }
            )
    return pd.DataFrame(rows)


def analyse(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per package: means at each budget, paired steps with their sd, t and detectable size."""
    rows = []
    for name, group in frame.groupby("name"):
        values = group.pivot(index="seed", columns="mult", values=outcome)
        spend = group.pivot(index="seed", columns="mult", values="spend_krw")
        n = len(values)
        factor = float(stats.t.ppf(0.95, n - 1) + stats.t.ppf(0.80, n - 1)) / math.sqrt(n)
        row = {"name": name.removeprefix("single_"), "n": n}
        for multiple in MULTIPLES:
            row[f"mean_{multiple}x"] = values[multiple].mean()
            row[f"spent_bn_{multiple}x"] = spend[multiple].mean() / 1e9
        row["sd_effect_1x"] = values[1].std(ddof=1)
        for low, high in ((1, 2), (2, 4)):
            step = values[high] - values[low]
            sd = step.std(ddof=1)
            row[f"step_{high}x"] = step.mean()
            row[f"sd_{high}x"] = sd
            row[f"t_{high}x"] = step.mean() / (sd / math.sqrt(n)) if sd > 0 else np.nan
            row[f"detectable_{high}x"] = factor * sd
        first = group[group.mult == 1]
        spread = first["failures_diff"].std()
        row["corr_failures"] = np.corrcoef(first[outcome], first["failures_diff"])[0, 1] if spread > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    """Measure (or analyse a saved measurement) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--packages", default="", help="comma-separated; default: every single_<instrument>")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="budget_response_power.csv")
    parser.add_argument("--analyse", default="", help="analyse this saved CSV instead of measuring")
    parser.add_argument("--outcome", default="job_years", choices=["job_years", "reach"])
    args = parser.parse_args()
    if args.analyse:
        frame = pd.read_csv(args.analyse)
    else:
        names = args.packages.split(",") if args.packages else sorted(p.stem for p in PACKAGES.glob("single_*.toml"))
        frame = measure(args.scale, list(range(1, args.seeds + 1)), names, args.workers)
        frame.to_csv(args.out, index=False)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(analyse(frame, args.outcome).round(1).to_string())


if __name__ == "__main__":
    main()
