"""shocksim: an agent-based model of regional employment shocks and the policies that answer them.

Public names are imported on first use (PEP 562), so ``import sim`` stays fast.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("shocksim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

_LAZY = {
    "InputError": "sim.errors",
    "RegionModel": "sim.model",
    "ResultsFolderError": "sim.errors",
    "Scenario": "sim.inputs.scenario",
    "ScenarioError": "sim.errors",
    "compare": "sim.experiment.compare",
    "load_scenario": "sim.inputs.scenario",
}

__all__ = [*sorted(_LAZY), "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
