"""Benchmark: what the workforce's rows cost a month, and so what a change of layout could save.

    python benchmarks/row_cost.py [--reps 3] [--pad 1200000] [--months 60] [--scale 1.0] [--probe-month 12]

Issue 10 (speed) asked whether a change of the workforce's layout would move the full-scale run:
dropping the rows of people who moved out (compaction), or indexes of the unemployed and of each
firm's employees instead of passes over every row. This measures the ceiling of both, in fresh
processes pinned to one core (CPU time, ``time.process_time``; numpy at one thread):

1. The cost of a row. ``--reps`` pairs of processes, alternating: the plain run
   (``RegionModel(rng=--seed, months=--months, scale=--scale)``) and the same run with ``--pad``
   inert rows added before month 1 (people who moved out: status MOVED_OUT, the default of a new
   row; every scheduled month NEVER, so no stage picks them; room reserved first, so the padding
   causes no copy of the columns later). The padded run must give the same monthly table except
   ``moved_out`` (checked, by a hash of every other column): if it did not, reductions over whole
   columns would depend on their length and a compaction could not be exact either. The extra CPU
   time per padded row and month, by stage, is what every row costs a month through the passes
   over whole columns; times the rows alive, it is the share of the run such passes take; times
   the moved-out rows of each month (the plain run's ``moved_out``), it is the most that dropping
   them could save, were the dropping free.
2. A probe of the state at month ``--probe-month`` (one plain process): the copy a compaction makes
   (every column's kept rows, once), a stable argsort of the employer column (the monthly rebuild
   of a firm -> employees index) against the passes such an index would replace (the gather of
   every worker's employer through a mask of firms, as choosing layoffs and a failure's layoffs do,
   and finding the unemployed).

Medians are printed; the load average at the start and end. Nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from full_scale_run import _load, _pin  # the same pinning and load report

RUN = r"""
import hashlib, json, sys, time
import pandas as pd
import sim.model as M
from sim import RegionModel
from sim.region.random_streams import agent_keys

seed, months, scale, pad = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
model = RegionModel(None, rng=seed, months=months, scale=scale)
workforce = model.workforce
if pad:
    workforce.reserve(workforce._capacity + pad)  # the run's own room for entrants, plus the padding
    ids = workforce.grow(pad)  # status MOVED_OUT and every scheduled month NEVER: the defaults of a row
    workforce.key[ids] = agent_keys("row_cost_padding", 0, pad)
stage_s, rows = {}, []

def timed(name, stage):
    def run(model, month):
        start = time.process_time()
        stage(model, month)
        stage_s[name] = stage_s.get(name, 0.0) + time.process_time() - start
        if name == "records":
            rows.append(model.workforce.count)
    return run

M.STAGES = tuple((name, timed(name, stage)) for name, stage in M.STAGES)
start = time.process_time()
table = model.run()
simulate_s = time.process_time() - start
others = table.drop(columns=["moved_out"])
digest = hashlib.sha256(pd.util.hash_pandas_object(others, index=True).to_numpy().tobytes()).hexdigest()
print(json.dumps({
    "simulate_s": simulate_s, "stage_s": stage_s, "rows": rows, "digest": digest,
    "moved_out": [int(v) for v in table["moved_out"].iloc[1:]],
}))
"""

PROBE = r"""
import json, sys, time
import numpy as np
from sim import RegionModel
from sim.region.state import MOVED_OUT, UNEMPLOYED

seed, months, scale, probe_month = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
model = RegionModel(None, rng=seed, months=months, scale=scale)
model.run(probe_month)
workforce, firms = model.workforce, model.firms

def median_s(action, reps=9):
    action()
    times = []
    for _ in range(reps):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return float(np.median(times))

cutting = np.zeros(firms.count + 1, dtype=bool)
cutting[: firms.count : 250] = True  # about 200 firms, as many as cut jobs in a month
keep = workforce.status != MOVED_OUT
print(json.dumps({
    "rows": workforce.count,
    "moved_out": int(np.count_nonzero(~keep)),
    "employer_gather_s": median_s(lambda: np.flatnonzero(cutting[workforce.employer])),
    "unemployed_pass_s": median_s(lambda: np.flatnonzero(workforce.status == UNEMPLOYED)),
    "employer_argsort_s": median_s(lambda: np.argsort(workforce.employer, kind="stable"), 3),
    "compaction_copy_s": median_s(lambda: [getattr(workforce, name)[keep] for name in workforce.columns], 3),
}))
"""


def _child(script: str, arguments: list[str], env: dict[str, str]) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", script, *arguments], capture_output=True, text=True, env=env, check=False
    )
    if completed.returncode != 0:
        sys.exit(f"child process failed ({completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="pairs of fresh processes (plain, padded)")
    parser.add_argument("--pad", type=int, default=1_200_000, help="inert rows added to the padded run")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--probe-month", type=int, default=12)
    parser.add_argument("--core", type=int, default=None, help="CPU core to pin to (default: the last allowed)")
    args = parser.parse_args()
    core = _pin(args.core)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    print(f"row cost: pinned to core {core}; start {_load()}")
    common = [str(args.seed), str(args.months), str(args.scale)]

    plain, padded = [], []
    for rep in range(args.reps):
        plain.append(_child(RUN, [*common, "0"], env))
        padded.append(_child(RUN, [*common, str(args.pad)], env))
        print(
            f"  pair {rep + 1}: simulate {plain[-1]['simulate_s']:.2f} s plain, "
            f"{padded[-1]['simulate_s']:.2f} s with {args.pad:,} inert rows (CPU time)"
        )
    inert = all(run["digest"] == plain[0]["digest"] for run in plain + padded)
    inert &= all([m - args.pad for m in run["moved_out"]] == plain[0]["moved_out"] for run in padded) and all(
        run["moved_out"] == plain[0]["moved_out"] for run in plain
    )
    print(
        "  monthly table of the padded runs: "
        + ("the same as the plain run's (moved_out less the padding)" if inert else "DIFFERENT from the plain run's")
    )

    months = len(plain[0]["rows"])
    simulate = statistics.median(run["simulate_s"] for run in plain)
    extra = statistics.median(run["simulate_s"] for run in padded) - simulate
    per_row_month = extra / args.pad / months
    row_months = sum(plain[0]["rows"])
    moved_row_months = sum(plain[0]["moved_out"])
    print(f"\nMedians of {args.reps} (CPU time): simulate {simulate:.3f} s plain, +{extra:.3f} s with the padding")
    print(f"  a row costs {per_row_month * 1e9:.1f} ns a month through passes over whole columns; by stage:")
    stages = plain[0]["stage_s"].keys()
    for name in sorted(
        stages,
        key=lambda s: (
            -statistics.median(r["stage_s"][s] for r in padded) + statistics.median(r["stage_s"][s] for r in plain)
        ),
    ):
        before = statistics.median(run["stage_s"][name] for run in plain)
        after = statistics.median(run["stage_s"][name] for run in padded)
        if after - before > 0.002 * simulate:
            print(f"    {name:<14} {before:6.3f} s plain, +{after - before:6.3f} s padded")
    print(
        f"  rows alive or departed, summed over months: {row_months:,}: passes over every row take about "
        f"{per_row_month * row_months:.2f} s ({per_row_month * row_months / simulate:.0%} of the simulate)"
    )
    print(
        f"  moved-out rows summed over months: {moved_row_months:,} ({moved_row_months / row_months:.1%} of the "
        f"row-months): dropping each the month it moves, for free, would save at most "
        f"{per_row_month * moved_row_months:.3f} s ({per_row_month * moved_row_months / simulate:.1%})"
    )

    probe = _child(PROBE, [*common, str(args.probe_month)], env)
    print(f"\nThe state at month {args.probe_month}: {probe['rows']:,} rows, {probe['moved_out']:,} moved out")
    milliseconds = {key: value * 1e3 for key, value in probe.items() if key.endswith("_s")}
    print(f"  a compaction's copy of every column's kept rows: {milliseconds['compaction_copy_s']:.1f} ms")
    print(f"  a stable argsort of employers (a firm index's rebuild): {milliseconds['employer_argsort_s']:.1f} ms")
    print("  the passes such an index would replace, each:")
    print(f"    every worker's employer gathered through a mask of firms: {milliseconds['employer_gather_s']:.2f} ms")
    print(f"    finding the unemployed: {milliseconds['unemployed_pass_s']:.2f} ms")
    print(f"\nend {_load()}")


if __name__ == "__main__":
    main()
