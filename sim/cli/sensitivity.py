"""``shocksim sensitivity``: Morris screening of a package's jobs saved over uncertain parameters.

Exit status: 0 when done; 1 when a run failed (the others are saved; ``--resume`` retries);
2 for bad input (one line, no traceback); 130 when interrupted (finished runs are kept for
``--resume``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.options import (
    EXIT_INTERRUPTED,
    MAX_MONTHS,
    add_executor_options,
    add_memory_option,
    add_scenario_argument,
    add_set_option,
    count_up_to,
    months,
    scale,
    seed,
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
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
    parser.add_argument(
        "--trajectories", type=count_up_to(1_000, "trajectories"), default=10, help="Morris trajectories (default 10)"
    )
    parser.add_argument(
        "--levels", type=count_up_to(100, "levels"), default=4, help="levels of the Morris grid (default 4)"
    )
    parser.add_argument("--seed", type=seed, default=1, help="seed of the sample and of every run (default 1)")
    parser.add_argument(
        "--scale", type=scale, default=0.05, help="fraction of the population, in (0, 1] (default 0.05)"
    )
    parser.add_argument(
        "--months", type=months, help=f"months to simulate, up to {MAX_MONTHS} (default: the scenario's)"
    )
    add_executor_options(parser)
    parser.add_argument("--out", type=Path, help="results folder (default: a new folder under results/)")
    parser.add_argument(
        "--resume", action="store_true", help="finish the screening in --out: run only the runs not saved there"
    )
    add_set_option(parser)
    add_memory_option(parser)
    parser.add_argument("--no-figures", action="store_true", help="do not draw the PNG figure")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or table")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``shocksim sensitivity`` from parsed arguments; input errors propagate as InputError."""
    from sim.cli.options import executor_from_options
    from sim.errors import InputError
    from sim.experiment.executors import ProgressBar
    from sim.experiment.screen import screen
    from sim.experiment.store import safe_name, utc_now
    from sim.inputs.package import load_package
    from sim.inputs.scenario import DEFAULT_SCENARIO, resolve_scenario_path
    from sim.viz.screen_figures import save_figures

    if args.resume and args.out is None:
        raise InputError("--resume needs --out: the folder of the screening to finish")
    scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    path = resolve_scenario_path(scenario)
    package = load_package(args.package)
    out = args.out
    if out is None:
        out = (
            Path("results") / f"sensitivity-{safe_name(path.stem)}-{safe_name(package.name)}-{utc_now():%Y%m%d-%H%M%S}"
        )

    executor = executor_from_options(args)
    bar = ProgressBar("screening", disable=args.quiet)
    try:
        result = screen(
            str(path),
            package,
            args.parameters,
            trajectories=args.trajectories,
            levels=args.levels,
            seed=args.seed,
            scale=args.scale,
            months=args.months,
            executor=executor,
            progress=bar,
            out=out,
            resume=args.resume,
            overrides=dict(args.overrides),
            figures=None if args.no_figures else save_figures,
            max_memory=args.max_memory,
        )
    except KeyboardInterrupt:
        bar.close()
        print(
            f"\nshocksim: interrupted; finished runs are saved in {out}; "
            f"run the same command with --out {out} --resume to finish",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        bar.close()
        if executor is not None:
            executor.close()
    if not args.quiet:
        print(result.to_text())
    print(f"results: {out}")
    return 0
