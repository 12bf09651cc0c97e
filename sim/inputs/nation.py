"""Nation files: several regions run together, linked by trade, migration, investment and commuting (issue 16).

A nation file names its regions (each a scenario file, with an optional package) and the
trade between them: a share of one region's sector's sales outside the region that goes to
another region's assembly plants, so that what those plants make moves the seller's orders.
Every region runs on the nation's calendar (``start``, ``months``) and at its ``scale``.

    [nation]
    name = "two_regions"
    start = "2021-01"
    months = 60
    scale = 1.0

    [[regions]]
    name = "gwangju"
    scenario = "gwangju"            # a shipped scenario or a path beside this file
    package = "gwangju_2021"        # optional

    [[migration]]
    origin = "gwangju"
    destination = "south_jeolla"
    share_of_out_migrants = 0.3
    source = "KOSIS internal migration by origin and destination: ..."

    [[investment]]
    destination = "gwangju"         # of the firms Gwangju's incentives bring from other regions,
    origin = "south_jeolla"         # this share would have located here instead
    share_of_moved_firms = 0.1
    source = "..."

    [performance]                   # optional: seed 004's performance-based incentives
    intervention = "future_rnd"     # an intervention of the regions' packages (growth_stage, future_industry_rnd)
    review_months = 12
    performance_share = 0.05
    source = "..."
    [[commuting]]
    home = "south_jeolla"           # of the work region's in-commuters,
    work = "gwangju"                # this share lives in the home region
    share_of_in_commuters = 0.9
    source = "Population and Housing Census commuting by origin and destination: ..."

    [[trade]]
    seller = "south_jeolla"
    sector = "auto"
    buyer = "gwangju"
    share_of_outside_sales = 0.4
    source = "Bank of Korea inter-regional input-output table 2015: ..."

Bad input gets one line naming the file, the key path, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import ScenarioError
from sim.inputs.pydantic_errors import error_from
from sim.inputs.scenario import Name, Scenario, YearMonth, load_scenario
from sim.inputs.toml_reader import read_toml, resolve_path, shipped_names

#: Shipped nation files.
NATION_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "nations"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class NationHeader(_Strict):
    name: Name
    description: str = ""
    start: YearMonth
    months: Annotated[int, Field(ge=1, le=600)]
    scale: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0


class RegionEntry(_Strict):
    name: Name
    scenario: str
    package: str | None = None


class _Link(_Strict):
    """A link between two regions of the nation, with its source; ``ends`` names its two region fields."""

    ends: ClassVar[tuple[str, str]]
    source: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _two_regions(self) -> _Link:
        first, second = self.ends
        if getattr(self, first) == getattr(self, second):
            raise ValueError(f"{first} and {second} must be different regions")
        return self


class TradeLink(_Link):
    """A share of the seller sector's sales outside its region that goes to the buyer region's assembly plants."""

    ends: ClassVar[tuple[str, str]] = ("seller", "buyer")
    seller: Name
    sector: Name
    buyer: Name
    share_of_outside_sales: Annotated[float, Field(gt=0.0, le=1.0)]


class MigrationLink(_Link):
    """A share of the origin region's out-migrants who move to the destination region."""

    ends: ClassVar[tuple[str, str]] = ("origin", "destination")
    origin: Name
    destination: Name
    share_of_out_migrants: Annotated[float, Field(gt=0.0, le=1.0)]


class InvestmentLink(_Link):
    """A share of the firms the destination attracts from other Korean regions that would have gone to the origin."""

    ends: ClassVar[tuple[str, str]] = ("destination", "origin")
    destination: Name
    origin: Name
    share_of_moved_firms: Annotated[float, Field(gt=0.0, le=1.0)]


class PerformanceIncentive(_Strict):
    """Seed 004's performance-based incentives: money of one programme moved between regions by how it performs.

    Every ``review_months`` months, of what the regions' ``intervention`` has still to spend, the
    share ``performance_share`` is pooled and shared out again in proportion to each region's
    measured jobs per billion KRW spent (sim/nation/performance.py).
    """

    intervention: Name
    review_months: Annotated[int, Field(ge=1, le=120)] = 12
    performance_share: Annotated[float, Field(gt=0.0, le=1.0)]
    source: Annotated[str, Field(min_length=1)]


class CommutingLink(_Link):
    """A share of the work region's in-commuters who live in the home region (both need a [mobility] section).

    The share is of the work region's in-commuters (``in_commuter_share_of_jobs`` of its jobs at the start) because
    the work region's market holds the jobs and the seekers from outside whose flows the link divides
    (sim/nation/commuting.py); the home region's residents employed there follow from it.
    """

    ends: ClassVar[tuple[str, str]] = ("home", "work")
    home: Name
    work: Name
    share_of_in_commuters: Annotated[float, Field(gt=0.0, le=1.0)]


class NationFile(_Strict):
    nation: NationHeader
    regions: Annotated[list[RegionEntry], Field(min_length=1)]
    trade: list[TradeLink] = []
    migration: list[MigrationLink] = []
    investment: list[InvestmentLink] = []
    performance: PerformanceIncentive | None = None
    commuting: list[CommutingLink] = []


class Nation:
    """A validated nation file with its regions' scenarios loaded on the nation's calendar and scale."""

    def __init__(self, spec: NationFile, scenarios: dict[str, Scenario], source: str, folder: Path) -> None:
        self.spec = spec
        self.scenarios = scenarios
        self.source = source
        self.folder = folder

    @property
    def name(self) -> str:
        return self.spec.nation.name

    @property
    def region_names(self) -> list[str]:
        return [region.name for region in self.spec.regions]

    def package_of(self, region: str) -> str | None:
        """The region's package as written (a shipped name, or a path resolved beside the nation file)."""
        entry = next(item for item in self.spec.regions if item.name == region)
        if entry.package is None:
            return None
        beside = self.folder / entry.package
        return str(beside) if beside.suffix == ".toml" and beside.is_file() else entry.package


def shipped_nations() -> list[str]:
    return shipped_names(NATION_DIR)


def load_nation(name_or_path: Nation | str | Path, overrides: dict[str, Any] | None = None) -> Nation:
    """Read, validate and resolve a nation file (a shipped name or a path); ``overrides`` set nation keys.

    A Nation is returned as it is, or read again from its file when there are overrides.
    """
    if isinstance(name_or_path, Nation):
        if not overrides:
            return name_or_path
        name_or_path = name_or_path.source
    path = resolve_path(name_or_path, NATION_DIR)
    source = str(path)
    raw = read_toml(path, "nation", shipped_nations())
    for key, value in (overrides or {}).items():
        raw.setdefault("nation", {})[key] = value
    try:
        spec = NationFile.model_validate(raw)
    except ValidationError as error:
        raise error_from(error, source, raw, NationFile) from None
    return Nation(spec, _region_scenarios(spec, source, path.parent), source, path.parent)


def _region_scenarios(spec: NationFile, source: str, folder: Path) -> dict[str, Scenario]:
    names = [region.name for region in spec.regions]
    scenarios: dict[str, Scenario] = {}
    for index, region in enumerate(spec.regions):
        where = f"regions[{index}]"
        if names.index(region.name) != index:
            raise ScenarioError(source, f"{where}.name", region.name, "allowed: a name no other region has")
        beside = folder / region.scenario
        scenario = str(beside) if beside.suffix == ".toml" and beside.is_file() else region.scenario
        try:
            config = load_scenario(
                scenario, {"scenario.months": spec.nation.months, "scenario.scale": spec.nation.scale}
            )
        except ScenarioError as error:
            raise ScenarioError(source, f"{where}.scenario", region.scenario, f"it is invalid: {error}") from None
        if config.scenario.start != spec.nation.start:
            raise ScenarioError(
                source,
                f"{where}.scenario",
                region.scenario,
                f"it starts {config.scenario.start}; allowed: a scenario starting when the nation does "
                f"({spec.nation.start})",
            )
        scenarios[region.name] = config
    shares: dict[Any, float] = {}
    for index, link in enumerate(spec.trade):
        where = f"trade[{index}]"
        _check_ends(link, where, scenarios, source)
        sectors = scenarios[link.seller].sector_names
        if link.sector not in sectors:
            raise ScenarioError(
                source, f"{where}.sector", link.sector, f"allowed: a sector of {link.seller}: {list(sectors)}"
            )
        what = f"shares of {link.seller}'s {link.sector} sales to other regions"
        _add_share(shares, (link.seller, link.sector), link, "share_of_outside_sales", where, what, source)
    moving: dict[Any, float] = {}
    for index, link in enumerate(spec.migration):
        where = f"migration[{index}]"
        _check_ends(link, where, scenarios, source)
        _need_mobility(link, where, scenarios, source)
        what = f"shares of {link.origin}'s out-migrants"
        _add_share(moving, link.origin, link, "share_of_out_migrants", where, what, source)
    attracted: dict[Any, float] = {}
    for index, link in enumerate(spec.investment):
        where = f"investment[{index}]"
        _check_ends(link, where, scenarios, source)
        if scenarios[link.origin].investment is None:
            raise ScenarioError(
                source, f"{where}.origin", link.origin, "allowed: a region whose scenario has an [investment] section"
            )
        what = f"shares of the firms {link.destination} attracts from other regions"
        _add_share(attracted, link.destination, link, "share_of_moved_firms", where, what, source)
    commuting: dict[Any, float] = {}
    for index, link in enumerate(spec.commuting):
        where = f"commuting[{index}]"
        _check_ends(link, where, scenarios, source)
        _need_mobility(link, where, scenarios, source)
        what = f"shares of {link.work}'s in-commuters"
        _add_share(commuting, link.work, link, "share_of_in_commuters", where, what, source)
    return scenarios


def _need_mobility(link: _Link, where: str, scenarios: dict[str, Scenario], source: str) -> None:
    """Both regions of a migration or commuting link hold their residents (a [mobility] section)."""
    for key in link.ends:
        region = getattr(link, key)
        if scenarios[region].mobility is None:
            raise ScenarioError(
                source, f"{where}.{key}", region, "allowed: a region whose scenario has a [mobility] section"
            )


def _check_ends(link: _Link, where: str, scenarios: dict[str, Scenario], source: str) -> None:
    """Both regions a link names are regions of the nation, or a one-line error naming the key."""
    for key in link.ends:
        region = getattr(link, key)
        if region not in scenarios:
            raise ScenarioError(source, f"{where}.{key}", region, f"allowed: one of the regions {list(scenarios)}")


def _add_share(totals: dict[Any, float], key: Any, link: _Link, field: str, where: str, what: str, source: str) -> None:
    """Add a link's share to its group's total; shares of one group may add up to at most 1."""
    share = getattr(link, field)
    total = totals.get(key, 0.0) + share
    if total > 1.0 + 1e-12:
        raise ScenarioError(
            source, f"{where}.{field}", share, f"allowed: {what} that add up to at most 1 (they add up to {total:g})"
        )
    totals[key] = total
