"""The ``shocksim`` command line: run a scenario, validate scenario files.

Input errors (a bad scenario file, a bad argument, an existing results folder) print one
line naming what is wrong and where, and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from sim.errors import InputError
from sim.experiment.calibration_cli import add_calibrate_parser, run_calibrate
from sim.experiment.compare_cli import add_compare_parser, run_compare
from sim.experiment.sensitivity_cli import add_sensitivity_parser, run_sensitivity
from sim.inputs.package import load_package
from sim.inputs.scenario import DEFAULT_SCENARIO, load_scenario, resolve_scenario_path, shipped_scenarios
from sim.region.build import plan_firm_groups

EXIT_INPUT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative whole number, got {text!r}")
    return value


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}")
    return value


def _assignment(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY.PATH=VALUE, got {text!r}")
    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip(), value


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """``--set KEY.PATH=VALUE``: override scenario parameters (shared by run and compare)."""
    parser.add_argument(
        "--set",
        dest="overrides",
        type=_assignment,
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario parameter, e.g. labour_market.quit_rate_per_month=0.003 (repeatable)",
    )


def add_scenario_argument(parser: argparse.ArgumentParser) -> None:
    """The optional SCENARIO positional (default: the Gwangju scenario)."""
    parser.add_argument(
        "scenario", nargs="?", default=None, help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO})"
    )


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """``--workers N`` or ``--dask ADDRESS``: where many runs execute (shared by compare and sensitivity)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive_int, help="run on a pool of N local processes")
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address such as tcp://host:8786, or 'local' for a LocalCluster",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shocksim", description="Agent-based model of regional employment shocks.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario and write its results folder")
    run.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO}; shipped: {', '.join(shipped_scenarios())})",
    )
    run.add_argument("--seed", type=_seed, default=1, help="random seed (default 1); same seed, same numbers")
    run.add_argument("--months", type=_positive_int, help="months to simulate (default: the scenario's)")
    run.add_argument("--scale", type=_scale, help="fraction of the population to simulate, in (0, 1]")
    run.add_argument("--out", type=Path, help="results folder to create (default: a new folder under results/)")
    run.add_argument(
        "--package",
        dest="packages",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="policy package file or shipped name to lay on the scenario (repeatable: packages are combined)",
    )
    add_set_option(run)
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")

    validate = sub.add_parser("validate", help="check scenario or package files and say what is wrong")
    validate.add_argument("scenarios", nargs="+", help="scenario or package files, or shipped scenario names")

    add_compare_parser(sub)
    add_calibrate_parser(sub)
    add_sensitivity_parser(sub)
    sub.add_parser("scenarios", help="list the shipped scenarios")
    return parser


def _one_line_warning(message, category, filename, lineno, line=None) -> str:  # noqa: ANN001
    return f"shocksim: warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    warnings.formatwarning = _one_line_warning
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "compare":
            return run_compare(args)
        if args.command == "calibrate":
            return run_calibrate(args)
        if args.command == "sensitivity":
            return run_sensitivity(args)
        for name in shipped_scenarios():
            print(name)
        return 0
    except InputError as error:
        print(f"shocksim: error: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.experiment.run import run_and_save
    from sim.experiment.summary import format_run_summary

    scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    progress: tqdm | None = None

    def on_month(done: int, total: int) -> None:
        nonlocal progress
        if progress is None:
            progress = tqdm(total=total, unit="month", desc="simulating", disable=args.quiet, file=sys.stderr)
        progress.update(1)

    try:
        model, folder = run_and_save(
            str(resolve_scenario_path(scenario)),
            seed=args.seed,
            months=args.months,
            scale=args.scale,
            out=args.out,
            overrides=dict(args.overrides),
            packages=args.packages,
            on_month=on_month,
        )
    finally:
        if progress is not None:
            progress.close()
    if not args.quiet:
        print(format_run_summary(model, folder))
    return 0


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for name in args.scenarios:
        if _is_package_file(name):
            try:
                package = load_package(name)
            except InputError as error:
                print(f"shocksim: error: {error}", file=sys.stderr)
                failed = True
                continue
            print(
                f"{name}: valid package {package.name!r} ({len(package.interventions)} interventions, "
                f"{package.total_budget_krw / 1e9:,.2f} bn KRW)"
            )
            continue
        try:
            scenario = load_scenario(name)
            # Sizing the industries catches inconsistencies no single key shows (e.g. a labour
            # force too small for the manufacturing firms given).
            plan_firm_groups(scenario, np.random.default_rng(0), scenario.scenario.scale)
        except InputError as error:
            print(f"shocksim: error: {error}", file=sys.stderr)
            failed = True
            continue
        print(
            f"{resolve_scenario_path(name)}: valid scenario {scenario.scenario.name!r} "
            f"({scenario.scenario.months} months from {scenario.scenario.start})"
        )
    return EXIT_INPUT_ERROR if failed else 0


def _is_package_file(name: str) -> bool:
    """A TOML file with an ``interventions`` list (or a name under scenarios/packages/) is a package."""
    path = Path(name)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            return "interventions" in tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return False


if __name__ == "__main__":
    sys.exit(main())
