"""Short readable representations of scenarios and packages, for the terminal and notebooks.

A validated scenario holds hundreds of values; its default (pydantic) representation
prints them all. ``repr(scenario)`` is instead a few lines a modeller reads: what region,
when, at what scale, which sectors and which shocks; ``scenario.to_dict()`` has the rest.
Notebooks show the same as a small HTML table (``_repr_html_``).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.inputs.package import Package
    from sim.inputs.scenario import Scenario


def scenario_facts(scenario: Scenario) -> list[tuple[str, str]]:
    """(label, text) pairs that describe a scenario in brief."""
    info = scenario.scenario
    shocks = []
    for name in type(scenario.shocks).model_fields:
        value = getattr(scenario.shocks, name)
        if isinstance(value, list) and value:
            shocks.append(f"{name} x{len(value)}" if len(value) > 1 else name)
        elif value is not None and not isinstance(value, list):
            shocks.append(name)
    facts = [
        ("region", info.region),
        ("period", f"{info.months} months from {info.start}"),
        ("scale", f"{info.scale:g} (share of the population simulated)"),
        ("labour force", f"{scenario.population.labour_force:,} people"),
        ("chains", ", ".join(scenario.chain_names) or "none"),
        ("industries", ", ".join(scenario.industries)),
        ("shocks", ", ".join(shocks) or "none"),
    ]
    if info.description:
        facts.insert(0, ("description", info.description))
    return facts


def scenario_repr(scenario: Scenario) -> str:
    lines = [f"Scenario {scenario.scenario.name!r}"]
    lines += [f"  {label}: {text}" for label, text in scenario_facts(scenario)]
    return "\n".join(lines)


def scenario_html(scenario: Scenario) -> str:
    return _html_table(f"Scenario {scenario.scenario.name!r}", scenario_facts(scenario))


def package_facts(package: Package) -> list[tuple[str, str]]:
    facts = [
        ("budget", f"{package.total_budget_krw / 1e9:,.2f} bn KRW (full population)"),
        ("written for", ", ".join(package.scenarios) or "any scenario"),
    ]
    for item in package.interventions:
        label = getattr(item, "label", "") or item.type
        facts.append((item.name, f"{label}; {item.budget_krw / 1e9:,.2f} bn KRW"))
    if package.description:
        facts.insert(0, ("description", package.description))
    return facts


def package_repr(package: Package) -> str:
    lines = [f"Package {package.name!r}"]
    lines += [f"  {label}: {text}" for label, text in package_facts(package)]
    return "\n".join(lines)


def package_html(package: Package) -> str:
    return _html_table(f"Package {package.name!r}", package_facts(package))


def _html_table(title: str, facts: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><th style='text-align:left'>{escape(label)}</th><td style='text-align:left'>{escape(text)}</td></tr>"
        for label, text in facts
    )
    return f"<table><caption style='text-align:left'><b>{escape(title)}</b></caption>{rows}</table>"
