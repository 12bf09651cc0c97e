"""Run one scenario once and save its results folder."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.experiment.store import RUN_SUMMARY, check_new_folder, default_run_folder, environment, utc_now, write_run
from sim.inputs.scenario import Scenario
from sim.model import RegionModel


def run_months(model: Any, on_month: Callable[[int, int], None] | None = None) -> float:
    """Step a model (a RegionModel or a NationModel) to its horizon; return the wall seconds it took.

    ``on_month(done, total)`` is called after each month (for progress bars).
    """
    clock = time.perf_counter()
    while model.running:
        model.step()
        if on_month is not None:
            on_month(model.steps, model.months)
    return time.perf_counter() - clock


def run_and_save(
    scenario: Scenario | str | Path | None,
    *,
    seed: int,
    months: int | None = None,
    scale: float | None = None,
    out: Path | None = None,
    results_root: Path = Path("results"),
    overrides: dict[str, Any] | None = None,
    packages: list[str | Path] | None = None,
    on_month: Callable[[int, int], None] | None = None,
    max_memory: int | None = None,
) -> tuple[RegionModel, Path]:
    """Build the model, run every month, write the run folder; return the model and folder.

    ``on_month(done, total)`` is called after each month (for progress bars). The output
    folder is checked before the run starts, so a clash fails fast and costs nothing.
    ``overrides`` (key paths, as ``--set``) are recorded in the manifest as given, beside
    the scenario in full. A run whose estimated memory exceeds ``max_memory`` bytes (default
    8 GiB) is refused before it is built.
    """
    started = utc_now()
    if out is not None:
        check_new_folder(out)
    model = RegionModel(
        scenario,
        rng=seed,
        months=months,
        scale=scale,
        overrides=overrides,
        package=packages or None,
        max_memory=max_memory,
    )
    folder = out if out is not None else default_run_folder(results_root, model.config.scenario.name, seed, started)
    check_new_folder(folder)
    wall_seconds = run_months(model, on_month)
    manifest = {
        "kind": "run",
        "scenario_name": model.config.scenario.name,
        "scenario_source": str(scenario) if isinstance(scenario, str | Path) else "<object or default>",
        "scenario_hash": model.config.content_hash(),
        "scenario": model.config.to_dict(),
        "overrides": dict(overrides or {}),
        "package_sources": [str(p) for p in packages or []],
        "package": model.package.to_dict() if model.package else None,
        "package_hash": model.package.content_hash() if model.package else None,
        "seed": seed,
        "months": model.months,
        "scale": model.scale,
        "start": model.config.scenario.start,
        "started_at": started.isoformat(),
        "finished_at": utc_now().isoformat(),
        "run_seconds": round(wall_seconds, 3),
        "command": " ".join(sys.argv),
        "environment": environment(),
    }
    if model.package is not None:
        manifest["policy"] = policy_spending(model)
    write_run(
        folder, model.results(), model.ledger(), manifest, {RUN_SUMMARY: format_run_summary(model, folder) + "\n"}
    )
    return model, folder


def policy_spending(model: RegionModel) -> dict[str, Any]:
    """The package of a run and what it spent, in total and per intervention (KRW of the simulated sample)."""
    table = model.results()
    package = model.package
    assert package is not None

    def total(column: str) -> float:
        return float(table[column].to_numpy(dtype=float)[1:].sum()) if column in table else 0.0

    return {
        "package": package.name,
        "scale": model.scale,
        "budget_krw_full_population": package.total_budget_krw,
        "spend_krw": total("policy_spend"),
        "cost_krw": total("policy_cost"),
        "returns_krw": total("policy_returns"),
        "interventions": {
            item.name: {
                "type": item.type,
                "budget_krw_full_population": item.budget_krw,
                "spend_krw": total(f"policy_spend_{item.name}"),
                "cost_krw": total(f"policy_cost_{item.name}"),
                "returns_krw": total(f"policy_returns_{item.name}"),
            }
            for item in package.interventions
        },
    }


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
    if model.package is not None:
        lines.extend(_package_lines(model))
    if folder is not None:
        lines.append(f"results: {folder}")
    return "\n".join(lines)


def _package_lines(model: RegionModel) -> list[str]:
    """The package and its spending over the run: budget, face value, expected cost, returns, per intervention."""
    spending = policy_spending(model)
    scale = model.scale
    note = "" if scale == 1.0 else f" (the sample's spending divided by the scale {scale:g})"
    lines = [
        f"package {spending['package']}: budget {spending['budget_krw_full_population'] / 1e9:,.2f} bn KRW; "
        f"spending in bn KRW, full population{note}",
        f"{'policy spending over the run':32}{'budget':>12}{'face value':>12}{'exp. cost':>12}{'returns':>12}",
    ]

    def row(label: str, entry: dict[str, Any]) -> str:
        return (
            f"{label[:31]:32}{entry['budget_krw_full_population'] / 1e9:>12,.2f}"
            f"{entry['spend_krw'] / scale / 1e9:>12,.2f}{entry['cost_krw'] / scale / 1e9:>12,.2f}"
            f"{entry['returns_krw'] / scale / 1e9:>12,.2f}"
        )

    for name, entry in spending["interventions"].items():
        lines.append(row(f"  {name.replace('_', ' ')}", entry))
    lines.append(row("  total", spending))
    return lines
