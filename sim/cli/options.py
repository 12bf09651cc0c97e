"""What the subcommands share: the one-line argument parser, value types, and common options.

``--set KEY.PATH=VALUE`` (key paths of :mod:`sim.inputs.keypath`, list indices included;
values read as TOML literals), the optional SCENARIO positional, and ``--workers N`` /
``--dask ADDRESS`` (where many runs execute).
"""

from __future__ import annotations

import argparse
import math
import tomllib
from typing import Any, NoReturn

from sim.errors import ScenarioError
from sim.inputs.scenario import DEFAULT_SCENARIO

EXIT_INPUT_ERROR = 2
EXIT_RUNS_FAILED = 1
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line, with exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative whole number, got {text!r}")
    return value


def scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}")
    return value


def money(text: str) -> float:
    try:
        value = float(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount of KRW such as 46.6e9, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative amount of KRW, got {text!r}")
    return value


def assignment(text: str) -> tuple[str, Any]:
    """``KEY.PATH=VALUE``: the key path checked against the grammar, the value read as a TOML literal."""
    from sim.inputs.keypath import parse_key_path

    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY.PATH=VALUE, got {text!r}")
    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    try:
        parse_key_path(key.strip(), "--set", value)
    except ScenarioError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return key.strip(), value


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """``--set KEY.PATH=VALUE``: override scenario parameters by key path (repeatable)."""
    parser.add_argument(
        "--set",
        dest="overrides",
        type=assignment,
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario parameter, e.g. labour_market.quit_rate_per_month=0.003 or "
        "shocks.relocation[0].share=0.2 (repeatable)",
    )


def add_scenario_argument(parser: argparse.ArgumentParser) -> None:
    """The optional SCENARIO positional (default: the Gwangju scenario)."""
    parser.add_argument(
        "scenario", nargs="?", default=None, help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO})"
    )


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """``--workers N`` or ``--dask ADDRESS``: where many runs execute."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, help="run on a pool of N local processes")
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address such as tcp://host:8786, or 'local' for a LocalCluster",
    )


def executor_from_options(args: argparse.Namespace) -> Any:
    """The executor ``--workers`` / ``--dask`` ask for (None: this process); the caller closes it.

    A Dask scheduler address is checked for matching library versions before any run.
    """
    from sim.experiment.executors import DaskExecutor, ProcessExecutor

    if args.dask is not None:
        executor = DaskExecutor(args.dask)
        if args.dask != "local":
            executor.check_environment()
        return executor
    return ProcessExecutor(args.workers) if args.workers else None


def print_listing(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    """Rows as aligned columns under a header; the last column runs on (it is the description)."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [f"{cell:<{width}}" for cell, width in zip(row[:-1], widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
