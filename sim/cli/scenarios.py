"""``shocksim scenarios``: list the shipped scenarios with their descriptions."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import print_listing


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "scenarios",
        help="list the shipped scenarios with their descriptions",
        description="List the scenarios shipped in scenarios/: name, horizon, description and the packages "
        "written for each. Use a name wherever a scenario file is asked for.",
    )
    parser.add_argument("--names", action="store_true", help="print the names only, one a line")
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.errors import InputError
    from sim.inputs.package import load_package, shipped_packages
    from sim.inputs.scenario import load_scenario, shipped_scenarios

    names = shipped_scenarios()
    if args.names:
        print("\n".join(names))
        return 0
    packages = {}
    for name in shipped_packages():
        try:
            packages[name] = load_package(name)
        except InputError:
            continue
    rows = []
    for name in names:
        try:
            settings = load_scenario(name).scenario
        except InputError as error:
            rows.append((name, "", f"invalid: {error}"))
            continue
        written = [package for package, spec in packages.items() if name in spec.scenarios]
        text = settings.description or settings.region
        if written:
            text += f" [packages: {', '.join(written)}]"
        rows.append((name, f"{settings.start}, {settings.months} months", text))
    print_listing(rows, ("scenario", "horizon", "description"))
    return 0
