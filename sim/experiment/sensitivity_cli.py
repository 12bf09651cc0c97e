"""``shocksim sensitivity``: Morris screening of a package's jobs saved over uncertain parameters.

Wired into ``sim.cli`` by ``add_sensitivity_parser(sub)`` in ``build_parser`` and
``run_sensitivity(args)`` in ``main``. Until then (and in tests) ``main(["sensitivity", ...])``
here behaves as ``shocksim sensitivity ...`` does.

Exit status: 0 when done; 2 for bad input (one line, no traceback); 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_INTERRUPTED = 130


def add_sensitivity_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sensitivity`` command to ``shocksim``'s subparsers; return its parser."""
    from sim.cli import _positive_int, _scale, _seed, add_executor_options, add_scenario_argument

    parser = subparsers.add_parser(
        "sensitivity",
        help="Morris screening: which uncertain parameters move a package's jobs saved",
        description=(
            "Sample the uncertain parameters with Morris trajectories, run the baseline and the package at every "
            "point with the same seed, and rank the parameters by mu* (mean absolute elementary effect) on jobs "
            "saved at the horizon and on job-years."
        ),
    )
    add_scenario_argument(parser)
    parser.add_argument("--package", required=True, help="package file or shipped name to screen")
    parser.add_argument(
        "--parameters",
        type=Path,
        metavar="FILE",
        help="TOML file of [[parameters]] tables (key, low, high, reason) (default: the built-in list)",
    )
    parser.add_argument("--trajectories", type=_positive_int, default=10, help="Morris trajectories (default 10)")
    parser.add_argument("--levels", type=_positive_int, default=4, help="levels of the Morris grid (default 4)")
    parser.add_argument("--seed", type=_seed, default=1, help="seed of the sample and of every run (default 1)")
    parser.add_argument(
        "--scale", type=_scale, default=0.05, help="fraction of the population, in (0, 1] (default 0.05)"
    )
    parser.add_argument("--months", type=_positive_int, help="months to simulate (default: the scenario's)")
    add_executor_options(parser)
    parser.add_argument("--out", type=Path, help="results folder (default: a new folder under results/)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or table")
    return parser


def run_sensitivity(args: argparse.Namespace) -> int:
    """Run ``shocksim sensitivity`` from parsed arguments; input errors propagate as InputError."""
    from tqdm import tqdm

    from sim.experiment.executors import executor_from_options
    from sim.experiment.results_io import check_new_folder, utc_now
    from sim.experiment.sensitivity import sensitivity, write_sensitivity
    from sim.inputs.package import load_package
    from sim.inputs.scenario import DEFAULT_SCENARIO, resolve_scenario_path

    scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    path = resolve_scenario_path(scenario)
    package = load_package(args.package)
    out = args.out
    if out is None:
        out = Path("results") / f"sensitivity-{path.stem}-{package.name}-{utc_now():%Y%m%d-%H%M%S}"
    check_new_folder(out)  # refuse before running, not after

    executor = executor_from_options(args.workers, args.dask)
    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="run", desc="screening", disable=args.quiet, file=sys.stderr)
        bar.update(1)

    try:
        result = sensitivity(
            str(path),
            package,
            args.parameters,
            trajectories=args.trajectories,
            levels=args.levels,
            seed=args.seed,
            scale=args.scale,
            months=args.months,
            executor=executor,
            progress=progress,
        )
    except KeyboardInterrupt:
        print("\nshocksim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
        if executor is not None and not isinstance(executor, int):
            executor.close()
    write_sensitivity(out, result)
    if not args.quiet:
        print(result.to_text())
    print(f"results: {out}")
    return 0
