"""Property-based fuzzing of scenario files, package files and command lines (issue 15).

Every generated input must end in exit 0, or exit 2 with one line naming the file (or the
option), the key path, the value and what is allowed: never a traceback, a hang or an
exhausted machine.

The default profile (``ci``) tries a few hundred inputs in about a minute; set
``SHOCKSIM_FUZZ=long`` for a longer local run (``SHOCKSIM_FUZZ=long pytest tests/test_fuzz.py -s``
prints the outcome counts).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import os
import re
import signal
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.inputs.scenario import SCENARIO_DIR

settings.register_profile(
    "ci", max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("SHOCKSIM_FUZZ", "ci")

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = tomllib.loads((SCENARIO_DIR / "gwangju.toml").read_text())
PACKAGES = {
    name: tomllib.loads((SCENARIO_DIR / "packages" / f"{name}.toml").read_text())
    for name in ("single_investment", "single_foreign_workforce", "single_retraining", "gwangju_2021")
}
#: Seconds one input may take before it counts as a hang.
HANG_SECONDS = 60
#: The one-line error: ``shocksim[ command]: error: WHERE: [KEY: ]got VALUE; ... allowed ...``.
ERROR_LINE = re.compile(r"^shocksim(?: \w+)?: error: (?P<rest>.+)$")
OUTCOMES: Counter[str] = Counter()


# ---------------------------------------------------------------------- writing TOML
def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text.replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_text(data: dict) -> str:
    return "".join(f"{json.dumps(str(key))} = {toml_value(value)}\n" for key, value in data.items())


# ---------------------------------------------------------------------- mutations
def leaf_paths(data, prefix=()):
    if isinstance(data, dict):
        if not data:
            yield prefix
        for key, value in data.items():
            yield from leaf_paths(value, (*prefix, key))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            yield from leaf_paths(value, (*prefix, index))
    else:
        yield prefix


def set_at(data, path, value, delete=False):
    node = data
    for step in path[:-1]:
        node = node[step]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


BIG = [2**31, 2**53, 2**63 - 1, 2**63, 2**64, 2**70, 10**300, -(2**63), 1e300, -1e300, 1e-300, 1e-9]
scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(BIG),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=-2, max_value=100),
    st.booleans(),
    st.sampled_from(
        [
            "",
            "2021-01",
            "9999-12",
            "0000-01",
            "2100-12",
            "1900-01",
            "2021-13",
            "../../escape",
            "a/b",
            "x\ny",
            "광주",
            "auto",
            "growth",
            "services",
            "employment_retention",
            "nothere",
        ]
    ),
    st.text(max_size=12),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.sampled_from(["a", "type", "name", "x"]), scalars, max_size=3),
)


@st.composite
def mutated(draw, base):
    """``base`` with one to three keys changed, deleted or added."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(leaf_paths(data))
        if not paths or paths == [()]:
            break
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        action = draw(st.sampled_from(["set", "set", "set", "delete", "add"]))
        if action == "delete":
            set_at(data, path, None, delete=True)
        elif action == "add":
            parent = path[:-1]
            node = data
            for step in parent:
                node = node[step]
            if isinstance(node, dict):
                node[draw(st.sampled_from(["extra", "nmae", "months", "type"]))] = draw(values)
        else:
            set_at(data, path, draw(values))
    return data


@st.composite
def file_bytes(draw, base):
    """A mutated file, sometimes truncated, cut into an inheriting file or saved in another encoding."""
    data = draw(mutated(base))
    text = toml_text(data)
    form = draw(st.sampled_from(["plain"] * 6 + ["truncated", "utf16", "cp949", "bom", "garbage"]))
    if form == "truncated":
        text = text[: draw(st.integers(0, len(text)))]
    if form == "utf16":
        return text.encode("utf-16")
    if form == "cp949":
        return ("# 광주 시나리오\n" + text).encode("cp949", errors="replace")
    if form == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if form == "garbage":
        raw = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 5))):
            if raw:
                raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    return text.encode()


# ---------------------------------------------------------------------- running and judging
class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def shocksim(argv: list[str]) -> tuple[int, str]:
    """Run ``shocksim argv`` in this process with a time limit; return the exit status and stderr."""
    err, out = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    except Hang:
        pytest.fail(f"shocksim {argv} took more than {HANG_SECONDS} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, err.getvalue()


def judge(kind: str, code: int, stderr: str, names: tuple[str, ...], strict: bool = True) -> None:
    """Exit 0, or exit 2 with one line naming one of ``names``; count the outcome.

    ``strict``: the line must also read ``got VALUE; ... allowed`` (argparse's own messages
    for a missing or unknown option do not).
    """
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("shocksim: warning:")]
    if code == 0:
        OUTCOMES[f"{kind}: exit 0"] += 1
        event("exit 0")
        return
    assert code == 2, f"exit {code}: {stderr[-2000:]}"
    assert "Traceback" not in stderr, stderr[-3000:]
    assert len(lines) == 1, stderr
    match = ERROR_LINE.match(lines[0])
    assert match, lines[0]
    assert len(lines[0]) < 1000, lines[0]
    rest = match.group("rest")
    assert any(name in rest for name in names), f"{lines[0]!r} names none of {names}"
    complete = "got " in rest and "allowed" in rest
    assert complete or not strict, lines[0]
    OUTCOMES[f"{kind}: exit 2, one line" + ("" if complete else " (argparse usage)")] += 1
    event("exit 2")


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    total = sum(OUTCOMES.values())
    print(f"\nfuzzing ({PROFILE} profile): {total} inputs")
    for outcome, count in sorted(OUTCOMES.items()):
        print(f"  {outcome}: {count}")


SMALL = ["--quiet", "--scale", "0.01", "--months", "2"]


@settings(settings.get_profile(PROFILE))
@given(content=file_bytes(SCENARIO))
def test_fuzzed_scenario_files(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("scenario")
    path = folder / "fuzzed.toml"
    path.write_bytes(content)
    code, stderr = shocksim(["validate", str(path)])
    judge("scenario validate", code, stderr, (str(path),))
    if code == 0:
        code, stderr = shocksim(["run", str(path), *SMALL, "--out", str(folder / "out")])
        judge("scenario run", code, stderr, (str(path),))


@settings(settings.get_profile(PROFILE))
@given(name=st.sampled_from(sorted(PACKAGES)), data=st.data())
def test_fuzzed_package_files(tmp_path_factory, name, data):
    content = data.draw(file_bytes(PACKAGES[name]))
    folder = tmp_path_factory.mktemp("package")
    path = folder / "fuzzed.toml"
    path.write_bytes(content)
    code, stderr = shocksim(["validate", str(path)])
    judge("package validate", code, stderr, (str(path),))
    if code == 0:
        code, stderr = shocksim(["run", "gwangju", "--package", str(path), *SMALL, "--out", str(folder / "out")])
        judge("package run", code, stderr, (str(path),))


ABUSIVE = [
    "",
    "0",
    "-1",
    "1e9",
    "1000000000",
    str(2**63),
    str(2**70),
    "9" * 400,
    "nan",
    "inf",
    "-inf",
    "0x10",
    "1_0",
    "abc",
    "광주",
    "a\nb",
    "../../x",
    "--",
    "-",
    " ",
    "1.5",
    "0.0",
    "1e-300",
    "tcp://",
    "not an address",
]
OPTIONS = {
    "run": {
        "--seed": ["1", "0", str(2**63 - 1)],
        "--months": ["1", "2"],
        "--scale": ["0.01"],
        "--set": [
            "labour_market.quit_rate_per_month=0.01",
            "population.labour_force=1",
            "a..b=1",
            "x=",
            'scenario.start="9999-12"',
            "population.unemployment_rate=0.999",
            "shocks.relocation[9].share=1",
        ],
        "--package": ["single_loans", "nothere", "/dev/null", "gwangju"],
        "--out": ["OUT", "OUT/a/b", "/proc/x", "a\x00b", "x" * 300, "FILE/x"],
    },
    "validate": {},
    "compare": {
        "--reps": ["1", "10001"],
        "--seed": ["1"],
        "--months": ["1"],
        "--scale": ["0.01"],
        "--package": ["single_loans", "nothere"],
        "--equal-budget": ["1e9", "-5", "1e400", "abc"],
        "--dask": ["not an address", "tcp://", "tcp://127.0.0.1:1", "::::"],
        "--workers": ["0", "257", "-1"],
        "--out": ["OUT", "/proc/x", "FILE/x", "x" * 300],
    },
}


@st.composite
def command_lines(draw):
    command = draw(st.sampled_from(sorted(OPTIONS)))
    argv = [command]
    if command == "validate":
        return [*argv, draw(st.sampled_from(["gwangju", "nothere", "/dev/null", "", "FILE", "OUT", "x" * 300]))]
    argv += ["--quiet", "--scale", "0.01", "--months", "1"]
    if command == "compare":
        argv += ["--reps", "1", "--no-figures", "--package", "single_loans"]
    options = OPTIONS[command]
    for option in draw(st.lists(st.sampled_from(sorted(options)), max_size=3, unique=True)):
        argv += [option, draw(st.sampled_from(options[option] + ABUSIVE))]
    return argv


@settings(settings.get_profile(PROFILE), max_examples=60 if PROFILE == "ci" else 1000)
@given(argv=command_lines())
def test_fuzzed_command_lines(tmp_path_factory, argv):
    folder = tmp_path_factory.mktemp("argv")
    (folder / "FILE").write_text("x")
    argv = [arg.replace("OUT", str(folder / "out")).replace("FILE", str(folder / "FILE")) for arg in argv]
    assume("--dask" not in argv or "tcp://127.0.0.1:1" not in argv)  # an unreachable port waits for a timeout
    here = Path.cwd()
    os.chdir(folder)  # relative --out values (" ", "results/...") land in the test's folder
    try:
        code, stderr = shocksim(argv)
    finally:
        os.chdir(here)
    judge(f"{argv[0]} command line", code, stderr, ("",), strict=False)
