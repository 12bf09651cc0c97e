"""The Figure class of every shocksim figure: matplotlib's, shown inline by Jupyter without pyplot.

Figures are made without pyplot, so that they are safe headless and leave no global state.
Jupyter shows a plain ``matplotlib.figure.Figure`` inline only once the inline backend is
active (after ``import matplotlib.pyplot``); in a fresh kernel it prints
``<Figure size ...>``. This subclass gives Jupyter a PNG itself (``_repr_png_``), so a
figure returned as the last expression of a cell appears in any kernel.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure as MatplotlibFigure

#: Resolution of figures shown in notebooks (the saved PNGs use their own).
NOTEBOOK_DPI = 100


class Figure(MatplotlibFigure):
    """A matplotlib Figure with a PNG representation for Jupyter."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=NOTEBOOK_DPI)
        return buffer.getvalue()

    def to_png(self, dpi: int = 120) -> bytes:
        """The figure as PNG bytes (for reports that embed it)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
