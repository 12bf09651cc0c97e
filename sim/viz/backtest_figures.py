"""Figures of a back-test: each measure's model path over seeds, with the observed points and tolerances.

:func:`measure_figures` returns one Figure per measure (matplotlib, no pyplot); the CLI
passes it to :func:`sim.experiment.backtest.write_result`, so the experiment layer never
imports figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sim.viz.figure import Figure

if TYPE_CHECKING:
    from sim.experiment.backtest import BacktestResult


def measure_figure(result: BacktestResult, measure_name: str) -> Figure:
    """One measure: every seed's path (thin), their median (thick), observed points with +-tolerance bars."""
    measure = next(m for m in result.case.measures if m.name == measure_name)
    paths = result.paths[result.paths.measure == measure_name]
    wide = paths.pivot(index="month", columns="seed", values="value").sort_index()
    dates = pd.to_datetime(wide.index + "-01")
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axes = figure.add_subplot()
    for seed in wide.columns:
        axes.plot(dates, wide[seed].to_numpy(), color="tab:blue", alpha=0.25, linewidth=0.8)
    axes.plot(dates, wide.median(axis=1).to_numpy(), color="tab:blue", linewidth=2, label="model, median of seeds")
    rows = result.table[result.table.measure == measure_name]
    if not rows.empty:
        observed_dates = pd.to_datetime(rows.month + "-01")
        colours = ["black" if inside else "tab:red" for inside in rows.inside]
        axes.errorbar(
            observed_dates,
            rows.observed,
            yerr=rows.tolerance,
            fmt="none",
            ecolor="0.5",
            capsize=3,
            linewidth=1,
        )
        axes.scatter(observed_dates, rows.observed, c=colours, zorder=3, label="observed (red: outside)")
    if measure.compare in ("change", "relative_change"):
        axes.axhline(0.0, color="0.7", linewidth=0.8)
        axes.axvline(_base_date(measure.base), color="0.7", linestyle=":", linewidth=0.8)
    axes.set_title(f"{result.case.name}: {measure_name}", fontsize=10)
    axes.set_ylabel(measure.unit or measure.compare, fontsize=8)
    axes.legend(fontsize=7, loc="best")
    figure.supxlabel(
        f"{len(result.seeds)} seeds, scale {result.scale:g}; bars: tolerance; model {' + '.join(measure.model)}",
        fontsize=7,
        color="0.35",
        x=0.01,
        ha="left",
    )
    return figure


def _base_date(base: str | None) -> pd.Timestamp:
    from sim.experiment.backtest import observed_month

    return pd.Timestamp(observed_month(base) + "-01")


def measure_figures(result: BacktestResult) -> dict[str, Figure]:
    """Every measure's figure, by measure name."""
    return {measure.name: measure_figure(result, measure.name) for measure in result.case.measures}
