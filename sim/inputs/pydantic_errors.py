"""Turning pydantic's validation report into one line: file, key path, value, what is allowed.

Shared by scenario files and package files. Discriminated unions (interventions keyed by
``type``) put the tag into pydantic's error location; it is dropped so the key path reads as
the user wrote it (``interventions[0].budget_krw``).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import ScenarioError


def error_from(error: ValidationError, source: str, raw: dict[str, Any], root: type[BaseModel]) -> ScenarioError:
    """The first problem of a failed validation, as a ScenarioError naming where it is."""
    problems = error.errors()
    first = problems[0]
    location = _location(raw, first)
    key_path = key_path_of(location)
    value = first.get("input")
    if first["type"] == "missing":
        value, allowed = _Nothing(), "allowed: a value; this key is required"
    elif first["type"] == "extra_forbidden":
        allowed = f"unknown key; allowed keys here: {_allowed_keys(root, location, raw)}"
        value = location[-1] if location else value
    elif first["type"] == "union_tag_not_found":  # a table of a tagged list without its ``type``
        tags = _tags_at(root, location)
        value, allowed = _Nothing(), "a type is required; allowed: " + (", ".join(map(repr, tags)) or "a type")
        key_path = key_path_of([*location, "type"])
    elif first["type"] == "union_tag_invalid":
        allowed = "unknown type; allowed: " + first["ctx"]["expected_tags"]
        value = first["ctx"]["tag"]
        key_path = key_path_of([*location, "type"])
    else:
        allowed = "allowed: " + _friendly(first["msg"])
        if isinstance(value, dict | list) and first["type"] in ("value_error", "assertion_error"):
            table = value_at(raw, location) if location else None
            named = _key_named_in(first["msg"], table)
            if named is not None:  # a rule across keys: point at the first key it names
                key_path, value = key_path_of([*location, named]), table[named]
            else:
                value = _Section(key_path)
    others = problems[1:]
    if others:
        missing = [key_path_of(_location(raw, problem)) for problem in others if problem["type"] == "missing"]
        if len(missing) == len(others):
            shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
            allowed += f" (and {len(missing)} more missing: {shown})"
        else:
            allowed += f" (and {len(others)} more problem{'s' if len(others) > 1 else ''})"
    return ScenarioError(source, key_path, value, allowed)


class _Nothing:
    """Shown as ``got nothing`` (a required key that is missing)."""

    def __repr__(self) -> str:
        return "nothing"


class _Section:
    """Shown as ``got this table`` for a rule that spans a whole table."""

    def __init__(self, key_path: str) -> None:
        self.key_path = key_path

    def __repr__(self) -> str:
        return "this table" if self.key_path else "this file"


def _location(raw: dict[str, Any], problem: Any) -> list[Any]:
    return _clean_location(raw, [part for part in problem["loc"] if not str(part).startswith("function-after")])


def _key_named_in(message: str, table: Any) -> str | None:
    """The first key of ``table`` that ``message`` names as a word (``end must come after start`` -> ``end``)."""
    if not isinstance(table, dict):
        return None
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", message)
    for word in words:
        if word in table and not isinstance(table[word], dict | list):
            return word
    return None


def key_path_of(location: list[Any]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def value_at(raw: Any, location: list[Any]) -> Any:
    node = raw
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _friendly(message: str) -> str:
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _clean_location(raw: Any, location: list[Any]) -> list[Any]:
    """Drop union tags that pydantic inserts into locations (they are not keys of the data)."""
    cleaned: list[Any] = []
    node = raw
    for part in location:
        if isinstance(node, dict) and isinstance(part, str) and part not in node and node.get("type") == part:
            continue
        cleaned.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return cleaned


def _allowed_keys(root: type[BaseModel], location: list[Any], raw: Any) -> list[str]:
    model: Any = root
    node = raw
    for part in location[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = _model_of(field.annotation, node)
        if model is None:
            return []
    return sorted(model.model_fields) if hasattr(model, "model_fields") else []


def _tags_at(root: type[BaseModel], location: list[Any]) -> list[str]:
    """The ``type`` tags the tagged union at ``location`` accepts (``interventions[0]``: every instrument)."""
    model: Any = root
    candidates: list[type[BaseModel]] = []
    for part in location:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        candidates = _models_in(field.annotation)
        model = candidates[0] if len(candidates) == 1 else None
    tags = []
    for candidate in candidates:
        tag = candidate.model_fields.get("type")
        tags.extend(getattr(tag.annotation, "__args__", ()) if tag is not None else ())
    return [str(tag) for tag in tags]


def _model_of(annotation: Any, node: Any) -> Any:
    """The model class inside an annotation; for a list of tagged models, the one ``node`` names."""
    candidates = _models_in(annotation)
    if len(candidates) > 1 and isinstance(node, list):
        return None
    if len(candidates) > 1 and isinstance(node, dict):
        for candidate in candidates:
            tag = candidate.model_fields.get("type")
            if tag is not None and node.get("type") in getattr(tag.annotation, "__args__", ()):
                return candidate
    return candidates[0] if candidates else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_models_in(arg))
    return found
