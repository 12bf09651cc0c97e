"""``shocksim calibrate``: fit scenario parameters to target moments and write the fitted scenario.

Exit status: 0 when the fitted scenario was written; 1 when a run failed; 2 for bad input
(one line, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sim.cli.options import add_executor_options, add_memory_option, positive_int
from sim.experiment.calibrate import DEFAULT_MAX_EVALUATIONS


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "calibrate",
        help="fit scenario parameters to target moments (method of simulated moments)",
        description=(
            "Fit the parameters named in a targets file to its target moments by the method of simulated "
            "moments (the same seeds in every evaluation), print the fit before and after, and write the "
            "fitted scenario, which inherits the original."
        ),
    )
    parser.add_argument("scenario", help="scenario file or shipped name, e.g. gwangju")
    parser.add_argument("--targets", type=Path, required=True, help="targets file, e.g. scenarios/targets/gwangju.toml")
    parser.add_argument(
        "--out", type=Path, help="fitted scenario file to create (default: results/<scenario>-fitted-<UTC time>.toml)"
    )
    parser.add_argument(
        "--max-evaluations",
        type=positive_int,
        default=DEFAULT_MAX_EVALUATIONS,
        help=f"at most this many objective evaluations (default {DEFAULT_MAX_EVALUATIONS})",
    )
    add_executor_options(parser)
    add_memory_option(parser)
    parser.add_argument("--quiet", action="store_true", help="print only the final fit")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``shocksim calibrate`` from parsed arguments; input errors propagate as InputError."""
    from sim.cli.options import executor_from_options
    from sim.errors import ResultsFolderError
    from sim.experiment.calibrate import Evaluation, calibrate, format_fit_table, load_targets, write_fitted_scenario
    from sim.experiment.store import check_new_folder, safe_name, utc_now
    from sim.inputs.scenario import load_scenario, resolve_scenario_path

    path = resolve_scenario_path(args.scenario)
    targets = load_targets(args.targets, load_scenario(path))
    out = args.out
    if out is None:
        out = Path("results") / f"{safe_name(path.stem)}-fitted-{utc_now():%Y%m%d-%H%M%S}.toml"
    if os.path.lexists(out):
        raise ResultsFolderError(f"{out}: file exists already; choose another --out or move it away")
    check_new_folder(out)  # a file, but it must be creatable: found now, not after the fit

    def progress(count: int, latest: Evaluation, best: Evaluation) -> None:
        if args.quiet:
            return
        if count == 1:  # the first evaluation is at the start values
            starts = ", ".join(f"{p.key}={p.start:g}" for p in targets.parameters)
            print(f"Fit at the start ({starts}):\n{format_fit_table(latest.fit, latest.objective)}\n", flush=True)
        shown = ", ".join(f"{key}={value:.6g}" for key, value in latest.values.items())
        print(
            f"evaluation {count}: objective {latest.objective:.6g} (best {best.objective:.6g}) at {shown}",
            file=sys.stderr,
        )

    executor = executor_from_options(args)
    try:
        result = calibrate(
            path,
            targets,
            max_evaluations=args.max_evaluations,
            progress=progress,
            executor=executor,
            max_memory=args.max_memory,
        )
    finally:
        if executor is not None:
            executor.close()
    print(f"Fit at the fitted values ({result.evaluations} evaluations; {result.message}):")
    for key, value in result.values.items():
        print(f"  {key}: {result.start.values[key]:.6g} -> {value:.6g}")
    print(format_fit_table(result.fit, result.objective))
    written = write_fitted_scenario(out, result)
    print(f"fitted scenario written to {written}")
    return 0
