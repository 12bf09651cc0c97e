"""Experiments with the model: one design, its executors and results folders, and the analyses on them.

The design (uncertainties, levers, outcomes) is :mod:`~sim.experiment.design`; the
executors (serial, process pool, Dask) :mod:`~sim.experiment.executors`; results folders,
manifests and resume :mod:`~sim.experiment.store`; the analyses :mod:`~sim.experiment.compare`
(with :mod:`~sim.experiment.stats`), :mod:`~sim.experiment.calibrate` and
:mod:`~sim.experiment.screen`.
"""
