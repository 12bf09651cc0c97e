"""``shocksim report COMPARISON_DIR``: one self-contained HTML page of a comparison, to read or print to PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report of a comparison folder",
        description=(
            "Render a comparison folder (shocksim compare --out DIR) as one HTML file: the question, the scenario "
            "and its sources, the packages, the headline table with 90%% intervals in full-population units, "
            "figures, the ranking, the method, and the version, commit and hashes. Figures are embedded and CSS is "
            "inline: the file fetches nothing and prints to PDF from a browser."
        ),
    )
    parser.add_argument(
        "folder",
        type=Path,
        metavar="COMPARISON_DIR",
        help="a comparison's results folder (shocksim compare, or shocksim nation --package: effects by region)",
    )
    parser.add_argument("--out", type=Path, help="HTML file to write (default: COMPARISON_DIR/report.html)")
    parser.add_argument(
        "--sensitivity",
        type=Path,
        metavar="DIR",
        help="a sensitivity folder (shocksim sensitivity --out DIR): add the parameters the result hangs on",
    )
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.errors import InputError, ResultsFolderError
    from sim.viz.nation_report import is_nation_comparison, write_nation_report
    from sim.viz.report import write_report

    out = args.out if args.out is not None else args.folder / "report.html"
    if out.exists() and not args.force:
        raise ResultsFolderError(f"{out}: exists already; choose another --out, or --force to replace it")
    if is_nation_comparison(args.folder):
        if args.sensitivity is not None:
            raise InputError(f"--sensitivity: {args.folder} is a nation comparison; allowed: a region comparison")
        path = write_nation_report(args.folder, out)
    else:
        path = write_report(args.folder, out, args.sensitivity)
    print(f"report: {path}")
    return 0
