"""What the dashboard shows, without Solara: choices, a small comparison, its figures and tables.

The Solara page (:mod:`sim.viz.solara_app`) only lays these out; everything here is plain
Python, so it is tested without a browser and can be used from a notebook. Numbers are in
full-population units (the simulated sample divided by the scale) with 90% intervals across
seeds; money in bn KRW, money per job in m KRW.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sim.experiment.compare import Comparison, compare
from sim.experiment.executors import Progress
from sim.experiment.stats import BASELINE, CONFIDENCE
from sim.experiment.tables import jobs_by_year, jobs_saved_by_month
from sim.inputs.package import Package, load_package, shipped_packages
from sim.inputs.scenario import load_scenario, shipped_scenarios
from sim.viz.figure import Figure

#: Sizes an analyst can choose from: small enough to answer within a minute on a laptop.
SCALES = (0.01, 0.02, 0.05, 0.1)
MAX_SEEDS = 10


@dataclass(frozen=True)
class PackageChoice:
    """A shipped package as the dashboard offers it."""

    name: str
    description: str
    total_budget_krw: float
    written_for_scenario: bool  # names this scenario among those it is written for
    for_any_scenario: bool

    @property
    def label(self) -> str:
        where = "for this scenario" if self.written_for_scenario else "any scenario"
        return f"{self.name} ({self.total_budget_krw / 1e9:,.2f} bn KRW; {where})"


def scenario_choices() -> list[str]:
    """The shipped scenarios, default (gwangju) first."""
    names = shipped_scenarios()
    return sorted(names, key=lambda name: (name != "gwangju", name))


def scenario_horizon(scenario: str) -> tuple[str, int]:
    """The scenario's start date and horizon in months."""
    settings = load_scenario(scenario).scenario
    return str(settings.start), int(settings.months)


def package_choices(scenario: str) -> list[PackageChoice]:
    """The shipped packages that can be laid on ``scenario``: those written for it first, then any-scenario ones.

    Packages written only for other scenarios are left out (they name sectors or programmes of
    another region).
    """
    choices = []
    for name in shipped_packages():
        package = load_package(name)
        if not package.written_for(scenario):
            continue
        choices.append(
            PackageChoice(
                name=name,
                description=package.description,
                total_budget_krw=package.total_budget_krw,
                written_for_scenario=scenario in package.scenarios,
                for_any_scenario=not package.scenarios,
            )
        )
    return sorted(choices, key=lambda choice: (not choice.written_for_scenario, choice.name))


def default_packages(scenario: str) -> list[str]:
    """The packages selected at first: those written for the scenario, else the first any-scenario one."""
    choices = package_choices(scenario)
    own = [choice.name for choice in choices if choice.written_for_scenario]
    return own or [choice.name for choice in choices[:1]]


def run_comparison(
    scenario: str,
    packages: list[str],
    *,
    budget_bn_krw: float | None = None,
    seeds: int = 3,
    scale: float = 0.02,
    months: int | None = None,
    seed: int = 1,
    progress: Callable[[Progress], None] | None = None,
) -> Comparison:
    """A small comparison in this process: the baseline and ``packages`` for the same seeds.

    ``budget_bn_krw`` rescales every package to that total (full population,
    :meth:`Package.with_total_budget`); None keeps the budgets as written. Nothing is saved.
    """
    if not packages:
        from sim.errors import InputError

        raise InputError("packages: none chosen; allowed: one or more shipped packages")
    loaded: list[Package] = [load_package(name) for name in packages]
    equal = None if budget_bn_krw is None else float(budget_bn_krw) * 1e9
    return compare(
        scenario,
        loaded,
        reps=seeds,
        seed=seed,
        scale=scale,
        months=months,
        equal_budget=equal,
        progress=progress,
    )


# ---------------------------------------------------------------------- tables
def headline_columns(comparison: Comparison) -> dict[str, str]:
    """The headline table's columns after the package and its budget: metric of :meth:`Comparison.headline` -> heading.

    Job-years over the run, jobs at the end of each year of the run (the last at the horizon),
    residents' jobs apart from foreign visa holders', expected and net fiscal cost, and money
    per net job-year at face value, at expected cost and at net fiscal cost.
    """
    from sim.viz.compare_figures import year_end_labels

    ends = year_end_labels(comparison)
    years = {metric: f"Jobs at the {label.replace(chr(10), ' ')}" for metric, label in ends.items()}
    return {
        "job_years": "Job-years over the run",
        **years,
        "resident_jobs": "Residents' jobs at the horizon",
        "foreign_jobs": "Foreign visa holders' jobs at the horizon",
        "cost_krw": "Expected cost (bn KRW)",
        "net_fiscal_cost_krw": "Net fiscal cost (bn KRW)",
        "spend_per_job_year_krw": "Face value per net job-year (m KRW)",
        "cost_per_job_year_krw": "Expected cost per net job-year (m KRW)",
        "net_fiscal_cost_per_job_year_krw": "Net fiscal cost per net job-year (m KRW)",
    }


def headline_table(comparison: Comparison) -> pd.DataFrame:
    """One row per package against the baseline: the headline figures (:func:`headline_columns`), 90% intervals.

    Text cells ``mean [low, high]``, ready to show; full-population units, money in bn KRW,
    money per net job-year in m KRW.
    """
    table = comparison.headline()
    wanted = headline_columns(comparison)
    rows = []
    for package in comparison.packages:
        row = {
            "Package": package,
            "Budget (bn KRW)": f"{comparison.packages[package].total_budget_krw / 1e9:,.2f}",
        }
        for metric, label in wanted.items():
            found = table[(table["package"] == package) & (table["metric"] == metric)]
            row[label] = _cell(found.iloc[0]) if len(found) else "n/a"
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(row: pd.Series) -> str:
    digits = 0 if row["unit"] in {"jobs", "job-years"} else 2
    mean, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
    if math.isnan(mean):
        return "n/a (no job-years)"
    text = f"{mean:,.{digits}f}"
    if math.isnan(low) or math.isnan(high):
        return text
    if math.isinf(low) or math.isinf(high):
        return f"{text} [unbounded]"
    return f"{text} [{low:,.{digits}f}, {high:,.{digits}f}]"


def bridge_packages(comparison: Comparison) -> list[str]:
    """The packages of a comparison that have a gross-to-net bridge (every one, unless runs predate it)."""
    from sim.experiment.tables import bridge_table

    table = bridge_table(comparison)
    return [package for package in comparison.packages if (table["package"] == package).any()]


def bridge_table(comparison: Comparison, package: str) -> pd.DataFrame:
    """The gross-to-net bridge of one package: one row per line, ``mean [low, high]``, full population.

    The gross headcount (jobs the programmes would announce) first, then the gross in job-years,
    deadweight, substitution, displacement, induced, residual and the net, with gross, deadweight
    and headcount per intervention (docs/compare.md; the same lines as the report's table).
    """
    from sim.viz.report import bridge_lines

    rows = []
    for line in bridge_lines(comparison, package):
        cell = _cell(pd.Series({"unit": line["unit"], **line}))
        rows.append(
            {
                "Line": ("\u2003" if line["indent"] else "") + line["label"],
                "Unit": line["unit"],
                "Mean [90% interval]": cell,
            }
        )
    return pd.DataFrame(rows, columns=["Line", "Unit", "Mean [90% interval]"])


def bridge_figure(comparison: Comparison, package: str) -> Figure:
    """The bridge's waterfall (:func:`sim.viz.compare_figures.bridge`) of one package."""
    import dataclasses

    from sim.viz.compare_figures import bridge

    return bridge(dataclasses.replace(comparison, packages={package: comparison.packages[package]}))


def headline_csv(comparison: Comparison) -> str:
    """The headline (every metric of :meth:`Comparison.headline`, mean and 90% interval, full population) as CSV.

    Jobs at the horizon and at each year-end, job-years, residents' and visa holders' jobs,
    money at face value, expected cost and net fiscal cost with the benefits saved and taxes
    gained, and money per job and per net job-year on each basis.
    """
    return comparison.headline().to_csv(index=False)


def jobs_csv(comparison: Comparison) -> str:
    """Jobs saved month by month (full population, 90% intervals) as CSV."""
    table = jobs_saved_by_month(comparison)
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    return table.to_csv(index=False)


def jobs_by_year_csv(comparison: Comparison) -> str:
    """Jobs saved by calendar year (job-years of the year, jobs at its end) as CSV."""
    return jobs_by_year(comparison).to_csv(index=False)


def describe(comparison: Comparison) -> str:
    """One line saying what was run."""
    settings = comparison.scenario.scenario
    budget = (
        f"; every package rescaled to {comparison.equal_budget_krw / 1e9:,.2f} bn KRW"
        if comparison.equal_budget_krw is not None
        else "; budgets as written"
    )
    return (
        f"{settings.name}: {settings.months} months from {settings.start}, {len(comparison.replicates_used)} of "
        f"{comparison.reps} seeds, simulated at scale {settings.scale:g} and shown for the full population{budget}"
    )


# ---------------------------------------------------------------------- figures
def _colours(packages: list[str]) -> dict[str, object]:
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    return {package: palette(index % 10) for index, package in enumerate(packages)}


def jobs_saved_figure(comparison: Comparison) -> Figure:
    """Jobs saved or created against the baseline twin, month by month, mean and 90% band, full population."""
    table = jobs_saved_by_month(comparison)
    figure = Figure(figsize=(9, 4.2), layout="constrained")
    axes = figure.subplots()
    colours = _colours(list(comparison.packages))
    for package, rows in table.groupby("package", sort=False):
        axes.plot(rows["date"], rows["mean"], color=colours[package], label=package, lw=1.6)
        if rows["ci_low"].notna().any():
            axes.fill_between(rows["date"], rows["ci_low"], rows["ci_high"], color=colours[package], alpha=0.2, lw=0)
    axes.axhline(0, color="black", lw=0.9, label=BASELINE)
    axes.set_ylabel("jobs vs baseline (full population)")
    axes.set_title(f"Jobs saved or created over time (mean and {CONFIDENCE:.0%} interval across seeds)")
    axes.legend(fontsize=8, loc="upper left")
    figure.autofmt_xdate()
    _note(figure, comparison)
    return figure


def jobs_by_year_figure(comparison: Comparison) -> Figure:
    """Job-years by calendar year per package, with 90% intervals, full population."""
    table = jobs_by_year(comparison)
    table = table[table["measure"] == "job_years"]
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    axes = figure.subplots()
    packages = list(comparison.packages)
    colours = _colours(packages)
    years = sorted(table["year"].unique())
    width = 0.8 / max(len(packages), 1)
    for offset, package in enumerate(packages):
        rows = table[table["package"] == package].set_index("year").reindex(years)
        x = [index - 0.4 + width * (offset + 0.5) for index in range(len(years))]
        means = rows["mean"].to_numpy(dtype=float)
        low = (means - rows["ci_low"].to_numpy(dtype=float)).clip(min=0)
        high = (rows["ci_high"].to_numpy(dtype=float) - means).clip(min=0)
        errors = None if pd.isna(low).all() else [pd.Series(low).fillna(0), pd.Series(high).fillna(0)]
        axes.bar(x, means, width, yerr=errors, capsize=3, color=colours[package], label=package)
    axes.set_xticks(range(len(years)), [str(year) for year in years])
    axes.axhline(0, color="black", lw=0.8)
    axes.set_ylabel("job-years vs baseline")
    axes.set_title("Job-years saved or created by calendar year")
    axes.legend(fontsize=8)
    _note(figure, comparison)
    return figure


def year_ends_figure(comparison: Comparison) -> Figure:
    """Jobs at the end of each year of the run per package against the baseline, 90% intervals, full population."""
    from sim.viz.compare_figures import year_ends

    return year_ends(comparison)


def cost_bases_figure(comparison: Comparison) -> Figure:
    """Money per net job-year at face value, at expected cost and at net fiscal cost, per package, 90% intervals.

    Fieller intervals from the summary; a hatched bar has an unbounded interval (job-years not
    distinguishable from zero), "n/a" marks a package without job-years on average.
    """
    from sim.viz.compare_figures import cost_bases

    return cost_bases(comparison)


def _note(figure: Figure, comparison: Comparison) -> None:
    settings = comparison.scenario.scenario
    figure.supxlabel(
        f"{settings.name}, simulated at scale {settings.scale:g} (counts divided by it), "
        f"{len(comparison.replicates_used)} seeds; common random numbers",
        fontsize=7,
        color="0.35",
        x=0.01,
        ha="left",
    )


def fiscal_rate_text(comparison: Comparison) -> str:
    """The tax-and-contribution rate the net fiscal cost uses, as the page states it."""
    rate = comparison.scenario.fiscal.tax_and_contributions_per_krw_wage
    return f"{rate:.3f} KRW per KRW of gross wage, [fiscal] in the scenario file"
