"""Benchmark: a full-scale scenario run in fresh processes on one core, beside its targets.

    python benchmarks/full_scale_run.py [--reps 5] [--months 60] [--scale 1.0] [--scenario NAME]

The benchmark pins itself to one CPU core (``os.sched_setaffinity``) before it starts any
child, so every child process runs on that core too, with numpy's thread pools at one
thread. It prints:

1. The full model: ``--reps`` fresh ``python`` processes, each running
   ``RegionModel(scenario, rng=--seed, scale=--scale, months=--months).run()``. For each,
   and as medians over the processes:

   * total wall time: the child process from launch to exit, timed by this script, so it
     includes the interpreter's start, every import and the run;
   * import time: ``from sim import RegionModel`` inside the child (Mesa, numpy, pandas,
     scipy and the model's modules);
   * build time: ``RegionModel(...)`` (reading the scenario, creating firms and workers);
   * simulate time: ``model.run()``, which also returns the monthly table;
   * simulation speed in worker-months per second: worker-months are the workers alive in
     the model (``labour_force + out_of_labour_force + in_training`` of the monthly table:
     every status except ``moved_out``) summed over the simulated months (rows 1..months;
     row 0 is the start state), divided by the simulate time;
   * peak memory: the child's ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (KiB on Linux,
     shown in MB = KiB / 1024).

2. ``python -c "import sim"``: wall time of ``--reps`` fresh processes, timed by this
   script (interpreter start included), median.

3. A floor comparison in this process (see benchmarks/object_model.py): the same worker
   flows (quits and job finding at the scenario's rates, layoffs at a fixed rate, hires into
   vacancies) for ``--object-workers`` workers over ``--object-months`` months, once with one
   ``mesa.Agent`` per worker and once on numpy arrays; agent-months per second of each
   (median of ``--object-reps``), their ratio, and the ratio of the full model's
   worker-months per second to the object model's.

Timings on a shared machine are noisy: the load average is printed at the start and end.
The targets are printed beside the medians; nothing fails if they are missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {
    "total_s": 2.5,  # seconds, full scale, 60 months, imports included
    "rate": 35e6,  # worker-months per second of simulate time, at least
    "import_sim_s": 0.5,  # seconds, python -c "import sim"
    "peak_mb": 600.0,  # MB of peak resident memory
}

CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
from sim import RegionModel
imported = time.perf_counter()
scenario = sys.argv[4] or None
model = RegionModel(scenario, rng=int(sys.argv[1]), months=int(sys.argv[2]), scale=float(sys.argv[3]))
built = time.perf_counter()
table = model.run()
done = time.perf_counter()
simulated = table.iloc[1:]
alive = simulated["labour_force"] + simulated["out_of_labour_force"] + simulated["in_training"]
print(json.dumps({
    "import_s": imported - start, "build_s": built - imported, "simulate_s": done - built,
    "months": len(simulated), "worker_months": int(alive.sum()), "workers_end": int(alive.iloc[-1]),
    "firms": int(model.firms.count), "scenario": model.config.scenario.name,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _pin(core: int | None) -> int:
    """Pin this process (and so every child it starts) to one core; return the core."""
    allowed = sorted(os.sched_getaffinity(0))
    chosen = allowed[-1] if core is None else core
    os.sched_setaffinity(0, {chosen})
    return chosen


def _timed_child(arguments: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"child process failed ({completed.returncode}):\n{completed.stderr}")
    return wall, completed.stdout


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def _verdict(value: float, target: float, *, at_least: bool = False) -> str:
    met = value >= target if at_least else value < target
    return "met" if met else "MISSED"


def full_model(args: argparse.Namespace, env: dict[str, str]) -> dict[str, float]:
    """Run the full model in fresh processes; print each run and the medians."""
    runs = []
    for rep in range(args.reps):
        wall, stdout = _timed_child(
            ["-c", CHILD, str(args.seed), str(args.months), str(args.scale), args.scenario or ""], env
        )
        run = json.loads(stdout.strip().splitlines()[-1])
        run["total_s"] = wall
        run["rate"] = run["worker_months"] / run["simulate_s"]
        runs.append(run)
        print(
            f"  process {rep + 1}: total {wall:.2f} s = import {run['import_s']:.2f} s + build {run['build_s']:.2f} s"
            f" + simulate {run['simulate_s']:.2f} s (+ interpreter start and exit), "
            f"{run['rate'] / 1e6:.1f} M worker-months/s, peak {run['peak_mb']:.0f} MB"
        )
    first = runs[0]
    print(
        f"  scenario {first['scenario']}, scale {args.scale}, {first['months']} months, seed {args.seed}: "
        f"{first['firms']:,} firms, {first['workers_end']:,} workers alive at the end, "
        f"{first['worker_months']:,} worker-months"
    )
    return {
        key: statistics.median(run[key] for run in runs)
        for key in ("total_s", "import_s", "build_s", "simulate_s", "rate", "peak_mb")
    }


def import_sim(args: argparse.Namespace, env: dict[str, str]) -> float:
    """Median wall time of fresh ``python -c "import sim"`` processes."""
    walls = [_timed_child(["-c", "import sim"], env)[0] for _ in range(args.reps)]
    print("  " + ", ".join(f"{wall:.3f} s" for wall in walls))
    return statistics.median(walls)


def floor_comparison(args: argparse.Namespace, full_rate: float) -> None:
    """The Mesa object-per-worker model and the numpy version of the same flows, in this process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import mesa
    import numpy as np
    from object_model import LAYOFF_RATE_PER_MONTH, ArrayFlowModel, ObjectFlowModel, run_flows

    from sim import load_scenario

    labour = load_scenario(args.scenario or None).labour_market
    rates = {"quit_rate": labour.quit_rate_per_month, "job_finding_rate": labour.job_finding_rate_per_month}
    print(
        f"  {args.object_workers:,} workers, {args.object_months} months; quit {rates['quit_rate']:.4f}/month and "
        f"job finding {rates['job_finding_rate']:.4f}/month from the scenario, layoffs {LAYOFF_RATE_PER_MONTH}/month "
        f"(assumption); Mesa {mesa.__version__}, numpy {np.__version__}; median of {args.object_reps}"
    )
    rate = {}
    for label, kind in (("Mesa agents (shuffle_do)", ObjectFlowModel), ("numpy arrays", ArrayFlowModel)):
        results = [run_flows(kind, args.object_workers, args.object_months, **rates) for _ in range(args.object_reps)]
        rate[kind] = statistics.median(result.rate for result in results)
        last = results[-1]
        print(
            f"  {label:<25} {rate[kind] / 1e6:9.2f} M agent-months/s "
            f"(simulate {statistics.median(r.simulate_s for r in results):.4f} s, "
            f"build {statistics.median(r.build_s for r in results):.4f} s; flows of the last run: "
            f"{last.quits} quits, {last.layoffs} layoffs, {last.hires} hires, {last.unemployed_end} unemployed at end)"
        )
    print(f"  numpy arrays / Mesa agents, same flows:            {rate[ArrayFlowModel] / rate[ObjectFlowModel]:7.1f} x")
    print(f"  shocksim full model / Mesa agents (worker-months/s): {full_rate / rate[ObjectFlowModel]:7.1f} x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="fresh processes per measurement (default 5)")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--scenario", default=None, help="shipped scenario name or path (default: gwangju)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--core", type=int, default=None, help="CPU core to pin to (default: the last allowed)")
    parser.add_argument("--object-workers", type=int, default=50_000)
    parser.add_argument("--object-months", type=int, default=12)
    parser.add_argument("--object-reps", type=int, default=3)
    args = parser.parse_args()

    core = _pin(args.core)
    # One core: keep numpy's (and any BLAS's) thread pools to a single thread in the children.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    print(f"shocksim benchmark: Python {platform.python_version()}, pinned to core {core}; start {_load()}")

    print(f"\nFull model, {args.reps} fresh processes:")
    median = full_model(args, env)
    print(f'\npython -c "import sim", {args.reps} fresh processes:')
    import_sim_s = import_sim(args, env)

    print(f"\nMedians of {args.reps} fresh processes (target beside each):")
    rows = [
        ("total wall time (imports included)", f"{median['total_s']:.2f} s", "< 2.5 s", "total_s", False),
        ("  import (from sim import RegionModel)", f"{median['import_s']:.2f} s", "", "", False),
        ("  build", f"{median['build_s']:.2f} s", "", "", False),
        ("  simulate", f"{median['simulate_s']:.2f} s", "", "", False),
        ("simulation speed", f"{median['rate'] / 1e6:.1f} M worker-months/s", ">= 35 M/s", "rate", True),
        ('python -c "import sim"', f"{import_sim_s:.3f} s", "< 0.5 s", "import_sim_s", False),
        ("peak memory (ru_maxrss)", f"{median['peak_mb']:.0f} MB", "< 600 MB", "peak_mb", False),
    ]
    values = {**median, "import_sim_s": import_sim_s}
    for label, measured, target, key, at_least in rows:
        verdict = _verdict(values[key], TARGETS[key], at_least=at_least) if key else ""
        print(f"  {label:<40} {measured:>24}   {target:<10} {verdict}".rstrip())

    print("\nFloor comparison, same worker flows, in this process (benchmarks/object_model.py):")
    floor_comparison(args, median["rate"])
    print(f"\nend {_load()}")


if __name__ == "__main__":
    main()
