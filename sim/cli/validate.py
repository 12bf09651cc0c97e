"""``shocksim validate``: check scenario and package files and say what is wrong, in one line each.

Each argument is a scenario or package file, or a shipped name. A package file is a TOML
file with an ``interventions`` list. A bare name that is both a shipped scenario and a
shipped package (``gyeongju``) is checked as both. A package is also checked against the
shipped scenarios it is written for (the sectors it names must be theirs); ``--scenario``
checks every package against that scenario instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.options import EXIT_INPUT_ERROR
from sim.errors import InputError, ScenarioError, located


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "validate",
        help="check scenario or package files (or shipped names) and say what is wrong",
        description="Check scenario and package files, or shipped scenario and package names, and say in one "
        "line each what is wrong and where (exit status 2 if anything is).",
    )
    parser.add_argument(
        "scenarios", nargs="+", metavar="FILE_OR_NAME", help="scenario or package files, or shipped names"
    )
    parser.add_argument(
        "--scenario",
        dest="against",
        metavar="SCENARIO",
        help="check packages against this scenario (file or shipped name) instead of those they are written for",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.inputs.package import shipped_packages
    from sim.inputs.scenario import shipped_scenarios

    scenario_names, package_names = set(shipped_scenarios()), set(shipped_packages())
    failed = False
    for name in args.scenarios:
        try:
            kinds = _kinds(name, scenario_names, package_names)
        except InputError as error:
            print(f"shocksim: error: {error}", file=sys.stderr)
            failed = True
            continue
        for kind in kinds:
            try:
                line = _validate_package(name, args.against) if kind == "package" else _validate_scenario(name)
            except InputError as error:
                print(f"shocksim: error: {error}", file=sys.stderr)
                failed = True
                continue
            print(line)
    return EXIT_INPUT_ERROR if failed else 0


def _kinds(name: str, scenario_names: set[str], package_names: set[str]) -> list[str]:
    """What to check ``name`` as: a file by its contents, a bare name by the shipped files it names."""
    path = Path(name)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL
        is_file = False
    if is_file or path.suffix == ".toml" or path.parent != Path("."):
        return ["package"] if _is_package_file(path) else ["scenario"]
    kinds = [kind for kind, names in (("scenario", scenario_names), ("package", package_names)) if name in names]
    if not kinds:
        shipped = ", ".join(sorted(scenario_names | package_names))
        raise InputError(f"{name}: no such file, and no shipped scenario or package of that name (shipped: {shipped})")
    return kinds


def _validate_scenario(name: str) -> str:
    import numpy as np

    from sim.inputs.scenario import load_scenario, resolve_scenario_path
    from sim.region.build import plan_firm_groups

    scenario = load_scenario(name)
    # Sizing the industries catches inconsistencies no single key shows (e.g. a labour
    # force too small for the manufacturing firms given).
    try:
        plan_firm_groups(scenario, np.random.default_rng(0), scenario.scenario.scale)
    except ScenarioError as error:
        raise located(error, str(resolve_scenario_path(name))) from None
    return (
        f"{resolve_scenario_path(name)}: valid scenario {scenario.scenario.name!r} "
        f"({scenario.scenario.months} months from {scenario.scenario.start})"
    )


def _validate_package(name: str, against: str | None) -> str:
    from sim.inputs.interventions import check_package_names
    from sim.inputs.package import load_package, resolve_package_path
    from sim.inputs.scenario import load_scenario, shipped_scenarios

    path = resolve_package_path(name)
    package = load_package(name)
    targets = [against] if against is not None else [s for s in package.scenarios if s in shipped_scenarios()]
    for target in targets:
        check_package_names(package.interventions, load_scenario(target), str(path))
    checked = f"; names checked against {', '.join(targets)}" if targets else ""
    return (
        f"{path}: valid package {package.name!r} ({_count(len(package.interventions), 'intervention')}, "
        f"{package.total_budget_krw / 1e9:,.2f} bn KRW{checked})"
    )


def _is_package_file(path: Path) -> bool:
    """A TOML file with ``interventions``, or a top-level ``name`` and no scenario sections, is a package.

    A package may have no interventions (the baseline); a file that cannot be read is left
    to the scenario reader, which names the problem in one line.
    """
    from sim.inputs.package import PACKAGE_DIR
    from sim.inputs.toml_reader import read_toml

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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
