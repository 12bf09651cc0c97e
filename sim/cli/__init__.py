"""The ``shocksim`` command line: one module per subcommand, shared options in :mod:`sim.cli.options`.

Input errors (a bad scenario file, a bad argument, an existing results folder) print one
line naming what is wrong and where, and exit with status 2; no traceback. Runs that fail
in a design that needs them all (calibration, screening) exit with 1, naming the first.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from sim.cli import (
    backtest,
    calibrate,
    compare,
    dashboard,
    nation,
    packages,
    report,
    run,
    scenarios,
    sensitivity,
    validate,
)
from sim.cli.options import EXIT_INPUT_ERROR, EXIT_RUNS_FAILED, Parser
from sim.errors import InputError

#: The subcommands, in the order ``shocksim --help`` lists them.
COMMANDS = {
    "run": run,
    "validate": validate,
    "compare": compare,
    "nation": nation,
    "calibrate": calibrate,
    "sensitivity": sensitivity,
    "report": report,
    "backtest": backtest,
    "dashboard": dashboard,
    "scenarios": scenarios,
    "packages": packages,
}


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="shocksim", description="Agent-based model of regional employment shocks.")
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show the version and the git commit (when known), and exit"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


class _Version(argparse.Action):
    """``--version``: the version and commit, looked up only when asked for (git is not run otherwise)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from sim.version import describe

        print(describe())
        parser.exit(0)


def _one_line_warning(message, category, filename, lineno, line=None) -> str:  # noqa: ANN001
    return f"shocksim: warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line), run the subcommand, return the exit status."""
    from sim.experiment.executors import RunsFailed

    warnings.formatwarning = _one_line_warning
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except InputError as error:
        print(f"shocksim: error: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except RunsFailed as error:
        resumable = getattr(args, "resume", None) is not None
        hint = f"; run again with --out {args.out} --resume to retry" if resumable else ""
        print(f"shocksim: error: {error}{hint}", file=sys.stderr)
        return EXIT_RUNS_FAILED


if __name__ == "__main__":
    sys.exit(main())
