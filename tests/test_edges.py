"""Edges found by fuzzing (issue 15): each bad input is one line and exit 2, before any work is done."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ResultsFolderError
from sim.experiment.store import check_new_folder, default_run_folder, new_folder, remove_stale_partials, safe_name
from sim.model import RegionModel

SMALL = ["--quiet", "--months", "1", "--scale", "0.01"]


def cli(argv: list[str]) -> int:
    """The exit status of ``shocksim argv`` in this process (argument errors included)."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code)


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert "\n" not in error, error
    assert "Traceback" not in captured.err
    assert error.startswith("shocksim"), error
    return error


# ---------------------------------------------------------------------- 2. sizes that exhaust memory
@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[population]\nlabour_force = 9223372036854775808\n", "population.labour_force"),
        ("[population]\nlabour_force = 50_000_001\n", "population.labour_force"),
        ("[scenario]\nmonths = 1_000_000_000\n", "scenario.months"),
        ("[firms]\nindustrial_complexes = " + "9" * 300 + "\n", "firms.industrial_complexes"),
    ],
)
def test_counts_a_scenario_asks_for_are_bounded(write_scenario, scenario_error, body, key):
    message = scenario_error(write_scenario(body))
    assert f": {key}: got " in message and "allowed:" in message
    assert len(message) < 400  # a 300-digit number is not printed whole


def test_months_from_the_command_line_are_bounded(capsys):
    assert cli(["run", "--months", "1000000000"]) == 2
    assert "--months" in one_line_error(capsys)


def test_investment_but_for_share_near_one_is_refused(tmp_path, capsys):
    # A "but for" share near 1 (deadweight near 0) would make the pool of mobile projects,
    # arrivals / (1 - c), ask for millions of firms.
    package = tmp_path / "dead.toml"
    text = (Path(__file__).parents[1] / "scenarios/packages/single_investment.toml").read_text()
    edit = "but_for_share_max = 0.999999"
    lines = [edit if line.startswith("but_for_share_max") else line for line in text.splitlines()]
    package.write_text("\n".join(lines) + "\n")
    assert cli(["validate", str(package)]) == 2
    error = one_line_error(capsys)
    assert f"{package}: interventions[0].but_for_share_max: got 0.999999; allowed:" in error


def test_investment_but_for_shares_out_of_order_are_refused(tmp_path, capsys):
    package = tmp_path / "order.toml"
    text = (Path(__file__).parents[1] / "scenarios/packages/single_investment.toml").read_text()
    lines = ["but_for_share_min = 0.2" if line.startswith("but_for_share_min") else line for line in text.splitlines()]
    package.write_text("\n".join(lines) + "\n")
    assert cli(["validate", str(package)]) == 2
    error = one_line_error(capsys)
    assert f"{package}: interventions[0].but_for_share_min: got 0.2; allowed: but_for_share_min <=" in error


# ---------------------------------------------------------------------- 3. results lost at write time
def _fail_mkdir(self, *args, **kwargs):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))


@pytest.mark.parametrize("case", ["parent_is_file", "too_long", "nul", "read_only"])
def test_results_folder_that_cannot_be_created_is_refused_before_simulating(tmp_path, capsys, monkeypatch, case):
    (tmp_path / "afile").write_text("x")
    out = {
        "parent_is_file": tmp_path / "afile" / "run",
        "too_long": tmp_path / ("a" * 300),
        "nul": tmp_path / "a\x00b",
        "read_only": tmp_path / "ro" / "run",
    }[case]
    if case == "read_only":
        monkeypatch.setattr(Path, "mkdir", _fail_mkdir)
    simulated = []
    monkeypatch.setattr(RegionModel, "step", lambda self: simulated.append(1))
    assert cli(["run", *SMALL, "--out", str(out)]) == 2
    error = one_line_error(capsys)
    assert error.startswith("shocksim: error: --out: got ") and "allowed: a new folder that can be created" in error
    assert not simulated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # nothing half-written


def test_check_new_folder_leaves_no_parent_behind(tmp_path):
    check_new_folder(tmp_path / "a" / "b" / "c")
    assert list(tmp_path.iterdir()) == []


def test_stale_partial_folders_of_dead_processes_are_removed(tmp_path):
    dead = tmp_path / ".run.partial-999999999"
    dead.mkdir()
    alive = tmp_path / f".other.partial-{os.getppid()}"
    alive.mkdir()
    assert remove_stale_partials(tmp_path) == [dead]
    with new_folder(tmp_path / "new") as partial:
        (partial / "x").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "new"])


# ---------------------------------------------------------------------- 4. names in paths
@pytest.mark.parametrize("name", ["../../escape", "a/b", "line\nbreak", "..", "x" * 500, "광주 " * 100, "\x00"])
def test_default_run_folder_is_one_safe_folder_inside_results(tmp_path, name):
    from datetime import UTC, datetime

    folder = default_run_folder(tmp_path / "results", name, 1, datetime(2025, 1, 1, tzinfo=UTC))
    assert folder.parent == tmp_path / "results"
    assert not folder.name.startswith(".")
    assert "/" not in folder.name and "\n" not in folder.name and "\x00" not in folder.name
    assert len(folder.name.encode()) <= 120
    assert safe_name(name) == safe_name(safe_name(name))


def test_escaping_scenario_name_writes_inside_results(write_scenario, tmp_path, monkeypatch):
    from sim.experiment.run import run_and_save

    path = write_scenario('[scenario]\nname = "../../escape"\n')
    _, folder = run_and_save(str(path), seed=1, months=1, scale=0.01, results_root=tmp_path / "results")
    assert folder.parent == tmp_path / "results" and folder.name.startswith("escape-seed1-")


# ---------------------------------------------------------------------- 5. dates
@pytest.mark.parametrize("start", ["9999-12", "0000-01", "1899-12", "2101-01"])
def test_dates_outside_a_sensible_range_are_refused(write_scenario, scenario_error, start):
    message = scenario_error(write_scenario(f'[scenario]\nstart = "{start}"\n'))
    assert f"scenario.start: got '{start}'; allowed: a month from 1900-01 to 2100-12" in message


def test_the_last_allowed_dates_run_and_save(write_scenario, tmp_path):
    path = write_scenario('[scenario]\nstart = "2100-12"\n')
    assert cli(["run", *SMALL[:1], "--scale", "0.01", "--months", "2", str(path), "--out", str(tmp_path / "late")]) == 0


# ---------------------------------------------------------------------- 6. seeds
def test_seeds_of_2_63_or_more_are_refused_not_reduced(capsys):
    assert cli(["run", *SMALL, "--seed", str(2**70)]) == 2
    assert "--seed: got '1180591620717411303424'; allowed: a whole number from 0 to 2**63 - 1" in one_line_error(capsys)
    with pytest.raises(ValueError, match="2\\*\\*63"):
        RegionModel(rng=2**63, scale=0.01, months=1)


def test_the_largest_seed_runs_and_is_recorded(tmp_path):
    from sim.experiment.store import read_run

    out = tmp_path / "big"
    assert cli(["run", *SMALL, "--seed", str(2**63 - 1), "--out", str(out)]) == 0
    assert read_run(out)["manifest"]["seed"] == 2**63 - 1


def test_results_folder_errors_are_input_errors():
    assert issubclass(ResultsFolderError, Exception)


# ---------------------------------------------------------------------- 1. encodings through the CLI
@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("encoding", ["utf-16", "cp949"])
def test_scenario_in_another_encoding_is_one_line_from_the_command_line(tmp_path, capsys, command, encoding):
    path = tmp_path / "korean.toml"
    text = "# 광주 시나리오\n" + (Path(__file__).parents[1] / "scenarios/gwangju.toml").read_text()
    path.write_bytes(text.encode(encoding, errors="replace"))
    argv = [command, str(path)] + (SMALL if command == "run" else [])
    assert cli(argv) == 2
    error = one_line_error(capsys)
    assert f"{path}: got 'a file in " in error and "allowed: UTF-8" in error


# ---------------------------------------------------------------------- 7. error lines that fall short
def test_sizing_errors_name_the_file_and_blame_the_unemployment_rate(write_scenario, capsys):
    path = write_scenario("[population]\nunemployment_rate = 0.999\n")
    for argv in (["validate", str(path)], ["run", str(path), *SMALL]):
        assert cli(argv) == 2
        error = one_line_error(capsys)
        assert error.startswith(f"shocksim: error: {path}: population.unemployment_rate: got 0.999; allowed: ")


def test_sizing_error_from_set_names_set(capsys):
    assert cli(["run", *SMALL, "--set", "population.unemployment_rate=0.999"]) == 2
    assert one_line_error(capsys).startswith("shocksim: error: --set: population.unemployment_rate: got 0.999;")


def test_error_from_a_set_value_names_set_not_the_file(capsys):
    assert cli(["run", *SMALL, "--set", "population.unemployment_rate=2.0"]) == 2
    assert one_line_error(capsys).startswith("shocksim: error: --set: population.unemployment_rate: got 2.0; allowed:")


def test_rule_on_an_intervention_names_its_key_not_the_whole_table(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "p"\n[[interventions]]\ntype = "administration"\nname = "a"\nstart = "2022-01"\n'
        'end = "2021-01"\nbudget_krw = 1.0\n'
    )
    assert cli(["validate", str(path)]) == 2
    assert f"{path}: interventions[0].end: got '2021-01'; allowed: end must not come before start" in one_line_error(
        capsys
    )


def test_truncated_file_names_the_missing_keys(tmp_path, capsys):
    path = tmp_path / "short.toml"
    lines = (Path(__file__).parents[1] / "scenarios/gwangju.toml").read_text().splitlines()
    path.write_text("\n".join(lines[: lines.index("[firms]")]))
    assert cli(["validate", str(path)]) == 2
    error = one_line_error(capsys)
    assert f"{path}: firms: got nothing; allowed:" in error
    assert "(and 5 more missing: markets, fiscal, households, industries, workforce)" in error


def test_missing_parent_names_the_file_and_its_inherits_key(tmp_path, capsys):
    path = tmp_path / "child.toml"
    path.write_text('inherits = "absent.toml"\n')
    assert cli(["validate", str(path)]) == 2
    assert one_line_error(capsys).startswith(f"shocksim: error: {path}: inherits: got 'absent.toml'; no such file")


def test_package_without_interventions_is_validated_as_a_package(tmp_path, capsys):
    path = tmp_path / "empty.toml"
    path.write_text('name = "nothing"\n')
    assert cli(["validate", str(path)]) == 0
    assert "valid package 'nothing' (0 interventions" in capsys.readouterr().out


def test_a_300_digit_number_is_not_printed_whole(write_scenario, capsys):
    path = write_scenario("[labour_market]\nquit_rate_per_month = " + "9" * 300 + "\n")
    assert cli(["validate", str(path)]) == 2
    error = one_line_error(capsys)
    assert "a 300-digit number" in error and len(error) < 300


# ---------------------------------------------------------------------- 8. process hygiene
TINY = {"reps": 2, "scale": 0.01, "months": 1, "packages": ["single_loans"]}


def test_resume_of_a_missing_folder_says_so(tmp_path):
    from sim.experiment.compare import compare

    with pytest.warns(UserWarning, match="no such folder to resume"):
        compare(None, **TINY, out=tmp_path / "new", resume=True)


def test_two_resumes_of_one_folder_at_once_take_a_lock(tmp_path):
    from sim.experiment.compare import build_plan
    from sim.experiment.store import ExperimentStore

    plan = build_plan(None, TINY["packages"], reps=2, scale=0.01, months=1)
    args = {"kind": "comparison", "arms": plan.arms, "identity": plan.identity(), "contents": plan.contents()}
    first = ExperimentStore.open(tmp_path / "c", **args, resume=False)
    with pytest.raises(ResultsFolderError, match="in use by another shocksim process"):
        ExperimentStore.open(tmp_path / "c", **args, resume=True)
    first.unlock()
    ExperimentStore.open(tmp_path / "c", **args, resume=True).unlock()


def test_deleted_manifest_is_rebuilt_and_a_corrupt_run_is_run_again(tmp_path):
    from sim.experiment.compare import compare

    folder = tmp_path / "c"
    first = compare(None, **TINY, out=folder)
    (folder / "manifest.json").unlink()
    run = next((folder / "runs").glob("*/rep-0000"))
    (run / "timeseries.csv").write_text("changed")
    with pytest.warns(UserWarning) as caught:
        again = compare(None, **TINY, out=folder, resume=True)
    messages = " ".join(str(w.message) for w in caught)
    assert "rebuilt" in messages and "running it again" in messages
    assert again.summary.equals(first.summary)


def test_dask_address_that_is_not_one_is_one_line(capsys):
    assert cli(["compare", *SMALL, "--reps", "1", "--dask", "not an address"]) == 2
    assert one_line_error(capsys).startswith("shocksim: error: --dask: got 'not an address'; allowed:")


def test_memory_estimate_refuses_a_run_before_building(capsys):
    assert cli(["run", "--quiet", "--set", "population.labour_force=50000000"]) == 2
    error = one_line_error(capsys)
    assert "population.labour_force: got 50000000, a run needing about" in error and "--max-memory" in error
    assert cli(["run", *SMALL, "--max-memory", "12x"]) == 2


def test_a_name_too_long_for_the_file_system_is_one_line(capsys):
    """Found by the fuzzing test: ``Path.is_file`` raises on a 300-byte name instead of saying no."""
    assert cli(["validate", "x" * 300]) == 2
    assert "no such file, and no shipped scenario or package of that name" in one_line_error(capsys)
