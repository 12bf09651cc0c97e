"""The notebooks: stored without outputs, and each runs in a fresh kernel with figures inline.

Each notebook is executed with nbclient in a new kernel (the Python running the tests), in a
temporary working folder, as a modeller would run it from the top. A notebook that raises
fails its test with the cell's error.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: notebook -> figures it shows inline (at least)
FIGURES = {"01_first_run": 1, "02_compare_packages": 2, "03_your_region": 1, "04_uncertainty": 1, "05_nation": 1}
#: each notebook should run in well under this (small scale, few seeds)
SECONDS = 60
WIDGET = "application/vnd.jupyter.widget-view+json"


def test_every_notebook_is_listed():
    assert sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb")) == sorted(FIGURES)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_is_stored_without_outputs(name):
    book = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a code cell holds outputs; clear them before committing"
            assert cell.execution_count is None, f"{name}: a code cell holds an execution count"
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_runs_in_a_fresh_kernel(name, tmp_path):
    book = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        book, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    seconds = time.perf_counter() - started
    outputs = [output for cell in book.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(images) >= FIGURES[name], f"{name}: {len(images)} inline figures, expected {FIGURES[name]}"
    assert not [
        output
        for output in outputs
        if output.get("data", {}).get("text/plain", "").startswith("<Figure size")
        and "image/png" not in output.get("data", {})
    ], f"{name}: a figure printed as text instead of showing inline"
    # progress is a widget in notebooks (tqdm.auto), not lines of text
    assert any(WIDGET in output.get("data", {}) for output in outputs), f"{name}: no progress widget"
    assert not [output for output in outputs if output.output_type == "stream" and "it/s]" in output.text]
    assert seconds < 2 * SECONDS, f"{name} took {seconds:.0f} s; keep notebooks small (target {SECONDS} s)"
