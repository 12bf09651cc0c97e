"""``shocksim nation``: run several regions together (a nation file), write the results folder, print a summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.options import MAX_MONTHS, months, scale, seed


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    from sim.inputs.nation import shipped_nations

    shipped = ", ".join(shipped_nations()) or "none yet"
    parser = subparsers.add_parser(
        "nation", help="run several regions linked by trade (a nation file) and write the results folder"
    )
    parser.add_argument("nation", help=f"nation file or shipped name (shipped: {shipped}); docs/national.md")
    parser.add_argument("--seed", type=seed, default=1, help="random seed (default 1); same seed, same numbers")
    parser.add_argument("--months", type=months, help=f"months to simulate, up to {MAX_MONTHS} (default: the file's)")
    parser.add_argument("--scale", type=scale, help="fraction of every region's population to simulate, in (0, 1]")
    parser.add_argument("--out", type=Path, help="results folder to create (default: a new folder under results/)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary; only the results folder")
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.experiment.executors import ProgressBar
    from sim.experiment.nation_run import format_nation_summary, run_nation_and_save

    bar = ProgressBar("simulating", "month", disable=args.quiet)
    try:
        nation, folder = run_nation_and_save(
            args.nation, seed=args.seed, scale=args.scale, months=args.months, out=args.out, on_month=bar
        )
    finally:
        bar.close()
    print(format_nation_summary(nation, folder) if not args.quiet else f"results: {folder}")
    return 0
