"""Golden regression: every shipped scenario, alone and with each of its packages, is unchanged.

As Starsim keeps a baseline of its results, ``tests/golden/runs.json`` stores a fingerprint
of every run below (seeds 1 and 2, 24 months, scale 0.05): one hash per column of the
monthly table and one for the ledger. A refactor must reproduce every one of them bit for
bit. A change of behaviour made on purpose regenerates the file in its own commit, whose
message says why::

    .venv/bin/python tests/test_golden.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GOLDEN_FILE = Path(__file__).parent / "golden" / "runs.json"
SEEDS = (1, 2)
MONTHS = 24
SCALE = 0.05


def golden_runs() -> list[tuple[str, str | None, int]]:
    """(scenario, package or None for the baseline, seed) for every shipped scenario and its packages."""
    from sim.inputs.package import load_package, shipped_packages
    from sim.inputs.scenario import shipped_scenarios

    runs = []
    for scenario in shipped_scenarios():
        packages = [name for name in shipped_packages() if load_package(name).written_for(scenario)]
        for package in [None, *packages]:
            runs.extend((scenario, package, seed) for seed in SEEDS)
    return runs


def run_key(scenario: str, package: str | None, seed: int) -> str:
    return f"{scenario}|{package or 'baseline'}|{seed}"


def _hash_values(values: np.ndarray) -> str:
    array = np.asarray(values)
    data = array.astype(str).tobytes() if array.dtype.kind in "OUSM" else array.astype("<f8").tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def fingerprint(scenario: str, package: str | None, seed: int) -> dict[str, object]:
    """Per-column hashes of the monthly table and a hash of the ledger of one run."""
    from sim import RegionModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RegionModel(scenario, rng=seed, scale=SCALE, months=MONTHS, package=package)
        table = model.run()
    ledger = model.ledger()
    ledger_text = ledger.sort_values(list(ledger.columns), kind="stable").to_csv(index=False, float_format="%.17g")
    return {
        "rows": len(table),
        "columns": {column: _hash_values(table[column].to_numpy()) for column in table.columns},
        "ledger": hashlib.sha256(ledger_text.encode()).hexdigest()[:16],
    }


def _differences(expected: dict, actual: dict) -> list[str]:
    problems = []
    if expected["rows"] != actual["rows"]:
        problems.append(f"rows {expected['rows']} -> {actual['rows']}")
    missing = sorted(set(expected["columns"]) - set(actual["columns"]))
    if missing:
        problems.append(f"missing columns {missing}")
    changed = sorted(
        c for c in expected["columns"] if c in actual["columns"] and expected["columns"][c] != actual["columns"][c]
    )
    if changed:
        problems.append(f"changed columns {changed}")
    if expected["ledger"] != actual["ledger"]:
        problems.append("ledger changed")
    return problems


def test_golden_file_covers_every_shipped_scenario_and_package():
    golden = json.loads(GOLDEN_FILE.read_text())
    assert sorted(golden) == sorted(run_key(*run) for run in golden_runs())
    assert len(golden) >= 5 * 2 * 2  # every scenario, at least the baseline and one package, two seeds


@pytest.mark.parametrize("scenario", sorted({run[0] for run in golden_runs()}))
def test_runs_identical_to_golden(scenario):
    golden = json.loads(GOLDEN_FILE.read_text())
    problems = []
    for run in golden_runs():
        if run[0] != scenario:
            continue
        key = run_key(*run)
        found = _differences(golden[key], fingerprint(*run))
        if found:
            problems.append(f"{key}: {'; '.join(found)}")
    assert not problems, "\n".join(problems)


def test_fingerprint_sees_a_one_bit_change():
    values = pd.Series([1.0, 2.0, 3.0])
    nudged = values.copy()
    nudged[1] = np.nextafter(2.0, 3.0)
    assert _hash_values(values.to_numpy()) != _hash_values(nudged.to_numpy())


def write() -> None:
    golden = {run_key(*run): fingerprint(*run) for run in golden_runs()}
    GOLDEN_FILE.parent.mkdir(exist_ok=True)
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(golden)} runs to {GOLDEN_FILE}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: tests/test_golden.py --write")
    write()
