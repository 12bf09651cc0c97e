"""The one-way architecture: import layers (import-linter), and interventions act only through the desk."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import RegionModel
from sim.inputs.package import combine_packages, load_package, shipped_packages
from sim.policy import interventions as interventions_package
from sim.policy.desk import PolicyDesk

REPO = Path(__file__).resolve().parents[1]
INTERVENTIONS_DIR = Path(interventions_package.__file__).parent


# ----------------------------------------------------------------- import contracts


def test_import_contracts_hold():
    """``lint-imports`` checks pyproject.toml's [tool.importlinter] contracts (layers, independence, forbidden)."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), "import-linter is not installed: pip install -e '.[test]'"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "0 broken" in output, output


# ----------------------------------------------------------------- interventions only read the region


#: Names through which an intervention reaches the region's tables.
_TABLES = {"firms", "workforce"}
#: numpy functions that write into their first argument, and array methods that write into the array.
_WRITING_FUNCTIONS = {"at", "put", "place", "putmask", "copyto", "put_along_axis", "fill_diagonal"}
_WRITING_METHODS = {"fill", "put", "sort", "partition", "resize", "setflags", "itemset"}


def _root(node: ast.AST) -> ast.AST:
    """The innermost object of an attribute/subscript chain (``a`` of ``a.b[c].d``)."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
        node = node.value
    return node


def _reaches_tables(node: ast.AST, bound: set[str]) -> bool:
    """Whether an attribute/subscript chain starts at ``desk.firms``, ``desk.workforce`` or a name bound to them."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _TABLES
            and isinstance(node.value, ast.Name)
            and node.value.id == "desk"
        ):
            return True
        node = node.value
    return isinstance(node, ast.Name) and node.id in bound


def _targets(target: ast.AST) -> list[ast.AST]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for element in target.elts for t in _targets(element)]
    if isinstance(target, ast.Starred):
        return _targets(target.value)
    return [target]


def writes_into_region(source: str, filename: str) -> list[str]:
    """Places where intervention code writes into the region's tables other than through the desk's methods.

    Looks, function by function, for assignments (plain, augmented, annotated, for-loop
    targets) to a subscript or attribute of ``desk.firms``, ``desk.workforce`` or a local
    name bound to them (or to one of their columns); numpy calls that write into such an
    array (``np.add.at``, ``np.copyto``, ``out=``, ...); and any reach past the desk into its
    private state (``._state``).
    """
    problems = []
    tree = ast.parse(source, filename)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        bound: set[str] = set()
        # Names bound to the tables or their columns (a few passes settle chains of aliases).
        for _ in range(3):
            for node in ast.walk(function):
                if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                    value = node.value
                    if isinstance(value, ast.Attribute | ast.Name) and _reaches_tables(value, bound):
                        for target in _targets(node.targets[0] if isinstance(node, ast.Assign) else node.target):
                            if isinstance(target, ast.Name):
                                bound.add(target.id)
        for node in ast.walk(function):
            where = f"{filename}:{getattr(node, 'lineno', '?')}"
            targets: list[ast.AST] = []
            if isinstance(node, ast.Assign):
                targets = [t for target in node.targets for t in _targets(target)]
            elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For):
                targets = _targets(node.target)
            for target in targets:
                if isinstance(target, ast.Subscript | ast.Attribute) and _reaches_tables(target, bound):
                    problems.append(f"{where}: assigns into {ast.unparse(target)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                func, written = node.func, []
                if func.attr in _WRITING_FUNCTIONS and node.args:
                    written.append(node.args[0])  # np.add.at(a, ...), np.copyto(a, ...)
                if func.attr in _WRITING_METHODS:
                    written.append(func.value)  # a.fill(0), a.sort()
                written += [k.value for k in node.keywords if k.arg == "out"]
                if any(_reaches_tables(array, bound) for array in written):
                    problems.append(f"{where}: {ast.unparse(node)} writes into the region")
            if isinstance(node, ast.Attribute) and node.attr == "_state":
                problems.append(f"{where}: reaches the desk's private state ({ast.unparse(node)})")
    return problems


def test_the_scan_finds_writes_into_the_region():
    # The scan itself must see the forms it is meant to catch (and not the desk's own columns).
    bad = """
def step(self, desk, month):
    firms = desk.firms
    cash = firms.cash
    firms.cash[0] = 1.0
    desk.workforce.status[3] = 2
    cash[1:3] += 5.0
    np.add.at(firms.debt, [0], 1.0)
    np.multiply(firms.cash, 2.0, out=firms.cash)
    desk._state.firms.cash[0] = 0.0
    a, firms.employees[0] = 1, 2
    desk.workforce.search_boost.fill(1.0)
"""
    problems = writes_into_region(bad, "bad.py")
    assert len([p for p in problems if "assigns into" in p]) == 4, problems
    assert any("np.add.at" in p for p in problems), problems
    assert any("fill" in p for p in problems), problems
    assert any("out=firms.cash" in p for p in problems), problems
    assert any("_state" in p for p in problems), problems
    good = """
def step(self, desk, month):
    firms = desk.firms
    balance = desk.own(self, "balance")
    balance[firms.cash < 0] += 1.0
    short = np.flatnonzero(firms.cash < 0)
    amounts = firms.wage_bill[short].copy()
    amounts[0] = 0.0
    ordered = np.sort(firms.cash)
    self.counts["x"] = float(firms.cash.sum())
    desk.pay_firms(self, short, amounts, "grant")
"""
    assert writes_into_region(good, "good.py") == []


def test_no_intervention_module_writes_into_the_region():
    files = sorted(INTERVENTIONS_DIR.glob("*.py"))
    assert len(files) > 5
    problems = [p for path in files for p in writes_into_region(path.read_text(), path.name)]
    assert problems == [], "\n".join(problems)


def every_instrument():
    """All shipped single-instrument packages plus the governance line, as one package (as test_policy.py)."""
    singles = [load_package(name) for name in shipped_packages() if name.startswith("single_")]
    governance = load_package("gwangju_2021").to_dict()
    governance["interventions"] = [i for i in governance["interventions"] if i["type"] == "administration"]
    governance["name"] = "governance"
    return combine_packages([*singles, load_package(governance)])


def test_the_desk_hands_interventions_read_only_tables():
    model = RegionModel(rng=1, scale=0.02, months=2, package="single_loans")
    desk = model.desk
    with pytest.raises(ValueError, match="read-only"):
        desk.firms.cash[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        desk.workforce.status[:] = 0
    with pytest.raises(ValueError, match="read-only"):
        np.add.at(desk.firms.debt, [0], 1.0)
    # The intervention's own columns are its to write.
    desk.own(model.policies[0], "balance")[0] = 0.0


class _RegionLock:
    """Makes the region's firm and worker arrays read-only while interventions run, except inside desk methods.

    The interventions' own columns (``<name>__<column>``) stay writable. A write that goes
    around the desk (e.g. through a kept reference to the state) raises ValueError.
    """

    def __init__(self, model: RegionModel, monkeypatch: pytest.MonkeyPatch) -> None:
        self.state = model.region
        self.depth = 0
        self.own = {f"{policy.name}__" for policy in model.policies}
        self.unlocked_calls = 0
        for name in dir(PolicyDesk):
            method = getattr(PolicyDesk, name)
            if name.startswith("_") or name in {"act", "finish", "columns", "month_values"} or not callable(method):
                continue
            monkeypatch.setattr(model.desk, name, self._unlocking(getattr(model.desk, name)))
        for policy in model.policies:
            for hook in ("start", "step", "finish"):
                monkeypatch.setattr(policy, hook, self._locking(getattr(policy, hook)))

    def _set(self, writeable: bool) -> None:
        for table in (self.state.firms, self.state.workforce):
            for name, array in table._data.items():
                if not name.startswith(tuple(self.own)):
                    array.flags.writeable = writeable

    def _locking(self, hook):
        @functools.wraps(hook)
        def locked(*args, **kwargs):
            self._set(False)
            try:
                return hook(*args, **kwargs)
            finally:
                self._set(True)

        return locked

    def _unlocking(self, method):
        @functools.wraps(method)
        def unlocked(*args, **kwargs):
            self.depth += 1
            self.unlocked_calls += 1
            self._set(True)
            try:
                return method(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self._set(False)

        return unlocked


def _packages():
    singles = [name for name in shipped_packages() if name.startswith("single_")]
    return [*singles, "everything"]


@pytest.mark.parametrize("package_name", _packages())
def test_interventions_change_the_region_only_through_the_desk(package_name, monkeypatch):
    package = every_instrument() if package_name == "everything" else load_package(package_name)
    # A year, so that every instrument meets someone it acts on even in this small sample (in eight
    # months, with the job ladder, nobody's benefit ran out for extended benefits to extend).
    model = RegionModel(rng=3, scale=0.02, months=12, package=package)
    lock = _RegionLock(model, monkeypatch)
    model.run()
    assert model.steps == 12
    assert lock.unlocked_calls > 0  # the interventions did ask the desk for something
    if package_name == "everything":
        assert model.results().policy_spend.sum() > 0
