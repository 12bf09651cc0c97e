"""``shocksim nation``: run several regions together (a nation file), write the results folder, print a summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.options import MAX_MONTHS, add_memory_option, months, positive_int, scale, seed, simulate_and_report


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    from sim.inputs.nation import shipped_nations

    shipped = ", ".join(shipped_nations()) or "none yet"
    parser = subparsers.add_parser(
        "nation",
        help="run several regions linked by trade, migration, investment and commuting (a nation file) and write "
        "the results folder",
    )
    parser.add_argument("nation", help=f"nation file or shipped name (shipped: {shipped}); docs/national.md")
    parser.add_argument("--seed", type=seed, default=1, help="random seed (default 1); same seed, same numbers")
    parser.add_argument("--months", type=months, help=f"months to simulate, up to {MAX_MONTHS} (default: the file's)")
    parser.add_argument("--scale", type=scale, help="fraction of every region's population to simulate, in (0, 1]")
    parser.add_argument("--out", type=Path, help="results folder to create (default: a new folder under results/)")
    parser.add_argument(
        "--package",
        dest="packages",
        action="append",
        default=[],
        metavar="REGION=PACKAGE",
        help="compare the nation with this package in this region (and the file's packages in the others) against "
        "the nation without any package (repeatable: one package per region; REGION,REGION=PACKAGE puts it in "
        "each region listed, all=PACKAGE in every region); prints effects, money and cost per job by region and for "
        "the nation",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="compare the nation with the packages its file gives its regions (and any --package) against the "
        "nation without any package; --package implies it",
    )
    parser.add_argument("--reps", type=positive_int, default=5, help="seeds of a comparison (default 5)")
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="processes the regions run in at once (default 1); the results are the same to the bit",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run a comparison's nation runs on a Dask cluster (tcp://host:8786, or 'local'); the same numbers",
    )
    add_memory_option(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary; only the results folder")
    return parser


def _aimed(texts: list[str]) -> dict[str, str]:
    """``REGION[,REGION...]=PACKAGE`` arguments as a mapping; a malformed or repeated one is an input error (exit 2)."""
    from sim.errors import InputError

    aimed: dict[str, str] = {}
    for text in texts:
        regions, sep, package = text.partition("=")
        names = regions.split(",")
        if not sep or not package or not all(names):
            raise InputError(
                f"--package: got {text!r}; allowed: REGION=PACKAGE or REGION,REGION=PACKAGE, e.g. gwangju=gwangju_2021"
            )
        for region in names:
            if region in aimed:
                raise InputError(f"--package: got a second package for {region!r}; allowed: one package per region")
            aimed[region] = package
    return aimed


def run(args: argparse.Namespace) -> int:
    from sim.experiment.nation_run import compare_and_save, format_nation_summary, run_nation_and_save

    if args.packages or args.compare:
        aimed = _aimed(args.packages)
        from sim.experiment.executors import DaskExecutor
        from sim.viz.nation_figures import save_figures

        executor = DaskExecutor(args.dask) if args.dask is not None else None
        if executor is not None and args.dask != "local":
            executor.check_environment()
        try:
            comparison, folder = compare_and_save(
                args.nation,
                aimed,
                reps=args.reps,
                seed=args.seed,
                scale=args.scale,
                months=args.months,
                out=args.out,
                figures=save_figures,
                workers=args.workers,
                executor=executor,
            )
        finally:
            if executor is not None:
                executor.close()
        print(comparison.table() + f"\nresults: {folder}" if not args.quiet else f"results: {folder}")
        return 0
    return simulate_and_report(
        args.quiet,
        lambda on_month: run_nation_and_save(
            args.nation,
            seed=args.seed,
            scale=args.scale,
            months=args.months,
            out=args.out,
            on_month=on_month,
            max_memory=args.max_memory,
            workers=args.workers,
        ),
        format_nation_summary,
    )
