"""shocksim: an agent-based model of regional employment shocks and the policies that answer them.

The public names below are loaded on first use (PEP 562 module ``__getattr__``), so that
``import sim`` stays cheap: it imports neither Mesa, pandas, scipy nor the experiment
stack until a name that needs them is asked for. ``from sim import RegionModel`` works
as before.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


#: Modules that import the model's stack (Mesa, pandas, scipy): see _collector_paused.
_HEAVY = frozenset({"sim.model", "sim.experiment.compare"})


def __getattr__(name: str) -> Any:
    """Import a public name on first access and keep it in the module namespace."""
    if name == "__version__":
        from sim.version import version

        value: Any = version()
    elif name in _LAZY:
        if _LAZY[name] in _HEAVY and "sim.model" not in sys.modules:  # the first import of the model's stack
            with _collector_paused():
                value = getattr(import_module(_LAZY[name]), name)
        else:
            value = getattr(import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Import with Python's cyclic garbage collector paused, then freeze what exists (``gc.freeze``).

    Importing Mesa, pandas, scipy and pydantic creates some 150,000 container objects (classes,
    functions, module dictionaries) that live until the interpreter exits. The collector would
    traverse them in its young collections during the import (0.2 s), in every full collection
    of a run (one took 0.19 s in a 60-month full-scale run) and at exit (0.19 s; all measured
    with gc.callbacks on a loaded machine). Moved to the permanent generation they are left
    alone. This happens once, before any model exists (the first import of sim.model), after
    collecting the garbage there is, so only live objects are frozen; everything created
    afterwards (models, agents, tables) is collected as usual. ``gc.unfreeze()`` undoes it.
    Nothing is done when the collector is off (the caller manages it).
    """
    if not gc.isenabled():
        yield
        return
    gc.collect()  # garbage from before is collected now (cheap this early), not frozen
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
