"""One grammar for key paths into scenario data: dotted names with list indices.

``shocks.relocation[0].share``, ``labour_market.skill_wage_multiplier[2]`` and
``chains.auto.tier1.employees`` name values in the nested tables and lists of a scenario;
``__`` may stand for ``.`` (keyword overrides from Python: ``labour_market__quit_rate_per_month``).
``shocksim run --set``, calibration targets and sensitivity parameters all read key paths
here, so a path that works in one works in all.

A bad path (malformed, unbalanced brackets, an index out of range, an index into something
that is not a list) raises :class:`~sim.errors.ScenarioError` naming the source, the key
path, the value and what is allowed, in one line.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from sim.errors import ScenarioError

#: One step of a path: a table key (str) or a list index (int).
Step = str | int

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"\[(\d+)\]")
_EXAMPLE = "a key path such as shocks.relocation[0].share (names joined by '.', list indices in [])"


def parse_key_path(path: str, source: str = "<key path>", value: Any = None) -> tuple[Step, ...]:
    """``"shocks.relocation[0].share"`` -> ``("shocks", "relocation", 0, "share")``.

    ``__`` is read as ``.``. Raises ScenarioError (naming ``source``, the path and ``value``)
    for anything else than names joined by dots, each followed by zero or more ``[N]``.
    """
    if not isinstance(path, str):
        raise ScenarioError(source, str(path), value, f"allowed: {_EXAMPLE}")
    text = path.strip().replace("__", ".")
    if text.count("[") != text.count("]"):
        raise ScenarioError(source, path, value, f"unbalanced brackets; allowed: {_EXAMPLE}")
    steps: list[Step] = []
    for part in text.split("."):
        name = _NAME.match(part)
        if name is None:
            raise ScenarioError(source, path, value, f"malformed key path; allowed: {_EXAMPLE}")
        steps.append(name.group())
        position = name.end()
        while position < len(part):
            index = _INDEX.match(part, position)
            if index is None:
                raise ScenarioError(source, path, value, f"malformed key path; allowed: {_EXAMPLE}")
            steps.append(int(index.group(1)))
            position = index.end()
    return tuple(steps)


def format_key_path(steps: tuple[Step, ...] | list[Step]) -> str:
    """The inverse of :func:`parse_key_path`: ``("a", "b", 0, "c")`` -> ``"a.b[0].c"``."""
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _step_into(node: Any, step: Step, done: tuple[Step, ...], path: str, source: str, value: Any) -> Any:
    """The child of ``node`` at ``step``, or a one-line ScenarioError saying why there is none."""
    where = format_key_path(done) or "the top level"
    if isinstance(step, int):
        if not isinstance(node, list):
            raise ScenarioError(source, path, value, f"allowed: no index [{step}]: {where} is not a list")
        if step >= len(node):
            entries = "entry" if len(node) == 1 else "entries"
            raise ScenarioError(
                source, path, value, f"allowed: an index below {len(node)}: {where} has {len(node)} {entries}"
            )
        return node[step]
    if not isinstance(node, Mapping):
        raise ScenarioError(source, path, value, f"allowed: no key {step!r}: {where} is not a table")
    if step not in node:
        raise ScenarioError(source, path, value, f"unknown key {step!r} in {where}")
    return node[step]


def get_path(data: Any, path: str | tuple[Step, ...], source: str = "<key path>") -> Any:
    """The value at ``path`` in nested tables and lists; ScenarioError if there is none."""
    steps = parse_key_path(path, source) if isinstance(path, str) else path
    shown = path if isinstance(path, str) else format_key_path(steps)
    node = data
    for depth, step in enumerate(steps):
        node = _step_into(node, step, steps[:depth], shown, source, None)
    return node


def set_path(data: dict[str, Any], path: str, value: Any, source: str = "<key path>") -> dict[str, Any]:
    """A deep copy of ``data`` with ``value`` at ``path``.

    Tables missing on the way are created (scenario files leave out tables whose defaults
    apply; validation afterwards rejects keys the schema does not know, naming them). Lists
    are never created or extended: an index must name an existing entry.
    """
    steps = parse_key_path(path, source, value)
    updated = copy.deepcopy(data)
    node: Any = updated
    for depth, step in enumerate(steps[:-1]):
        following = steps[depth + 1]
        if isinstance(step, str) and isinstance(node, dict) and step not in node and isinstance(following, str):
            node[step] = {}
        node = _step_into(node, step, steps[:depth], path, source, value)
    last = steps[-1]
    if isinstance(last, int):
        _step_into(node, last, steps[:-1], path, source, value)  # the entry must exist
    elif not isinstance(node, dict):
        where = format_key_path(steps[:-1]) or "the top level"
        raise ScenarioError(source, path, value, f"allowed: no key {last!r}: {where} is not a table")
    node[last] = value
    return updated


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], source: str) -> dict[str, Any]:
    """A deep copy of ``data`` with every ``{key path: value}`` of ``overrides`` set, in order."""
    updated = data
    for path, value in overrides.items():
        updated = set_path(updated, path, value, source)
    return updated if overrides else copy.deepcopy(data)
