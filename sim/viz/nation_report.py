"""The HTML report of a nation comparison (``shocksim report NATION_COMPARISON_DIR``; issue 16).

One self-contained page, like a region comparison's report (CSS inline, the figure embedded as
a PNG data URL, nothing fetched): the question; the regions with their scenarios and the
packages aimed at them; the links between regions with their sources; the table of effects
by region and for the nation (job-years, jobs and residents employed at the horizon, money at
face value, expected cost and net fiscal cost, and money per net job-year, each with its
90% interval, full population); the regions figure; the method; and the version, commit and
checksums. Everything is read from the folder ``shocksim nation --package ... --out DIR``
wrote (its ``manifest.json``, ``summary.csv`` and ``figures/regions.png``); nothing is run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ResultsFolderError
from sim.experiment.stats import CONFIDENCE
from sim.viz.report import interval_text, number_text, template

TEMPLATE = "nation_report.html.j2"

#: The columns of the table by region: (metric in summary.csv, heading, factor to the shown unit, digits).
COLUMNS = (
    ("job_years", "job-years over the run", 1.0, 0),
    ("jobs", "jobs at the horizon", 1.0, 0),
    ("residents_employed", "residents employed at the horizon", 1.0, 0),
    ("spend_krw", "spent at face value (bn KRW)", 1e9, 2),
    ("cost_krw", "expected cost (bn KRW)", 1e9, 2),
    ("net_fiscal_cost_krw", "net fiscal cost (bn KRW)", 1e9, 2),
    ("cost_per_job_year_krw", "expected cost per net job-year (m KRW)", 1e6, 1),
    ("net_fiscal_cost_per_job_year_krw", "net fiscal cost per net job-year (m KRW)", 1e6, 1),
)

#: The rows of the gross-to-net bridge (metric in summary.csv, label), in the order of its identity; the net last.
BRIDGE_ROWS = (
    ("gross", "gross: jobs the programmes would report"),
    ("deadweight", "less deadweight: claimed jobs the baseline twin had anyway"),
    ("bridge_residual", "residual: supported units' change beyond claims net of deadweight"),
    ("substitution", "substitution: others' jobs at firms taking participants"),
    ("displacement", "displacement: unsupported firms of the supported sectors, in the region"),
    ("induced", "induced: all other firms of the region"),
    ("other_regions", "other regions: net job-years of the regions without a package"),
    ("job_years", "net: job-years against the nation without packages"),
)

#: The kinds of link a nation file may hold (its lists other than ``regions``), as the report names them.
LINK_NAMES = {"trade": "trade", "migration": "migration", "investment": "investment", "commuting": "commuting"}


def is_nation_comparison(folder: Path) -> bool:
    """Whether ``folder`` holds a nation comparison (its manifest says so)."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text()).get("kind") == "nation_comparison"
    except json.JSONDecodeError:
        return False


def render_nation_report(folder: str | Path) -> str:
    """The report of the nation comparison in ``folder`` as one HTML document (a string)."""
    folder = Path(folder)
    summary_file = folder / "summary.csv"
    if not summary_file.is_file():
        raise ResultsFolderError(f"{folder}: no summary.csv; not a finished nation comparison")
    manifest = json.loads((folder / "manifest.json").read_text())
    summary = pd.read_csv(summary_file)
    if summary.empty:
        raise ResultsFolderError(f"{folder}: summary.csv is empty; nothing to report")
    return template(TEMPLATE).render(**nation_report_context(summary, manifest, folder))


def write_nation_report(folder: str | Path, out: str | Path) -> Path:
    """Render the report and write it to ``out`` (through a temporary name); return the path."""
    from sim.experiment.store import write_atomic

    html = render_nation_report(folder)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, lambda partial: partial.write_text(html, encoding="utf-8"))
    return out


def nation_report_context(summary: pd.DataFrame, manifest: dict[str, Any], folder: Path) -> dict[str, Any]:
    """What the template gets."""
    from sim.version import describe

    spec = manifest["nation"]
    header = spec["nation"]
    packages: dict[str, str] = manifest.get("packages", {})
    environment = manifest.get("environment", {})
    aimed = ", ".join(f"{package} in {region}" for region, package in packages.items())
    figure = folder / "figures" / "regions.png"
    tile_map = folder / "figures" / "regions_map.png"
    return {
        "title": f"Jobs by region: {aimed} in the nation {header['name']}",
        "question": (
            f"What does {aimed} do for each of the {len(spec['regions'])} regions of {header['name']} and for "
            f"the nation as a whole over {header['months']} months from {header['start']}, against the same "
            "nation without it: which region gains, which loses, and at what cost per job?"
        ),
        "scale": float(header["scale"]),
        "reps": int(manifest.get("reps", 0)),
        "seed": manifest.get("seed"),
        "confidence": f"{CONFIDENCE:.0%}",
        "regions": [
            {"name": region["name"], "scenario": region["scenario"], "package": packages.get(region["name"], "")}
            for region in spec["regions"]
        ],
        "links": _links(spec),
        "table": _table(summary, [region["name"] for region in spec["regions"]]),
        "bridge": _bridge(summary, [region["name"] for region in spec["regions"]]),
        "figure": _data_url(figure) if figure.is_file() else None,
        "tile_map": _data_url(tile_map) if tile_map.is_file() else None,
        "provenance": {
            "made_by": environment.get("shocksim", "unknown"),
            "commit": environment.get("commit", "not recorded"),
            "started_at": manifest.get("started_at", ""),
            "finished_at": manifest.get("finished_at", ""),
            "command": manifest.get("command", ""),
            "folder": str(folder),
            "manifest_sha256": hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest(),
            "files": sorted(manifest.get("files", {}).items()),
            "rendered_by": describe(),
            "rendered_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    }


def _links(spec: dict[str, Any]) -> list[dict[str, str]]:
    """Every link of the nation file: its kind, its two regions, its share and its source."""
    rows = []
    for key, items in spec.items():
        if key in ("nation", "regions") or not isinstance(items, list):
            continue
        for item in items:
            share = next((name for name in item if name.startswith("share")), None)
            ends = [f"{name} {item[name]}" for name in item if name not in ("source", share)]
            rows.append(
                {
                    "kind": LINK_NAMES.get(key, key),
                    "between": ", ".join(ends),
                    "share": f"{share.replace('_', ' ')} {item[share]:g}" if share else "",
                    "source": item.get("source", ""),
                }
            )
    return rows


def _table(summary: pd.DataFrame, regions: list[str]) -> dict[str, Any]:
    """The table by region, the nation last: per cell the mean and its interval, in the shown unit."""
    rows = []
    for region in [*regions, "nation"]:
        mine = summary[summary["region"] == region].set_index("metric")
        cells = []
        for metric, _, factor, digits in COLUMNS:
            if metric not in mine.index:
                cells.append((metric, "n/a", ""))
                continue
            row = mine.loc[metric]
            mean, low, high = (float(row[key]) / factor for key in ("mean", "ci_low", "ci_high"))
            cells.append((metric, number_text(mean, digits), interval_text(low, high, digits)))
        rows.append({"region": region, "cells": cells})
    return {"headings": [heading for _, heading, _, _ in COLUMNS], "rows": rows}


def _bridge(summary: pd.DataFrame, regions: list[str]) -> dict[str, Any] | None:
    """The bridge in job-years: a column per region with a package of its own, the nation last (None: not kept)."""
    columns = [
        region
        for region in [*regions, "nation"]
        if ((summary["region"] == region) & (summary["metric"] == "gross")).any()
    ]
    if not columns:
        return None
    rows = []
    for metric, label in BRIDGE_ROWS:
        cells = []
        for region in columns:
            chosen = summary[(summary["region"] == region) & (summary["metric"] == metric)]
            if chosen.empty:
                cells.append((region, "n/a", ""))
                continue
            row = chosen.iloc[0]
            sign = -1.0 if metric == "deadweight" else 1.0
            mean, low, high = (sign * float(row[key]) for key in ("mean", "ci_low", "ci_high"))
            low, high = min(low, high), max(low, high)
            cells.append((region, number_text(mean, 0), interval_text(low, high, 0)))
        rows.append({"metric": metric, "label": label, "cells": cells})
    return {"regions": columns, "rows": rows}


def _data_url(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
