"""Calibration by simulated moments: common random numbers, improvement, recovery, fitted files, bad input."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim import RegionModel, load_scenario
from sim.cli import main as shocksim_main
from sim.errors import ResultsFolderError, ScenarioError
from sim.experiment.calibrate import (
    MOMENTS,
    calibrate,
    evaluate,
    load_targets,
    scenario_with,
    write_fitted_scenario,
)
from sim.experiment.executors import ProcessExecutor
from sim.inputs.scenario import SCENARIO_DIR

SCALE = 0.05
SHARE = "shocks.relocation[0].share"


def write_targets(tmp_path: Path, target: float, start: float = 0.12, name: str = "targets.toml") -> Path:
    path = tmp_path / name
    path.write_text(
        textwrap.dedent(
            f"""\
            scale = {SCALE}
            seeds = [1]
            months = 12
            [[moments]]
            name = "appliance_layoffs_first_year"
            target = {target}
            [[parameters]]
            key = "{SHARE}"
            low = 0.10
            high = 0.30
            start = {start}
            """
        )
    )
    return path


def layoffs_at(share: float) -> float:
    scenario = scenario_with(load_scenario("gwangju"), {SHARE: share})
    model = RegionModel(scenario, rng=1, scale=SCALE, months=12)
    return MOMENTS["appliance_layoffs_first_year"](model.run(), model.scale)


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    """Targets made by simulating share 0.25; calibrated from share 0.12."""
    tmp_path = tmp_path_factory.mktemp("calibration")
    target = layoffs_at(0.25)
    targets = write_targets(tmp_path, target)
    result = calibrate("gwangju", targets, max_evaluations=14)
    return target, targets, result, tmp_path


def test_objective_is_deterministic_with_common_random_numbers(tmp_path):
    targets = write_targets(tmp_path, 750.0)
    first = evaluate("gwangju", targets, {SHARE: 0.2})
    second = evaluate("gwangju", targets, {SHARE: 0.2})
    assert first.objective == second.objective
    assert first.fit == second.fit


def test_calibration_on_two_workers_gives_the_same_fit_as_serial(tmp_path):
    targets = write_targets(tmp_path, 600.0, start=0.15)
    seen: dict[str, list] = {"serial": [], "pool": []}

    def recorder(name):
        return lambda count, latest, best: seen[name].append(latest)

    serial = calibrate("gwangju", targets, max_evaluations=5, progress=recorder("serial"))
    with ProcessExecutor(2) as pool:
        pooled = calibrate("gwangju", targets, max_evaluations=5, executor=pool, progress=recorder("pool"))
    assert pooled.executor == {"kind": "processes", "workers": 2}
    assert pooled.values == serial.values
    assert pooled.objective == serial.objective
    assert pooled.fit == serial.fit and pooled.start == serial.start
    assert pooled.evaluations == serial.evaluations
    assert seen["pool"] == seen["serial"]  # the same points, evaluated in the same order


def test_calibration_recovers_a_simulated_target(recovery):
    target, _, result, _ = recovery
    start_layoffs = result.start.fit[0].simulated
    fitted_layoffs = result.fit[0].simulated
    assert result.objective <= result.start.objective
    assert abs(fitted_layoffs - target) < abs(start_layoffs - target)
    assert result.values[SHARE] > 0.12
    assert result.evaluations <= 14
    assert result.scenario.shocks.relocation[0].share == pytest.approx(result.values[SHARE])
    # the fitted scenario reproduces the reported moment
    assert layoffs_at(result.values[SHARE]) == pytest.approx(fitted_layoffs)


def test_fitted_scenario_file_loads_with_the_fitted_value_and_is_not_overwritten(recovery):
    _, targets, result, tmp_path = recovery
    out = write_fitted_scenario(tmp_path / "fitted.toml", result)
    text = out.read_text()
    assert "# Fitted by `shocksim calibrate`" in text
    assert str(targets.resolve()) in text
    assert "appliance_layoffs_first_year" in text
    loaded = load_scenario(out)
    assert loaded.shocks.relocation[0].share == pytest.approx(result.values[SHARE])
    original = load_scenario("gwangju")
    assert loaded.labour_market == original.labour_market
    assert loaded.shocks.final_demand == original.shocks.final_demand
    with pytest.raises(ResultsFolderError, match="exists already"):
        write_fitted_scenario(out, result)
    assert out.read_text() == text


def test_cli_prints_the_fit_and_writes_the_scenario(tmp_path, capsys):
    targets = write_targets(tmp_path, 500.0, start=0.15)
    out = tmp_path / "out" / "fitted.toml"
    status = shocksim_main(
        [
            "calibrate",
            "gwangju",
            "--targets",
            str(targets),
            "--out",
            str(out),
            "--max-evaluations",
            "3",
            "--workers",
            "2",
        ]
    )
    printed = capsys.readouterr().out
    assert status == 0
    assert "Fit at the start" in printed
    assert "Fit at the fitted values" in printed
    assert "appliance_layoffs_first_year" in printed
    assert load_scenario(out).scenario.name == load_scenario("gwangju").scenario.name
    status = shocksim_main(["calibrate", "gwangju", "--targets", str(targets), "--out", str(out)])
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("shocksim: error: ") and error.count("\n") == 1
    assert "exists already" in error


BAD_TARGETS = [
    ('name = "appliance_layoffs_first_year"', 'name = "no_such_moment"', "moments[0].name", "unknown moment"),
    (f'key = "{SHARE}"', 'key = "shocks.relocation[3].share"', "parameters[0].key", "unknown parameter"),
    (f'key = "{SHARE}"', 'key = "labour_market.no_such_rate"', "parameters[0].key", "unknown parameter"),
    ("low = 0.10", "low = 0.40", "parameters[0].low", "below high"),
    ("start = 0.12", "start = 0.35", "parameters[0].start", "from low"),
    ("target = 750.0", "target = 0", "moments[0].target", "non-zero"),
]


@pytest.mark.parametrize(("old", "new", "key_path", "message"), BAD_TARGETS)
def test_bad_targets_name_file_and_key_path(tmp_path, old, new, key_path, message):
    path = write_targets(tmp_path, 750.0)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    with pytest.raises(ScenarioError, match=message) as caught:
        load_targets(path, load_scenario("gwangju"))
    assert f"{path}: {key_path}:" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_targets_file_is_one_line_exit_2(tmp_path, capsys):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError, match="no such targets file"):
        load_targets(missing)
    status = shocksim_main(["calibrate", "gwangju", "--targets", str(missing)])
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith(f"shocksim: error: {missing}") and error.count("\n") == 1


def test_shipped_gwangju_targets_are_valid():
    targets = load_targets(SCENARIO_DIR / "targets" / "gwangju.toml", load_scenario("gwangju"))
    assert {m.name for m in targets.moments} <= set(MOMENTS)
    assert SHARE in {p.key for p in targets.parameters}
