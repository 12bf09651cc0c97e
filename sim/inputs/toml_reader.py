"""The one TOML reader of scenario and package files: shipped names, inheritance, encodings, errors.

A file may start from another with ``inherits = "gwangju"`` (a shipped name or a path
relative to the file) and override any key: tables merge key by key, any other value
replaces the parent's. ``drop_inherited = ["industries.other_manufacturing.employees"]``
removes inherited keys that do not apply (TOML has no null to override them with).

Files must be UTF-8 (a byte-order mark is accepted, as Windows editors write one). Korean
editors also save UTF-16 or CP949 (EUC-KR); such a file, or one that is not text at all,
gets a one-line :class:`~sim.errors.ScenarioError` naming the file and its likely encoding.
"""

from __future__ import annotations

import codecs
import copy
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.inputs.keypath import parse_key_path

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def resolve_path(name_or_path: str | Path, folder: Path) -> Path:
    """A path as given, or the shipped file ``folder/<name>.toml`` for a bare name like ``gwangju``."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.parent != Path("."):
        return path
    shipped = folder / f"{name_or_path}.toml"
    try:
        return shipped if shipped.exists() else path
    except (OSError, ValueError):  # a name too long for the file system, a NUL in it
        return path


def shipped_names(folder: Path) -> list[str]:
    """Names of the shipped files in ``folder`` (without ``.toml``)."""
    return sorted(p.stem for p in folder.glob("*.toml"))


def _likely_encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(data) > 1 and b"\x00" in data[:2]):
        return "UTF-16"
    if data.startswith(b"\x7fELF") or b"\x00" in data[:1024]:
        return "binary data, not text"
    try:
        data.decode("cp949")
    except UnicodeDecodeError:
        return "not UTF-8 text (unknown encoding)"
    return "CP949/EUC-KR (Korean) or Latin-1"


def read_toml(path: Path, kind: str, shipped: list[str]) -> dict[str, Any]:
    """Parse one TOML file; every problem is a one-line ScenarioError naming the file.

    ``kind`` ("scenario", "package") and ``shipped`` (its shipped names) word the message for
    a missing file.
    """
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError(
            str(path)[:200], "", str(path)[:200], f"cannot read it ({reason}); allowed: a {kind} .toml file"
        ) from None
    if not exists:
        listed = f" or one of {shipped}" if shipped else ""
        raise ScenarioError(
            str(path),
            "",
            str(path),
            f"no such file; allowed: a {kind} .toml file{listed}",
        )
    if is_dir:
        raise ScenarioError(str(path), "", str(path), f"this is a folder; allowed: a {kind} .toml file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScenarioError(
            str(path), "", str(path), f"cannot read it ({error.strerror}); allowed: a readable {kind} file"
        ) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            str(path), "", f"a file in {_likely_encoding(data)}", "allowed: UTF-8 text; save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(
            str(path),
            "",
            "invalid TOML",
            f"TOML syntax error ({' '.join(str(error).split())}); allowed: a valid TOML file",
        ) from None


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (numbers, lists) replaces the base's."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _drop_key(data: dict[str, Any], path: str, source: str) -> bool:
    """Remove the value at a key path (the one grammar of sim.inputs.keypath); False if it is not there."""
    *parents, last = parse_key_path(path, source, path)
    node: Any = data
    for step in parents:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            return False
    elif not isinstance(node, dict) or last not in node:
        return False
    del node[last]
    return True


def load_with_inherits(path: Path, kind: str, folder: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a file and everything it inherits, merged, as plain data (not yet validated)."""
    raw = read_toml(path, kind, shipped_names(folder))
    parent = raw.pop("inherits", None)
    dropped = raw.pop("drop_inherited", [])
    if not isinstance(dropped, list) or not all(isinstance(key, str) for key in dropped):
        raise ScenarioError(
            str(path), "drop_inherited", dropped, "allowed: a list of key paths such as 'shocks.tariff'"
        )
    if parent is None:
        if dropped:
            raise ScenarioError(str(path), "drop_inherited", dropped, "allowed only with inherits")
        return raw
    if not isinstance(parent, str):
        raise ScenarioError(str(path), "inherits", parent, f"allowed: a shipped {kind} name or a .toml path")
    parent_path = resolve_path(parent, folder)
    if not parent_path.is_absolute() and not parent_path.exists():
        parent_path = path.parent / parent_path
    parent_path = parent_path.resolve()
    if parent_path in seen or parent_path == path.resolve():
        raise ScenarioError(str(path), "inherits", parent, f"a {kind} may not inherit from itself")
    try:
        inherited = load_with_inherits(parent_path, kind, folder, (*seen, path.resolve()))
    except ScenarioError as error:
        if error.source != str(parent_path) or error.key_path:
            raise
        # The inherited file itself cannot be read: the fault is this file's inherits key.
        raise ScenarioError(str(path), "inherits", parent, f"{error.allowed} (reading {parent_path})") from None
    for index, key in enumerate(dropped):
        if not _drop_key(inherited, key, f"{path}: drop_inherited[{index}]"):
            raise ScenarioError(
                str(path), f"drop_inherited[{index}]", key, f"not a key of the inherited {kind} {parent!r}"
            )
    return deep_merge(inherited, raw)
