"""Shared helpers: small scenarios written on the fly, and cached small runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim import RegionModel, load_scenario
from sim.errors import ScenarioError
from sim.inputs.scenario import SCENARIO_DIR

DEFAULT_FILE = SCENARIO_DIR / "gwangju.toml"


@pytest.fixture
def write_scenario(tmp_path: Path):
    """Write a scenario that inherits the shipped Gwangju file and changes what the test needs."""

    def write(body: str, name: str = "case.toml") -> Path:
        path = tmp_path / name
        path.write_text(f'inherits = "{DEFAULT_FILE}"\n' + textwrap.dedent(body))
        return path

    return write


@pytest.fixture
def scenario_error():
    """Load a scenario file that must be refused; check the error is one line naming the file; return it."""

    def error_for(path: Path) -> str:
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        message = str(caught.value)
        assert "\n" not in message
        assert str(path) in message
        return message

    return error_for


def no_shock_overrides() -> dict:
    return {"shocks": {}}


@pytest.fixture(scope="session")
def default_scenario():
    return load_scenario()


@pytest.fixture(scope="session")
def small_default_run():
    """The default scenario at 5% scale for 24 months, seed 3."""
    model = RegionModel(rng=3, scale=0.05, months=24)
    model.run()
    return model
