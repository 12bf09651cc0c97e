"""``import sim`` stays light: the heavy libraries load only when a public name needs them.

A behaviour test, not a timed one: each check runs in a fresh interpreter and looks at
``sys.modules``. The wall time of ``import sim`` is measured by benchmarks/full_scale_run.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("mesa", "pandas", "scipy", "matplotlib", "dask", "SALib")


def _fresh(code: str) -> dict:
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_import_sim_does_not_import_heavy_libraries() -> None:
    found = _fresh(
        "import json, sys\n"
        "import sim\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    assert found == []


def test_every_public_name_resolves() -> None:
    resolved = _fresh(
        "import json, sim\nprint(json.dumps({name: getattr(sim, name) is not None for name in sim.__all__}))\n"
    )
    assert resolved and all(resolved.values()), resolved


def test_documented_imports_work() -> None:
    names = _fresh(
        "import json\n"
        "from sim import (RegionModel, compare, load_scenario, Scenario, ScenarioError, InputError,\n"
        "                 ResultsFolderError, __version__)\n"
        "print(json.dumps([RegionModel.__name__, compare.__name__, load_scenario.__name__, Scenario.__name__,\n"
        "                  issubclass(ScenarioError, InputError), issubclass(ResultsFolderError, InputError),\n"
        "                  isinstance(__version__, str)]))\n"
    )
    assert names == ["RegionModel", "compare", "load_scenario", "Scenario", True, True, True]


def test_unknown_name_raises_attribute_error() -> None:
    import sim

    with pytest.raises(AttributeError, match="no_such_name"):
        sim.no_such_name  # noqa: B018
