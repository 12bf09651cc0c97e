"""shocksim: an agent-based model of regional employment shocks and the policies that answer them."""

from importlib.metadata import PackageNotFoundError, version

from sim.errors import InputError, ResultsFolderError, ScenarioError
from sim.experiment.compare import compare
from sim.inputs.scenario import Scenario, load_scenario
from sim.model import RegionModel

try:
    __version__ = version("shocksim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "InputError",
    "RegionModel",
    "ResultsFolderError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load_scenario",
]
