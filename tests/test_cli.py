"""The command line: runs write complete folders, bad input exits 2 with one line, nothing is overwritten."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli import main
from sim.errors import ResultsFolderError
from sim.experiment.store import RUN_FILES, RUN_SUMMARY, read_run


def test_run_writes_a_complete_results_folder(tmp_path, capsys):
    out = tmp_path / "run1"
    code = main(["run", "--seed", "4", "--months", "3", "--scale", "0.02", "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*RUN_FILES, RUN_SUMMARY])
    run = read_run(out)
    assert len(run["timeseries"]) == 4
    assert run["ledger"].empty
    manifest = run["manifest"]
    assert manifest["seed"] == 4 and manifest["months"] == 3 and manifest["scale"] == 0.02
    assert len(manifest["scenario_hash"]) == 64
    csv = pd.read_csv(out / "timeseries.csv")
    assert list(csv.employed) == list(run["timeseries"].employed)
    printed = capsys.readouterr().out
    assert "employed" in printed and "unemployment rate" in printed and "firm failures" in printed


def test_a_run_with_a_package_names_it_and_its_spending_in_the_summary_printed_and_saved(tmp_path, capsys):
    out = tmp_path / "with-package"
    args = ["run", "--package", "gwangju_2021", "--months", "12", "--scale", "0.03", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    saved = (out / RUN_SUMMARY).read_text()
    assert printed == saved
    assert "package gwangju_2021: budget 46.60 bn KRW" in printed
    table = read_run(out)["timeseries"]
    spent = table["policy_spend"].iloc[1:].sum()
    assert spent > 0
    total = next(line for line in printed.splitlines() if line.strip().startswith("total"))
    budget, face_value, cost, _returns = (float(cell.replace(",", "")) for cell in total.split()[1:])
    assert budget == 46.60
    assert face_value == pytest.approx(spent / 0.03 / 1e9, abs=0.005)
    assert cost == pytest.approx(table["policy_cost"].iloc[1:].sum() / 0.03 / 1e9, abs=0.005)
    for intervention in ("appliance hiring", "auto retention", "governance"):
        assert f"\n  {intervention} " in printed
    manifest = read_run(out)["manifest"]
    assert manifest["policy"]["package"] == "gwangju_2021"
    assert manifest["policy"]["spend_krw"] == pytest.approx(spent)
    assert RUN_SUMMARY in manifest["files"]


def test_quiet_still_prints_the_results_folder(tmp_path, capsys):
    out = tmp_path / "quiet"
    assert main(["run", "--quiet", "--months", "2", "--scale", "0.02", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"results: {out}\n"


def test_same_seed_from_the_command_line_gives_identical_tables(tmp_path):
    for name in ("a", "b"):
        assert (
            main(["run", "--quiet", "--seed", "9", "--months", "4", "--scale", "0.02", "--out", str(tmp_path / name)])
            == 0
        )
    first = pd.read_parquet(tmp_path / "a" / "timeseries.parquet")
    second = pd.read_parquet(tmp_path / "b" / "timeseries.parquet")
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_existing_results_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code = main(["run", "--quiet", "--months", "2", "--scale", "0.02", "--out", str(out)])
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and str(out) in error and "exists already" in error
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "keep me"


def test_set_overrides_a_parameter(tmp_path):
    out = tmp_path / "set"
    assert (
        main(
            [
                "run",
                "--quiet",
                "--months",
                "1",
                "--scale",
                "0.02",
                "--out",
                str(out),
                "--set",
                "labour_market.quit_rate_per_month=0.01",
            ]
        )
        == 0
    )
    assert read_run(out)["manifest"]["scenario"]["labour_market"]["quit_rate_per_month"] == 0.01


def test_set_with_a_list_index_from_the_command_line_is_recorded_in_the_manifest(tmp_path):
    out = tmp_path / "indexed"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "run",
            "--quiet",
            "--months",
            "1",
            "--scale",
            "0.02",
            "--out",
            str(out),
            "--set",
            "shocks.relocation[0].share=0.2",
            "--set",
            "labour_market__quit_rate_per_month=0.003",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    manifest = read_run(out)["manifest"]
    assert manifest["overrides"] == {"shocks.relocation[0].share": 0.2, "labour_market__quit_rate_per_month": 0.003}
    assert manifest["scenario"]["shocks"]["relocation"][0]["share"] == 0.2
    assert manifest["scenario"]["labour_market"]["quit_rate_per_month"] == 0.003


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("shocks.relocation[3].share=0.2", r"shocks\.relocation\[3\]\.share: got 0\.2; allowed: an index below 1"),
        ("shocks.relocation[0.share=0.2", "unbalanced brackets"),
        ("chains.auto[0]=1", r"chains\.auto is not a list"),
    ],
)
def test_set_with_a_bad_key_path_exits_2_in_one_line(tmp_path, capsys, assignment, message):
    out = tmp_path / "never"
    try:  # a malformed path is refused by the argument parser, a path the scenario lacks when it is loaded
        status = main(["run", "--quiet", "--months", "1", "--scale", "0.02", "--out", str(out), "--set", assignment])
    except SystemExit as stopped:
        status = stopped.code
    assert status == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and error.startswith("shocksim") and "error: " in error
    assert re.search(message, error)
    assert not out.exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[population]\nlabour_forse = 1\n", "population.labour_forse"),
        ('[population]\nlabour_force = "many"\n', "population.labour_force"),
        ("[chains.auto.tier2]\nemployees = -1\n", "chains.auto.tier2.employees"),
        ("[workforce.growth]\nskill_mix = [0.2, 0.2, 0.2]\n", "workforce.growth"),
    ],
)
def test_bad_scenario_exits_2_with_one_line(write_scenario, capsys, tmp_path, body, expected):
    path = write_scenario(body)
    out = tmp_path / "never"
    assert main(["run", str(path), "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert str(path) in error and expected in error
    assert not out.exists()
    assert main(["validate", str(path)]) == 2


def test_missing_scenario_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "absent.toml")]) == 2
    error = capsys.readouterr().err.strip()
    assert "absent.toml" in error and "no such file" in error


def test_validate_accepts_the_shipped_scenario(capsys):
    assert main(["validate", "gwangju"]) == 0
    assert "valid scenario 'gwangju'" in capsys.readouterr().out


def test_bad_arguments_exit_2_in_one_line(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["run", "--scale", "1.5"])
    assert caught.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "--scale" in error


def test_installed_command_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nname = 3\n")
    completed = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(bad)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1


def test_corrupt_results_folder_is_refused(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "--quiet", "--months", "1", "--scale", "0.02", "--out", str(out)]) == 0
    (out / "timeseries.parquet").write_bytes(b"not parquet")
    with pytest.raises(ResultsFolderError, match="checksum"):
        read_run(out)
    (out / "manifest.json").write_text("{broken")
    with pytest.raises(ResultsFolderError, match="corrupt manifest"):
        read_run(out)
    (out / "ledger.parquet").unlink()
    with pytest.raises(ResultsFolderError, match=r"missing ledger\.parquet"):
        read_run(out)


def test_manifest_is_valid_json_with_environment(tmp_path):
    out = tmp_path / "m"
    assert main(["run", "--quiet", "--months", "1", "--scale", "0.02", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"shocksim", "python", "mesa", "numpy"} <= set(manifest["environment"])
    assert manifest["started_at"] <= manifest["finished_at"]
