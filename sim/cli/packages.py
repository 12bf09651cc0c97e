"""``shocksim packages``: list the shipped policy packages with their budgets and descriptions."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import print_listing


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "packages",
        help="list the shipped policy packages with their budgets and descriptions",
        description="List the packages shipped in scenarios/packages/: name, total budget (bn KRW, full "
        "population), the scenarios each is written for (any: laid on any scenario), and its description. "
        "Use a name wherever a package file is asked for (run --package, compare --package, validate).",
    )
    parser.add_argument("--names", action="store_true", help="print the names only, one a line")
    parser.add_argument(
        "--scenario", metavar="NAME", help="only the packages written for this scenario (as compare picks them)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.errors import InputError
    from sim.inputs.package import load_package, shipped_packages

    rows = []
    names = []
    for name in shipped_packages():
        try:
            package = load_package(name)
        except InputError as error:
            rows.append((name, "", "", f"invalid: {error}"))
            names.append(name)
            continue
        if args.scenario is not None and not package.written_for(args.scenario):
            continue
        names.append(name)
        instruments = len(package.interventions)
        rows.append(
            (
                name,
                f"{package.total_budget_krw / 1e9:,.2f}",
                ", ".join(package.scenarios) or "any",
                f"{package.description} ({instruments} intervention{'s' if instruments != 1 else ''})",
            )
        )
    if args.names:
        print("\n".join(names))
        return 0
    print_listing(rows, ("package", "bn KRW", "written for", "description"))
    return 0
