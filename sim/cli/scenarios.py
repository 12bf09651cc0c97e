"""``shocksim scenarios``: list the shipped scenarios."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    return subparsers.add_parser("scenarios", help="list the shipped scenarios")


def run(args: argparse.Namespace) -> int:
    from sim.inputs.scenario import shipped_scenarios

    for name in shipped_scenarios():
        print(name)
    return 0
