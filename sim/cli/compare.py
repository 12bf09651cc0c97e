"""``shocksim compare``: the baseline and packages for the same seeds; the summary printed and saved.

Exit status: 0 when every run finished; 1 when some runs failed (the others finished and
were summarised; ``--resume`` retries the failed ones); 2 for bad input (one line, no
traceback); 130 when interrupted (finished runs are kept for ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from sim.cli.options import (
    EXIT_INTERRUPTED,
    EXIT_RUNS_FAILED,
    MAX_MONTHS,
    add_executor_options,
    add_memory_option,
    add_scenario_argument,
    add_set_option,
    count_up_to,
    money,
    months,
    scale,
    seed,
)

DEFAULT_REPS = 20
DEFAULT_SEED = 1
#: The options that define a comparison (its identity); ``--resume`` without any takes them from the folder.
DEFINING = ("scenario", "packages", "reps", "seed", "scale", "months", "equal_budget", "overrides")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "compare",
        help="compare policy packages against the baseline over many seeds",
        description=(
            "Run the baseline (no package) and every package for the same seeds (common random numbers) "
            "and report, per package, jobs saved or created, job-years, jobs at each year-end, residents' jobs, "
            "unemployment, firm failures avoided, displaced workers' outcomes, spending, net fiscal cost and money "
            "per net job-year at face value, expected cost and net fiscal cost, with 90% intervals across seeds."
        ),
    )
    add_scenario_argument(parser)
    parser.add_argument(
        "--package",
        dest="packages",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="package file or shipped name to compare (repeatable; default: the shipped packages written for it)",
    )
    parser.add_argument(
        "--reps", type=count_up_to(10_000, "replicates"), help=f"seeds to run every arm with (default {DEFAULT_REPS})"
    )
    parser.add_argument("--seed", type=seed, help=f"base seed (default {DEFAULT_SEED}); replicate seeds derive from it")
    parser.add_argument("--scale", type=scale, help="fraction of the population to simulate, in (0, 1]")
    parser.add_argument(
        "--months", type=months, help=f"months to simulate, up to {MAX_MONTHS} (default: the scenario's)"
    )
    add_executor_options(parser)
    parser.add_argument("--out", type=Path, help="results folder (default: a new folder under results/)")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="finish the comparison in --out: run only the runs not saved there; given alone (no SCENARIO, "
        "--package, --reps, --seed, --scale, --months, --equal-budget or --set), its options come from the "
        "folder's manifest",
    )
    parser.add_argument(
        "--equal-budget",
        type=money,
        metavar="KRW",
        help="rescale every package's budgets to this total (KRW, full population) so they compete on the same money",
    )
    add_set_option(parser)
    add_memory_option(parser)
    parser.add_argument("--no-figures", action="store_true", help="do not draw the PNG figures")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``shocksim compare`` from parsed arguments; input errors propagate as InputError."""
    from sim.cli.options import executor_from_options
    from sim.errors import InputError
    from sim.experiment.compare import RunFailedWarning, compare, resume_comparison
    from sim.experiment.executors import ProgressBar
    from sim.experiment.store import safe_name, utc_now
    from sim.inputs.scenario import DEFAULT_SCENARIO, resolve_scenario_path
    from sim.viz.compare_figures import save_figures

    if args.resume and args.out is None:
        raise InputError("--resume needs --out: the folder of the comparison to finish")
    scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    out = args.out
    if out is None:
        out = Path("results") / f"compare-{safe_name(resolve_scenario_path(scenario).stem)}-{utc_now():%Y%m%d-%H%M%S}"

    # --out DIR --resume alone: the comparison's options are those recorded in the folder.
    given = [name for name in DEFINING if getattr(args, name) not in (None, [])]
    from_folder = args.resume and out.exists() and not given
    executor = executor_from_options(args)
    bar = ProgressBar("comparing", disable=args.quiet)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RunFailedWarning)  # failures are printed below
            if from_folder:
                result = resume_comparison(
                    out,
                    executor=executor,
                    progress=bar,
                    figures=None if args.no_figures else save_figures,
                    max_memory=args.max_memory,
                )
            else:
                result = compare(
                    str(resolve_scenario_path(scenario)),
                    args.packages or None,
                    reps=DEFAULT_REPS if args.reps is None else args.reps,
                    seed=DEFAULT_SEED if args.seed is None else args.seed,
                    scale=args.scale,
                    months=args.months,
                    executor=executor,
                    out=out,
                    resume=args.resume,
                    equal_budget=args.equal_budget,
                    progress=bar,
                    overrides=dict(args.overrides),
                    figures=None if args.no_figures else save_figures,
                    max_memory=args.max_memory,
                )
    except KeyboardInterrupt:
        bar.close()
        print(
            f"\nshocksim: interrupted; finished runs are saved in {out}; "
            f"run shocksim compare --out {out} --resume to finish",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        bar.close()
        if executor is not None:
            executor.close()
    if not args.quiet:
        from sim.experiment.tables import format_bridge

        print(result.table())
        bridge = format_bridge(result)
        if bridge:
            print("\n" + bridge)
    if not result.complete:
        print(f"\n{len(result.failures)} run(s) failed; the others finished and were summarised:", file=sys.stderr)
        for failure in result.failures.itertuples():
            print(
                f"  package {failure.package}, seed {failure.seed} (replicate {failure.replicate}): {failure.error}",
                file=sys.stderr,
            )
        print(f"run again with --out {out} --resume to retry them", file=sys.stderr)
    print(f"results: {out}")
    return 0 if result.complete else EXIT_RUNS_FAILED
