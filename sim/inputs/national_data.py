"""The data a national model stands on (issue 16, items 1-2), read from ``scenarios/national/``.

Korea's 17 metropolitan cities and provinces, their labour force, key industries (seed 004),
employment by industry, commuting, migration, inter-regional trade, where attracted investment
comes from, and Korea's growth of real output, workers and productivity by industry. Each table
is a UTF-8 CSV with one row per fact and the columns ``source_title``, ``source_locator``,
``quote_or_table`` and ``note`` (the convention of the back-tests' ``observed.csv``); what each
table holds, its year and its gaps are in docs/national-data.md and scenarios/national/SOURCES.md.

This module only reads and checks: no model code uses it yet. Every problem is one
``ScenarioError`` naming the file, the key path (``line N.column``), the value and what is allowed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import ScenarioError
from sim.inputs.toml_reader import SHIPPED_DIR

NATIONAL_DIR = SHIPPED_DIR / "national"

#: Columns every national table ends with; title and locator may not be empty.
SOURCE_COLUMNS = ("source_title", "source_locator", "quote_or_table", "note")

#: KOSIS publishes these tables in thousands, each cell rounded on its own: a sum of two cells can
#: differ from the rounded total by up to three half-units (1,500 persons).
ROUNDING_UNIT_PERSONS = 1000
ROUNDING_SLACK_PERSONS = 3 * ROUNDING_UNIT_PERSONS // 2

#: Region code of a national (all-Korea) row, and the capital area as one group.
NATIONAL_CODE = "00"
CAPITAL_AREA = "capital_area"


@dataclass(frozen=True)
class Source:
    """Where a row comes from: title (publisher, table, year), URL or table id, the words or cell quoted."""

    title: str
    locator: str
    quote: str
    note: str


@dataclass(frozen=True)
class Region:
    """One of the 17 metropolitan cities and provinces (KOSTAT statistical code, e.g. "24" Gwangju)."""

    code: str
    name_en: str
    name_ko: str
    capital_area: bool
    group: str  # "capital_area", or the region's own code for the 14 non-metropolitan regions
    source: Source


@dataclass(frozen=True)
class LabourForce:
    """A region's population aged 15+ and its labour force in a year (persons, annual averages)."""

    region: str
    year: int
    population_15plus: int
    labour_force: int
    employed: int
    unemployed: int
    source: Source

    @property
    def unemployment_rate(self) -> float:
        """Unemployed over the labour force (share, 0-1)."""
        return self.unemployed / self.labour_force


@dataclass(frozen=True)
class KeyIndustry:
    """A region's key industry: ``tier`` "future" (or "main"), ``scope`` "regional" or "cooperative:<name>"."""

    region: str
    tier: str
    scope: str
    industry_en: str
    industry_ko: str
    ksic_assumed: tuple[str, ...]  # KSIC divisions the industry falls in (assumption, see the note)
    source: Source


@dataclass(frozen=True)
class IndustryEmployment:
    """Employed persons of a region (``"00"`` = Korea) in one industry (KSIC section, division or group)."""

    region: str
    year: int
    industry: str
    industry_name: str
    employed: int
    employed_all_industries: int
    source: Source

    @property
    def share(self) -> float:
        """The industry's share of the region's employed (0-1)."""
        return self.employed / self.employed_all_industries


@dataclass(frozen=True)
class Commuting:
    """Share of ``origin`` residents (codes joined by "+") commuting to ``destination`` ("other": any other region)."""

    origin: tuple[str, ...]
    destination: str
    year: int
    share: float
    measure: str
    source: Source


@dataclass(frozen=True)
class Migration:
    """A migration figure for a region (``"00"`` Korea, or ``"capital_area"``) and age band ("all", "20-29", ...)."""

    region: str
    age: str
    year: int
    measure: str
    value: float
    unit: str
    source: Source


@dataclass(frozen=True)
class MigrationFlow:
    """Movers from the ``origin`` sido to the ``destination`` sido in ``year`` (Statistics Korea, KOSIS DT_1B26001)."""

    origin: str
    destination: str
    year: int
    movers: int
    source: Source


@dataclass(frozen=True)
class TradeShare:
    """A share from the Bank of Korea's regional input-output tables (0-1) for a region and product group."""

    region: str
    products: str
    year: int
    measure: str
    value: float
    source: Source


@dataclass(frozen=True)
class InvestmentOrigin:
    """A fact on where attracted investment comes from; ``value`` is None where ``status`` is "not_found"."""

    measure: str
    value: float | None
    status: str
    source: Source


@dataclass(frozen=True)
class GrowthRate:
    """A yearly growth rate of Korea's real output, workers, productivity or pay by industry (percent)."""

    industry: str  # "manufacturing", "services" or "all"
    year: int
    measure: str  # real_value_added_growth, workers_growth, labour_productivity_growth, ...
    value_percent: float
    source: Source


#: The measures growth_by_industry.csv may hold.
GROWTH_MEASURES = {
    "real_value_added_growth",
    "workers_growth",
    "labour_productivity_growth",
    "hours_per_worker_growth",
    "real_wage_growth",
}


@dataclass(frozen=True)
class NationalData:
    """All national tables, checked against each other (every region code is one of the 17)."""

    regions: dict[str, Region]
    labour_force: list[LabourForce]
    national_totals: dict[int, LabourForce] = field(repr=False)
    key_industries: list[KeyIndustry] = field(repr=False)
    employment_by_industry: list[IndustryEmployment] = field(repr=False)
    commuting: list[Commuting] = field(repr=False)
    migration: list[Migration] = field(repr=False)
    interregional_trade: list[TradeShare] = field(repr=False)
    investment_origin: dict[str, InvestmentOrigin] = field(repr=False)
    #: Movers between the 17 sido by (origin, destination): every ordered pair once (migration_by_sido.csv).
    migration_flows: dict[tuple[str, str], MigrationFlow] = field(repr=False)
    #: Yearly growth by (industry, year, measure) (growth_by_industry.csv): national, no region.
    growth: dict[tuple[str, int, str], GrowthRate] = field(repr=False, default_factory=dict)

    def non_metropolitan(self) -> list[str]:
        """Codes of the 14 regions outside the capital area (seed 004's 14 cities and provinces)."""
        return [code for code, region in self.regions.items() if not region.capital_area]

    def groups(self) -> dict[str, list[str]]:
        """The 14 non-metropolitan regions plus the capital area as one: group name -> region codes."""
        out: dict[str, list[str]] = {}
        for code, region in self.regions.items():
            out.setdefault(region.group, []).append(code)
        return out

    def labour_force_in(self, year: int) -> dict[str, LabourForce]:
        """Each region's labour-force row of ``year``."""
        return {row.region: row for row in self.labour_force if row.year == year}


class _Rows:
    """The rows of one CSV with the helpers that turn cells into typed values or one-line errors."""

    def __init__(self, path: Path, columns: tuple[str, ...]) -> None:
        self.path = path
        if not path.is_file():
            raise ScenarioError(str(path), "", "missing", "allowed: a table shipped in scenarios/national/")
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                header = tuple(reader.fieldnames or ())
                self.rows = list(reader)
        except (UnicodeDecodeError, csv.Error) as error:
            raise ScenarioError(str(path), "", type(error).__name__, "allowed: a UTF-8 CSV file") from None
        wanted = (*columns, *SOURCE_COLUMNS)
        if header != wanted:
            raise ScenarioError(str(path), "header", list(header), f"allowed: the columns {', '.join(wanted)}")
        for index, row in enumerate(self.rows):
            if None in row or any(value is None for value in row.values()):
                raise ScenarioError(str(path), f"line {index + 2}", row, f"allowed: {len(wanted)} cells")

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for index, row in enumerate(self.rows):
            yield index + 2, row  # the header is line 1

    def fail(self, line: int, column: str, value: object, allowed: str) -> ScenarioError:
        return ScenarioError(str(self.path), f"line {line}.{column}", value, allowed)

    def source(self, line: int, row: dict[str, str]) -> Source:
        for column in ("source_title", "source_locator"):
            if not row[column].strip():
                raise self.fail(line, column, row[column], "allowed: every row names its source")
        return Source(row["source_title"], row["source_locator"], row["quote_or_table"], row["note"])

    def integer(self, line: int, row: dict[str, str], column: str, minimum: int = 0) -> int:
        try:
            value = int(row[column])
        except ValueError:
            raise self.fail(line, column, row[column], "allowed: a whole number") from None
        if value < minimum:
            raise self.fail(line, column, value, f"allowed: at least {minimum}")
        return value

    def number(self, line: int, row: dict[str, str], column: str, low: float, high: float) -> float:
        try:
            value = float(row[column])
        except ValueError:
            raise self.fail(line, column, row[column], "allowed: a number") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise self.fail(line, column, value, f"allowed: a number from {low} to {high}")
        return value

    def choice(self, line: int, row: dict[str, str], column: str, allowed: set[str]) -> str:
        value = row[column]
        if value not in allowed:
            raise self.fail(line, column, value, f"allowed: one of {', '.join(sorted(allowed))}")
        return value


def _regions(folder: Path) -> dict[str, Region]:
    table = _Rows(folder / "regions.csv", ("code", "name_en", "name_ko", "capital_area", "group"))
    regions: dict[str, Region] = {}
    for line, row in table:
        code = row["code"]
        if not (len(code) == 2 and code.isdigit()) or code == NATIONAL_CODE:
            raise table.fail(line, "code", code, "allowed: a two-digit KOSTAT region code other than 00")
        if code in regions:
            raise table.fail(line, "code", code, "allowed: each region once")
        capital = table.choice(line, row, "capital_area", {"true", "false"}) == "true"
        if row["group"] != (CAPITAL_AREA if capital else code):
            raise table.fail(line, "group", row["group"], f"allowed: {CAPITAL_AREA if capital else code}")
        if not row["name_en"].strip() or not row["name_ko"].strip():
            raise table.fail(line, "name_en", row["name_en"], "allowed: an English and a Korean name")
        regions[code] = Region(code, row["name_en"], row["name_ko"], capital, row["group"], table.source(line, row))
    if len(regions) != 17:
        raise ScenarioError(str(table.path), "rows", len(regions), "allowed: Korea's 17 cities and provinces")
    return regions


def _labour(path: Path, regions: set[str], *, national: bool = False) -> list[LabourForce]:
    """Labour-force rows; ``national`` tables have no region column (the row is Korea, code "00")."""
    columns = ("population_15plus", "labour_force", "employed", "unemployed")
    table = _Rows(path, ("year", *columns) if national else ("region", "year", *columns))
    out = []
    seen: set[tuple[str, str]] = set()
    for line, row in table:
        region = NATIONAL_CODE if national else table.choice(line, row, "region", regions)
        if (region, row["year"]) in seen:
            raise table.fail(line, "year", row["year"], f"allowed: one row per region and year (region {region})")
        seen.add((region, row["year"]))
        values = [table.integer(line, row, column) for column in columns]
        population, labour, employed, unemployed = values
        if abs(employed + unemployed - labour) > ROUNDING_SLACK_PERSONS:
            raise table.fail(
                line,
                "labour_force",
                labour,
                f"allowed: employed + unemployed ({employed + unemployed}), within rounding",
            )
        if labour > population:
            raise table.fail(line, "labour_force", labour, f"allowed: at most population_15plus ({population})")
        year = table.integer(line, row, "year", 1990)
        out.append(LabourForce(region, year, population, labour, employed, unemployed, table.source(line, row)))
    return out


def _key_industries(folder: Path, regions: set[str]) -> list[KeyIndustry]:
    table = _Rows(
        folder / "key_industries.csv", ("region", "tier", "scope", "industry_en", "industry_ko", "ksic_assumed")
    )
    out = []
    for line, row in table:
        region = table.choice(line, row, "region", regions)
        tier = table.choice(line, row, "tier", {"main", "future"})
        scope = row["scope"]
        if scope != "regional" and not (scope.startswith("cooperative:") and len(scope) > len("cooperative:")):
            raise table.fail(line, "scope", scope, "allowed: regional, or cooperative:<industry>")
        ksic = tuple(row["ksic_assumed"].split(";")) if row["ksic_assumed"] else ()
        for code in ksic:
            if not (len(code) == 3 and code[0].isalpha() and code[1:].isdigit()):
                raise table.fail(line, "ksic_assumed", code, "allowed: KSIC divisions like C30, joined by ;")
        out.append(
            KeyIndustry(region, tier, scope, row["industry_en"], row["industry_ko"], ksic, table.source(line, row))
        )
    return out


def _employment(folder: Path, regions: set[str]) -> list[IndustryEmployment]:
    table = _Rows(
        folder / "employment_by_industry.csv",
        ("region", "year", "industry", "industry_name", "employed", "employed_all_industries"),
    )
    out = []
    for line, row in table:
        region = table.choice(line, row, "region", regions | {NATIONAL_CODE})
        employed = table.integer(line, row, "employed")
        total = table.integer(line, row, "employed_all_industries", 1)
        if employed > total:
            raise table.fail(line, "employed", employed, f"allowed: at most employed_all_industries ({total})")
        if not row["industry"].strip():
            raise table.fail(line, "industry", row["industry"], "allowed: a KSIC code or group like C, C30, D+H+J+K")
        year = table.integer(line, row, "year", 1990)
        out.append(
            IndustryEmployment(
                region, year, row["industry"], row["industry_name"], employed, total, table.source(line, row)
            )
        )
    return out


#: Census commuters and students aged 12+ (2015); KOSTAT's experimental statistics' commuting workers with mobile
#: location data (2023, 2024); the Southeast Regional Statistics Office's commuters aged 15+ (2020).
_COMMUTING_MEASURES = {
    "share_of_commuters_and_students_12plus",
    "share_of_commuting_workers",
    "share_of_commuters_15plus",
}


def _commuting(folder: Path, regions: set[str]) -> list[Commuting]:
    table = _Rows(folder / "commuting.csv", ("origin", "destination", "year", "share", "measure"))
    out = []
    for line, row in table:
        origin = tuple(row["origin"].split("+"))
        for code in origin:
            if code not in regions:
                raise table.fail(line, "origin", row["origin"], "allowed: region codes joined by +")
        destination = table.choice(line, row, "destination", regions | {"other"})
        if destination in origin:
            raise table.fail(line, "destination", destination, "allowed: a region outside the origin")
        measure = table.choice(line, row, "measure", _COMMUTING_MEASURES)
        share = table.number(line, row, "share", 0.0, 1.0)
        out.append(
            Commuting(
                origin, destination, table.integer(line, row, "year", 1990), share, measure, table.source(line, row)
            )
        )
    return out


_MIGRATION_MEASURES = {
    "movers",
    "move_rate",
    "net_migration_rate",
    "net_migrants_5y",
    "movers_share_5y",
    "movers_share_1y",
}


def _migration(folder: Path, regions: set[str]) -> list[Migration]:
    table = _Rows(folder / "migration.csv", ("region", "age", "year", "measure", "value", "unit"))
    out = []
    for line, row in table:
        region = table.choice(line, row, "region", regions | {NATIONAL_CODE, CAPITAL_AREA})
        measure = table.choice(line, row, "measure", _MIGRATION_MEASURES)
        if measure.endswith("rate") or measure.startswith("movers_share"):
            value = table.number(line, row, "value", -1.0, 1.0)
        else:
            value = table.number(line, row, "value", -1e8, 1e8)
        age = row["age"]
        if age != "all" and not (len(age.split("-")) == 2 and all(part.isdigit() for part in age.split("-"))):
            raise table.fail(line, "age", age, "allowed: all, or an age band like 20-29")
        year = table.integer(line, row, "year", 1990)
        out.append(Migration(region, age, year, measure, value, row["unit"], table.source(line, row)))
    return out


def _migration_flows(folder: Path, regions: set[str]) -> dict[tuple[str, str], MigrationFlow]:
    """Movers by sido of origin and destination: each ordered pair of two different regions exactly once."""
    table = _Rows(folder / "migration_by_sido.csv", ("origin", "destination", "year", "movers", "unit"))
    out: dict[tuple[str, str], MigrationFlow] = {}
    for line, row in table:
        origin = table.choice(line, row, "origin", regions)
        destination = table.choice(line, row, "destination", regions - {origin})
        if (origin, destination) in out:
            raise table.fail(line, "destination", destination, f"allowed: each origin-destination pair once ({origin})")
        table.choice(line, row, "unit", {"persons"})
        movers = table.integer(line, row, "movers", 1)
        year = table.integer(line, row, "year", 1990)
        out[(origin, destination)] = MigrationFlow(origin, destination, year, movers, table.source(line, row))
    missing = sorted((o, d) for o in regions for d in regions if o != d and (o, d) not in out)
    if missing:
        origin, destination = missing[0]
        raise table.fail(len(out) + 1, "origin", f"{origin}->{destination}", "allowed: every pair of two regions")
    return out


def _trade(folder: Path, regions: set[str]) -> list[TradeShare]:
    table = _Rows(folder / "interregional_trade.csv", ("region", "products", "year", "measure", "value"))
    out = []
    for line, row in table:
        region = table.choice(line, row, "region", regions | {NATIONAL_CODE})
        value = table.number(line, row, "value", 0.0, 1.0)
        year = table.integer(line, row, "year", 1990)
        out.append(TradeShare(region, row["products"], year, row["measure"], value, table.source(line, row)))
    return out


def _investment(folder: Path) -> dict[str, InvestmentOrigin]:
    path = folder / "investment_origin.csv"
    table = _Rows(path, ("measure", "value", "status"))
    out: dict[str, InvestmentOrigin] = {}
    for line, row in table:
        status = table.choice(line, row, "status", {"found", "not_found"})
        if status == "not_found":
            if row["value"]:
                raise table.fail(line, "value", row["value"], "allowed: empty where status is not_found")
            value = None
        else:
            value = table.number(line, row, "value", 0.0, 1e12)
        if row["measure"] in out:
            raise table.fail(line, "measure", row["measure"], "allowed: each measure once")
        # a not_found row names what was searched in place of its source
        out[row["measure"]] = InvestmentOrigin(row["measure"], value, status, table.source(line, row))
    return out


def _growth(folder: Path) -> dict[tuple[str, int, str], GrowthRate]:
    table = _Rows(folder / "growth_by_industry.csv", ("industry", "year", "measure", "value_percent"))
    out: dict[tuple[str, int, str], GrowthRate] = {}
    for line, row in table:
        industry = table.choice(line, row, "industry", {"manufacturing", "services", "all"})
        year = table.integer(line, row, "year", 1990)
        measure = table.choice(line, row, "measure", GROWTH_MEASURES)
        value = table.number(line, row, "value_percent", -50.0, 50.0)
        if (industry, year, measure) in out:
            raise table.fail(line, "measure", measure, f"allowed: each measure once for {industry} in {year}")
        out[(industry, year, measure)] = GrowthRate(industry, year, measure, value, table.source(line, row))
    return out


def load_national_data(folder: Path | None = None) -> NationalData:
    """Read and check every national table in ``folder`` (default: the shipped ``scenarios/national``)."""
    folder = NATIONAL_DIR if folder is None else folder
    regions = _regions(folder)
    codes = set(regions)
    labour = _labour(folder / "labour_force.csv", codes)
    totals = {row.year: row for row in _labour(folder / "national_totals.csv", codes, national=True)}
    return NationalData(
        regions=regions,
        labour_force=labour,
        national_totals=totals,
        key_industries=_key_industries(folder, codes),
        employment_by_industry=_employment(folder, codes),
        commuting=_commuting(folder, codes),
        migration=_migration(folder, codes),
        interregional_trade=_trade(folder, codes),
        investment_origin=_investment(folder),
        migration_flows=_migration_flows(folder, codes),
        growth=_growth(folder),
    )
