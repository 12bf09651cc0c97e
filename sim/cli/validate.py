"""``shocksim validate``: check scenario and package files and say what is wrong, in one line each."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from sim.cli.options import EXIT_INPUT_ERROR
from sim.errors import InputError


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
    """A TOML file with an ``interventions`` list is a package."""
    path = Path(name)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            return "interventions" in tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return False
