"""A short text summary of one run, for the terminal."""

from __future__ import annotations

from pathlib import Path

from sim.model import RegionModel


def format_run_summary(model: RegionModel, folder: Path | None = None) -> str:
    """Employment by sector at start and end, unemployment, layoffs, failures, income."""
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
