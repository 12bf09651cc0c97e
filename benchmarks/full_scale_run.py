"""Benchmark: the default Gwangju scenario at full scale for 60 months.

Prints, for each repetition and as medians: build time, simulation time, total wall time,
worker-months per second (workers alive each month, summed over months, divided by the
simulation time) and peak resident memory. Each repetition runs in a fresh process so
that peak memory is that run's own.

    python benchmarks/full_scale_run.py [--reps 5] [--months 60] [--scale 1.0]

Target (issue 2): under 5 s and 1.5 GB on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
from sim import RegionModel
model = RegionModel(rng=int(sys.argv[1]), months=int(sys.argv[2]), scale=float(sys.argv[3]))
built = time.perf_counter()
worker_months = 0
while model.running:
    model.step()
    worker_months += model.workforce.count
done = time.perf_counter()
print(json.dumps({
    "build_s": built - start, "simulate_s": done - built, "total_s": done - start,
    "worker_months": worker_months, "workers": model.workforce.count, "firms": model.firms.count,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    # One core, as the target says: keep numpy's thread pools to a single thread.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    runs = []
    for rep in range(args.reps):
        completed = subprocess.run(
            [sys.executable, "-c", CHILD, str(rep + 1), str(args.months), str(args.scale)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        run = json.loads(completed.stdout.strip().splitlines()[-1])
        run["rate"] = run["worker_months"] / run["simulate_s"]
        runs.append(run)
        print(
            f"rep {rep + 1}: build {run['build_s']:.2f} s, simulate {run['simulate_s']:.2f} s, "
            f"total {run['total_s']:.2f} s, {run['rate'] / 1e6:.1f} M worker-months/s, "
            f"peak {run['peak_mb']:.0f} MB"
        )
    median = {
        key: statistics.median(run[key] for run in runs)
        for key in ("build_s", "simulate_s", "total_s", "rate", "peak_mb")
    }
    print(
        f"scenario gwangju, scale {args.scale}, {args.months} months, {runs[0]['workers']:,} workers at the end, "
        f"{runs[0]['firms']:,} firms"
    )
    print(
        f"median of {args.reps}: total wall {median['total_s']:.2f} s (build {median['build_s']:.2f} s + "
        f"simulate {median['simulate_s']:.2f} s), {median['rate'] / 1e6:.1f} M worker-months/s, "
        f"peak memory {median['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
