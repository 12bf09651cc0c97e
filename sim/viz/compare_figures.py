"""Figures of a package comparison (matplotlib, no pyplot: safe headless and in notebooks).

Each function takes a :class:`~sim.experiment.compare.Comparison` and returns a Figure:
employment paths with uncertainty bands, jobs saved with intervals, money per job, the
breakdown of jobs by component and sector, and the gross-to-net bridge. Intervals are those of the summary (90%).
:func:`save_figures` writes them all; the CLI passes it to ``compare(figures=...)`` so the
experiment layer never imports figures.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.experiment.stats import BASELINE, COMPONENT_LABELS, COMPONENTS, CONFIDENCE
from sim.experiment.store import write_atomic
from sim.viz.figure import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.experiment.compare import Comparison

#: The figures of a comparison, by file name (without .png).
FIGURES = ("employment", "jobs_saved", "cost_per_job", "sectors", "bridge")


def save_figures(comparison: Comparison, folder: Path) -> list[Path]:
    """Draw every figure of a comparison into ``folder`` as PNG (each file atomically); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in FIGURES:
        figure = globals()[name](comparison)
        path = folder / f"{name}.png"
        write_atomic(path, lambda partial, figure=figure: figure.savefig(partial, dpi=120, format="png"))
        paths.append(path)
    return paths


def _colours(arms: list[str]) -> dict[str, object]:
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    return {arm: ("black" if arm == BASELINE else palette((index - 1) % 10)) for index, arm in enumerate(arms)}


def _note_scale(figure: Figure, comparison: Comparison) -> None:
    settings = comparison.scenario.scenario
    used = len(comparison.replicates_used)
    text = f"{settings.name}, scale {settings.scale:g}, {used} seeds; bars and bands: {CONFIDENCE:.0%} intervals"
    figure.supxlabel(text, fontsize=7, color="0.35", x=0.01, ha="left")


def labels(comparison: Comparison) -> dict[str, str]:
    """What the figures call each arm: the package's label (its name when it has none)."""
    return {
        BASELINE: "baseline (no package)",
        **{name: package.display_label for name, package in comparison.packages.items()},
    }


def employment(comparison: Comparison) -> Figure:
    """Top: employment without a package, mean and 5-95% of seeds. Bottom: each package against its baseline twin.

    The bottom panel is each package's employment minus the baseline run of the same seed
    (common random numbers), mean and 90% t-interval across seeds: differences far smaller
    than the spread of employment across seeds show there, where drawn as levels they hide
    behind the band. Full-population units (the sample's counts divided by the scale).
    """
    figure = Figure(figsize=(9, 7), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[1, 1.4])
    used = comparison.replicates_used
    runs = comparison.runs[comparison.runs["replicate"].isin(used)] if len(comparison.runs) else comparison.runs
    colours = _colours(comparison.arms)
    names = labels(comparison)
    if runs.empty:
        top.text(0.5, 0.5, "no complete replicate", ha="center", transform=top.transAxes)
        return figure
    scale = comparison.scale
    paths = {
        arm: runs[runs["package"] == arm].pivot(index="replicate", columns="date", values="employed").loc[used]
        for arm in comparison.arms
    }
    dates = pd.DatetimeIndex(paths[BASELINE].columns)
    baseline = paths[BASELINE].to_numpy(dtype=float) / scale
    top.plot(dates, baseline.mean(axis=0), color=colours[BASELINE], label=names[BASELINE], lw=1.6)
    low, high = np.percentile(baseline, [5, 95], axis=0)
    top.fill_between(dates, low, high, color=colours[BASELINE], alpha=0.12, lw=0, label="5-95% of seeds")
    top.set_ylabel("employed (full population)")
    top.set_title("Employment without a package")
    top.legend(fontsize=8)
    from scipy import stats

    n = len(used)
    t = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) if n > 1 else math.nan
    for arm in comparison.packages:
        difference = paths[arm].to_numpy(dtype=float) / scale - baseline
        mean = difference.mean(axis=0)
        bottom.plot(dates, mean, color=colours[arm], label=names[arm], lw=1.4)
        if n > 1:
            half = t * difference.std(axis=0, ddof=1) / math.sqrt(n)
            bottom.fill_between(dates, mean - half, mean + half, color=colours[arm], alpha=0.2, lw=0)
    bottom.axhline(0, color="black", lw=0.8)
    bottom.set_ylabel(f"jobs vs baseline twin, full population ({CONFIDENCE:.0%} CI)")
    bottom.set_title("Each package's employment minus its baseline twin, seed by seed")
    bottom.legend(fontsize=8, ncols=2)
    _note_scale(figure, comparison)
    return figure


def _bars(
    axes: Axes,
    summary: pd.DataFrame,
    packages: list[str],
    metrics: list[str],
    labels: list[str],
    colours: dict[str, object],
    scale: float = 1.0,
    names: dict[str, str] | None = None,
) -> None:
    """Grouped bars: one group per metric, one bar per package (``names``: legend labels), intervals as error bars.

    Values are divided by ``scale`` (the comparison's scale for full-population counts, 1e6 for million KRW).
    """
    width = 0.8 / max(len(packages), 1)
    positions = np.arange(len(metrics))
    indexed = summary.set_index(["package", "metric"])
    for offset, package in enumerate(packages):
        means, lows, highs, unbounded = [], [], [], []
        for metric in metrics:
            row = indexed.loc[(package, metric)] if (package, metric) in indexed.index else None
            mean = float(row["mean"]) / scale if row is not None else math.nan
            low = float(row["ci_low"]) / scale if row is not None else math.nan
            high = float(row["ci_high"]) / scale if row is not None else math.nan
            means.append(mean)
            lows.append(0.0 if not math.isfinite(low) else max(mean - low, 0.0))
            highs.append(0.0 if not math.isfinite(high) else max(high - mean, 0.0))
            unbounded.append(math.isinf(low) or math.isinf(high))
        x = positions - 0.4 + width * (offset + 0.5)
        bars = axes.bar(
            x,
            np.nan_to_num(means),
            width,
            yerr=[lows, highs],
            capsize=3,
            color=colours[package],
            label=(names or {}).get(package, package),
        )
        for patch, xi, mean, flag in zip(bars.patches, x, means, unbounded, strict=True):
            if flag:  # an estimate this uncertain is drawn faint and hatched
                patch.set_alpha(0.45)
                patch.set_hatch("//")
                axes.annotate("CI\nunbounded", (xi, np.nan_to_num(mean)), fontsize=6, ha="center", va="bottom")
            elif math.isnan(mean):
                axes.annotate("n/a", (xi, 0), fontsize=6, ha="center", va="bottom")
    axes.set_xticks(positions, labels)
    axes.axhline(0, color="black", lw=0.8)


def jobs_saved(comparison: Comparison) -> Figure:
    """Jobs at the horizon and job-years over the run, per package, with 90% intervals."""
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2)
    packages = list(comparison.packages)
    colours = _colours(comparison.arms)
    names, scale = labels(comparison), comparison.scale
    _bars(left, comparison.summary, packages, ["jobs"], ["jobs at the horizon"], colours, scale, names)
    left.set_ylabel("jobs vs baseline twin (full population)")
    _bars(right, comparison.summary, packages, ["job_years"], ["job-years over the run"], colours, scale, names)
    right.set_ylabel("job-years (full population)")
    left.legend(fontsize=8)
    figure.suptitle("Jobs saved or created")
    _note_scale(figure, comparison)
    return figure


def cost_per_job(comparison: Comparison) -> Figure:
    """Expected cost (left) and face value (right) per job-year and per job at the horizon, million KRW."""
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2)
    packages = list(comparison.packages)
    colours = _colours(comparison.arms)
    groups = ["per job-year", "per job at the horizon"]
    names = labels(comparison)
    _bars(
        left, comparison.summary, packages, ["cost_per_job_year_krw", "cost_per_job_krw"], groups, colours, 1e6, names
    )
    left.set_title("expected cost")
    left.set_ylabel("million KRW")
    face_value = ["spend_per_job_year_krw", "spend_per_job_krw"]
    _bars(right, comparison.summary, packages, face_value, groups, colours, 1e6, names)
    right.set_title("face value (loans at full amount)")
    left.legend(fontsize=8)
    figure.suptitle("Money per job (n/a where a package adds no jobs)")
    _note_scale(figure, comparison)
    return figure


def sectors(comparison: Comparison) -> Figure:
    """Jobs at the horizon by component (direct, indirect, induced, other) and by sector."""
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2)
    packages = list(comparison.packages)
    colours = _colours(comparison.arms)
    _bars(
        left,
        comparison.summary,
        packages,
        [f"jobs_{part}" for part in COMPONENTS],
        [COMPONENT_LABELS[part].replace(" (", "\n(") for part in COMPONENTS],
        colours,
        comparison.scale,
        labels(comparison),
    )
    left.set_title("by component")
    left.set_ylabel("jobs at the horizon vs baseline twin (full population)")
    names = comparison.scenario.sector_names
    _bars(
        right,
        comparison.summary,
        packages,
        [f"jobs_{sector}" for sector in names],
        [sector.replace("_", "\n") for sector in names],
        colours,
        comparison.scale,
        labels(comparison),
    )
    right.set_title("by sector")
    left.legend(fontsize=8)
    figure.suptitle("Where the jobs are")
    _note_scale(figure, comparison)
    return figure


def year_end_labels(comparison: Comparison) -> dict[str, str]:
    """``jobs_year_<k>`` -> "end of year k" with the month it ends in (the last year ends at the horizon)."""
    from sim.experiment.stats import run_years, year_end_month

    config = comparison.scenario
    start = pd.Period(str(config.scenario.start), freq="M")
    names = {}
    for year in run_years(config):
        month = year_end_month(config, year)
        # month m of the run is the m-th month from the start (month 1 is the start month itself)
        when = (start + (month - 1)).strftime("%b %Y")
        horizon = ", the horizon" if month == config.scenario.months else ""
        names[f"jobs_year_{year}"] = f"end of year {year}\n({when}{horizon})"
    return names


def year_ends(comparison: Comparison) -> Figure:
    """Jobs at the end of each year of the run, per package against its baseline twin, with 90% intervals.

    One group of bars per year of the run (months 12, 24, ...; the last year ends at the
    horizon), one bar per package: the summary's ``jobs_year_<k>`` in full-population units,
    so that a package whose jobs come and go between years shows it, where one month's
    employment at the horizon would hide it.
    """
    figure = Figure(figsize=(9, 4.2), layout="constrained")
    axes = figure.subplots()
    names = year_end_labels(comparison)
    metrics = [name for name in names if (comparison.summary["metric"] == name).any()]
    _bars(
        axes,
        comparison.summary,
        list(comparison.packages),
        metrics,
        [names[name] for name in metrics],
        _colours(comparison.arms),
        comparison.scale,
        labels(comparison),
    )
    axes.set_ylabel("jobs vs baseline twin (full population)")
    axes.set_title("Jobs saved or created at the end of each year of the run")
    axes.legend(fontsize=8)
    _note_scale(figure, comparison)
    return figure


def cost_bases(comparison: Comparison) -> Figure:
    """Money per net job-year at face value, at expected cost and at net fiscal cost, per package, 90% intervals.

    Ratios of means with Fieller intervals from the summary (the same at any scale); a hatched
    bar has an unbounded interval (job-years not distinguishable from zero), "n/a" marks a
    package without job-years on average.
    """
    figure = Figure(figsize=(9, 3.8), layout="constrained")
    axes = figure.subplots()
    metrics = ["spend_per_job_year_krw", "cost_per_job_year_krw", "net_fiscal_cost_per_job_year_krw"]
    names = ["face value", "expected cost", "net fiscal cost"]
    packages = list(comparison.packages)
    _bars(axes, comparison.summary, packages, metrics, names, _colours(comparison.arms), 1e6, labels(comparison))
    axes.set_ylabel("m KRW per net job-year")
    axes.set_title(f"Money per net job-year on three bases (ratio of means, {CONFIDENCE:.0%} Fieller interval)")
    axes.legend(fontsize=8)
    _note_scale(figure, comparison)
    return figure


#: The steps of the bridge's waterfall (sim/experiment/bridge.py), after the gross, with their bar labels.
BRIDGE_STEPS = (
    ("deadweight", "deadweight"),
    ("substitution", "substitution"),
    ("displacement", "displacement"),
    ("induced", "induced"),
    ("bridge_residual", "residual"),
)


def bridge(comparison: Comparison) -> Figure:
    """The gross-to-net bridge per package: a waterfall from the gross claim to the net job-years.

    One panel per package (named by its label): the gross (what the programmes would report,
    job-years), then deadweight (taken away), substitution, displacement, induced and the
    residual as steps, then the net against the baseline twin (``job_years``). Full-population
    job-years (the sample's divided by the scale), means over seeds; the gross and the net carry
    their 90% t-intervals (the steps' intervals are in the report's table: steps of a waterfall
    are not independent). The gross headcount (jobs, a count at a point, not job-years) is
    written in the panel's title. Seven bars per package; packages without a bridge (runs saved
    before it) get no panel.
    """
    from sim.experiment.tables import bridge_table

    table = bridge_table(comparison)
    packages = [name for name in comparison.packages if (table["package"] == name).any()]
    columns = min(len(packages), 3) or 1
    rows = max(math.ceil(len(packages) / columns), 1)
    figure = Figure(figsize=(4.2 * columns + 0.6, 3.6 * rows + 0.6), layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False)
    names = labels(comparison)
    for index, axes in enumerate(grid.flat):
        if index >= len(packages):
            axes.set_axis_off()
            continue
        package = packages[index]
        lines = table[table["package"] == package].set_index("metric")

        def value(metric: str, column: str = "mean", lines: pd.DataFrame = lines) -> float:
            return float(lines.loc[metric, column]) if metric in lines.index else math.nan

        gross, net = value("gross"), value("job_years")
        steps = [
            (-value("deadweight"), label) if metric == "deadweight" else (value(metric), label)
            for metric, label in BRIDGE_STEPS
        ]
        bottoms, heights, colours = [0.0], [np.nan_to_num(gross)], ["#1f5fa8"]
        level = np.nan_to_num(gross)
        for raw, _ in steps:
            step = float(np.nan_to_num(raw))
            bottoms.append(level if step >= 0 else level + step)
            heights.append(abs(step))
            colours.append("#3a9a5b" if step >= 0 else "#c0392b")
            level += step
        bottoms.append(0.0)
        heights.append(np.nan_to_num(net))
        colours.append("#1d2125")
        positions = np.arange(len(heights))
        axes.bar(positions, heights, 0.7, bottom=bottoms, color=colours)
        for position, metric, mean in ((0, "gross", gross), (len(heights) - 1, "job_years", net)):
            low, high = value(metric, "ci_low"), value(metric, "ci_high")
            if math.isfinite(low) and math.isfinite(high) and math.isfinite(mean):
                axes.errorbar(position, mean, yerr=[[mean - low], [high - mean]], color="0.35", capsize=4, lw=1)
        for position, (bottom, height) in enumerate(zip(bottoms, heights, strict=True)):
            signed = height if position in (0, len(heights) - 1) or colours[position] != "#c0392b" else -height
            axes.annotate(
                "0" if abs(signed) < 0.5 else f"{signed:+,.0f}",
                (position, bottom + max(height, 0)),
                fontsize=6.5,
                ha="center",
                va="bottom",
            )
        ticks = ["gross", *[label for _, label in steps], "net"]
        axes.set_xticks(positions, ticks, rotation=35, ha="right", fontsize=8)
        axes.axhline(0, color="black", lw=0.8)
        axes.use_sticky_edges = False  # bars float: keep a margin beyond their ends
        axes.margins(y=0.08)
        headcount = value("gross_headcount")
        announced = f"\nannounced: {headcount:,.0f} jobs (headcount)" if math.isfinite(headcount) else ""
        axes.set_title(f"{names.get(package, package)}{announced}", fontsize=9)
        if index % columns == 0:
            axes.set_ylabel("job-years over the run (full population)")
    if not packages:
        grid.flat[0].set_axis_on()
        grid.flat[0].text(0.5, 0.5, "no gross-to-net bridge in this comparison", ha="center", va="center")
    figure.suptitle(
        f"From what programmes report to net jobs: gross, deadweight, substitution, displacement, induced, net "
        f"(bars on gross and net: {CONFIDENCE:.0%} intervals)",
        fontsize=10,
    )
    _note_scale(figure, comparison)
    return figure
