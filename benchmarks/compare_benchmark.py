"""Benchmark: the default package comparison on 1 and 2 local worker processes.

The default comparison is the baseline plus every shipped package, 20 seeds each, at scale
0.1 over the scenario's horizon (60 months for Gwangju). Each measurement runs
``shocksim compare ... --workers N`` in a fresh process, as a user would, and times the whole
command (interpreter start, imports, worker start-up, every run, saving each run, the
summary, the figures). Measurements of 1 and 2 workers alternate, in the opposite order on
every other repeat, so that drift in the machine's speed (large on shared virtual machines)
affects both alike. Prints each measurement with its parallel efficiency (the runs' own
compute time, from their manifests, over workers x wall time of the runs phase: 1.0 is
perfect), the medians, and the speed-up from 1 to 2 workers both as the ratio of the
medians and as the median of each repeat's ratio.

    python benchmarks/compare_benchmark.py [--reps 20] [--repeat 3] [--scale 0.1] [--workers 1,2]
                                           [--package FILE ...] [--months N] [--scenario NAME]

Target (issue 4): under 3 minutes on 2 workers on this project's 2-core machine, and a
speed-up from 1 to 2 workers above 1.7.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(command: list[str]) -> float:
    """Wall time of one comparison command, run in a fresh process."""
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"comparison failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="seeds per arm (default 20)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the whole measurement; medians are printed")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--months", type=int, help="horizon (default: the scenario's)")
    parser.add_argument("--scenario", default="gwangju")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument(
        "--package",
        dest="packages",
        action="append",
        default=[],
        help="package to compare (default: the shipped packages written for the scenario)",
    )
    args = parser.parse_args()

    from sim.inputs.package import load_package, shipped_packages
    from sim.inputs.scenario import load_scenario

    scenario_name = load_scenario(args.scenario).scenario.name
    packages = args.packages or [p for p in shipped_packages() if load_package(p).written_for(scenario_name)]
    if not packages:
        sys.exit(f"no shipped package is written for {scenario_name!r}; give --package FILE")
    worker_counts = [int(text) for text in args.workers.split(",")]
    runs = args.reps * (len(packages) + 1)
    print(
        f"{args.scenario}: baseline + {len(packages)} packages x {args.reps} seeds = {runs} runs, "
        f"scale {args.scale}, months {args.months or 'of the scenario'}"
    )
    walls: dict[int, list[float]] = {count: [] for count in worker_counts}
    with tempfile.TemporaryDirectory(prefix="compare-benchmark-") as scratch:
        for repeat in range(args.repeat):
            for count in worker_counts if repeat % 2 == 0 else worker_counts[::-1]:
                out = Path(scratch) / f"r{repeat}-w{count}"
                command = [
                    sys.executable, "-m", "sim.cli", "compare", args.scenario,
                    "--reps", str(args.reps), "--scale", str(args.scale), "--workers", str(count),
                    "--out", str(out), "--quiet",
                ]  # fmt: skip
                if args.months:
                    command += ["--months", str(args.months)]
                for package in packages:
                    command += ["--package", str(package)]
                wall = measure(command)
                walls[count].append(wall)
                inside = json.loads((out / "manifest.json").read_text())["sessions"][-1]["wall_seconds"]
                compute = sum(
                    json.loads(path.read_text())["run_seconds"] for path in out.glob("runs/*/rep-*/manifest.json")
                )
                print(
                    f"repeat {repeat + 1}, {count} worker(s): wall {wall:6.1f} s (runs phase {inside:6.1f} s, "
                    f"{runs / inside:.2f} runs/s, mean run {compute / runs:.3f} s, "
                    f"parallel efficiency {compute / (count * inside):.2f})"
                )
    medians = {count: statistics.median(values) for count, values in walls.items()}
    for count, median in medians.items():
        print(f"median of {args.repeat}, {count} worker(s): {median:6.1f} s ({median / 60:.2f} min)")
    if 1 in medians and 2 in medians:
        per_repeat = [one / two for one, two in zip(walls[1], walls[2], strict=True)]
        print(
            f"speed-up from 1 to 2 workers: {medians[1] / medians[2]:.2f} (ratio of medians), "
            f"{statistics.median(per_repeat):.2f} (median of repeats: {', '.join(f'{x:.2f}' for x in per_repeat)}); "
            "target > 1.7"
        )


if __name__ == "__main__":
    main()
