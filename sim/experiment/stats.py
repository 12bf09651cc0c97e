"""The statistics of a comparison: what each run measured, effects against its baseline twin, intervals.

Every package runs with the same seeds as the baseline (common random numbers), so a
package's effect is measured seed by seed: package run minus the baseline run of the same
seed. Summaries are across seeds:

- effects, levels, spending: mean and a two-sided 90% Student t-interval,
  mean ± t(0.95, n-1) · s / √n, with s the standard deviation across seeds (ddof 1);
- cost per job: the ratio of mean cost to mean jobs with a 90% Fieller interval (paired,
  t quantile with n-1 degrees of freedom), unbounded (±inf) when the jobs effect is not
  distinguishable from zero at that level, undefined (NaN) when the mean jobs effect is not
  positive;
- share of seeds in which a package beats another (more job-years than the other package
  in the same seed; ties do not count as beating): the share with a 90% Clopper-Pearson
  interval.

Jobs split as regional impact studies report them: direct (assembly plants of the shocked
chains), indirect (their tier-1 and tier-2 suppliers), induced (local services) and other
(growth industries and other manufacturing), so that the parts add up to total employment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiment.design import BASELINE
from sim.inputs.scenario import Scenario

CONFIDENCE = 0.90


#: Employment components of a scenario's jobs, by where the jobs are.
COMPONENTS = ("direct", "indirect", "induced", "other")
COMPONENT_LABELS = {
    "direct": "direct (assembly plants)",
    "indirect": "indirect (suppliers)",
    "induced": "induced (local services)",
    "other": "other (other traded industries)",
}


def component_columns(config: Scenario) -> dict[str, tuple[str, ...]]:
    """The monthly-table columns that make up each employment component of a scenario."""
    chains = config.chain_names
    traded_industries = [name for name in config.traded_names if name not in chains]
    return {
        "direct": tuple(f"employed_{chain}_assembly" for chain in chains),
        "indirect": tuple(f"employed_{chain}_{tier}" for chain in chains for tier in ("tier1", "tier2")),
        "induced": tuple(f"employed_{name}" for name in config.local_services_names),
        "other": tuple(f"employed_{name}" for name in traded_industries),
    }


@dataclass(frozen=True)
class Metric:
    """One line of the summary: its name, meaning, unit and how its interval is made."""

    name: str
    label: str
    unit: str
    kind: str  # "effect", "level", "spending", "ratio" or "share"
    interval: str


def _t(name: str, label: str, unit: str, kind: str) -> Metric:
    return Metric(name, label, unit, kind, f"{CONFIDENCE:.0%} t")


def _fieller(name: str, label: str) -> Metric:
    return Metric(name, label, "KRW", "ratio", f"{CONFIDENCE:.0%} Fieller")


def effect_metrics(config: Scenario) -> list[Metric]:
    """Effects of a package (package run minus its baseline twin), in summary order."""
    return [
        _t("jobs", "jobs saved or created at the horizon", "jobs", "effect"),
        *[_t(f"jobs_{part}", f"  {COMPONENT_LABELS[part]}", "jobs", "effect") for part in COMPONENTS],
        _t("job_years", "job-years over the run", "job-years", "effect"),
        *[_t(f"job_years_{part}", f"  {COMPONENT_LABELS[part]}", "job-years", "effect") for part in COMPONENTS],
        *[
            _t(f"jobs_year_{year}", f"jobs at the end of year {year}" + _partial_year(config, year), "jobs", "effect")
            for year in run_years(config)
        ],
        _t("resident_jobs", "residents' jobs at the horizon", "jobs", "effect"),
        _t("jobs_from_other_regions", "jobs taken from other Korean regions", "jobs", "effect"),
        *[
            _t(f"jobs_{sector}", f"jobs at the horizon in {sector.replace('_', ' ')}", "jobs", "effect")
            for sector in config.sector_names
        ],
        _t("unemployment_rate_change", "unemployment rate at the horizon, change", "pp", "effect"),
        _t("firm_failures_avoided", "firm failures avoided", "firms", "effect"),
        _t("displaced_reemployed_12m_change", "displaced re-employed in 12 months, change", "pp", "effect"),
        _t("displaced_earnings_change", "displaced workers' earnings, change", "pp", "effect"),
    ]


def run_years(config: Scenario) -> list[int]:
    """Years of the run, 1, 2, ...: year ``k`` ends at month ``12 k`` (or at the horizon)."""
    return list(range(1, math.ceil(config.scenario.months / 12) + 1))


def year_end_month(config: Scenario, year: int) -> int:
    """The month at which year ``year`` of the run ends: ``12 year``, or the horizon if that comes first."""
    return min(12 * year, config.scenario.months)


def _partial_year(config: Scenario, year: int) -> str:
    months = config.scenario.months - 12 * (year - 1)
    return f" (the horizon: {months} months)" if months < 12 else ""


#: Spending of a package over the run (KRW of the simulated population).
SPENDING: list[Metric] = [
    _t("spend_krw", "spending at face value", "KRW", "spending"),
    _t("cost_krw", "expected cost", "KRW", "spending"),
    _t("returns_krw", "repayments and clawbacks", "KRW", "spending"),
    _t("cost_central_krw", "  paid by the central government", "KRW", "spending"),
    _t("cost_local_krw", "  paid by the local government", "KRW", "spending"),
    _t("cost_unstated_krw", "  payer not stated in the package", "KRW", "spending"),
]

#: The fiscal offsets of a package against its baseline twin, and its net fiscal cost (KRW of
#: the simulated population): expected cost less unemployment benefits saved and less the
#: income tax and social-insurance contributions on the extra wages (``fiscal`` in the scenario).
FISCAL: list[Metric] = [
    _t("benefits_saved_krw", "unemployment benefits saved", "KRW", "spending"),
    _t("taxes_gained_krw", "income tax and contributions gained", "KRW", "spending"),
    _t("net_fiscal_cost_krw", "net fiscal cost", "KRW", "spending"),
    _t("net_fiscal_cost_central_krw", "  central government and social-insurance funds", "KRW", "spending"),
    _t("net_fiscal_cost_local_krw", "  local government", "KRW", "spending"),
    _t("net_fiscal_cost_unstated_krw", "  payer not stated in the package", "KRW", "spending"),
]

#: Money per job: (numerator measure, denominator effect).
RATIOS: dict[str, tuple[Metric, str, str]] = {
    "cost_per_job_year_krw": (
        _fieller("cost_per_job_year_krw", "expected cost per net job-year"),
        "cost_krw",
        "job_years",
    ),
    "cost_per_job_krw": (_fieller("cost_per_job_krw", "expected cost per job at the horizon"), "cost_krw", "jobs"),
    "spend_per_job_year_krw": (
        _fieller("spend_per_job_year_krw", "face value per net job-year"),
        "spend_krw",
        "job_years",
    ),
    "spend_per_job_krw": (_fieller("spend_per_job_krw", "face value per job at the horizon"), "spend_krw", "jobs"),
    "net_fiscal_cost_per_job_year_krw": (
        _fieller("net_fiscal_cost_per_job_year_krw", "net fiscal cost per net job-year"),
        "net_fiscal_cost_krw",
        "job_years",
    ),
}

#: Outcomes of every arm, baseline included (at the horizon, or over the run for failures).
LEVELS: list[Metric] = [
    _t("employed", "employed at the horizon", "jobs", "level"),
    _t("unemployment_rate", "unemployment rate at the horizon", "share", "level"),
    _t("firm_failures", "firm failures over the run", "firms", "level"),
    _t("displaced_reemployed_12m_rate", "displaced re-employed within 12 months", "share", "level"),
    _t("displaced_earnings_rate", "displaced workers' earnings, share of former pay", "share", "level"),
]


def effect_sources(config: Scenario) -> dict[str, tuple[str, float, float]]:
    """Effect name -> (measure it is the difference of, sign, factor)."""
    return {
        "jobs": ("employed", 1.0, 1.0),
        **{f"jobs_{part}": (f"employed_{part}", 1.0, 1.0) for part in COMPONENTS},
        "job_years": ("employed_months", 1.0, 1.0 / 12.0),
        **{f"job_years_{part}": (f"employed_months_{part}", 1.0, 1.0 / 12.0) for part in COMPONENTS},
        **{f"jobs_year_{year}": (f"employed_year_{year}", 1.0, 1.0) for year in run_years(config)},
        "resident_jobs": ("employed_residents", 1.0, 1.0),
        "jobs_from_other_regions": ("employed_from_other_regions", 1.0, 1.0),
        **{f"jobs_{sector}": (f"employed_{sector}", 1.0, 1.0) for sector in config.sector_names},
        "unemployment_rate_change": ("unemployment_rate", 1.0, 100.0),
        "firm_failures_avoided": ("firm_failures", -1.0, 1.0),
        "displaced_reemployed_12m_change": ("displaced_reemployed_12m_rate", 1.0, 100.0),
        "displaced_earnings_change": ("displaced_earnings_rate", 1.0, 100.0),
        "benefits_saved_krw": ("benefits_krw", -1.0, 1.0),
        "taxes_gained_krw": ("wage_income_krw", 1.0, config.fiscal.tax_and_contributions_per_krw_wage),
    }


#: Labels of the bridge's package-wide lines (sim/experiment/bridge.py, docs/compare.md).
BRIDGE_LABELS = {
    "gross": "gross: jobs the programmes would report",
    "gross_headcount": "gross headcount: jobs the programmes would announce (jobs)",
    "deadweight": "deadweight: claimed jobs the baseline twin had anyway",
    "substitution": "substitution: others' jobs at firms taking participants",
    "displacement": "displacement: unsupported firms of the supported sectors",
    "induced": "induced: all other firms (local services, other sectors)",
    "bridge_residual": "residual: supported units' change beyond claims net of deadweight",
}


def bridge_metrics(effects: pd.DataFrame) -> list[Metric]:
    """The bridge's metrics a package's effects hold (NaN-only columns skipped), in the order of the identity.

    ``gross``, ``gross_<output>``, ``gross__<intervention>``, ``deadweight``,
    ``deadweight__<intervention>``, ``substitution``, ``displacement``, ``induced``,
    ``bridge_residual``: job-years over the run. Then ``gross_headcount`` and
    ``gross_headcount__<intervention>``: the claims as headcounts, in jobs (outside the identity).
    """
    present = [name for name in effects.columns if effects[name].notna().any()]

    def named(prefix: str) -> list[str]:
        return [name for name in present if name.startswith(prefix)]

    order = [
        "gross",
        *[name for name in named("gross_") if not name.startswith(("gross__", "gross_headcount"))],
        *named("gross__"),
        "deadweight",
        *named("deadweight__"),
        "substitution",
        "displacement",
        "induced",
        "bridge_residual",
        "gross_headcount",
        *named("gross_headcount__"),
    ]
    metrics = []
    for name in order:
        if name not in present:
            continue
        if name.startswith("gross_headcount"):
            label = BRIDGE_LABELS[name] if name in BRIDGE_LABELS else f"of {name.removeprefix('gross_headcount__')}"
            metrics.append(_t(name, label, "jobs", "effect"))
            continue
        if name in BRIDGE_LABELS:
            label = BRIDGE_LABELS[name]
        elif name.startswith("gross__"):
            label = f"of {name.removeprefix('gross__')}"
        elif name.startswith("deadweight__"):
            label = f"of {name.removeprefix('deadweight__')}"
        else:
            label = f"gross {name.removeprefix('gross_').replace('_', ' ')} (all interventions with this output)"
        metrics.append(_t(name, label, "job-years", "effect"))
    return metrics


#: What a summary of a comparison holds, column by column.
SUMMARY_COLUMNS = ("package", "metric", "label", "kind", "unit", "mean", "ci_low", "ci_high", "sd", "n", "interval")
KEYS = ["package", "replicate", "seed"]


def run_measures(table: pd.DataFrame, config: Scenario) -> dict[str, float]:
    """What one run's monthly table says, as numbers the comparison needs.

    Stocks are taken at the horizon (the last row); flows and job-months are summed over
    the simulated months 1..T (row 0 is the start state, equal in every arm).
    """

    def last(*columns: str) -> float:
        return float(sum(table[column].to_numpy(dtype=float)[-1] for column in columns))

    def over_run(*columns: str) -> float:
        return float(sum(table[column].to_numpy(dtype=float)[1:].sum() for column in columns))

    measures: dict[str, float] = {
        "employed": last("employed"),
        "employed_months": over_run("employed"),
        "unemployment_rate": last("unemployment_rate"),
        "firm_failures": over_run("firm_failures"),
        "displaced_reemployed_12m_rate": last("displaced_reemployed_12m_rate"),
        "displaced_earnings_rate": last("displaced_earnings_rate"),
        "spend_krw": over_run("policy_spend"),
        "cost_krw": over_run("policy_cost"),
        "returns_krw": over_run("policy_returns"),
        "cost_central_krw": over_run("policy_cost_central") if "policy_cost_central" in table else 0.0,
        "cost_local_krw": over_run("policy_cost_local") if "policy_cost_local" in table else 0.0,
        "benefits_krw": over_run("benefit_income"),
        "wage_income_krw": over_run("wage_income"),
    }
    measures["cost_unstated_krw"] = measures["cost_krw"] - measures["cost_central_krw"] - measures["cost_local_krw"]
    employed = table["employed"].to_numpy(dtype=float)
    for year in run_years(config):
        measures[f"employed_year_{year}"] = float(employed[min(year_end_month(config, year), len(employed) - 1)])
    foreign = table["employed_foreign"].to_numpy(dtype=float)[-1] if "employed_foreign" in table else 0.0
    measures["employed_residents"] = float(employed[-1] - foreign)
    # Jobs at firms an incentive attracted that would otherwise have located in another Korean
    # region (investment_attraction's count): moved between regions, not created nationally.
    moved = [column for column in table.columns if str(column).endswith("_jobs_from_other_regions")]
    measures["employed_from_other_regions"] = last(*moved) if moved else 0.0
    for part, columns in component_columns(config).items():
        measures[f"employed_{part}"] = last(*columns)
        measures[f"employed_months_{part}"] = over_run(*columns)
    for sector in config.sector_names:
        measures[f"employed_{sector}"] = last(f"employed_{sector}")
    return measures


def effects_frame(measures: pd.DataFrame, arms: list[str], config: Scenario) -> pd.DataFrame:
    """Per package and seed: effects against the baseline run of the same seed, and spending.

    ``measures`` has one row per run (columns ``package``, ``replicate``, ``seed`` and the
    measures); only replicates in which every arm finished are used.
    """
    complete = complete_replicates(measures, arms)
    indexed = measures.set_index(["package", "replicate"]).sort_index()
    sources = effect_sources(config)
    rows = []
    baseline = indexed.loc[BASELINE].loc[complete]
    for arm in arms:
        if arm == BASELINE:
            continue
        runs = indexed.loc[arm].loc[complete]
        frame = pd.DataFrame({"package": arm, "replicate": complete, "seed": runs["seed"].to_numpy()})
        for name, (measure, sign, factor) in sources.items():
            difference = runs[measure].to_numpy(dtype=float) - baseline[measure].to_numpy(dtype=float)
            frame[name] = sign * factor * difference
        for metric in SPENDING:
            frame[metric.name] = runs[metric.name].to_numpy(dtype=float)
        frame["net_fiscal_cost_krw"] = frame["cost_krw"] - frame["benefits_saved_krw"] - frame["taxes_gained_krw"]
        # By who bears it: the local government gets the local income tax; the central government
        # and its funds the rest of the taxes and contributions and the benefits saved.
        local_taxes = config.fiscal.local_share_of_tax_and_contributions * frame["taxes_gained_krw"]
        frame["net_fiscal_cost_local_krw"] = frame["cost_local_krw"] - local_taxes
        frame["net_fiscal_cost_central_krw"] = (
            frame["cost_central_krw"] - frame["benefits_saved_krw"] - (frame["taxes_gained_krw"] - local_taxes)
        )
        frame["net_fiscal_cost_unstated_krw"] = frame["cost_unstated_krw"]
        rows.append(frame)
    if not rows:
        return pd.DataFrame(columns=[*KEYS, *sources, *(m.name for m in SPENDING), *(m.name for m in FISCAL[2:])])
    return pd.concat(rows, ignore_index=True)


def complete_replicates(measures: pd.DataFrame, arms: list[str]) -> list[int]:
    """Replicates in which every arm's run finished (the summary uses only these)."""
    if measures.empty:
        return []
    present = measures.groupby("replicate")["package"].agg(lambda names: set(names) >= set(arms))
    return sorted(int(replicate) for replicate, complete in present.items() if complete)


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float, float]:
    """Mean, interval low and high, standard deviation: Student t across seeds (NaN for n < 2)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(np.mean(values))
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    from scipy import stats  # lazily: scipy.stats takes half a second to import

    sd = float(np.std(values, ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half, sd


def fieller_interval(
    numerator: np.ndarray, denominator: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Ratio of means and its Fieller interval for paired samples.

    The interval is the set of ratios R for which ``mean(x) - R·mean(y)`` is not
    significantly different from zero by a t-test; it is bounded only when the denominator
    is significantly different from zero (otherwise ±inf). NaN when the mean denominator
    is not positive (no jobs gained: money per job has no meaning) or n < 2.
    """
    x = np.asarray(numerator, dtype=float)
    y = np.asarray(denominator, dtype=float)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    x_mean, y_mean = float(np.mean(x)), float(np.mean(y))
    if y_mean <= 0:
        return math.nan, math.nan, math.nan
    ratio = x_mean / y_mean
    if n < 2:
        return ratio, math.nan, math.nan
    from scipy import stats

    t = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    covariance = np.cov(x, y, ddof=1) / n
    v_xx, v_xy, v_yy = float(covariance[0, 0]), float(covariance[0, 1]), float(covariance[1, 1])
    a = y_mean**2 - t**2 * v_yy
    b = -2.0 * (x_mean * y_mean - t**2 * v_xy)
    c = x_mean**2 - t**2 * v_xx
    if a <= 0:
        return ratio, -math.inf, math.inf
    root = math.sqrt(max(b * b - 4.0 * a * c, 0.0))
    low, high = (-b - root) / (2.0 * a), (-b + root) / (2.0 * a)
    # The point estimate lies in the set by construction; keep it there under rounding.
    return ratio, min(low, ratio), max(high, ratio)


def share_interval(wins: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Share of wins and its Clopper-Pearson (exact binomial) interval, from its beta-quantile form."""
    if n == 0:
        return math.nan, math.nan, math.nan
    from scipy import stats

    alpha = 1.0 - confidence
    share = wins / n
    low = float(stats.beta.ppf(alpha / 2, wins, n - wins + 1)) if wins > 0 else 0.0
    high = float(stats.beta.ppf(1 - alpha / 2, wins + 1, n - wins)) if wins < n else 1.0
    return share, min(low, share), max(high, share)


def summarise(measures: pd.DataFrame, effects: pd.DataFrame, arms: list[str], config: Scenario) -> pd.DataFrame:
    """The summary table: one row per package and metric (see the module docstring)."""
    rows: list[dict[str, object]] = []
    complete = complete_replicates(measures, arms)
    by_run = measures.set_index(["package", "replicate"]).sort_index() if not measures.empty else None

    def add(arm: str, metric: Metric, mean: float, low: float, high: float, sd: float, n: int) -> None:
        rows.append(
            {
                "package": arm,
                "metric": metric.name,
                "label": metric.label.strip(),
                "kind": metric.kind,
                "unit": metric.unit,
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
                "sd": sd,
                "n": n,
                "interval": metric.interval,
            }
        )

    n = len(complete)
    for arm in arms:
        if arm != BASELINE:
            mine = effects[effects["package"] == arm]
            for metric in [*effect_metrics(config), *SPENDING, *FISCAL]:
                add(arm, metric, *t_interval(mine[metric.name].to_numpy(dtype=float)), n)
            for metric in bridge_metrics(mine):
                add(arm, metric, *t_interval(mine[metric.name].to_numpy(dtype=float)), n)
            for metric, money, jobs in RATIOS.values():
                ratio, low, high = fieller_interval(mine[money].to_numpy(dtype=float), mine[jobs].to_numpy(dtype=float))
                add(arm, metric, ratio, low, high, math.nan, n)
            mine_years = mine["job_years"].to_numpy(dtype=float)
            for other in arms:
                if other == arm:
                    continue
                if other == BASELINE:
                    theirs = np.zeros_like(mine_years)
                else:
                    theirs = effects.loc[effects["package"] == other, "job_years"].to_numpy(dtype=float)
                wins = int(np.sum(mine_years > theirs))
                share, low, high = share_interval(wins, n)
                metric = Metric(
                    f"beats_{other}",
                    f"share of seeds with more job-years than {other}",
                    "share",
                    "share",
                    f"{CONFIDENCE:.0%} Clopper-Pearson",
                )
                add(arm, metric, share, low, high, math.nan, n)
        for metric in LEVELS:
            values = by_run.loc[arm].loc[complete][metric.name].to_numpy(dtype=float) if n else np.array([])
            add(arm, metric, *t_interval(values), n)
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


# ---------------------------------------------------------------------- the terminal table
#: Metrics shown in the terminal, in order; the CSV has them all.
TABLE_METRICS = (
    "jobs",
    "jobs_direct",
    "jobs_indirect",
    "jobs_induced",
    "jobs_other",
    "resident_jobs",
    "jobs_from_other_regions",
    "job_years",
    "jobs_year_*",
    "unemployment_rate_change",
    "firm_failures_avoided",
    "displaced_reemployed_12m_change",
    "displaced_earnings_change",
    "spend_krw",
    "cost_krw",
    "cost_central_krw",
    "cost_local_krw",
    "cost_unstated_krw",
    "spend_per_job_year_krw",
    "cost_per_job_year_krw",
    "cost_per_job_krw",
    "benefits_saved_krw",
    "taxes_gained_krw",
    "net_fiscal_cost_krw",
    "net_fiscal_cost_central_krw",
    "net_fiscal_cost_local_krw",
    "net_fiscal_cost_unstated_krw",
    "net_fiscal_cost_per_job_year_krw",
)


def format_value(value: float, unit: str, signed: bool = False) -> str:
    """A number as the terminal shows it, in display units ("bn KRW", "m KRW", "%", "pp", counts)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    sign = "+" if signed else ""
    if unit == "bn KRW":
        return f"{value / 1e9:{sign},.3f}"
    if unit == "m KRW":
        return f"{value / 1e6:{sign},.2f}"
    if unit == "%":
        return f"{value * 100:{sign}.1f}%"
    if unit == "pp":
        return f"{value:{sign}.2f}"
    return f"{value:{sign},.1f}"


def display_unit(unit: str, kind: str) -> str:
    """Printed unit: money in billions of KRW, money per job in millions, shares in per cent."""
    if unit == "KRW":
        return "m KRW" if kind == "ratio" else "bn KRW"
    return "%" if unit == "share" else unit


def format_cell(row: pd.Series) -> str:
    """``mean [low, high]`` in the metric's display unit."""
    unit = display_unit(row["unit"], row["kind"])
    signed = row["kind"] == "effect"
    mean = format_value(row["mean"], unit, signed)
    if math.isnan(row["ci_low"]) and math.isnan(row["ci_high"]):
        return mean
    if math.isinf(row["ci_low"]) or math.isinf(row["ci_high"]):
        return f"{mean} [unbounded]"
    return f"{mean} [{format_value(row['ci_low'], unit, signed)}, {format_value(row['ci_high'], unit, signed)}]"


def format_table(summary: pd.DataFrame, packages: list[str], width: int = 30, columns: int | None = None) -> str:
    """Key metrics of every package side by side, in as many blocks as the terminal width needs."""
    if summary.empty or not packages:
        return "no complete replicate: nothing to summarise"
    import shutil

    label_width = 48
    columns = columns or max(shutil.get_terminal_size((120, 24)).columns, 120)
    per_block = max(1, (columns - label_width) // width)
    lines: list[str] = []
    indexed = summary.set_index(["package", "metric"])
    years = sorted(
        {name for name in summary["metric"] if name.startswith("jobs_year_")}, key=lambda name: int(name.split("_")[-1])
    )
    shown = [name for metric in TABLE_METRICS for name in (years if metric == "jobs_year_*" else [metric])]
    rows = [*shown, *(f"beats_{other}" for other in [BASELINE, *packages])]
    for start in range(0, len(packages), per_block):
        block = packages[start : start + per_block]
        if lines:
            lines.append("")
        lines.append(f"{'':{label_width}}" + "".join(f"{name[: width - 2]:>{width}}" for name in block))
        for metric in rows:
            if metric.startswith("beats_"):
                label = f"beats {metric.removeprefix('beats_')}, % of seeds"
            else:
                spec = summary[summary["metric"] == metric]
                if spec.empty:
                    continue
                first = spec.iloc[0]
                unit = display_unit(first["unit"], first["kind"])
                part = metric.removeprefix("jobs_").removeprefix("job_years_")
                label = f"  {first['label']}" if part in COMPONENTS else f"{first['label']}, {unit}"
            cells = [
                format_cell(indexed.loc[(package, metric)]) if (package, metric) in indexed.index else ""
                for package in block
            ]
            if all(cell == "" for cell in cells):
                continue
            lines.append(f"{label[: label_width - 1]:{label_width}}" + "".join(f"{cell:>{width}}" for cell in cells))
    return "\n".join(lines)
