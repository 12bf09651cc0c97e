"""What the subcommands share: the one-line argument parser, value types, and common options.

``--set KEY.PATH=VALUE`` (key paths of :mod:`sim.inputs.keypath`, list indices included;
values read as TOML literals), the optional SCENARIO positional, and ``--workers N`` /
``--dask ADDRESS`` (where many runs execute).
"""

from __future__ import annotations

import argparse
import math
import re
import tomllib
from collections.abc import Callable
from typing import Any, NoReturn

from sim.errors import ScenarioError
from sim.inputs.limits import MAX_MAGNITUDE, MAX_MONTHS
from sim.inputs.scenario import DEFAULT_SCENARIO

EXIT_INPUT_ERROR = 2
EXIT_RUNS_FAILED = 1
EXIT_INTERRUPTED = 130
#: Seeds are 63-bit: larger ones are refused, not silently reduced.
MAX_SEED = 2**63
#: The most local worker processes ``--workers`` may start.
MAX_WORKERS = 256


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line, with exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _short(text: str, limit: int = 40) -> str:
    """An argument as typed, cut short (a 300-digit number is not printed whole)."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3] + "...") + f" ({len(text)} characters)"


def _whole(text: str, allowed: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: {allowed}") from None


def positive_int(text: str) -> int:
    value = _whole(text, "a positive whole number")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: a positive whole number")
    return value


def count_up_to(limit: int, what: str) -> Callable[[str], int]:
    """An argument type: a whole number from 1 to ``limit`` (a count that sizes the work)."""

    def parse(text: str) -> int:
        allowed = f"a whole number of {what} from 1 to {limit:,}"
        value = _whole(text, allowed)
        if not 0 < value <= limit:
            raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: {allowed}")
        return value

    parse.__name__ = what
    return parse


def months(text: str) -> int:
    """A horizon in months: 1 to ``MAX_MONTHS`` (a century)."""
    allowed = f"a whole number of months from 1 to {MAX_MONTHS}"
    value = _whole(text, allowed)
    if not 0 < value <= MAX_MONTHS:
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: {allowed}")
    return value


def seed(text: str) -> int:
    allowed = "a whole number from 0 to 2**63 - 1"
    value = _whole(text, allowed)
    if not 0 <= value < MAX_SEED:
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: {allowed}")
    return value


def scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: a number in (0, 1]")
    return value


def money(text: str) -> float:
    try:
        value = float(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value < MAX_MAGNITUDE:
        raise argparse.ArgumentTypeError(
            f"got {_short(text)}; allowed: a non-negative amount of KRW below 1e18, such as 46.6e9"
        )
    return value


_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "kib": 2**10,
    "m": 10**6,
    "mb": 10**6,
    "mib": 2**20,
    "g": 10**9,
    "gb": 10**9,
    "gib": 2**30,
    "t": 10**12,
    "tb": 10**12,
    "tib": 2**40,
}


def memory_size(text: str) -> int:
    """``--max-memory``: bytes, or a number with a unit (``16GB``, ``512MiB``)."""
    allowed = "a memory size such as 16GB, 16GiB or 512MB (from 100MB to 1PB)"
    match = re.fullmatch(r"\s*([0-9.]+(?:e[0-9]+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    try:
        value = float(match.group(1)) * _UNITS[unit] if match else math.nan
    except (KeyError, ValueError):
        value = math.nan
    if not 100e6 <= value <= 1e15:
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: {allowed}")
    return int(value)


def add_memory_option(parser: argparse.ArgumentParser) -> None:
    """``--max-memory SIZE``: refuse runs estimated to need more (default 8 GiB)."""
    parser.add_argument(
        "--max-memory",
        type=memory_size,
        metavar="SIZE",
        help="refuse, before building, a run estimated to need more memory than this (runs at once together); "
        "default 8GiB",
    )


def assignment(text: str) -> tuple[str, Any]:
    """``KEY.PATH=VALUE``: the key path checked against the grammar, the value read as a TOML literal."""
    from sim.inputs.keypath import parse_key_path

    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"got {_short(text)}; allowed: KEY.PATH=VALUE")
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
    where.add_argument("--workers", type=count_up_to(MAX_WORKERS, "workers"), help="run on a pool of N local processes")
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


def simulate_and_report(
    quiet: bool, simulate: Callable[[Callable[[int, int], None]], tuple[Any, Any]], summary: Callable[[Any, Any], str]
) -> int:
    """Run ``simulate(on_month)`` behind a month progress bar; print ``summary(model, folder)`` (or the folder)."""
    from sim.experiment.executors import ProgressBar

    bar = ProgressBar("simulating", "month", disable=quiet)
    try:
        model, folder = simulate(bar)
    finally:
        bar.close()
    print(summary(model, folder) if not quiet else f"results: {folder}")
    return 0
