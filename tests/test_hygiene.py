"""Process hygiene after a kill -9 (issue 15): no orphaned workers, no ``.partial-<pid>`` folder left
for good, and the memory limit on every command that runs many runs, naming what set the size."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sim.errors import InputError
from tests.test_edges import cli

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--quiet", "--months", "2", "--scale", "0.01"]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    error = captured.err.strip().splitlines()[-1]
    assert "Traceback" not in captured.err
    return error


def shocksim(*argv: str, preamble: str = "", cwd: Path | None = None) -> subprocess.Popen:
    """``shocksim argv`` in a fresh Python process, after ``preamble`` (code run first)."""
    code = f"import sys\n{textwrap.dedent(preamble)}\nfrom sim.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        cwd=cwd or ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


# ---------------------------------------------------------------------- /proc
def _stat(pid: int) -> tuple[str, int, int] | None:
    """State, parent pid and start time of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid``, with its start time (to tell a reused pid)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[1], []).append(int(entry.name))
    found: dict[int, int] = {}
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if (stat := _stat(child)) is not None:
                found[child] = stat[2]
                stack.append(child)
    return found


def alive(processes: dict[int, int]) -> list[int]:
    """The processes still running (zombies waiting to be reaped count as gone)."""
    living = []
    for pid, started in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[2] == started and stat[0] not in ("Z", "X"):
            living.append(pid)
    return living


def wait_for(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# ---------------------------------------------------------------------- 1. workers die with their parent
@linux_only
def test_workers_and_fork_server_exit_when_compare_is_killed(tmp_path):
    """kill -9 of ``compare --workers 2`` mid-design: its workers, fork server and resource tracker exit too."""
    process = shocksim(
        "compare", "gwangju", "--package", "single_retraining", "--reps", "40", "--scale", "0.02",
        "--workers", "2", "--quiet", "--no-figures", "--out", str(tmp_path / "cmp"),
    )  # fmt: skip
    try:
        # The fork server, its two workers and the resource tracker: 4 processes below the parent.
        assert wait_for(lambda: len(descendants(process.pid)) >= 4, timeout=30), process.stderr.read()
        assert wait_for(lambda: any((tmp_path / "cmp" / "runs").rglob("rep-*")), timeout=30)  # workers are busy
        below = descendants(process.pid)
    finally:
        process.kill()
        process.wait()
    assert wait_for(lambda: not alive(below), timeout=10), f"still alive after kill -9 of the parent: {alive(below)}"


WATCHED = """
import os, sys, time
from sim.experiment import executors
if sys.argv[2] == "poll":
    del os.pidfd_open  # as where there is no pidfd: check the parent every PARENT_POLL_SECONDS
    executors.PARENT_POLL_SECONDS = 0.1
executors.watch_parent(int(sys.argv[1]))
print("watching", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no watchdog on Windows")
@pytest.mark.parametrize("how", ["pidfd", "poll"])
def test_watchdog_ends_the_process_when_the_watched_one_dies(how):
    if how == "pidfd" and not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfd on this platform")
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    watched = subprocess.Popen(
        [sys.executable, "-c", WATCHED, str(parent.pid), how], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert watched.stdout.readline().strip() == "watching"
        assert watched.poll() is None  # the parent lives: the watched process carries on
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert watched.wait(timeout=10) == 70  # EXIT_ORPHANED
    finally:
        parent.kill()
        watched.kill()
        parent.wait()
        watched.wait()


def test_watchdog_exits_at_once_when_the_parent_is_already_gone():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    code = f"from sim.experiment.executors import watch_parent; watch_parent({gone.pid}); import time; time.sleep(60)"
    assert subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, timeout=30).returncode == 70


# ---------------------------------------------------------------------- 2. .partial-<pid> left by a kill
#: Kill this process (SIGKILL, no clean-up) at the Nth parquet file written into a ``.partial-<pid>`` folder.
KILL_WHILE_WRITING = """
import os, signal
import pandas as pd
_write, _count = pd.DataFrame.to_parquet, [0]
def to_parquet(self, path, *args, **kwargs):
    if ".partial-" in str(path):
        _count[0] += 1
        if _count[0] == {n}:
            os.kill(os.getpid(), signal.SIGKILL)
    return _write(self, path, *args, **kwargs)
pd.DataFrame.to_parquet = to_parquet
"""


def partials(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if ".partial-" in path.name]


def test_partial_folder_of_a_run_killed_while_writing_is_removed_by_the_next_run(tmp_path, monkeypatch):
    killed = shocksim("run", *SMALL, preamble=KILL_WHILE_WRITING.format(n=1), cwd=tmp_path)
    assert killed.wait(timeout=60) == -signal.SIGKILL
    left = partials(tmp_path / "results")
    assert [path.name for path in left] == [f".{left[0].name[1:].rsplit('.partial-', 1)[0]}.partial-{killed.pid}"]
    assert not [path for path in (tmp_path / "results").iterdir() if not path.name.startswith(".")]  # nothing saved

    monkeypatch.chdir(tmp_path)
    assert cli(["run", *SMALL, "--seed", "2"]) == 0
    assert partials(tmp_path / "results") == []
    assert len(list((tmp_path / "results").iterdir())) == 1


def test_a_run_killed_while_simulating_leaves_no_partial_folder(tmp_path):
    process = shocksim("run", "--months", "120", "--scale", "0.3", cwd=tmp_path)
    try:
        seen = ""
        while "simulating:" not in seen or "/120" not in seen:  # the progress bar: months are running
            chunk = os.read(process.stderr.fileno(), 4096).decode(errors="replace")
            assert chunk, f"ended before simulating: {seen}"
            seen += chunk
    finally:
        process.kill()
        process.wait()
    results = tmp_path / "results"
    assert not results.exists() or list(results.iterdir()) == []


def test_partials_of_a_comparison_killed_while_writing_are_removed_on_resume(tmp_path):
    out = tmp_path / "cmp"
    argv = ["compare", "--package", "single_retraining", "--reps", "2", *SMALL, "--no-figures", "--out", str(out)]
    killed = shocksim(*argv, preamble=KILL_WHILE_WRITING.format(n=3))  # saving the second run
    assert killed.wait(timeout=60) == -signal.SIGKILL
    left = partials(out)
    assert len(left) == 1 and left[0].name.startswith(".rep-") and left[0].name.endswith(f".partial-{killed.pid}")
    # as left by a kill while the summary files and figures were written (a process that is gone)
    (out / f".summary.csv.partial-{killed.pid}").write_text("half")
    (out / "figures").mkdir()
    (out / "figures" / f".employment.png.partial-{killed.pid}").write_bytes(b"half")

    assert cli([*argv, "--resume"]) == 0
    assert partials(out) == []
    assert (out / "summary.csv").is_file()


# ---------------------------------------------------------------------- 3. --max-memory on every command
def test_sensitivity_takes_max_memory_and_refuses_before_creating_its_folder(tmp_path, capsys):
    out = tmp_path / "morris"
    argv = ["sensitivity", "--package", "single_retraining", "--quiet", "--out", str(out), "--max-memory", "100MB"]
    assert cli(argv) == 2
    error = one_line_error(capsys)
    assert "population.labour_force: got 760000, a run needing about" in error
    assert "allowed: at most 95.4 MiB (--max-memory)" in error
    assert not out.exists()


def test_calibrate_takes_max_memory(tmp_path, capsys):
    out = tmp_path / "fitted.toml"
    targets = ROOT / "scenarios/targets/gwangju.toml"
    argv = ["calibrate", "gwangju", "--targets", str(targets), "--out", str(out), "--max-memory", "100MB"]
    assert cli(argv) == 2
    error = one_line_error(capsys)
    assert error.startswith(f"shocksim: error: {ROOT / 'scenarios/gwangju.toml'}: population.labour_force: got ")
    assert "allowed: at most 95.4 MiB (--max-memory)" in error
    assert not out.exists()
    assert cli(["calibrate", "gwangju", "--targets", str(targets), "--max-memory", "12x"]) == 2


def test_screen_and_calibrate_take_max_memory_from_python():
    from sim.experiment.calibrate import calibrate
    from sim.experiment.screen import screen

    with pytest.raises(InputError, match=r"at most 95.4 MiB"):
        screen("gwangju", "single_retraining", trajectories=2, scale=1.0, max_memory=100_000_000)
    with pytest.raises(InputError, match=r"at most 95.4 MiB"):
        calibrate("gwangju", ROOT / "scenarios/targets/gwangju.toml", max_memory=100_000_000)


# ---------------------------------------------------------------------- 4. the refusal names what set the size
@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["compare", "--reps", "2"],
        ["sensitivity", "--package", "single_retraining", "--scale", "1"],
    ],
)
def test_memory_refusal_from_set_names_set_not_the_file(tmp_path, capsys, command):
    argv = [*command, "--quiet", "--out", str(tmp_path / "out"), "--set", "population.labour_force=50000000"]
    assert cli(argv) == 2
    assert one_line_error(capsys).startswith(
        "shocksim: error: --set: population.labour_force: got 50000000, a run needing about"
    )
    assert not (tmp_path / "out").exists()


def test_memory_refusal_from_months_names_months(capsys):
    assert cli(["run", "--quiet", "--months", "1200", "--max-memory", "100MB"]) == 2
    assert one_line_error(capsys).startswith("shocksim: error: --months: scenario.months: got 1200, a run needing")


def test_memory_refusal_from_the_file_names_the_file(write_scenario, capsys):
    path = write_scenario("[population]\nlabour_force = 50_000_000\n")
    assert cli(["run", str(path), "--quiet"]) == 2
    assert one_line_error(capsys).startswith(f"shocksim: error: {path}: population.labour_force: got 50000000,")


def test_a_varied_parameter_that_drives_memory_names_its_file(tmp_path):
    from sim.experiment.screen import screen

    parameters = tmp_path / "parameters.toml"
    parameters.write_text(
        '[[parameters]]\nkey = "population.labour_force"\nlow = 100000\nhigh = 50000000\nreason = "test"\n'
        '[[parameters]]\nkey = "labour_market.quit_rate_per_month"\nlow = 0.001\nhigh = 0.01\nreason = "test"\n'
    )
    with pytest.raises(InputError, match=rf"^{parameters}: population.labour_force: got \d+, a run needing"):
        screen("gwangju", "single_retraining", parameters, trajectories=2, scale=1.0)


# ---------------------------------------------------------------------- 5. error lines found by scripts/error_lines.py
def test_intervention_without_a_type_names_its_type_key_not_the_whole_table(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text('name = "p"\n[[interventions]]\nname = "a"\nstart = "2021-01"\nend = "2022-01"\nbudget_krw = 1e9\n')
    assert cli(["validate", str(path)]) == 2
    error = one_line_error(capsys)
    assert error.startswith(f"shocksim: error: {path}: interventions[0].type: got nothing; a type is required;")
    assert "; allowed: " in error
    assert "'retraining'" in error and "discriminator" not in error and "budget_krw" not in error


def test_a_name_the_scenario_does_not_declare_says_what_is_allowed(capsys):
    assert cli(["run", *SMALL, "--set", 'shocks.final_demand[0].chain="abc"']) == 2
    assert one_line_error(capsys) == (
        "shocksim: error: --set: shocks.final_demand[0].chain: got 'abc'; not one of the scenario's chains; "
        "allowed: one it declares: ['auto', 'appliance']"
    )
