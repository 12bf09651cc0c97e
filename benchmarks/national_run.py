"""Benchmark: a nation of Korea's 17 regions run together, at several scales, beside issue 16's target.

    python benchmarks/national_run.py [--scales 0.1 0.3 1.0] [--months 120] [--reps 1] [--synthetic]

Issue 16 asks that the whole Korean labour force (about 29 million people) run at full scale
on one machine of this size: 120 months in under 5 minutes of wall time, within 16 GB. By
default this benchmark times the shipped Korea nation (scenarios/nations/korea.toml: the 17
regions sized to Statistics Korea's 2023 labour force, manufacturing by KSIC division, no links;
its horizon and scale set here). ``--synthetic`` times the earlier **synthetic** nation instead:
the 17 cities and provinces of scenarios/national/labour_force.csv
(Statistics Korea, 2023), each Gwangju's scenario (its chains, industries, rules and
population structure from age 15) with its labour force set to the region's and every
absolute size (assembly plants, tiers, the growth industry, inward investment, industrial
complexes) scaled by the same ratio, linked by nothing. It measures cost, not economics.

For each scale, ``--reps`` fresh processes (numpy at one thread; the regions spread over
``--workers`` worker processes, default 2, the machine's cores; with 1, pinned to one core)
each build the nation and run it; printed per scale, medians over the processes: people in the model at
the start (residents aged 15+ and in-commuters), build and simulate wall time, total wall
time of the child, worker-months per second (people alive summed over months 1..T over the
simulate time) and peak memory (``ru_maxrss`` of the child plus each worker process's). Then the growth of cost with
size: the exponent of simulate time and of memory in the number of people between
successive scales (1.0: linear). Nothing fails if a target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300.0
TARGET_MEMORY_GB = 16.0

#: Gwangju's absolute sizes that scale with a region's labour force (key paths of scenarios/gwangju.toml).
SIZE_KEYS = (
    "chains.auto.assemblers[0].employees",
    "chains.auto.tier1.employees",
    "chains.auto.tier2.employees",
    "chains.appliance.assemblers[0].employees",
    "chains.appliance.tier1.employees",
    "chains.appliance.tier2.employees",
    "industries.growth.employees",
    "investment.arrivals_per_year",
    "firms.industrial_complexes",
)

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
import national_run
clock = time.perf_counter()
from sim.nation import NationModel
if {synthetic!r}:
    model = NationModel(national_run.synthetic_nation({scale!r}, {months!r}), rng=1, max_memory=False,
                        workers={workers!r})  # the estimate is cautious
else:
    model = NationModel("korea", rng=1, scale={scale!r}, months={months!r}, max_memory=False, workers={workers!r})
ready = time.perf_counter()
model.run()
done = time.perf_counter()
table = model.results()
alive_columns = [c for c in ("labour_force", "out_of_labour_force", "in_training") if c in table]
people = float(table.loc[table["month"] == 0, alive_columns].to_numpy().sum())
worker_months = float(table.loc[table["month"] >= 1, alive_columns].to_numpy().sum())
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{
    "people": people,
    "build_seconds": ready - clock,
    "simulate_seconds": done - ready,
    "worker_months": worker_months,
    "peak_mb": own + sum(model.worker_peak_memory_mb),
}}))
"""


def synthetic_nation(scale: float, months: int) -> object:
    """The 17 regions, each Gwangju's scenario sized to the region's 2023 labour force (see the module docstring)."""
    import csv

    from sim.inputs.keypath import get_path
    from sim.inputs.nation import Nation, NationFile
    from sim.inputs.scenario import load_scenario

    template = load_scenario("gwangju")
    plain = template.to_dict()
    rows = list(csv.DictReader((ROOT / "scenarios" / "national" / "labour_force.csv").open()))
    regions_file = {
        row["code"]: row["name_en"] for row in csv.DictReader((ROOT / "scenarios" / "national" / "regions.csv").open())
    }
    base = float(template.population.labour_force)
    scenarios, entries = {}, []
    for row in rows:
        name = "r" + row["region"] + "_" + regions_file[row["region"]].lower().replace(" ", "_").replace("-", "_")
        ratio = float(row["labour_force"]) / base
        overrides = {
            "scenario.name": name,
            "scenario.months": months,
            "scenario.scale": scale,
            "population.labour_force": int(row["labour_force"]),
        }
        for key in SIZE_KEYS:
            value = get_path(plain, key)
            overrides[key] = type(value)(max(round(value * ratio), 1)) if isinstance(value, int) else value * ratio
        scenarios[name] = load_scenario("gwangju", overrides)
        entries.append({"name": name, "scenario": "gwangju"})
    spec = NationFile.model_validate(
        {
            "nation": {"name": "synthetic_korea", "start": template.scenario.start, "months": months, "scale": scale},
            "regions": entries,
        }
    )
    return Nation(spec, scenarios, "<synthetic nation: benchmarks/national_run.py>", ROOT)


def _child(scale: float, months: int, workers: int, synthetic: bool = False) -> dict[str, float]:
    code = CHILD.format(
        root=str(ROOT), bench=str(ROOT / "benchmarks"), scale=scale, months=months, workers=workers, synthetic=synthetic
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    clock = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    total = time.perf_counter() - clock
    if result.returncode != 0:
        raise SystemExit(f"scale {scale}: the child failed:\n{result.stderr[-2000:]}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    measured["total_seconds"] = total
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes the regions are spread over (default 2)")
    parser.add_argument(
        "--synthetic", action="store_true", help="time the synthetic nation (every region Gwangju's) instead of korea"
    )
    args = parser.parse_args()
    if args.workers == 1 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    kind = "synthetic nation of 17 regions (each Gwangju's)" if args.synthetic else "the Korea nation (korea.toml)"
    print(f"{kind}, {args.months} months, {args.workers} worker process(es); load average {os.getloadavg()[0]:.2f}")
    print(f"targets at scale 1.0: under {TARGET_SECONDS:.0f} s of wall time, under {TARGET_MEMORY_GB:.0f} GB")
    header = ("scale", 6), ("people", 13), ("build s", 10), ("simulate s", 12), ("total s", 10)
    print("".join(f"{name:>{width}}" for name, width in header) + f"{'M worker-months/s':>19}{'peak MB':>10}")
    medians = []
    for scale in args.scales:
        runs = [_child(scale, args.months, args.workers, args.synthetic) for _ in range(args.reps)]
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        medians.append((scale, median))
        speed = median["worker_months"] / median["simulate_seconds"] / 1e6
        print(
            f"{scale:>6g}{median['people']:>13,.0f}{median['build_seconds']:>10.1f}{median['simulate_seconds']:>12.1f}"
            f"{median['total_seconds']:>10.1f}{speed:>19.1f}{median['peak_mb']:>10,.0f}"
        )
    for (low_scale, low), (high_scale, high) in itertools.pairwise(medians):
        growth = math.log(high["people"] / low["people"])
        time_exponent = math.log(high["simulate_seconds"] / low["simulate_seconds"]) / growth
        memory_exponent = math.log(high["peak_mb"] / low["peak_mb"]) / growth
        print(
            f"growth {low_scale:g} -> {high_scale:g}: time ~ people^{time_exponent:.2f}, "
            f"memory ~ people^{memory_exponent:.2f}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
