"""``shocksim backtest``: run the model against what happened after a real shock, and say where it misses.

``--list`` names the cases (folders under ``backtests/``); ``CASE`` runs one (a shipped name
or a case folder); ``--all`` runs every case. Each run prints the model-against-observed
table and writes a results folder (``comparison.csv``, ``paths.csv``, a figure per measure,
``manifest.json``), atomically. Exit status 0 when every measure is inside its tolerance, 1
when any is outside, 2 for a broken case or bad arguments (one line, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.options import EXIT_INPUT_ERROR, count_up_to, scale

#: Exit status when a measure is outside its tolerance.
EXIT_OUTSIDE = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "backtest",
        help="run the model against real past shocks (backtests/) and compare with what was observed",
        description="Run a back-test case (a real past shock: scenario, observed data with sources, tolerances) "
        "over several seeds and print the model against the observed values. Exit status 0 when every measure "
        "is inside its tolerance, 1 when any is outside, 2 for a broken case.",
    )
    parser.add_argument("case", nargs="?", help="case name (see --list) or a case folder")
    parser.add_argument("--list", action="store_true", help="list the cases, one a line, and exit")
    parser.add_argument("--all", action="store_true", help="run every case")
    parser.add_argument(
        "--seeds", type=count_up_to(1000, "seeds"), help="number of seeds, 1..N (default: the case's, 5)"
    )
    parser.add_argument("--scale", type=scale, help="fraction of the population to simulate (default: the case's, 1.0)")
    parser.add_argument(
        "--out",
        type=Path,
        help="results folder to create (default: results/backtest-<case>-<UTC time>; with --all, one subfolder a case)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress or table")
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.experiment.backtest import list_cases

    if args.list:
        if args.case or args.all:
            print("shocksim backtest: error: --list takes no case and no --all", file=sys.stderr)
            return EXIT_INPUT_ERROR
        for name in list_cases():
            print(name)
        return 0
    if args.all == bool(args.case):
        message = "give one CASE, or --all, or --list (see shocksim backtest --help)"
        print(f"shocksim backtest: error: {message}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    names = list_cases() if args.all else [args.case]
    return _run_cases(names, args)


def _run_cases(names: list[str], args: argparse.Namespace) -> int:
    from sim.experiment.backtest import format_table, load_case, run_case, write_result
    from sim.experiment.store import check_new_folder, safe_name, utc_now
    from sim.viz.backtest_figures import measure_figures

    cases = [load_case(name) for name in names]  # every case checked before any is run
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    if args.out is not None:
        root = args.out
    else:
        label = "all" if args.all else safe_name(cases[0].name)
        root = Path("results") / f"backtest-{label}-{stamp}"
    check_new_folder(root)
    status = 0
    for case in cases:
        folder = root / case.name if args.all else root
        if not args.quiet:
            seeds = args.seeds or case.seeds
            print(f"{case.name}: running {seeds} seeds at scale {args.scale or case.scale:g} ...", file=sys.stderr)
        result = run_case(case, seeds=args.seeds, scale=args.scale)
        write_result(result, folder, figures=measure_figures)
        if not args.quiet:
            print(format_table(result))
            print(f"results: {folder}")
        if not result.all_inside:
            status = EXIT_OUTSIDE
    return status
