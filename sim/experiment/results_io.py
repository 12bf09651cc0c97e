"""Reading and writing one run's results folder, under the name used before :mod:`sim.experiment.store`.

``sim.experiment.results_io.read_run(folder)`` is the documented way to read a run folder
back (results/README.md, tests of other parts); it is the store's function.
"""

from sim.experiment.store import RUN_FILES, read_run, write_run

__all__ = ["RUN_FILES", "read_run", "write_run"]
