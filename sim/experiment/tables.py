"""Tidy tables in full-population units, for notebooks and the report.

A run at ``scale`` below 1 simulates a sample of the population: its counts of people and
firms and its money are those of the sample. The functions here divide them by the scale,
so that every table a modeller reads is in full-population units, and state the scale they
were estimated from (``table.attrs["scale"]`` and a ``scale`` column where a table is
long). Rates, shares, means and money per job do not depend on the scale and are left as
they are.

::

    from sim.experiment.tables import full_population, employment_by_sector

    table = full_population(model.results(), model.scale)       # wide: one row per month
    sectors = employment_by_sector(model.results(), model.config, model.scale)  # long: date, sector, employed
    comparison.headline()       # per package: jobs, job-years, year-ends, residents' jobs, money on three bases
    comparison.jobs_by_year()   # one row per package and calendar year
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.experiment.stats import BASELINE, CONFIDENCE, t_interval

if TYPE_CHECKING:
    from sim.experiment.compare import Comparison
    from sim.inputs.scenario import Scenario

#: Units of the summary that are totals of the simulated sample (divided by the scale).
EXTENSIVE_UNITS = frozenset({"jobs", "job-years", "firms", "KRW"})


def is_intensive(column: str) -> bool:
    """Whether a monthly-table column is independent of the scale (a rate, share, mean, date or month)."""
    return (
        column in {"month", "date", "package", "replicate", "seed"}
        or column.endswith("_rate")
        or (column.startswith("mean_"))
    )


def full_population(table: pd.DataFrame, scale: float) -> pd.DataFrame:
    """The monthly table with every count and sum of money divided by ``scale`` (full-population units).

    Rates, shares and means are unchanged. The result's ``attrs`` record the scale and the units.
    """
    _check_scale(scale)
    frame = table.copy()
    for column in frame.columns:
        if not is_intensive(column) and pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype(float) / scale
    frame.attrs.update(scale=scale, units=f"full population (simulated sample of {scale:g}, divided by {scale:g})")
    return frame


def employment_by_sector(table: pd.DataFrame, config: Scenario, scale: float) -> pd.DataFrame:
    """Employment by sector as a long (tidy) table: ``date``, ``sector``, ``employed``, ``scale``.

    ``employed`` is in full-population units (the sample's count divided by ``scale``);
    sectors in the scenario's order.
    """
    _check_scale(scale)
    columns = {f"employed_{sector}": sector for sector in config.sector_names}
    wide = table[["date", *columns]].rename(columns=columns)
    long = wide.melt(id_vars="date", var_name="sector", value_name="employed")
    long["employed"] = long["employed"].astype(float) / scale
    long["sector"] = pd.Categorical(long["sector"], categories=list(config.sector_names), ordered=True)
    long["scale"] = scale
    long.attrs.update(scale=scale, units="workers employed at the end of the month, full population")
    return long


def full_population_summary(summary: pd.DataFrame, scale: float) -> pd.DataFrame:
    """A comparison's summary with jobs, job-years, firms and money in full-population units.

    Money per job (``kind == "ratio"``), shares and percentage points are unchanged. A
    ``scale`` column says which sample the numbers were estimated from.
    """
    _check_scale(scale)
    frame = summary.copy()
    extensive = frame["unit"].isin(EXTENSIVE_UNITS) & (frame["kind"] != "ratio")
    for column in ("mean", "ci_low", "ci_high", "sd"):
        frame[column] = frame[column].astype(float)
        frame.loc[extensive, column] = frame.loc[extensive, column] / scale
    frame["scale"] = scale
    frame.attrs.update(scale=scale)
    return frame


#: The columns ``summary.csv`` adds to the summary: the scale, then the full-population figures.
FULL_POPULATION_COLUMNS = (
    "mean_full_population",
    "ci_low_full_population",
    "ci_high_full_population",
    "sd_full_population",
)


def summary_file(summary: pd.DataFrame, scale: float) -> pd.DataFrame:
    """The summary as ``summary.csv`` holds it: as estimated on the sample, then ``scale`` and the full population.

    ``mean``, ``ci_low``, ``ci_high`` and ``sd`` are the simulated sample's (jobs, job-years,
    firms and KRW of the sample); ``scale`` is the fraction of the population simulated, and
    ``mean_full_population``, ``ci_low_full_population``, ``ci_high_full_population`` and
    ``sd_full_population`` are the same in full-population units (extensive rows divided by
    the scale; money per job, shares, rates and percentage points unchanged). ``unit`` is the
    unit of both.
    """
    full = full_population_summary(summary, scale)
    frame = summary.copy()
    frame["scale"] = scale
    for column in FULL_POPULATION_COLUMNS:
        frame[column] = full[column.removesuffix("_full_population")]
    return frame


#: The headline of a comparison: (metric, label, unit shown, divisor from the summary's unit).
#: ``jobs_year_*`` stands for ``jobs_year_1``, ``jobs_year_2``, ... (as many as the run has years),
#: labelled as in the summary; ``foreign_jobs`` is ``jobs - resident_jobs``, seed by seed.
HEADLINE: tuple[tuple[str, str, str, float], ...] = (
    ("jobs", "jobs saved or created at the horizon", "jobs", 1.0),
    ("job_years", "job-years over the run", "job-years", 1.0),
    ("jobs_year_*", "jobs at the end of year k", "jobs", 1.0),
    ("resident_jobs", "residents' jobs at the horizon", "jobs", 1.0),
    ("foreign_jobs", "foreign visa holders' jobs at the horizon", "jobs", 1.0),
    ("jobs_from_other_regions", "jobs at attracted firms taken from other Korean regions, at the horizon", "jobs", 1.0),
    ("spend_krw", "spending at face value", "bn KRW", 1e9),
    ("cost_krw", "expected cost", "bn KRW", 1e9),
    ("cost_central_krw", "paid by the central government", "bn KRW", 1e9),
    ("cost_local_krw", "paid by the local government", "bn KRW", 1e9),
    ("cost_unstated_krw", "payer not stated in the package", "bn KRW", 1e9),
    ("benefits_saved_krw", "unemployment benefits saved", "bn KRW", 1e9),
    ("taxes_gained_krw", "income tax and contributions gained", "bn KRW", 1e9),
    ("net_fiscal_cost_krw", "net fiscal cost", "bn KRW", 1e9),
    ("net_fiscal_cost_central_krw", "borne by the central government and social-insurance funds", "bn KRW", 1e9),
    ("net_fiscal_cost_local_krw", "borne by the local government", "bn KRW", 1e9),
    ("net_fiscal_cost_unstated_krw", "borne by a payer not stated in the package", "bn KRW", 1e9),
    ("spend_per_job_krw", "face value per job at the horizon", "m KRW", 1e6),
    ("cost_per_job_krw", "expected cost per job at the horizon", "m KRW", 1e6),
    ("spend_per_job_year_krw", "face value per net job-year", "m KRW", 1e6),
    ("cost_per_job_year_krw", "expected cost per net job-year", "m KRW", 1e6),
    ("net_fiscal_cost_per_job_year_krw", "net fiscal cost per net job-year", "m KRW", 1e6),
)


def year_metrics(summary: pd.DataFrame) -> list[str]:
    """The summary's ``jobs_year_<k>`` metrics (jobs at the end of each year of the run), in year order."""
    names = {name for name in summary["metric"] if re.fullmatch(r"jobs_year_\d+", str(name))}
    return sorted(names, key=lambda name: int(name.rsplit("_", 1)[1]))


def _foreign_jobs(comparison: Comparison, package: str) -> dict[str, float]:
    """Jobs of foreign visa holders at the horizon, package minus baseline: ``jobs - resident_jobs`` per seed."""
    effects = comparison.effects
    mine = effects[effects["package"] == package] if len(effects) else effects
    if len(mine) == 0 or "resident_jobs" not in mine:
        return {"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0}
    values = (mine["jobs"].to_numpy(dtype=float) - mine["resident_jobs"].to_numpy(dtype=float)) / comparison.scale
    mean, low, high, _ = t_interval(values)
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": len(values)}


def headline(comparison: Comparison) -> pd.DataFrame:
    """One row per package and headline metric: mean and 90% interval in full-population units.

    Columns: ``package``, ``metric``, ``label``, ``unit`` (jobs, job-years, bn KRW, m KRW),
    ``mean``, ``ci_low``, ``ci_high``, ``interval`` (t or Fieller), ``n`` (seeds), ``scale``.
    Jobs at the end of each year of the run (``jobs_year_<k>``), residents' jobs and foreign
    visa holders' jobs (``foreign_jobs = jobs - resident_jobs``, seed by seed) sit beside jobs
    at the horizon and job-years; money on three bases: face value, expected cost and net
    fiscal cost (expected cost less benefits saved and taxes and contributions gained).
    Money per job is the ratio of mean money to mean jobs (the same at any scale); its
    interval is unbounded (±inf) when the jobs effect is not distinguishable from zero and
    the mean is NaN when a package adds no jobs.
    """
    summary = full_population_summary(comparison.summary, comparison.scale).set_index(["package", "metric"])
    years = year_metrics(comparison.summary)
    rows = []
    for package in comparison.packages:
        for metric, label, unit, divisor in HEADLINE:
            if metric == "foreign_jobs":
                if (package, "resident_jobs") in summary.index:
                    found = _foreign_jobs(comparison, package)
                    rows.append(
                        {
                            "package": package,
                            "metric": metric,
                            "label": label,
                            "unit": unit,
                            **{key: found[key] for key in ("mean", "ci_low", "ci_high")},
                            "interval": f"{CONFIDENCE:.0%} t",
                            "n": found["n"],
                            "scale": comparison.scale,
                        }
                    )
                continue
            for name in years if metric == "jobs_year_*" else [metric]:
                if (package, name) not in summary.index:
                    continue
                row = summary.loc[(package, name)]
                rows.append(
                    {
                        "package": package,
                        "metric": name,
                        "label": str(row["label"]) if metric == "jobs_year_*" else label,
                        "unit": unit,
                        "mean": float(row["mean"]) / divisor,
                        "ci_low": float(row["ci_low"]) / divisor,
                        "ci_high": float(row["ci_high"]) / divisor,
                        "interval": row["interval"],
                        "n": int(row["n"]),
                        "scale": comparison.scale,
                    }
                )
    frame = pd.DataFrame(rows, columns=_HEADLINE_COLUMNS)
    frame.attrs.update(scale=comparison.scale, units="full population; money in bn KRW, money per job in m KRW")
    return frame


_HEADLINE_COLUMNS = ["package", "metric", "label", "unit", "mean", "ci_low", "ci_high", "interval", "n", "scale"]


def jobs_by_year(comparison: Comparison) -> pd.DataFrame:
    """Jobs saved or created by calendar year, per package, with 90% t-intervals across seeds.

    For each package, seed and year: ``job_years`` is the package-minus-baseline employment
    averaged over the year's simulated months (the job-years of that year; a part year
    counts only its months, as a share of twelve), and ``jobs_year_end`` the difference in
    the year's last simulated month. Full-population units. Long: one row per package,
    year and measure, with ``mean``, ``ci_low``, ``ci_high``, ``n``, ``months`` and ``scale``.
    """
    used = comparison.replicates_used
    runs = comparison.runs
    columns = ["package", "year", "measure", "mean", "ci_low", "ci_high", "n", "months", "scale"]
    if runs.empty or not used:
        return pd.DataFrame(columns=columns)
    runs = runs[(runs["replicate"].isin(used)) & (runs["month"] > 0)]
    paths = runs.pivot_table(index=["package", "replicate"], columns="date", values="employed")
    dates = pd.DatetimeIndex(paths.columns)
    years = dates.year.to_numpy()
    baseline = paths.loc[BASELINE].loc[used].to_numpy(dtype=float)
    rows = []
    for package in comparison.packages:
        difference = (paths.loc[package].loc[used].to_numpy(dtype=float) - baseline) / comparison.scale
        for year in np.unique(years):
            inside = years == year
            per_seed = {
                "job_years": difference[:, inside].sum(axis=1) / 12.0,
                "jobs_year_end": difference[:, np.flatnonzero(inside)[-1]],
            }
            for measure, values in per_seed.items():
                mean, low, high, _ = t_interval(values)
                rows.append(
                    {
                        "package": package,
                        "year": int(year),
                        "measure": measure,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "n": len(values),
                        "months": int(inside.sum()),
                        "scale": comparison.scale,
                    }
                )
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs.update(
        scale=comparison.scale, units=f"jobs, full population; {CONFIDENCE:.0%} t-intervals across seeds"
    )
    return frame


def jobs_saved_by_month(comparison: Comparison) -> pd.DataFrame:
    """Jobs saved or created month by month, per package, with 90% t-intervals across seeds.

    For each package and month: the package-minus-baseline employment of the same seed (common
    random numbers), divided by the scale (full-population units), averaged over the seeds in
    which every arm finished. Long: ``package``, ``month``, ``date``, ``mean``, ``ci_low``,
    ``ci_high``, ``n``, ``scale``; month 0 (the start, before any policy) is left out.
    """
    used = comparison.replicates_used
    runs = comparison.runs
    columns = ["package", "month", "date", "mean", "ci_low", "ci_high", "n", "scale"]
    if runs.empty or not used:
        return pd.DataFrame(columns=columns)
    runs = runs[(runs["replicate"].isin(used)) & (runs["month"] > 0)]
    paths = runs.pivot_table(index=["package", "replicate"], columns=["month", "date"], values="employed")
    baseline = paths.loc[BASELINE].loc[used].to_numpy(dtype=float)
    rows = []
    for package in comparison.packages:
        difference = (paths.loc[package].loc[used].to_numpy(dtype=float) - baseline) / comparison.scale
        for index, (month, date) in enumerate(paths.columns):
            mean, low, high, _ = t_interval(difference[:, index])
            rows.append(
                {
                    "package": package,
                    "month": int(month),
                    "date": pd.Timestamp(date),
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": len(used),
                    "scale": comparison.scale,
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs.update(
        scale=comparison.scale, units=f"jobs, full population; {CONFIDENCE:.0%} t-intervals across seeds"
    )
    return frame


def beats(comparison: Comparison) -> pd.DataFrame:
    """Share of seeds in which each package (row) has more job-years than each other (column)."""
    summary = comparison.summary
    shares = summary[summary["metric"].str.startswith("beats_")].copy()
    shares["other"] = shares["metric"].str.removeprefix("beats_")
    order = [BASELINE, *comparison.packages]
    table = shares.pivot(index="package", columns="other", values="mean")
    return table.reindex(index=list(comparison.packages), columns=order)


def _check_scale(scale: float) -> None:
    if not (isinstance(scale, int | float) and 0 < scale <= 1 and math.isfinite(scale)):
        raise ValueError(f"scale must be in (0, 1], got {scale!r}")


#: The bridge's package-wide lines (sim/experiment/bridge.py); the rest are per intervention or per output.
BRIDGE_PARTS = ("substitution", "displacement", "induced", "bridge_residual")


def _is_bridge_metric(name: str) -> bool:
    return name.startswith(("gross", "deadweight")) or name in BRIDGE_PARTS


def bridge_table(comparison: Comparison) -> pd.DataFrame:
    """Per package, the gross-to-net bridge in full-population job-years, ending with the net (``job_years``).

    One row per line: ``package``, ``metric``, ``label``, ``mean``, ``ci_low``, ``ci_high`` (90%
    t-interval across seeds), ``n``. Empty when no run kept its unit record.
    """
    columns = ["package", "metric", "label", "mean", "ci_low", "ci_high", "n"]
    if comparison.summary.empty:
        return pd.DataFrame(columns=columns)
    summary = full_population_summary(comparison.summary, comparison.scale)
    frames = []
    for package in comparison.packages:
        mine = summary[summary["package"] == package]
        lines = mine[mine["metric"].map(_is_bridge_metric)]
        if lines.empty:
            continue
        net = mine[mine["metric"] == "job_years"].assign(label="net: job-years against the baseline twin")
        frames.append(pd.concat([lines, net])[columns])
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    table.attrs.update(scale=comparison.scale, units="job-years over the run, full population")
    return table


def format_bridge(comparison: Comparison) -> str:
    """The bridge of every package as text for the terminal (``shocksim compare``); empty when there is none.

    Package-wide lines, with gross and deadweight of each intervention beneath theirs (the totals
    by output, ``gross_<output>``, are in summary.csv); after the net, the gross headcount (jobs).
    """
    from sim.experiment.stats import format_value

    table = bridge_table(comparison)
    if table.empty:
        return ""

    def cell(row: object) -> str:
        unit = "jobs" if row.metric.startswith("gross_headcount") else "job-years"
        text = format_value(row.mean, unit, True)
        if not (math.isnan(row.ci_low) or math.isnan(row.ci_high)):
            low, high = format_value(row.ci_low, unit, True), format_value(row.ci_high, unit, True)
            text += f" [{low}, {high}]"
        return text

    lines = [
        f"gross-to-net bridge, job-years over the run, full population, mean [{CONFIDENCE:.0%} interval]:",
        "  gross - deadweight + substitution + displacement + induced + residual = net (docs/compare.md)",
    ]
    for package, rows in table.groupby("package", sort=False):
        lines.append(f"  {package}")
        by_metric = {row.metric: row for row in rows.itertuples(index=False)}
        order = [
            "gross",
            *[name for name in by_metric if name.startswith("gross__")],
            "deadweight",
            *[name for name in by_metric if name.startswith("deadweight__")],
            *BRIDGE_PARTS,
            "job_years",
            "gross_headcount",
            *[name for name in by_metric if name.startswith("gross_headcount__")],
        ]
        for metric in order:
            if metric not in by_metric:
                continue
            row = by_metric[metric]
            indent = "      " if metric.startswith(("gross__", "deadweight__", "gross_headcount__")) else "    "
            label = f"{indent}{row.label}"
            lines.append(f"{label[:75]:76}{cell(row):>34}")
    return "\n".join(lines)
