"""Measure how many input errors give the one-line form ``FILE: KEY.PATH: got VALUE; allowed: ...``.

Every leaf of the shipped Gwangju scenario and of two packages is, in turn, set to each of a
few bad values, deleted, or given an unknown sibling key, and the mutated file is checked
with ``shocksim validate``; every leaf of the scenario is also set through ``run --set`` to
the same bad values. Each mutation changes one known key path, so an error is counted as
*exact* when its one line names the file (or ``--set``), that key path, the value (``got``)
and what is allowed. Other errors are split into: names a key path inside or around the
mutated one (*related*), names another key path (*other key*), and names no key path or
lacks ``got``/``allowed`` (*incomplete*). Tracebacks and several lines are counted apart.

    .venv/bin/python scripts/error_lines.py [--all]    # prints the counts and the non-exact lines
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import re
import sys
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.cli import main
from sim.inputs.keypath import format_key_path
from sim.inputs.scenario import SCENARIO_DIR

BAD_VALUES = [-1, "abc", 10**300, True, [1, 2], {"x": 1}]
SET_VALUES = ["-1", '"abc"', "9" * 300, "true"]
UNKNOWN = "nmae"
RUN = ["--quiet", "--months", "1", "--scale", "0.01"]


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_text(data: dict) -> str:
    return "".join(f"{json.dumps(str(key))} = {toml_value(value)}\n" for key, value in data.items())


def leaves(data: Any, prefix: tuple = ()) -> Iterator[tuple]:
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from leaves(value, (*prefix, key))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            yield from leaves(value, (*prefix, index))
    elif prefix:
        yield prefix


def tables(data: Any, prefix: tuple = ()) -> Iterator[tuple]:
    if isinstance(data, dict):
        yield prefix
        for key, value in data.items():
            yield from tables(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from tables(value, (*prefix, index))


def changed(base: dict, path: tuple, value: Any = None, delete: bool = False) -> dict:
    data = copy.deepcopy(base)
    node = data
    for step in path[:-1]:
        node = node[step]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def shocksim(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        except Exception as error:  # a traceback
            return -1, f"Traceback: {type(error).__name__}: {error}"
    return code, err.getvalue()


def classify(code: int, stderr: str, where: str, key: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("shocksim: warning:")]
    if code == 0:
        return "exit 0 (accepted)"
    if code == -1 or "Traceback" in stderr:
        return "traceback"
    if code != 2 or len(lines) != 1:
        return "not one line, exit 2"
    rest = re.sub(r"^shocksim(?: \w+)?: error: ", "", lines[0])
    if not rest.startswith(f"{where}: "):
        return "incomplete"
    rest = rest[len(where) + 2 :]
    named = rest.split(": ", 1)[0] if ": " in rest else ""
    if not ("got " in rest and "allowed" in rest):
        return "incomplete"
    if named == key:
        return "exact"
    if named and (named.startswith(key) or key.startswith(named)):
        return "related"
    return "other key" if re.fullmatch(r"[\w.\[\]-]+", named or "-") else "incomplete"


def main_() -> int:
    counts: Counter[tuple[str, str]] = Counter()
    shown: list[str] = []
    folder = Path(tempfile.mkdtemp())
    bases = {
        "scenario": (tomllib.loads((SCENARIO_DIR / "gwangju.toml").read_text()), []),
        "package gwangju_2021": (tomllib.loads((SCENARIO_DIR / "packages/gwangju_2021.toml").read_text()), []),
        "package single_investment": (
            tomllib.loads((SCENARIO_DIR / "packages/single_investment.toml").read_text()),
            [],
        ),
    }

    def check(kind: str, argv: list[str], where: str, key: str, how: str) -> None:
        code, stderr = shocksim(argv)
        outcome = classify(code, stderr, where, key)
        counts[(kind, outcome)] += 1
        if outcome not in ("exact", "exit 0 (accepted)"):
            shown.append(f"[{outcome}] {kind}: {key} {how}: {stderr.strip().splitlines()[-1][:220]}")

    for kind, (base, _) in bases.items():
        path = folder / f"{kind.replace(' ', '_')}.toml"
        mutations = []
        for leaf in leaves(base):
            mutations += [(leaf, f"= {toml_value(value)[:20]}", changed(base, leaf, value)) for value in BAD_VALUES]
            if isinstance(leaf[-1], str):
                mutations.append((leaf, "deleted", changed(base, leaf, delete=True)))
        for table in tables(base):
            node = base
            for step in table:
                node = node[step]
            mutations.append(((*table, UNKNOWN), "added", changed(base, (*table, UNKNOWN), 1)))
        for leaf, how, data in mutations:
            path.write_text(toml_text(data))
            check(kind, ["validate", str(path)], str(path), format_key_path(leaf), how)

    scenario = bases["scenario"][0]
    for leaf in leaves(scenario):
        key = format_key_path(leaf)
        for value in SET_VALUES:
            out = folder / f"out-{len(counts)}-{abs(hash((key, value)))}"
            check("--set", ["run", *RUN, "--out", str(out), "--set", f"{key}={value}"], "--set", key, f"= {value[:20]}")

    kinds = list(dict.fromkeys(kind for kind, _ in counts))
    outcomes = ["exact", "related", "other key", "incomplete", "not one line, exit 2", "traceback"]
    print(f"{'':28}" + "".join(f"{o:>14}" for o in [*outcomes, "errors", "accepted"]))
    totals = Counter()
    for kind in kinds:
        errors = sum(counts[(kind, o)] for o in outcomes)
        row = [counts[(kind, o)] for o in outcomes] + [errors, counts[(kind, "exit 0 (accepted)")]]
        totals.update(dict(zip([*outcomes, "errors", "accepted"], row, strict=True)))
        print(f"{kind:28}" + "".join(f"{n:>14}" for n in row))
    print(f"{'all':28}" + "".join(f"{totals[o]:>14}" for o in [*outcomes, "errors", "accepted"]))
    print(f"\nexact one-line form: {totals['exact']} of {totals['errors']} errors")
    limit = None if "--all" in sys.argv else 60
    print(f"\nerrors not in the exact form{'' if limit is None else ' (first 60; --all for every one)'}:")
    for line in shown[:limit]:
        print("  " + line)
    if limit is not None and len(shown) > limit:
        print(f"  ... and {len(shown) - limit} more")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
