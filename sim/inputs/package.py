"""Packages: a named list of interventions in a TOML file, laid on any scenario.

```toml
name = "sme_loans"
description = "Working-capital loans with an interest subsidy"

[[interventions]]
type = "working_capital_loans"
name = "loans"
start = "2021-01"
end = "2025-12"
budget_krw = 10e9
...
```

A package with no interventions is the baseline. ``with_total_budget`` rescales every
budget so that packages can be compared on the same money.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import ScenarioError
from sim.inputs.interventions import SETTINGS
from sim.inputs.limits import check_magnitudes
from sim.inputs.pydantic_errors import error_from
from sim.inputs.scenario import SCENARIO_DIR
from sim.inputs.toml_reader import load_with_inherits, resolve_path, shipped_names

PACKAGE_DIR = SCENARIO_DIR / "packages"

InterventionSpec = Annotated[
    Union[tuple(SETTINGS.values())],  # noqa: UP007 - built from the settings of every instrument
    Field(discriminator="type"),
]


class Package(BaseModel):
    """A validated package: a name and its interventions."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    #: A short name for figures and tables (default: the name).
    label: str = Field(default="", max_length=60)
    description: str = ""
    #: Names of the scenarios the package is written for (empty: any scenario). `compare`
    #: without packages given takes the shipped packages written for its scenario or any.
    scenarios: list[str] = Field(default_factory=list)
    interventions: list[InterventionSpec] = Field(default_factory=list)

    def written_for(self, scenario_name: str) -> bool:
        """Whether the package is meant for the scenario of this name (a package for any scenario is)."""
        return not self.scenarios or scenario_name in self.scenarios

    @model_validator(mode="after")
    def _unique_names(self) -> Package:
        names = [intervention.name for intervention in self.interventions]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"intervention names must be unique within a package; repeated: {duplicates}")
        return self

    def __repr__(self) -> str:
        from sim.inputs.reprs import package_repr

        return package_repr(self)

    def _repr_html_(self) -> str:
        from sim.inputs.reprs import package_html

        return package_html(self)

    @property
    def total_budget_krw(self) -> float:
        return float(sum(intervention.budget_krw for intervention in self.interventions))

    @property
    def display_label(self) -> str:
        """What figures and tables call the package: its label, or its name when it has none."""
        return self.label or self.name

    def to_dict(self) -> dict[str, Any]:
        """The package as plain data, ready to write back to TOML or JSON (no ``label`` key when it has none)."""
        data = self.model_dump(mode="json")
        if not data["label"]:
            del data["label"]
        return data

    def content_hash(self) -> str:
        """SHA-256 of the package's canonical JSON."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def with_total_budget(self, total_krw: float) -> Package:
        """The same package with every budget scaled so that they add up to ``total_krw``."""
        if total_krw < 0:
            raise ScenarioError(self.name, "equal budget", total_krw, "allowed: a non-negative amount of KRW")
        current = self.total_budget_krw
        if current <= 0:
            if total_krw == 0 or not self.interventions:
                return self
            raise ScenarioError(
                self.name,
                "interventions",
                "total budget 0",
                "cannot rescale a package whose budgets are all zero to a positive total",
            )
        data = self.to_dict()
        for intervention in data["interventions"]:
            intervention["budget_krw"] = intervention["budget_krw"] * total_krw / current
        return validate_package(data, self.name)


def combine_packages(packages: list[Package]) -> Package:
    """Lay several packages together as one (intervention names must stay unique)."""
    if len(packages) == 1:
        return packages[0]
    data = {
        "name": "+".join(package.name for package in packages),
        "label": " + ".join(package.display_label for package in packages)[:60],
        "description": "; ".join(package.description for package in packages if package.description),
        "interventions": [item for package in packages for item in package.to_dict()["interventions"]],
    }
    return validate_package(data, data["name"])


def resolve_package_path(name_or_path: str | Path) -> Path:
    """A path as given, or a shipped package's file for a bare name like ``gwangju_2021``."""
    return resolve_path(name_or_path, PACKAGE_DIR)


def shipped_packages() -> list[str]:
    return shipped_names(PACKAGE_DIR)


def validate_package(raw: dict[str, Any], source: str = "<package>") -> Package:
    check_magnitudes(raw, source)
    try:
        return Package.model_validate(raw)
    except ValidationError as error:
        raise error_from(error, source, raw, Package) from None


def load_package(package: str | Path | Package | dict[str, Any]) -> Package:
    """Load and validate a package from a shipped name, a path, plain data or a Package."""
    if isinstance(package, Package):
        return package
    if isinstance(package, dict):
        return validate_package(copy.deepcopy(package))
    path = resolve_package_path(package)
    return validate_package(load_with_inherits(path, "package", PACKAGE_DIR), str(path))
