"""Figures of a nation comparison: jobs saved or lost by region, sorted and on a tile map (issue 16).

Issue 16 asks for a map of Korea's regions shaded by jobs saved or lost, or, without a map
of the regional boundaries that can be shipped under an open licence, a sorted bar chart.
No boundary map ships with shocksim (the public ones found carry no stated licence), so
every nation gets the bar chart: one bar per region, sorted by its effect, and the nation's
bar apart, each with its interval across seeds. A nation of Korea's sido also gets a tile
map: each sido one square of equal size at its place on a grid (shocksim's own layout, from
the regions' relative positions; no boundary data), shaded by its effect, as statistical
offices and newspapers draw tile-grid maps where areas differ too much in size to read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.experiment.nation_compare import NationComparison
from sim.experiment.stats import CONFIDENCE
from sim.viz.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

GAIN, LOSS, NATION = "#2b8cbe", "#de2d26", "#636363"
#: Korea's 17 sido on a tile grid: (column west to east, row north to south). shocksim's own
#: layout from the regions' relative positions (capital area at the top left, the south-east
#: coast at the bottom right, Jeju apart below); not a boundary map.
KOREA_TILES: dict[str, tuple[int, int]] = {
    "incheon": (0, 0),
    "seoul": (1, 0),
    "gyeonggi": (2, 0),
    "gangwon": (3, 0),
    "chungnam": (0, 1),
    "sejong": (1, 1),
    "chungbuk": (2, 1),
    "gyeongbuk": (3, 1),
    "jeonbuk": (0, 2),
    "daejeon": (1, 2),
    "daegu": (2, 2),
    "ulsan": (3, 2),
    "gwangju": (0, 3),
    "jeonnam": (1, 3),
    "gyeongnam": (2, 3),
    "busan": (3, 3),
    "jeju": (0, 4),
}


def _arm_rows(comparison: NationComparison, arm: str | None, metric: str) -> tuple[pd.DataFrame, str, str]:
    """One arm's summary rows of the metric (the first arm if None), what the arm aims where, and the unit."""
    arm = arm if arm is not None else next(iter(comparison.arms))
    rows = comparison.summary[(comparison.summary["arm"] == arm) & (comparison.summary["metric"] == metric)]
    aimed = ", ".join(f"{package} in {region}" for region, package in comparison.arms[arm].items())
    unit = "job-years over the run" if metric == "job_years" else "jobs at the horizon"
    return rows, aimed, unit


def jobs_by_region(comparison: NationComparison, arm: str | None = None, metric: str = "job_years") -> Figure:
    """Horizontal bars of one arm's effect by region (sorted, gains blue, losses red) and for the nation (grey)."""
    rows, aimed, unit = _arm_rows(comparison, arm, metric)
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
    axes.set_xlabel(f"{unit}, package minus the nation without it (full population)")
    axes.set_title(f"{aimed}: effect by region ({comparison.reps} seeds, {CONFIDENCE:.0%} intervals)", fontsize=9)
    figure.tight_layout()
    return figure


def jobs_by_region_map(
    comparison: NationComparison, arm: str | None = None, metric: str = "job_years"
) -> Figure | None:
    """A tile map of one arm's effect by sido, or None when a region of the nation is not one of Korea's sido.

    Each region of the nation is a square shaded from red (jobs lost) through white to blue (jobs
    gained), on a scale symmetric about zero up to the largest effect, labelled with its mean;
    hatched where its interval across seeds includes zero (not told apart from no effect). Sido
    outside the nation are drawn as empty outlines.
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Rectangle

    rows, aimed, unit = _arm_rows(comparison, arm, metric)
    regions = {row.region: row for row in rows.itertuples(index=False) if row.region != "nation"}
    if not regions or not set(regions) <= set(KOREA_TILES):
        return None
    largest = max(*(abs(float(row.mean)) for row in regions.values()), 1.0)
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-largest, vmax=largest)
    colours = colormaps["RdBu"]
    figure = Figure(figsize=(6.0, 7.0))
    axes = figure.add_subplot()
    for name, (column, row_index) in KOREA_TILES.items():
        corner = (column, -row_index - 1)
        region = regions.get(name)
        if region is None:
            axes.add_patch(Rectangle(corner, 0.94, 0.94, facecolor="none", edgecolor="#bbbbbb", gid=f"tile-{name}"))
            axes.text(column + 0.47, -row_index - 0.53, name, ha="center", va="center", fontsize=7, color="#999999")
            continue
        mean = float(region.mean)
        spans_zero = not (float(region.ci_low) > 0.0 or float(region.ci_high) < 0.0)
        axes.add_patch(
            Rectangle(
                corner,
                0.94,
                0.94,
                facecolor=colours(norm(mean)),
                edgecolor="black",
                hatch="//" if spans_zero else None,
                gid=f"tile-{name}",
            )
        )
        label = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
        axes.text(
            column + 0.47, -row_index - 0.47, f"{name}\n{mean:+,.0f}", ha="center", va="center", fontsize=8, bbox=label
        )
    axes.set_xlim(-0.1, 4.0)
    axes.set_ylim(-5.1, 0.1)
    axes.set_aspect("equal")
    axes.set_axis_off()
    scale = figure.colorbar(
        ScalarMappable(norm=norm, cmap=colours),
        ax=axes,
        shrink=0.6,
    )
    scale.set_label(f"{unit}, package minus the nation without it")
    nation = rows[rows["region"] == "nation"]
    total = f"; the nation {float(nation['mean'].iloc[0]):+,.0f}" if len(nation) else ""
    axes.set_title(
        f"{aimed}: effect by region{total}\n(tile map, {comparison.reps} seeds; hatched: "
        f"{CONFIDENCE:.0%} interval includes zero)",
        fontsize=9,
    )
    return figure


def save_figures(comparison: NationComparison, folder: Path) -> list[Path]:
    """``figures/regions.png`` (job-years by region) in ``folder``; the paths written.

    A nation of Korea's sido also gets ``figures/regions_map.png``, the tile map.
    """
    target = folder / "figures"
    target.mkdir(parents=True, exist_ok=True)
    path = target / "regions.png"
    jobs_by_region(comparison).savefig(path, dpi=120)
    written = [path]
    tile_map = jobs_by_region_map(comparison)
    if tile_map is not None:
        map_path = target / "regions_map.png"
        tile_map.savefig(map_path, dpi=120)
        written.append(map_path)
    return written
