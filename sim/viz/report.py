"""The HTML report of a comparison: one self-contained page (``shocksim report COMPARISON_DIR``).

The page is rendered from a Jinja2 template (``sim/viz/templates/report.html.j2``) with its
CSS inline and its figures embedded as PNG data URLs, so it is one file that opens
anywhere, fetches nothing, and prints to PDF from a browser. It holds: the question; the
scenario with its sources; the packages and how each maps to the programme; the headline
tables (job-years over the run, jobs at each year-end of the run, residents' jobs apart
from foreign visa holders'; money at face value, expected cost and net fiscal cost, and
each per net job-year; 90% intervals, full-population units, bn KRW); figures (employment
paths with bands, jobs at each year-end, jobs saved by year, by sector); the gross-to-net
bridge (table per package with the gross headcount, and its waterfall figure); the ranking with
the share of seeds in which each package beats each other; the method (each cost basis
explained with the comparison's own numbers, and the scenario's ``[fiscal]`` rate with its
source); the parameters the result hangs on (with a sensitivity folder); and the version,
commit and hashes the numbers come from.

Everything is read from the comparison folder (:func:`sim.experiment.compare.load_comparison`)
and, when given, a sensitivity folder; nothing is run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ResultsFolderError
from sim.experiment.compare import Comparison, load_comparison
from sim.experiment.stats import BASELINE, CONFIDENCE
from sim.experiment.tables import beats, headline, jobs_by_year
from sim.viz import compare_figures
from sim.viz.figure import Figure

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "report.html.j2"
_LIBRARIES = ("python", "mesa", "numpy", "scipy", "pandas")
#: where a shipped scenario's or package's file (with its sources in comments) is looked for
_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def render_report(folder: str | Path, sensitivity: str | Path | None = None) -> str:
    """The report of the comparison in ``folder`` as one HTML document (a string)."""
    folder = Path(folder)
    comparison = load_comparison(folder)
    if comparison.summary.empty:
        raise ResultsFolderError(f"{folder}: no complete replicate to report on")
    manifest = json.loads((folder / "manifest.json").read_text())
    context = report_context(comparison, manifest, folder)
    if sensitivity is not None:
        context["sensitivity"] = sensitivity_context(Path(sensitivity))
    return template().render(**context)


def write_report(folder: str | Path, out: str | Path, sensitivity: str | Path | None = None) -> Path:
    """Render the report and write it to ``out`` (through a temporary name); return the path."""
    from sim.experiment.store import write_atomic

    html = render_report(folder, sensitivity)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, lambda partial: partial.write_text(html, encoding="utf-8"))
    return out


def template(name: str = TEMPLATE) -> Any:
    """A template of sim/viz/templates (the comparison report by default), strict about undefined names."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(name)


# ---------------------------------------------------------------------- what the template gets
def report_context(comparison: Comparison, manifest: dict[str, Any], folder: Path) -> dict[str, Any]:
    settings = comparison.scenario.scenario
    used = comparison.replicates_used
    from sim.inputs.reprs import scenario_facts
    from sim.version import describe

    environment = manifest.get("environment", {})
    return {
        "title": f"Jobs for the money: policy packages in {settings.region}",
        "question": (
            f"Which of {len(comparison.packages)} policy package(s) saves or creates the most jobs for the money in "
            f"{settings.region} over {settings.months} months from {settings.start}, against the same region "
            "without a package, and how sure are we?"
        ),
        "scenario": {
            "name": settings.name,
            "facts": scenario_facts(comparison.scenario),
            "overrides": manifest.get("overrides", {}),
            "sources": _header_comment(_SCENARIOS / f"{settings.name}.toml"),
            "file": f"scenarios/{settings.name}.toml" if (_SCENARIOS / f"{settings.name}.toml").is_file() else None,
        },
        "packages": [_package_context(comparison, entry) for entry in manifest.get("packages", [])],
        "equal_budget_bn": None if comparison.equal_budget_krw is None else comparison.equal_budget_krw / 1e9,
        "scale": comparison.scale,
        "seeds": len(used),
        "reps": comparison.reps,
        "jobs_table": _headline_table(comparison, _jobs_columns(comparison)),
        "money_table": _headline_table(comparison, MONEY_COLUMNS),
        "fiscal": _fiscal_context(comparison, manifest),
        "bridge": _bridge_context(comparison),
        "ranking": _ranking(comparison),
        "figures": _figures(comparison),
        "confidence": f"{CONFIDENCE:.0%}",
        "failures": len(comparison.failures),
        "provenance": {
            "made_by": environment.get("shocksim", "unknown"),
            "commit": environment.get("commit", "not recorded"),
            "created_at": manifest.get("created_at", ""),
            "status": manifest.get("status", ""),
            "libraries": ", ".join(f"{key} {environment[key]}" for key in _LIBRARIES if key in environment),
            "folder": str(folder),
            "manifest_sha256": hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest(),
            "scenario_hash": manifest.get("identity", {}).get("scenario_hash", ""),
            "model_code": manifest.get("identity", {}).get("model_code", ""),
            "packages": [(name, digest) for name, digest in manifest.get("identity", {}).get("packages", [])],
            "files": sorted(manifest.get("files", {}).items()),
            "rendered_by": describe(),
            "rendered_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    }


def _package_context(comparison: Comparison, entry: dict[str, Any]) -> dict[str, Any]:
    package = comparison.packages[entry["name"]]
    source = str(entry.get("source", ""))
    path = Path(source)
    if not path.is_file():
        path = _SCENARIOS / "packages" / f"{package.name}.toml"
    return {
        "name": package.name,
        "description": package.description,
        "budget_bn": package.total_budget_krw / 1e9,
        "mapping": _header_comment(path),
        "interventions": [
            {
                "name": item.name,
                "label": getattr(item, "label", "") or "",
                "type": item.type.replace("_", " "),
                "period": f"{item.start} to {item.end}",
                "budget_bn": item.budget_krw / 1e9,
            }
            for item in package.interventions
        ],
    }


def _header_comment(path: Path) -> str:
    """The comment block at the top of a TOML file (where shipped files state their sources), as text."""
    if not path.is_file():
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.startswith("#"):
            if lines:
                break
            continue
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines).strip()


#: Columns of the money table: (metric, heading); money in bn KRW, money per net job-year in m KRW.
MONEY_COLUMNS = (
    ("spend_krw", "Spending, face value (bn KRW)"),
    ("cost_krw", "Expected cost (bn KRW)"),
    ("benefits_saved_krw", "Benefits saved (bn KRW)"),
    ("taxes_gained_krw", "Taxes and contributions gained (bn KRW)"),
    ("net_fiscal_cost_krw", "Net fiscal cost (bn KRW)"),
    ("spend_per_job_year_krw", "Face value per net job-year (m KRW)"),
    ("cost_per_job_year_krw", "Expected cost per net job-year (m KRW)"),
    ("net_fiscal_cost_per_job_year_krw", "Net fiscal cost per net job-year (m KRW)"),
)


def _jobs_columns(comparison: Comparison) -> list[tuple[str, str]]:
    """Columns of the jobs table: job-years, jobs at each year-end of the run, residents' and visa holders' jobs."""
    years = compare_figures.year_end_labels(comparison)
    return [
        ("job_years", "Job-years over the run"),
        *[(metric, f"Jobs at the {label.replace(chr(10), ' ')}") for metric, label in years.items()],
        ("resident_jobs", "Residents' jobs at the horizon"),
        ("foreign_jobs", "Foreign visa holders' jobs at the horizon"),
        ("jobs_from_other_regions", "Jobs taken from other Korean regions at the horizon"),
    ]


def _headline_table(comparison: Comparison, columns: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> dict:
    """Rows of package cells ``(metric, mean, interval)`` in display units, from :func:`headline`."""
    table = headline(comparison).set_index(["package", "metric"])
    rows = []
    for package, spec in comparison.packages.items():
        cells = []
        for metric, _ in columns:
            if (package, metric) not in table.index:
                cells.append((metric, "n/a", ""))
                continue
            row = table.loc[(package, metric)]
            digits = 0 if row["unit"] in ("jobs", "job-years") else (2 if row["unit"] == "bn KRW" else 1)
            interval = interval_text(row["ci_low"], row["ci_high"], digits)
            cells.append((metric, number_text(row["mean"], digits), interval))
        label = spec.display_label
        rows.append({"package": package, "label": label if label != package else "", "cells": cells})
    return {"headings": [heading for _, heading in columns], "rows": rows}


#: Lines of the bridge table, in reading order: (metric or prefix of per-intervention lines, label, unit).
BRIDGE_LINES = (
    ("gross_headcount", "Gross headcount: the jobs the programmes would announce", "jobs"),
    ("gross_headcount__", "of {name}", "jobs"),
    ("gross", "Gross: the jobs the programmes would report, over the run", "job-years"),
    ("gross__", "of {name}", "job-years"),
    ("deadweight", "less deadweight: claimed jobs the baseline twin had anyway", "job-years"),
    ("deadweight__", "of {name}", "job-years"),
    ("substitution", "substitution: others' jobs at the firms taking participants", "job-years"),
    ("displacement", "displacement: unsupported firms of the supported sectors", "job-years"),
    ("induced", "induced: all other firms (local services, other sectors)", "job-years"),
    ("bridge_residual", "residual: supported units' change beyond the claims net of deadweight", "job-years"),
    ("job_years", "Net: job-years against the baseline twin", "job-years"),
)


def bridge_lines(comparison: Comparison, package: str, table: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """The bridge of one package as lines in reading order (:data:`BRIDGE_LINES`), full population.

    Each line: ``metric``, ``label`` (interventions by their label), ``unit``, ``indent`` (a
    per-intervention line), ``mean``, ``ci_low``, ``ci_high``. Empty when the package has no
    bridge (runs saved without a unit record). ``table``: :func:`bridge_table`, if already made.
    """
    from sim.experiment.tables import bridge_table

    table = bridge_table(comparison) if table is None else table
    lines = table[table["package"] == package].set_index("metric")
    if lines.empty:
        return []
    spec = comparison.packages[package]
    names = {item.name: (getattr(item, "label", "") or item.name) for item in spec.interventions}
    rows = []
    for key, text, unit in BRIDGE_LINES:
        per_intervention = key.endswith("__")
        metrics = [(f"{key}{name}", label) for name, label in names.items()] if per_intervention else [(key, "")]
        for metric, name in metrics:
            if metric not in lines.index:
                continue
            row = lines.loc[metric]
            rows.append(
                {
                    "metric": metric,
                    "label": text.format(name=name),
                    "unit": unit,
                    "indent": per_intervention,
                    "mean": float(row["mean"]),
                    "ci_low": float(row["ci_low"]),
                    "ci_high": float(row["ci_high"]),
                }
            )
    return rows


def _bridge_context(comparison: Comparison) -> dict[str, Any]:
    """The gross-to-net bridge per package (full population, mean and 90% interval), for the report's table.

    Packages whose runs kept no unit record (saved before the bridge) are listed as missing.
    """
    from sim.experiment.tables import bridge_table

    table = bridge_table(comparison)
    packages, missing = [], []
    for package, spec in comparison.packages.items():
        lines = bridge_lines(comparison, package, table)
        if not lines:
            missing.append(package)
            continue
        rows = [
            {
                **line,
                "mean": number_text(line["mean"], 0),
                "ci": interval_text(line["ci_low"], line["ci_high"], 0),
            }
            for line in lines
        ]
        label = spec.display_label
        packages.append({"package": package, "label": label if label != package else "", "rows": rows})
    figure = _png(compare_figures.bridge(comparison)) if packages else ""
    return {"packages": packages, "missing": missing, "figure": figure}


def _fiscal_context(comparison: Comparison, manifest: dict[str, Any]) -> dict[str, Any]:
    """What the method section says about each cost basis, with this comparison's own numbers."""
    rate = comparison.scenario.fiscal.tax_and_contributions_per_krw_wage
    key = "fiscal.tax_and_contributions_per_krw_wage"
    table = headline(comparison).set_index(["package", "metric"])

    def value(package: str, metric: str) -> float:
        return float(table.loc[(package, metric), "mean"]) if (package, metric) in table.index else math.nan

    packages = []
    for package in comparison.packages:
        spend, cost = value(package, "spend_krw"), value(package, "cost_krw")
        benefits, taxes = value(package, "benefits_saved_krw"), value(package, "taxes_gained_krw")
        jobs, residents = value(package, "jobs"), value(package, "resident_jobs")
        packages.append(
            {
                "name": package,
                "spend": number_text(spend, 2),
                "cost": number_text(cost, 2),
                "cost_share": "nothing spent" if not spend else f"{cost / spend:.0%} of face value",
                "benefits": number_text(benefits, 2),
                "taxes": number_text(taxes, 2),
                "wages": number_text(taxes / rate, 2) if rate > 0 else "n/a",
                "net": number_text(value(package, "net_fiscal_cost_krw"), 2),
                "net_central": number_text(value(package, "net_fiscal_cost_central_krw"), 2),
                "net_local": number_text(value(package, "net_fiscal_cost_local_krw"), 2),
                "net_unstated": number_text(value(package, "net_fiscal_cost_unstated_krw"), 2),
                "jobs": number_text(jobs, 0),
                "residents": number_text(residents, 0),
                "foreign": number_text(value(package, "foreign_jobs"), 0),
            }
        )
    source, where = _fiscal_source(comparison.scenario.scenario.name)
    overrides = manifest.get("overrides", {})
    return {
        "rate": f"{rate:.3f}",
        "rate_percent": f"{rate:.1%}",
        "local_share_percent": f"{comparison.scenario.fiscal.local_share_of_tax_and_contributions:.1%}",
        "key": key,
        "source": source,
        "source_file": where,
        "overridden": key in overrides,
        "packages": packages,
        "months": comparison.months,
        "years": len(compare_figures.year_end_labels(comparison)),
    }


def _fiscal_source(scenario: str) -> tuple[str, str]:
    """The comment of the ``[fiscal]`` section in a shipped scenario file (or the file it inherits from)."""
    import tomllib

    name, seen = scenario, set()
    while name and name not in seen:
        seen.add(name)
        path = _SCENARIOS / f"{name}.toml"
        if not path.is_file():
            break
        text = path.read_text(encoding="utf-8-sig")
        lines, inside = [], False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped == "[fiscal]":
                inside = True
                continue
            if inside:
                if stripped.startswith("#"):
                    lines.append(stripped[1:].strip())
                elif stripped.startswith("[") or (lines and not stripped):
                    break
        if lines:
            return " ".join(lines), f"scenarios/{name}.toml"
        try:
            name = str(tomllib.loads(text).get("inherits", ""))
        except tomllib.TOMLDecodeError:
            break
    return "", ""


def number_text(value: float | None, digits: int) -> str:
    """A number for the page: thousands separated, a true minus sign; 'n/a' for none, 'unbounded' for infinity."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "unbounded"
    text = f"{value:,.{digits}f}"
    return text.replace("-", "\u2212")


def interval_text(low: float, high: float, digits: int) -> str:
    """An interval for the page: 'low to high', 'unbounded' if open, empty if there is none."""
    if math.isnan(low) and math.isnan(high):
        return ""
    if math.isinf(low) or math.isinf(high):
        return "unbounded"
    return f"{number_text(low, digits)} to {number_text(high, digits)}"


def _ranking(comparison: Comparison) -> dict[str, Any]:
    job_years = comparison.metric("job_years")["mean"]
    order = sorted(comparison.packages, key=lambda name: -float(job_years.get(name, -math.inf)))
    shares = beats(comparison)
    columns = [BASELINE, *order]
    rows = []
    for rank, package in enumerate(order, start=1):
        cells = []
        for other in columns:
            value = shares.loc[package, other] if other != package else math.nan
            cells.append("" if other == package else ("n/a" if math.isnan(value) else f"{value:.0%}"))
        rows.append(
            {
                "rank": rank,
                "package": package,
                "job_years": number_text(float(job_years[package]) / comparison.scale, 0),
                "cells": cells,
            }
        )
    return {"columns": columns, "rows": rows}


# ---------------------------------------------------------------------- figures
def _png(figure: Figure) -> str:
    return "data:image/png;base64," + base64.b64encode(figure.to_png(dpi=110)).decode("ascii")


def _figures(comparison: Comparison) -> list[dict[str, str]]:
    return [
        {
            "title": "Employment paths",
            "src": _png(compare_figures.employment(comparison)),
            "caption": "Top: employment of each arm, mean over seeds with the band of 5-95% of seeds. Bottom: jobs "
            f"against the baseline twin of the same seed, mean and {CONFIDENCE:.0%} interval. Counts of the "
            f"simulated sample (scale {comparison.scale:g}); divide by the scale for the region.",
        },
        {
            "title": "Jobs at each year-end",
            "src": _png(compare_figures.year_ends(comparison)),
            "caption": "Jobs saved or created at the end of each year of the run (months 12, 24, ...; the last year "
            "ends at the horizon), package minus its baseline twin, mean over seeds with "
            f"{CONFIDENCE:.0%} t-intervals; full population (the sample's counts divided by the scale "
            f"{comparison.scale:g}). The same numbers as the jobs table above.",
        },
        {
            "title": "Jobs saved by year",
            "src": _png(jobs_by_year_figure(comparison)),
            "caption": "Job-years of each calendar year (jobs saved or created, averaged over the year's months), "
            f"full population, with {CONFIDENCE:.0%} t-intervals across seeds.",
        },
        {
            "title": "Jobs by sector",
            "src": _png(compare_figures.sectors(comparison)),
            "caption": "Jobs at the horizon against the baseline twin, by component (direct, indirect, induced, "
            f"other) and by sector, with {CONFIDENCE:.0%} intervals. Counts of the simulated sample "
            f"(scale {comparison.scale:g}).",
        },
    ]


def jobs_by_year_figure(comparison: Comparison) -> Figure:
    """Job-years of each calendar year per package (full population), bars with 90% intervals."""
    years = jobs_by_year(comparison)
    years = years[years["measure"] == "job_years"]
    figure = Figure(figsize=(9, 4), layout="constrained")
    axes = figure.subplots()
    packages = list(comparison.packages)
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    labels = sorted(years["year"].unique())
    width = 0.8 / max(len(packages), 1)
    positions = np.arange(len(labels))
    for offset, package in enumerate(packages):
        rows = years[years["package"] == package].set_index("year").reindex(labels)
        mean = rows["mean"].to_numpy(dtype=float)
        low = np.nan_to_num(mean - rows["ci_low"].to_numpy(dtype=float))
        high = np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - mean)
        axes.bar(
            positions - 0.4 + width * (offset + 0.5),
            np.nan_to_num(mean),
            width,
            yerr=[low, high],
            capsize=3,
            color=palette(offset % 10),
            label=package,
        )
    month_counts = years.drop_duplicates("year").set_index("year")["months"]
    ticks = [f"{year}" if month_counts[year] == 12 else f"{year}\n({month_counts[year]} months)" for year in labels]
    axes.set_xticks(positions, ticks)
    axes.axhline(0, color="black", lw=0.8)
    axes.set_ylabel("job-years in the year (full population)")
    axes.set_title("Jobs saved or created, by year")
    axes.legend(fontsize=8)
    figure.supxlabel(
        f"{comparison.scenario.scenario.name}, estimated from a {comparison.scale:g} sample, "
        f"{len(comparison.replicates_used)} seeds; bars: {CONFIDENCE:.0%} intervals",
        fontsize=7,
        color="0.35",
        x=0.01,
        ha="left",
    )
    return figure


# ---------------------------------------------------------------------- sensitivity
def sensitivity_context(folder: Path) -> dict[str, Any]:
    """The parameters a package's jobs saved hang on, from a screening folder (``shocksim sensitivity``)."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ResultsFolderError(f"{folder}: not a sensitivity folder (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("kind") != "screening" or not (folder / "sensitivity.csv").is_file():
        raise ResultsFolderError(f"{folder}: holds a {manifest.get('kind', 'different')} result, not a screening")
    identity = manifest.get("identity", {})
    scale = float(identity.get("scale", 1.0))
    table = pd.read_csv(folder / "sensitivity.csv")
    reasons = {entry["key"]: entry.get("reason", "") for entry in manifest.get("parameters", [])}
    jobs = table[table["output"] == "jobs_saved"].sort_values("rank")
    rows = [
        {
            "rank": int(row["rank"]),
            "parameter": row["parameter"],
            "range": f"{row['low']:g} to {row['high']:g}",
            "mu_star": number_text(row["mu_star"] / scale, 0),
            "conf": number_text(row["mu_star_conf"] / scale, 0),
            "sigma": number_text(row["sigma"] / scale, 0),
            "reason": reasons.get(row["parameter"], ""),
        }
        for _, row in jobs.iterrows()
    ]
    figure = folder / "figures" / "sensitivity.png"
    src = "data:image/png;base64," + base64.b64encode(figure.read_bytes()).decode("ascii") if figure.is_file() else ""
    return {
        "package": identity.get("package", ["?"])[0],
        "scenario": identity.get("scenario_name", "?"),
        "trajectories": identity.get("trajectories"),
        "scale": scale,
        "months": identity.get("months"),
        "rows": rows,
        "figure": src,
        "folder": str(folder),
        "manifest_sha256": hashlib.sha256(manifest_path.read_bytes()).hexdigest(),
    }
