"""``shocksim run``: run a scenario once, write its results folder and print a summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.options import MAX_MONTHS, add_memory_option, add_set_option, months, scale, seed
from sim.inputs.scenario import DEFAULT_SCENARIO, shipped_scenarios

if TYPE_CHECKING:
    from sim.model import RegionModel


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("run", help="run a scenario and write its results folder")
    parser.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO}; shipped: {', '.join(shipped_scenarios())})",
    )
    parser.add_argument("--seed", type=seed, default=1, help="random seed (default 1); same seed, same numbers")
    parser.add_argument(
        "--months", type=months, help=f"months to simulate, up to {MAX_MONTHS} (default: the scenario's)"
    )
    parser.add_argument("--scale", type=scale, help="fraction of the population to simulate, in (0, 1]")
    parser.add_argument("--out", type=Path, help="results folder to create (default: a new folder under results/)")
    parser.add_argument(
        "--package",
        dest="packages",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="policy package file or shipped name to lay on the scenario (repeatable: packages are combined)",
    )
    add_set_option(parser)
    add_memory_option(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return parser


def run(args: argparse.Namespace) -> int:
    from sim.experiment.executors import ProgressBar
    from sim.experiment.run import run_and_save
    from sim.inputs.scenario import resolve_scenario_path

    scenario = args.scenario if args.scenario is not None else DEFAULT_SCENARIO
    bar = ProgressBar("simulating", "month", disable=args.quiet)
    try:
        model, folder = run_and_save(
            str(resolve_scenario_path(scenario)),
            seed=args.seed,
            months=args.months,
            scale=args.scale,
            out=args.out,
            overrides=dict(args.overrides),
            packages=args.packages,
            on_month=bar,
            max_memory=args.max_memory,
        )
    finally:
        bar.close()
    if not args.quiet:
        print(format_run_summary(model, folder))
    return 0


def format_run_summary(model: RegionModel, folder: Path | None = None) -> str:
    """Employment by sector at start and end, unemployment, layoffs, failures, income: text for the terminal."""
    table = model.results()
    first, last = table.iloc[0], table.iloc[-1]
    config = model.config.scenario
    lines = [
        f"{config.name}: {config.region}, {model.months} months from {config.start}, "
        f"seed {model.seed}, scale {model.scale:g}"
        + ("" if model.scale == 1.0 else " (counts are for the sampled population)"),
        f"{'':32}{'start':>12}{'end':>12}{'change':>12}",
    ]

    def row(label: str, start: float, end: float, money: bool = False) -> str:
        if money:
            return f"{label:32}{start / 1e9:>12,.1f}{end / 1e9:>12,.1f}{(end - start) / 1e9:>+12,.1f}"
        return f"{label:32}{start:>12,.0f}{end:>12,.0f}{end - start:>+12,.0f}"

    lines.append(row("employed", first.employed, last.employed))
    for sector in model.config.sector_names:
        lines.append(row(f"  {sector.replace('_', ' ')}", first[f"employed_{sector}"], last[f"employed_{sector}"]))
    lines.append(row("unemployed", first.unemployed, last.unemployed))
    lines.append(
        f"{'unemployment rate':32}{first.unemployment_rate:>12.2%}{last.unemployment_rate:>12.2%}"
        f"{(last.unemployment_rate - first.unemployment_rate) * 100:>+11.2f}pp"
    )
    lines.append(row("firms active", first.firms_active, last.firms_active))
    lines.append(row("wage income, bn KRW/month", first.wage_income, last.wage_income, money=True))
    lines.append(
        row("manufacturing output, bn KRW/mo", first.output_manufacturing, last.output_manufacturing, money=True)
    )
    lines.append(f"{'layoffs over the run':32}{table.layoffs.sum():>36,.0f}")
    for chain in model.config.chain_names:
        lines.append(f"{'  ' + chain.replace('_', ' '):32}{table[f'layoffs_{chain}'].sum():>36,.0f}")
    lines.append(f"{'firm failures over the run':32}{table.firm_failures.sum():>36,.0f}")
    lines.append(f"{'moved out of the region':32}{last.moved_out:>36,.0f}")
    if folder is not None:
        lines.append(f"results: {folder}")
    return "\n".join(lines)
