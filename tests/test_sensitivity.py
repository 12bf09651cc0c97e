"""Morris screening: the design's runs, common random numbers, reproducibility, bad input, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.cli import main as shocksim_main
from sim.errors import ResultsFolderError, ScenarioError
from sim.experiment.design import Experiment, Outcome, Parameter, run_experiment
from sim.experiment.executors import ProcessExecutor, RunsFailed
from sim.experiment.screen import DEFAULT_PARAMETERS, load_parameters, screen
from sim.experiment.store import sha256_of
from sim.inputs.keypath import get_path
from sim.inputs.package import load_package
from sim.viz.screen_figures import morris, save_figures

SCALE = 0.02
MONTHS = 12
TRAJECTORIES = 3
PARAMETERS = [
    Parameter("labour_market.job_finding_rate_per_month", 0.09, 0.16),
    Parameter("firms.hoarding_margin", 0.0, 0.10),
]


def screened(package, executor=None, parameters=PARAMETERS, seed=2, **options):
    return screen(
        "gwangju",
        package,
        parameters,
        trajectories=TRAJECTORIES,
        seed=seed,
        scale=SCALE,
        months=MONTHS,
        executor=executor,
        **options,
    )


@pytest.fixture(scope="module")
def funded():
    """Retention subsidies with a budget large enough to matter in a 2% sample over a year."""
    return load_package("single_retention").with_total_budget(100e9)


@pytest.fixture(scope="module")
def funded_result(funded):
    return screened(funded)


def test_design_runs_both_arms_at_every_point(funded_result):
    k = len(PARAMETERS)
    runs = funded_result.runs
    assert len(runs) == (k + 1) * TRAJECTORIES * 2
    assert sorted(runs["arm"].value_counts().to_dict().items()) == [
        ("baseline", (k + 1) * TRAJECTORIES),
        ("package", (k + 1) * TRAJECTORIES),
    ]
    assert runs["seed"].nunique() == 1  # common random numbers: one seed for every run
    samples = funded_result.samples
    assert len(samples) == (k + 1) * TRAJECTORIES
    # jobs saved is the package's employment minus the baseline's at the same point
    ends = runs.pivot(index="point", columns="arm", values="employed_end")
    np.testing.assert_array_equal(samples["jobs_saved"].to_numpy(), (ends["package"] - ends["baseline"]).to_numpy())
    # every sample value lies within its bounds, and a Morris step moves one parameter at a time
    for parameter in PARAMETERS:
        assert samples[parameter.key].between(parameter.low, parameter.high).all()
    values = samples[[parameter.key for parameter in PARAMETERS]].to_numpy()
    for trajectory in range(TRAJECTORIES):
        block = values[trajectory * (k + 1) : (trajectory + 1) * (k + 1)]
        assert ((np.diff(block, axis=0) != 0).sum(axis=1) == 1).all()
    table = funded_result.table
    assert len(table) == 2 * k
    assert set(table.columns) >= {"output", "parameter", "mu", "mu_star", "mu_star_conf", "sigma", "rank"}
    assert (table["mu_star"] >= table["mu"].abs() - 1e-9).all()
    # not a vacuous screening: the funded package's effect depends on something
    assert (table["mu_star"] > 0).any()


def test_same_seed_same_table_serial_or_processes(funded, funded_result):
    with ProcessExecutor(2) as pool:
        again = screened(funded, executor=pool)
    pd.testing.assert_frame_equal(again.table, funded_result.table)
    pd.testing.assert_frame_equal(again.samples, funded_result.samples)


def test_zero_budget_package_has_no_effect_anywhere():
    # With common random numbers a package that spends nothing changes nothing, at every point.
    empty = load_package("single_retention").with_total_budget(0.0)
    result = screened(empty)
    assert (result.samples[["jobs_saved", "job_years"]] == 0).all().all()
    assert (result.table[["mu", "mu_star", "sigma"]] == 0).all().all()


def test_unknown_key_is_refused_naming_it():
    with pytest.raises(ScenarioError, match=r"labour_market\.no_such_rate"):
        screened("single_retention", parameters=[Parameter("labour_market.no_such_rate", 0.1, 0.2)])


def test_low_not_below_high_is_refused_naming_the_key():
    with pytest.raises(ScenarioError, match=r"firms\.hoarding_margin, a finite number below high"):
        screened("single_retention", parameters=[Parameter("firms.hoarding_margin", 0.1, 0.1)])


def test_bound_the_scenario_rejects_and_a_table_key_are_refused():
    with pytest.raises(ScenarioError, match=r"firms\.hoarding_margin"):
        screened("single_retention", parameters=[Parameter("firms.hoarding_margin", 0.5, 1.5)])
    with pytest.raises(ScenarioError, match=r"industries\.services"):
        screened("single_retention", parameters=[Parameter("industries.services", 0.5, 1.5)])


def test_parameters_file_is_read_and_checked(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[[parameters]]\nkey = "firms.hoarding_margin"\nlow = 0\nhigh = 0.1\nreason = "r"\n')
    assert load_parameters(good) == [Parameter("firms.hoarding_margin", 0.0, 0.1, reason="r")]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[parameters]]\nkey = "firms.hoarding_margin"\nlow = 0.1\n')
    with pytest.raises(ScenarioError, match=r"parameters\[0\]\.high"):
        load_parameters(bad)


def test_default_parameters_are_valid_for_the_default_scenario():
    from sim.experiment.design import check_parameters
    from sim.inputs.scenario import load_scenario

    scenario = load_scenario()
    check_parameters(scenario, DEFAULT_PARAMETERS)
    raw = scenario.to_dict()
    for parameter in DEFAULT_PARAMETERS:  # the calibrated value lies inside each range
        assert parameter.low <= get_path(raw, parameter.key) <= parameter.high, parameter.key
        assert parameter.reason


def test_a_list_index_parameter_is_screened():
    share = Parameter("shocks.relocation[0].share", 0.1, 0.3)
    result = screened(load_package("single_retention").with_total_budget(0.0), parameters=[share])
    assert result.samples["shocks.relocation[0].share"].between(0.1, 0.3).all()


def fail_package_point_1(experiment: Experiment) -> Outcome:
    """A runner that breaks one run on purpose (module level, so worker processes can import it)."""
    if experiment.arm == "package" and experiment.replicate == 1:
        raise RuntimeError("deliberate failure for the test")
    return run_experiment(experiment)


def test_saved_folder_resumes_after_a_failed_run_with_the_same_table(tmp_path, funded, funded_result):
    out = tmp_path / "out"
    with pytest.raises(RunsFailed, match=r"1 of 18 screening runs failed.*replicate 1\).*deliberate failure"):
        screened(funded, out=out, runner=fail_package_point_1)
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert len(list(out.glob("runs/*/rep-*"))) == 17  # every other run was saved as it finished
    seen = []
    resumed = screened(funded, out=out, resume=True, progress=seen.append, figures=save_figures)
    assert seen[0].done == 17 and seen[-1].done == 18 and len(seen) == 2  # only the failed run ran again
    pd.testing.assert_frame_equal(resumed.table, funded_result.table)
    pd.testing.assert_frame_equal(resumed.samples, funded_result.samples)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["sessions"][-1]["runs_loaded"] == 17
    assert set(manifest["files"]) == {"sensitivity.csv", "samples.csv", "figures/sensitivity.png"}
    for name, digest in manifest["files"].items():
        assert sha256_of(out / name) == digest
    assert isinstance(morris(funded_result), Figure)
    with pytest.raises(ResultsFolderError, match="exists already"):
        screened(funded, out=out)
    with pytest.raises(ResultsFolderError, match="another screening"):
        screened(funded, out=out, resume=True, seed=3)


def test_cli_writes_the_folder_and_refuses_an_existing_one(tmp_path, capsys):
    parameters = tmp_path / "parameters.toml"
    parameters.write_text('[[parameters]]\nkey = "firms.hoarding_margin"\nlow = 0.0\nhigh = 0.1\n')
    out = tmp_path / "screen"
    argv = [
        "sensitivity",
        "gwangju",
        "--package",
        "single_retention",
        "--parameters",
        str(parameters),
        "--trajectories",
        "2",
        "--scale",
        str(SCALE),
        "--months",
        str(MONTHS),
        "--out",
        str(out),
    ]
    assert shocksim_main(argv) == 0
    printed = capsys.readouterr().out
    assert "firms.hoarding_margin" in printed and f"results: {out}" in printed
    assert sorted(path.name for path in out.iterdir()) == sorted(
        ["manifest.json", "samples.csv", "sensitivity.csv", "figures", "runs"]
    )
    assert (out / "figures" / "sensitivity.png").read_bytes().startswith(b"\x89PNG")
    assert len(pd.read_csv(out / "samples.csv")) == 2 * 2
    assert shocksim_main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("shocksim: error:") and "exists already" in error and "\n" not in error


def test_cli_bad_parameter_is_one_line_exit_2(tmp_path, capsys):
    parameters = tmp_path / "parameters.toml"
    parameters.write_text('[[parameters]]\nkey = "firms.no_such_key"\nlow = 0.0\nhigh = 0.1\n')
    argv = ["sensitivity", "--package", "single_retention", "--parameters", str(parameters)]
    assert shocksim_main([*argv, "--out", str(tmp_path / "x")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("shocksim: error:") and "firms.no_such_key" in error and "\n" not in error
    assert not (tmp_path / "x").exists()
