"""``shocksim validate``: check scenario and package files and say what is wrong, in one line each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.options import EXIT_INPUT_ERROR
from sim.errors import InputError, ScenarioError, located


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("validate", help="check scenario or package files and say what is wrong")
    parser.add_argument("scenarios", nargs="+", help="scenario or package files, or shipped scenario names")
    return parser


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from sim.inputs.package import load_package
    from sim.inputs.scenario import load_scenario, resolve_scenario_path
    from sim.region.build import plan_firm_groups

    failed = False
    for name in args.scenarios:
        try:
            if _is_package_file(name):
                package = load_package(name)
                print(
                    f"{name}: valid package {package.name!r} ({len(package.interventions)} interventions, "
                    f"{package.total_budget_krw / 1e9:,.2f} bn KRW)"
                )
                continue
            scenario = load_scenario(name)
            # Sizing the industries catches inconsistencies no single key shows (e.g. a labour
            # force too small for the manufacturing firms given).
            try:
                plan_firm_groups(scenario, np.random.default_rng(0), scenario.scenario.scale)
            except ScenarioError as error:
                raise located(error, str(resolve_scenario_path(name))) from None
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
    """A TOML file with ``interventions``, or a top-level ``name`` and no scenario sections, is a package.

    A package may have no interventions (the baseline); a file that cannot be read is left
    to the scenario reader, which names the problem in one line.
    """
    from sim.inputs.package import PACKAGE_DIR
    from sim.inputs.toml_reader import read_toml

    path = Path(name)
    try:
        if not path.is_file():
            return False
    except (OSError, ValueError):
        return False
    try:
        raw = read_toml(path, "scenario", [])
    except InputError:
        return False
    if "interventions" in raw:
        return True
    if any(section in raw for section in ("scenario", "population", "labour_market", "industries")):
        return False
    return "name" in raw or path.resolve().parent == PACKAGE_DIR.resolve()
