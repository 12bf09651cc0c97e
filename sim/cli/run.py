"""``shocksim run``: run a scenario once, write its results folder and print a summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.options import (
    MAX_MONTHS,
    add_memory_option,
    add_set_option,
    months,
    scale,
    seed,
    simulate_and_report,
)
from sim.experiment.run import format_run_summary
from sim.inputs.scenario import DEFAULT_SCENARIO, shipped_scenarios

__all__ = ["add_parser", "format_run_summary", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("run", help="run a scenario and write its results folder")
    parser.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO}; shipped: {', '.join(shipped_scenarios())})",
    )
    parser.add_argument("--seed", type=seed, default=1, help="random seed (default 1); same seed, same numbers")
    parser.add_argument(
        "--months", type=months, help=f"months to simulate, up to {MAX_MONTHS} (default: the scenario's)"
    )
    parser.add_argument("--scale", type=scale, help="fraction of the population to simulate, in (0, 1]")
    parser.add_argument("--out", type=Path, help="results folder to create (default: a new folder under results/)")
    parser.add_argument(
        "--package",
        dest="packages",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="policy package file or shipped name to lay on the scenario (repeatable: packages are combined)",
    )
    add_set_option(parser)
    add_memory_option(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary; only the results folder")
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.experiment.run import run_and_save
    from sim.inputs.scenario import resolve_scenario_path

    scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    return simulate_and_report(
        args.quiet,
        lambda on_month: run_and_save(
            str(resolve_scenario_path(scenario)),
            seed=args.seed,
            months=args.months,
            scale=args.scale,
            out=args.out,
            overrides=dict(args.overrides),
            packages=args.packages,
            on_month=on_month,
            max_memory=args.max_memory,
        ),
        format_run_summary,
    )
