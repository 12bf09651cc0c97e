"""shocksim: an agent-based model of regional employment shocks and the policies that answer them.

The public names below are loaded on first use (PEP 562 module ``__getattr__``), so that
``import sim`` stays cheap: it imports neither Mesa, pandas, scipy nor the experiment
stack until a name that needs them is asked for. ``from sim import RegionModel`` works
as before.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs only; nothing is imported at run time
    from sim.errors import InputError, ResultsFolderError, ScenarioError
    from sim.experiment.compare import compare
    from sim.inputs.scenario import Scenario, load_scenario
    from sim.model import RegionModel

    __version__: str

#: public name -> module that defines it
_LAZY: dict[str, str] = {
    "InputError": "sim.errors",
    "ResultsFolderError": "sim.errors",
    "ScenarioError": "sim.errors",
    "compare": "sim.experiment.compare",
    "Scenario": "sim.inputs.scenario",
    "load_scenario": "sim.inputs.scenario",
    "RegionModel": "sim.model",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name on first access and keep it in the module namespace."""
    if name == "__version__":
        from sim.version import version

        value: Any = version()
    elif name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
