"""The command line's listings and checks: --version, scenarios, packages, validate by name."""

from __future__ import annotations

import subprocess
import sys

from sim.cli import main
from sim.inputs.package import PACKAGE_DIR, load_package, shipped_packages
from sim.inputs.scenario import load_scenario, shipped_scenarios
from sim.version import git_commit, version


def test_version_shows_the_version_and_the_commit():
    completed = subprocess.run(
        [sys.executable, "-m", "sim.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0
    line = completed.stdout.strip()
    assert line.startswith(f"shocksim {version()}")
    commit = git_commit()
    if commit is not None:  # a git checkout: the commit is shown, shortened
        assert f"(commit {commit[:12]}" in line
        assert len(commit.removesuffix("+dirty")) == 40
    else:
        assert "commit" not in line


def test_manifest_environment_records_the_commit():
    from sim.experiment.store import environment

    assert environment()["commit"] == (git_commit() or "unknown")


def test_scenarios_lists_every_shipped_scenario_with_its_description(capsys):
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["scenario", "horizon", "description"]
    for name in shipped_scenarios():
        settings = load_scenario(name).scenario
        [line] = [line for line in lines if line.split()[0] == name]
        assert settings.description in line
        assert f"{settings.months} months" in line
    assert "[packages: gwangju_2021]" in next(line for line in lines if line.startswith("gwangju "))
    assert main(["scenarios", "--names"]) == 0
    assert capsys.readouterr().out.split() == shipped_scenarios()


def test_packages_lists_every_shipped_package_with_budget_and_description(capsys):
    assert main(["packages"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in shipped_packages():
        package = load_package(name)
        [line] = [line for line in lines if line.split()[0] == name]
        assert package.description in line
        assert f"{package.total_budget_krw / 1e9:,.2f}" in line
    assert main(["packages", "--scenario", "gwanak", "--names"]) == 0
    names = capsys.readouterr().out.split()
    assert "gwanak_2024" in names and "gwangju_2021" not in names and "single_loans" in names


def test_validate_accepts_shipped_package_names(capsys):
    assert main(["validate", "gwangju_2021", "single_loans"]) == 0
    out = capsys.readouterr().out
    assert "valid package 'gwangju_2021' (7 interventions, 46.60 bn KRW; names checked against gwangju)" in out
    assert "valid package 'single_loans' (1 intervention, 10.00 bn KRW)" in out


def test_validate_checks_a_name_that_is_both_a_scenario_and_a_package_as_both(capsys):
    assert main(["validate", "gyeongju"]) == 0
    out = capsys.readouterr().out
    assert "valid scenario 'gyeongju'" in out and "valid package 'gyeongju'" in out


def test_validate_refuses_an_unknown_name_in_one_line(capsys):
    assert main(["validate", "gwangju", "no_such_thing"]) == 2
    captured = capsys.readouterr()
    assert "valid scenario 'gwangju'" in captured.out
    error = captured.err.strip()
    assert "\n" not in error
    assert "no_such_thing: no such file, and no shipped scenario or package" in error and "gwangju_2021" in error


def test_validate_checks_a_package_against_its_scenarios(tmp_path, capsys):
    text = (PACKAGE_DIR / "single_retention.toml").read_text().replace('["auto", "appliance"]', '["shipbuilding"]')
    path = tmp_path / "ships.toml"
    path.write_text(text.replace('name = "single_retention"', 'name = "ships"\nscenarios = ["gwangju"]'))
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert str(path) in error and "interventions[0].sectors[0]" in error and "shipbuilding" in error
    # without the scenarios list, a package is valid on its own, and --scenario checks it against one
    path.write_text(text)
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    assert main(["validate", str(path), "--scenario", "gwangju"]) == 2
    assert "shipbuilding" in capsys.readouterr().err
