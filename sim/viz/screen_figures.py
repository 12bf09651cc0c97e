"""The figure of a Morris screening (matplotlib, no pyplot: safe headless and in notebooks).

:func:`morris` takes a :class:`~sim.experiment.screen.ScreeningResult` and returns a Figure;
:func:`save_figures` writes it, and the CLI passes it to ``screen(figures=...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.experiment.screen import OUTPUT_LABELS, OUTPUTS
from sim.experiment.store import write_atomic
from sim.viz.figure import Figure

if TYPE_CHECKING:
    from sim.experiment.screen import ScreeningResult


def morris(result: ScreeningResult) -> Figure:
    """mu* of every parameter with its 95% interval (bars) and sigma (markers), one panel per output."""
    keys = [parameter.key for parameter in result.parameters]
    figure = Figure(figsize=(11, 1.2 + 0.45 * len(keys)), layout="constrained")
    axes = figure.subplots(1, len(OUTPUTS), sharey=True)
    # one order for both panels (by mu* of jobs saved, largest at the top), so rows line up
    order = np.argsort(result.output(OUTPUTS[0]).reindex(keys)["mu_star"].to_numpy(), kind="stable")
    positions = np.arange(len(keys))
    for ax, name in zip(axes, OUTPUTS, strict=True):
        rows = result.output(name).reindex(keys)
        ax.barh(
            positions,
            rows["mu_star"].to_numpy()[order],
            xerr=rows["mu_star_conf"].to_numpy()[order],
            color="tab:blue",
            alpha=0.7,
            capsize=3,
            label="mu* (95% interval)",
        )
        ax.plot(rows["sigma"].to_numpy()[order], positions, "o", color="tab:red", label="sigma")
        ax.set_yticks(positions, [keys[i] for i in order])
        ax.tick_params(axis="y", labelleft=ax is axes[0])
        ax.set_xlabel(f"{OUTPUT_LABELS[name]} per full range")
        ax.set_title(OUTPUT_LABELS[name])
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.legend(loc="best", fontsize="small")
    settings = result.scenario.scenario
    figure.suptitle(
        f"Morris screening of {result.package.name} ({settings.name}, scale {settings.scale:g}, "
        f"{result.trajectories} trajectories)"
    )
    return figure


def save_figures(result: ScreeningResult, folder: Path) -> list[Path]:
    """Write ``sensitivity.png`` into ``folder`` (atomically); return its path in a list."""
    folder.mkdir(parents=True, exist_ok=True)
    figure = morris(result)
    path = folder / "sensitivity.png"
    write_atomic(path, lambda partial: figure.savefig(partial, dpi=120, format="png"))
    return [path]
