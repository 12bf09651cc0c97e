"""Figures of a nation comparison: jobs saved or lost by region, sorted, beside the nation's total (issue 16).

Issue 16 asks for a map of Korea's regions shaded by jobs saved or lost, or, without a map
of the regional boundaries that can be shipped under an open licence, a sorted bar chart.
No such map ships with shocksim yet, so this is the bar chart: one bar per region, sorted by
its effect, and the nation's bar apart, each with its interval across seeds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.experiment.nation_compare import NationComparison
from sim.experiment.stats import CONFIDENCE
from sim.viz.figure import Figure

GAIN, LOSS, NATION = "#2b8cbe", "#de2d26", "#636363"


def jobs_by_region(comparison: NationComparison, arm: str | None = None, metric: str = "job_years") -> Figure:
    """Horizontal bars of one arm's effect by region (sorted, gains blue, losses red) and for the nation (grey)."""
    arm = arm if arm is not None else next(iter(comparison.arms))
    rows = comparison.summary[(comparison.summary["arm"] == arm) & (comparison.summary["metric"] == metric)]
    regions = rows[rows["region"] != "nation"].sort_values("mean")
    nation = rows[rows["region"] == "nation"]
    ordered = [*regions.itertuples(index=False), *nation.itertuples(index=False)]
    figure = Figure(figsize=(7.0, 0.45 * len(ordered) + 1.6))
    axes = figure.add_subplot()
    means = np.array([row.mean for row in ordered])
    low = np.array([row.ci_low for row in ordered])
    high = np.array([row.ci_high for row in ordered])
    errors = np.vstack([np.nan_to_num(means - low), np.nan_to_num(high - means)])
    colours = [NATION if row.region == "nation" else (GAIN if row.mean >= 0 else LOSS) for row in ordered]
    positions = np.arange(len(ordered))
    axes.barh(positions, means, xerr=errors, color=colours, capsize=3)
    axes.set_yticks(positions, [row.region for row in ordered])
    axes.axvline(0.0, color="black", linewidth=0.8)
    unit = "job-years over the run" if metric == "job_years" else "jobs at the horizon"
    axes.set_xlabel(f"{unit}, package minus the nation without it (full population)")
    aimed = ", ".join(f"{package} in {region}" for region, package in comparison.arms[arm].items())
    axes.set_title(f"{aimed}: effect by region ({comparison.reps} seeds, {CONFIDENCE:.0%} intervals)", fontsize=9)
    figure.tight_layout()
    return figure


def save_figures(comparison: NationComparison, folder: Path) -> list[Path]:
    """``figures/regions.png`` (job-years by region) in ``folder``; the paths written."""
    target = folder / "figures"
    target.mkdir(parents=True, exist_ok=True)
    path = target / "regions.png"
    jobs_by_region(comparison).savefig(path, dpi=120)
    return [path]
