"""Write the Korea nation (scenarios/nations/korea.toml) and its 17 region files from the sourced tables.

    python scripts/build_korea.py            # writes scenarios/nations/korea.toml and regions/korea/r*.toml
    python scripts/build_korea.py --check    # exit 1 if the files on disk differ from what the tables give

Every number written comes from scenarios/national/ (docs/national-data.md), with its source in a comment:

- labour force and unemployment rate: Economically Active Population Survey 2023 annual
  (labour_force.csv, KOSIS DT_1DA7004S);
- manufacturing jobs: the region's 2023 employed times its share of employed in mining and
  manufacturing (EAPS, KOSIS DT_1DA7E33S, the 2025 column: employment_by_industry.csv rows B+C);
- manufacturing by KSIC division (C10, C20, C24, C26, C28, C29, C30, C31): those jobs times the
  division's share of the region's manufacturing employees in the Mining and Manufacturing Survey
  2024 (establishments with 10+ workers, KOSIS DT_1FS1101: employment_by_industry.csv rows of 2024);
  a division Statistics Korea suppressed has no row and gets 0 (its workers are in other_manufacturing);
- inward arrivals and industrial complexes: Gwangju's scaled by the labour-force ratio (assumption,
  as benchmarks/national_run.py's synthetic nation);
- migration between the regions: each [[migration]] link's share is the origin's 2023 movers to the
  destination over all its movers to other sido (Internal Migration Statistics by sido of origin and
  destination, KOSIS DT_1B26001: migration_by_sido.csv), so an origin's shares add up to 1 (every
  inter-sido mover goes to a region of the nation); each region's out- and in-migration rates are
  Gwangju's age profile scaled by the region's sourced movers per person aged 15+ relative to
  Gwangju's, in-migration with the same scale as out-migration (see _mobility);
- participation by age: Gwangju's profile scaled so that the region's participation of those aged 15+ is its
  2023 labour force over its population aged 15+ (EAPS, labour_force.csv), which sizes its population;
- growth (the same in every region: no real growth by sido and industry is in scenarios/national/, an
  assumption): each manufacturing division's sales outside the region grow at manufacturing's 2024 real value
  added growth, and the services industry's outside sales and the autonomous part of local services demand at
  services' (Bank of Korea national accounts); output per worker grows at value added over workers (Korea
  Productivity Center, workers from the establishment survey, not the EAPS): see growth_rates;
- pensions (households' income beyond pay, sim/region/households.py): the mean pension income of a person aged
  65+ (recipients' share x recipients' mean) of the region in 2022 (Statistics Korea, Pension Statistics by sido:
  pensions_by_sido.csv), carried to 2023 with the nation's mean per person aged 65+ (see pension_lines); their
  real growth is Gwangju's scenario's (the nation's, scenarios/gwangju.toml);
- the job-finding rate of the unemployed: derived so that the region's sourced 2023 unemployment rate is the steady
  state of Gwangju's flows into unemployment (see job_finding_rate); the matching efficiency (mu) is derived from it at
  the start (sim/region/labour_market.py calibrate_matching), so each region's from its own target.

The capital area is three regions (Seoul, Incheon, Gyeonggi): every table is by sido, so the three are
sized from their own rows, and the capital-area group of regions.csv stays available to the analyst.
Everything else is regions/korea/base_2023.toml (Gwangju's scenario, its sources there).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "scenarios" / "national"
NATION_FILE = ROOT / "scenarios" / "nations" / "korea.toml"
REGION_DIR = ROOT / "scenarios" / "nations" / "regions" / "korea"

#: The labour-force year the regions are sized to, and the years of the industry tables.
LABOUR_YEAR, EAPS_INDUSTRY_YEAR, SURVEY_YEAR = 2023, 2025, 2024
#: KSIC division -> the base file's industry (scenarios/nations/regions/korea/base_2023.toml).
DIVISIONS = {
    "C30": "motor_vehicles",
    "C31": "ships",
    "C29": "machinery",
    "C26": "electronics",
    "C28": "electrical_equipment",
    "C20": "chemicals",
    "C24": "basic_metals",
    "C10": "food",
}
#: Gwangju's values that the regions scale by labour force (scenarios/gwangju.toml, assumptions there).
GWANGJU_LABOUR_FORCE = 760_000
GWANGJU_ARRIVALS_PER_YEAR = 6
GWANGJU_INDUSTRIAL_COMPLEXES = 10
#: Gwangju's region code: its scenario (scenarios/gwangju.toml) holds the sourced migration level the regions scale.
GWANGJU_CODE = "24"
GWANGJU_SCENARIO = ROOT / "scenarios" / "gwangju.toml"
#: The year of the migration table (Internal Migration Statistics 2023, migration_by_sido.csv).
MIGRATION_YEAR = 2023
#: Decimals of a link's share: written rounded down, so an origin's shares add up to at most 1.
SHARE_DECIMALS = 6


def _gwangju_scenario() -> dict:
    with GWANGJU_SCENARIO.open("rb") as handle:
        return tomllib.load(handle)


def job_finding_rate(
    unemployment_rate: float, gwangju: dict, participation: list[float], out_rates: list[float], in_rates: list[float]
) -> tuple[float, float, float, float]:
    """The monthly job-finding rate that holds ``unemployment_rate`` steady, with its inflows (f, s, m, o).

    Steady state of the unemployed U in a labour force L = E + U, per member of L a month: f u = s (1 - u) + e + m
    - o u, u = U / L. s: the employed's separations into unemployment; scenarios/gwangju.toml derives its quits
    from f_G u_G = s (1 - u_G) + e at its 3.5% unemployment, job finding 1/8 (KLI Panel Brief 21) and entry e =
    1/480 a month, so s = (f_G u_G - e) / (1 - u_G) = 0.24% of the employed a month, taken for every region
    (base_2023.toml: Gwangju's flows; assumption, no separations into unemployment by sido were found). m: the
    in-migrants who join the labour force (they arrive as job seekers, sim/region/mobility.py), the region's
    in-migration rates by age (its [mobility], from its sourced movers) weighted by the labour force's age mix
    (Gwangju's population shares x the region's participation by age); o: the unemployed who move out, at the
    out-migration rates with the same weights (the employed who move out leave no one unemployed).
    """
    population, mobility = gwangju["population"], gwangju["mobility"]
    u_g, entry = population["unemployment_rate"], population["entry_rate_per_month"]
    f_g = gwangju["labour_market"]["job_finding_rate_per_month"]
    inflow = (f_g * u_g - entry) / (1.0 - u_g)
    weights = [share * rate for share, rate in zip(mobility["population_share_by_age"], participation, strict=True)]
    arriving = sum(w * rate for w, rate in zip(weights, in_rates, strict=True)) / sum(weights) / 12.0
    leaving = sum(w * rate for w, rate in zip(weights, out_rates, strict=True)) / sum(weights) / 12.0
    u = unemployment_rate
    return (inflow * (1.0 - u) + entry + arriving - leaving * u) / u, inflow, arriving, leaving


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [(line, row) for line, row in enumerate(csv.DictReader(handle), start=2)]


def region_name(name_en: str) -> str:
    """The nation file's name of a region: its English name in lower case (``"seoul"``)."""
    return name_en.lower().replace(" ", "_").replace("-", "_")


def build() -> dict[Path, str]:
    """Every file's text, by path, from the tables."""
    regions = {row["code"]: row for _, row in _rows("regions.csv")}
    labour = {row["region"]: (line, row) for line, row in _rows("labour_force.csv") if int(row["year"]) == LABOUR_YEAR}
    industry = _rows("employment_by_industry.csv")
    eaps = {
        row["region"]: (line, row)
        for line, row in industry
        if int(row["year"]) == EAPS_INDUSTRY_YEAR and row["industry"] == "B+C"
    }
    survey = {
        (row["region"], row["industry"]): (line, row)
        for line, row in industry
        if int(row["year"]) == SURVEY_YEAR and row["industry"] in DIVISIONS
    }
    flows = migration_flows()
    gwangju = _gwangju_mobility()
    growth = _growth_lines(growth_rates())
    plan = commuting_plan(regions, labour, gwangju)
    files: dict[Path, str] = {}
    entries = []
    for code, region in regions.items():
        name = region_name(region["name_en"])
        file = REGION_DIR / f"r{code}_{name}.toml"
        participation, out_rates, in_rates, mobility = _mobility(code, flows, labour, gwangju)
        mobility += _commuting_shares(plan[code])
        unemployment_rate = int(labour[code][1]["unemployed"]) / int(labour[code][1]["labour_force"])
        market = _labour_market(unemployment_rate, participation, out_rates, in_rates)
        files[file] = _region_file(
            code, region, labour[code], eaps[code], survey, market + mobility, _population(plan[code]), growth
        )
        entries.append((name, file.relative_to(NATION_FILE.parent).as_posix(), region))
    files[NATION_FILE] = _nation_file(entries, _migration_links(regions, flows) + _commuting_links(regions, plan))
    return files


def migration_flows() -> dict[tuple[str, str], tuple[int, int]]:
    """Movers of MIGRATION_YEAR by (origin code, destination code), with the CSV line of each."""
    return {
        (row["origin"], row["destination"]): (int(row["movers"]), line)
        for line, row in _rows("migration_by_sido.csv")
        if int(row["year"]) == MIGRATION_YEAR
    }


def moved_out(code: str, flows: dict[tuple[str, str], tuple[int, int]]) -> int:
    """The region's movers to the other 16 sido (KOSIS DT_1B26001)."""
    return sum(movers for (origin, _), (movers, _) in flows.items() if origin == code)


def moved_in(code: str, flows: dict[tuple[str, str], tuple[int, int]]) -> int:
    """The region's movers from the other 16 sido (KOSIS DT_1B26001)."""
    return sum(movers for (_, destination), (movers, _) in flows.items() if destination == code)


def link_share(origin: str, destination: str, flows: dict[tuple[str, str], tuple[int, int]]) -> float:
    """The destination's share of the origin's movers to other sido, rounded down to SHARE_DECIMALS."""
    unit = 10**SHARE_DECIMALS
    return math.floor(flows[(origin, destination)][0] / moved_out(origin, flows) * unit) / unit


def _gwangju_mobility() -> dict[str, list[float]]:
    return _gwangju_scenario()["mobility"]


def participation_scale(code: str, labour: dict[str, tuple[int, dict[str, str]]], mobility: dict) -> float:
    """The region's sourced participation of those aged 15+ over Gwangju's profile's (population shares x rates).

    EAPS 2023 (labour_force.csv): labour force / population aged 15+, 59.6% (Busan) to 70.6% (Jeju); Gwangju's
    profile (scenarios/gwangju.toml [mobility]) gives 64.3%. The model sizes a region's population aged 15+ as its
    labour force over this participation (sim/region/mobility.py populate_residents).
    """
    row = labour[code][1]
    shares, rates = mobility["population_share_by_age"], mobility["participation_rate_by_age"]
    profile = sum(share * rate for share, rate in zip(shares, rates, strict=True))
    return int(row["labour_force"]) / int(row["population_15plus"]) / profile


def _mobility(
    code: str,
    flows: dict[tuple[str, str], tuple[int, int]],
    labour: dict[str, tuple[int, dict[str, str]]],
    gwangju: dict[str, list[float]],
) -> tuple[list[float], list[float], list[float], list[str]]:
    """The region's participation and migration rates (out, in) by age and its [mobility] lines.

    Participation: Gwangju's rates by age times participation_scale, so the region's population aged 15+ is its
    labour force over its sourced participation. Out-migration: Gwangju's rates by age times (the region's movers
    to other sido per person aged 15+) / (Gwangju's), so with the population sized as sourced the regions'
    out-migrants stand to each other as the sourced movers do, at Gwangju's level. In-migration: the
    out-migration rates times the region's movers in / movers out (same age shape, an assumption), so its
    in-migrants at the start equal what the links bring (sim/nation/migration.py takes the links' expected flow
    out of the region's own in-migration): the nation's moves balance, as KOSIS counts each move once out of one
    sido and once into another.
    """
    out, into = moved_out(code, flows), moved_in(code, flows)
    row, gwangju_row = labour[code], labour[GWANGJU_CODE]
    population, gwangju_population = int(row[1]["population_15plus"]), int(gwangju_row[1]["population_15plus"])
    reference = moved_out(GWANGJU_CODE, flows) / gwangju_population
    scale = out / population / reference
    rates = [rate * scale for rate in gwangju["out_migration_rate_per_year_by_age"]]
    net = [rate * (into / out - 1.0) for rate in rates]
    factor = participation_scale(code, labour, gwangju)
    participation = [round(rate * factor, 6) for rate in gwangju["participation_rate_by_age"]]
    lines = [
        "",
        "[mobility]",
        f"# Participation by age: Gwangju's (scenarios/gwangju.toml) x {factor:.4f} = the region's participation of",
        f"# those aged 15+, {int(row[1]['labour_force']):,} / {int(row[1]['population_15plus']):,} "
        f"(EAPS {LABOUR_YEAR}, labour_force.csv line {row[0]}),",
        "# over Gwangju's profile's (population shares x participation by age); the age shape is Gwangju's",
        "# (assumption: no participation by age and sido in scenarios/national/).",
        "participation_rate_by_age = [" + ", ".join(f"{rate:.6f}" for rate in participation) + "]",
        f"# Movers to other sido {out:,}, from other sido {into:,} (Internal Migration Statistics {MIGRATION_YEAR}, "
        "KOSIS DT_1B26001,",
        f"# migration_by_sido.csv); population aged 15+ {population:,} (same EAPS row). Out-migration: Gwangju's "
        f"rates by age x {scale:.4f}",
        f"# = ({out:,} / {population:,}) / (Gwangju's {moved_out(GWANGJU_CODE, flows):,} / {gwangju_population:,}). "
        f"Net: out-migration x ({into:,} / {out:,} - 1),",
        "# in-migrants with the out-migrants' age shape (assumption), so the region's in-migration at the start is",
        "# what the nation's [[migration]] links bring (../../korea.toml).",
        "out_migration_rate_per_year_by_age = [" + ", ".join(f"{rate:.6f}" for rate in rates) + "]",
        "net_migration_rate_per_year_by_age = [" + ", ".join(f"{rate:.6f}" for rate in net) + "]",
    ]
    in_rates = [rate + change for rate, change in zip(rates, net, strict=True)]
    return participation, rates, in_rates, lines


def _migration_links(regions: dict[str, dict[str, str]], flows: dict[tuple[str, str], tuple[int, int]]) -> list[str]:
    lines = [
        "",
        "# Migration between the regions: a share of each region's out-migrants settles in each other region,",
        f"# its {MIGRATION_YEAR} movers there over all its movers to other sido (Statistics Korea, Internal Migration",
        "# Statistics, KOSIS DT_1B26001, as exported in github.com/yun0612/region-insight; migration_by_sido.csv),",
        f"# rounded down to {SHARE_DECIMALS} decimals. Every inter-sido mover goes to a region of the nation.",
    ]
    names = {code: region_name(region["name_en"]) for code, region in regions.items()}
    for origin in regions:
        out = moved_out(origin, flows)
        for destination in regions:
            if destination == origin:
                continue
            movers, line = flows[(origin, destination)]
            lines += [
                "",
                "[[migration]]",
                f'origin = "{names[origin]}"',
                f'destination = "{names[destination]}"',
                f"share_of_out_migrants = {link_share(origin, destination, flows):.{SHARE_DECIMALS}f}",
                f'source = "KOSIS DT_1B26001 {MIGRATION_YEAR}: {movers:,} of {out:,} movers to other sido '
                f'(migration_by_sido.csv line {line})"',
            ]
    return lines


#: The year of the pension table by sido (pensions_by_sido.csv), and the year it is carried to (LABOUR_YEAR).
PENSION_YEAR = 2022


def pension_lines(code: str) -> list[str]:
    """The region's [households] pension line: its PENSION_YEAR mean pension per person aged 65+ carried to LABOUR_YEAR.

    Mean per person aged 65+ = recipients' share x recipients' mean (Pension Statistics); carried with the nation's
    change of that mean (assumption: each region's ratio to the nation holds from one year to the next).
    """
    rows = {(row["region"], int(row["year"])): (line, row) for line, row in _rows("pensions_by_sido.csv")}

    def per_person(region: str, year: int) -> tuple[int, float, dict[str, str]]:
        line, row = rows[(region, year)]
        return line, float(row["recipient_rate_percent"]) / 100.0 * int(row["mean_pension_krw"]), row

    line, own, row = per_person(code, PENSION_YEAR)
    before_line, before, _ = per_person("00", PENSION_YEAR)
    after_line, after, _ = per_person("00", LABOUR_YEAR)
    value = own * after / before
    return [
        "",
        "[households]",
        f"# Derived: {row['recipient_rate_percent']}% of those aged 65+ receiving a mean "
        f"{int(row['mean_pension_krw']):,} KRW a month = {own:,.0f} ({PENSION_YEAR}",
        f"# Pension Statistics by sido, pensions_by_sido.csv line {line}), x the nation's mean per person aged 65+ "
        f"{after:,.0f} ({LABOUR_YEAR}, line {after_line})",
        f"# / {before:,.0f} ({PENSION_YEAR}, line {before_line}) (assumption: the region's ratio to the nation held); "
        "growth: base_2023.toml's (Gwangju's).",
        f"pension_krw_per_person_per_month = {round(value):_}",
    ]


def _region_file(
    code: str,
    region: dict[str, str],
    labour: tuple[int, dict[str, str]],
    eaps: tuple[int, dict[str, str]],
    survey: dict[tuple[str, str], tuple[int, dict[str, str]]],
    mobility: list[str],
    population: list[str],
    growth: dict[str, list[str]],
) -> str:
    labour_line, lf = labour
    eaps_line, bc = eaps
    labour_force, employed = int(lf["labour_force"]), int(lf["employed"])
    bc_employed, bc_total = int(bc["employed"]), int(bc["employed_all_industries"])
    manufacturing = round(employed * bc_employed / bc_total)
    ratio = labour_force / GWANGJU_LABOUR_FORCE
    name = region_name(region["name_en"])
    lines = [
        f"# {region['name_en']} ({region['name_ko']}, KOSTAT code {code}) in {LABOUR_YEAR}, "
        "one region of the Korea nation",
        "# (../../korea.toml). Generated by scripts/build_korea.py from scenarios/national/*.csv: do not edit by hand;",
        "# change the tables or the script and run it again. Everything not set here is base_2023.toml's (Gwangju's",
        "# scenario with manufacturing by KSIC division; assumptions for this region, sources there).",
        "",
        'inherits = "base_2023.toml"',
        "",
        "[scenario]",
        f'name = "korea_{name}"',
        f'description = "{region["name_en"]} in {LABOUR_YEAR}: labour force and manufacturing by KSIC division '
        'from Statistics Korea (Korea nation)"',
        f'region = "{region["name_ko"]} ({region["name_en"]})"',
        "",
        "[population]",
        *population,
        "",
        "[firms]",
        f"industrial_complexes = {max(round(GWANGJU_INDUSTRIAL_COMPLEXES * ratio), 1)}  "
        f"# assumption: Gwangju's {GWANGJU_INDUSTRIAL_COMPLEXES} x labour force / Gwangju's "
        f"{GWANGJU_LABOUR_FORCE:,} (a label of sites)",
        "",
        "[investment]",
        f"arrivals_per_year = {GWANGJU_ARRIVALS_PER_YEAR * ratio:.3f}  "
        f"# assumption: Gwangju's {GWANGJU_ARRIVALS_PER_YEAR} a year x labour force / Gwangju's "
        f"{GWANGJU_LABOUR_FORCE:,}",
        "",
        f"# Manufacturing jobs: {employed:,} employed ({LABOUR_YEAR}, labour_force.csv line {labour_line}) "
        f"x {bc_employed:,} / {bc_total:,}",
        f"# employed in mining and manufacturing (EAPS, KOSIS DT_1DA7E33S, {EAPS_INDUSTRY_YEAR}; "
        f"employment_by_industry.csv line {eaps_line})",
        f"# = {manufacturing:,}, split by each division's share of the region's manufacturing employees "
        "in the Mining and",
        f"# Manufacturing Survey {SURVEY_YEAR} (KOSIS DT_1FS1101, establishments with 10+ workers). "
        "Years and bases differ",
        "# (residence against workplace; all firms against 10+): an assumption that the shares carry over.",
    ]
    divisions_total = 0
    for division, sector in DIVISIONS.items():
        found = survey.get((code, division))
        if found is None:
            jobs = 0
            note = f"{division}: no figure (suppressed or no establishment); its workers are in other_manufacturing"
        else:
            line, row = found
            count, total = int(row["employed"]), int(row["employed_all_industries"])
            jobs = round(manufacturing * count / total)
            where = f"({division}, employment_by_industry.csv line {line})"
            note = f"derived: {manufacturing:,} x {count:,} / {total:,} {where}"
        divisions_total += jobs
        lines += ["", f"[industries.{sector}]", f"employees = {jobs:_}  # {note}", *growth["manufacturing"]]
    other = manufacturing - divisions_total
    lines += [
        "",
        "[industries.other_manufacturing]",
        f"employees = {other:_}  # derived: {manufacturing:,} manufacturing jobs less the divisions above",
        *growth["manufacturing"],
        "",
        "[industries.services]",
        *growth["services"],
        "",
        "[markets]",
        *growth["markets"],
        *pension_lines(code),
        *mobility,
        "",
    ]
    return "\n".join(lines)


#: The year of the growth rates (growth_by_industry.csv): the latest with both the Bank of Korea's real value added
#: and the Korea Productivity Center's workers by industry. Applied from the nation's start (2023-01): an assumption
#: (2023's real growth, 1.7% in manufacturing and 2.1% in services, has no workers by industry in the table).
GROWTH_YEAR = 2024


def growth_rates() -> dict[str, tuple[float, float, str, str]]:
    """Per model industry (manufacturing, services): yearly growth of real output and of output per worker, sourced.

    From growth_by_industry.csv (GROWTH_YEAR), with the text of each source.

    Output: the Bank of Korea's real value added growth of the industry. Output per worker = (1 + value added
    growth) / (1 + workers growth) - 1, the growth-accounting identity output = workers x output per worker.
    Manufacturing: the Korea Productivity Center's value added (4.0%, the Bank of Korea's) over its workers
    (0.5%, the Ministry of Employment and Labor's establishment survey). Services: the KPC's labour productivity
    per labour input (workers x hours, 2.3%) times all industries' hours per worker (-1.2%; assumption: services'
    hours per worker fell as all industries' did, as the KPC gives no services workers in the row found). The
    model's services industry is everything outside manufacturing; its rates are services' (assumption:
    construction, -2.8% in 2024, and agriculture are apart in the national accounts).
    """
    rows = {
        (row["industry"], int(row["year"]), row["measure"]): (line, float(row["value_percent"]) / 100.0)
        for line, row in _rows("growth_by_industry.csv")
    }

    def cell(industry: str, measure: str) -> tuple[int, float]:
        return rows[(industry, GROWTH_YEAR, measure)]

    m_line, m_output = cell("manufacturing", "real_value_added_growth")
    w_line, m_workers = cell("manufacturing", "workers_growth")
    s_line, s_output = cell("services", "real_value_added_growth")
    p_line, s_per_input = cell("services", "labour_productivity_growth")
    h_line, hours = cell("all", "hours_per_worker_growth")
    where = "scenarios/national/growth_by_industry.csv"
    return {
        "manufacturing": (
            m_output,
            (1.0 + m_output) / (1.0 + m_workers) - 1.0,
            f"Bank of Korea, real value added of manufacturing {GROWTH_YEAR} ({where} line {m_line})",
            f"derived: (1 + {m_output:.3f}) / (1 + {m_workers:.3f}) - 1, value added over workers "
            f"(KPC {GROWTH_YEAR}; {where} lines {m_line}, {w_line})",
        ),
        "services": (
            s_output,
            (1.0 + s_per_input) * (1.0 + hours) - 1.0,
            f"Bank of Korea, real value added of services {GROWTH_YEAR} ({where} line {s_line})",
            f"derived: (1 + {s_per_input:.3f}) x (1 + {hours:.3f}) - 1, KPC services productivity per labour input "
            f"x all industries' hours per worker ({GROWTH_YEAR}; {where} lines {p_line}, {h_line}; assumption)",
        ),
    }


def _growth_lines(rates: dict[str, tuple[float, float, str, str]]) -> dict[str, list[str]]:
    """The growth keys of a region file, by where they go: manufacturing's, services' and [markets]."""
    lines: dict[str, list[str]] = {}
    for industry in ("manufacturing", "services"):
        output, productivity, output_source, productivity_source = rates[industry]
        lines[industry] = [
            f"outside_demand_trend_per_year = {output:.4f}  # {output_source}; every region (assumption)",
            f"productivity_growth_per_year = {productivity:.4f}  # {productivity_source}",
        ]
    output, _, output_source, _ = rates["services"]
    lines["markets"] = [
        f"autonomous_local_demand_trend_per_year = {output:.4f}  # {output_source}: services' autonomous demand",
        "# (visitors, public and other buyers) grows as services' real output did; households' part follows income",
    ]
    return lines


def _labour_market(
    unemployment_rate: float, participation: list[float], out_rates: list[float], in_rates: list[float]
) -> list[str]:
    """The region's [labour_market] job-finding rate, derived from its sourced unemployment rate (job_finding_rate)."""
    gwangju = _gwangju_scenario()
    rate, inflow, arriving, leaving = job_finding_rate(unemployment_rate, gwangju, participation, out_rates, in_rates)
    u_g = gwangju["population"]["unemployment_rate"]
    f_g = gwangju["labour_market"]["job_finding_rate_per_month"]
    entry = gwangju["population"]["entry_rate_per_month"]
    return [
        "",
        "[labour_market]",
        f"# derived (scripts/build_korea.py job_finding_rate): the rate that holds the sourced unemployment u = "
        f"{unemployment_rate:.5f}",
        "# steady, f = (s (1 - u) + e + m - o u) / u a month. s: separations into unemployment, Gwangju's (assumption:",
        f"# none by sido found) = ({f_g} x {u_g} - {entry}) / (1 - {u_g}) = {inflow:.6f} of the employed",
        f"# (scenarios/gwangju.toml: job finding 1/8, KLI Panel Brief 21; 3.5% unemployment; entry e = {entry});",
        f"# m = {arriving:.6f}: in-migrants joining the labour force as job seekers, and o = {leaving:.6f}: the",
        "# unemployed's moving out, per member of the labour force a month, from the [mobility] rates below weighted",
        "# by Gwangju's population shares x the participation by age below. The matching efficiency is derived from f",
        "# at the start (docs/model.md 7.6), so from the region's own target.",
        f"job_finding_rate_per_month = {rate:.4f}",
    ]


def _nation_file(entries: list[tuple[str, str, dict[str, str]]], migration: list[str]) -> str:
    lines = [
        "# Korea's 17 metropolitan cities and provinces, each a region sized to Statistics Korea's tables (issue 16).",
        "# Generated by scripts/build_korea.py from scenarios/national/*.csv: do not edit by hand.",
        "#",
        "#   shocksim nation korea --scale 0.01 --months 12",
        "#",
        "# Sourced per region (regions/korea/r*.toml, each number with its source): the 2023 labour force,",
        "# participation and unemployment (EAPS), manufacturing's share of employment (EAPS by industry) and its",
        "# split into eight KSIC divisions (Mining and Manufacturing Survey 2024). The capital area is three",
        "# regions (Seoul, Incheon, Gyeonggi), as every table is by sido. Linked by migration: the 272",
        "# [[migration]] links below send each region's out-migrants to the other 16 as Statistics Korea's 2023",
        "# movers by sido of origin and destination did (migration_by_sido.csv), and each region's migration",
        "# rates are scaled from Gwangju's by its sourced movers (regions/korea/r*.toml [mobility]). Each region's",
        "# job-finding rate holds its sourced 2023 unemployment steady ([labour_market]). Assumptions",
        "# (regions/korea/base_2023.toml): every region's firms, other workers' flows, the age shape of migration",
        "# and participation and households are Gwangju's; the divisions",
        "# share Gwangju's other-manufacturing economics. Linked by commuting where a flow between two sido was",
        "# found (the [[commuting]] links below: the capital area, Sejong, Ulsan, Busan-Gyeongnam, Jeonnam-Gwangju;",
        "# each region's jobs and commuter shares in regions/korea/r*.toml). Not linked: trade (no inter-regional",
        "# trade by product was found: docs/national-data.md).",
        "# The 41 main key industries were not found either; the 19 future industries (key_industries.csv) are",
        "# named in each region's comment below, not modelled apart.",
        "",
        "[nation]",
        'name = "korea"',
        "description = \"Korea's 17 regions in 2023: labour force and manufacturing by KSIC division "
        'from Statistics Korea; linked by 2023 migration between sido"',
        'start = "2023-01"                 # the labour-force table\'s year (EAPS 2023 annual)',
        "months = 36                       # assumption: three years, to December 2025",
        "scale = 0.05                      "
        "# assumption: 5% of the 45 million people aged 15+ (about 2.3 million agents), "
        "inside the default memory limit",
    ]
    future = {}
    for _, row in _rows("key_industries.csv"):
        future.setdefault(row["region"], []).append(row["industry_en"])
    for name, path, region in entries:
        industries = "; ".join(future.get(region["code"], [])) or "none listed (capital area)"
        lines += [
            "",
            f"[[regions]]  # {region['name_en']}: future key industries "
            f"(etnews 2023-02-27, key_industries.csv): {industries}",
            f'name = "{name}"',
            f'scenario = "{path}"',
        ]
    lines += migration
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ commuting (issue 16)

#: Gwangju's in- and out-commuter shares (scenarios/gwangju.toml [mobility]): every region's before a share of its own
#: is sourced; its in-commuter share is derived from the census flow from Jeonnam (2015), its out-commuter share an
#: assumption there.
GWANGJU_COMMUTER_SHARE = 0.03


class Commuting:
    """A region's commuters in the Korea nation: its sourced out-commuter share, the links' flows, its jobs.

    (A plain class, not a dataclass: tests load this script as a module outside sys.modules.)
    """

    def __init__(
        self,
        code: str,
        employed: int,
        unemployed: int,
        labour_line: int,
        out_share: float,
        out_note: str,
        capital_area: bool,
    ) -> None:
        self.code = code
        self.employed = employed  # residents employed, EAPS 2023 (labour_force.csv)
        self.unemployed = unemployed
        self.labour_line = labour_line
        self.out_share = out_share  # of residents employed, working in another sido
        self.out_note = out_note
        self.capital_area = capital_area
        self.inflows: list[tuple[str, float, float, int, str]] = []  # home, persons, share, CSV line, year
        self.outflows: list[tuple[str, float]] = []  # work, persons

    @property
    def linked_in(self) -> float:
        return sum(flow for _, flow, _, _, _ in self.inflows)

    @property
    def jobs(self) -> float:
        """Jobs in the region (workplace basis): residents working at home plus in-commuters.

        In-commuters are the links' commuters; outside the capital area at least Gwangju's 3% of jobs (the rest
        from sido whose commuters' destinations were not found: an assumption, as every region had before); in
        the capital area the links' only (2015 Census: 32,000 of the 1.5 million commuters and students coming
        into Seoul lived outside the capital area, moneys.co.kr 2017-04-19; Incheon and Gyeonggi assumed alike).
        """
        local = self.employed * (1.0 - self.out_share)
        linked = local + self.linked_in
        if self.capital_area or self.linked_in >= GWANGJU_COMMUTER_SHARE * linked:
            return linked
        return local / (1.0 - GWANGJU_COMMUTER_SHARE)

    @property
    def in_share(self) -> float:
        return 1.0 - self.employed * (1.0 - self.out_share) / self.jobs


def commuting_plan(
    regions: dict[str, dict[str, str]], labour: dict[str, tuple[int, dict[str, str]]], gwangju: dict
) -> dict[str, Commuting]:
    """Each region's commuters from scenarios/national/commuting.csv (docs/national-data.md).

    Pairs: every row from one sido to another (origin not a group), the latest year of each pair; its flow is the
    share times the home region's 2023 employed (assumption: the share of commuting workers, or of commuters,
    holds for all employed residents in 2023). Out-commuter share: the region's share commuting to any other sido
    in the year and measure of its links (without links, its latest year); without one, the sum of its links'
    shares plus Gwangju's 3% to the sido not found (assumption: Gwangju's, as every region had before). Checked
    by tests/test_national_data.py: a region's sourced destinations add up to no more than its share commuting
    anywhere.
    """
    assert gwangju["in_commuter_share_of_jobs"] == gwangju["out_commuter_share_of_employed"] == GWANGJU_COMMUTER_SHARE
    pairs: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    anywhere: dict[str, dict[tuple[int, str], tuple[int, dict[str, str]]]] = {}
    for line, row in _rows("commuting.csv"):
        if "+" in row["origin"]:
            continue
        if row["destination"] == "other":
            anywhere.setdefault(row["origin"], {})[(int(row["year"]), row["measure"])] = (line, row)
        else:
            key = (row["origin"], row["destination"])
            if key not in pairs or int(row["year"]) > int(pairs[key][1]["year"]):
                pairs[key] = (line, row)
    plan = {}
    for code, region in regions.items():
        line, row = labour[code]
        own = [(line_, pair) for (origin, _), (line_, pair) in pairs.items() if origin == code]
        given = anywhere.get(code, {})
        if own:
            found = given.get((int(own[0][1]["year"]), own[0][1]["measure"]))
        else:
            found = given[max(given)] if given else None
        if found is not None:
            share, note = (
                float(found[1]["share"]),
                (
                    f"{found[1]['share']} of its commuting workers work in another sido ({found[1]['year']}, "
                    f"commuting.csv line {found[0]})"
                ),
            )
        else:
            links = sum(float(pair["share"]) for _, pair in own)
            share = links + GWANGJU_COMMUTER_SHARE
            note = "not found; Gwangju's 3% (assumption, scenarios/gwangju.toml)"
            if own:
                note = f"not found; its links' {links:.5f} (commuting.csv) + Gwangju's 3% to other sido (assumption)"
        plan[code] = Commuting(
            code, int(row["employed"]), int(row["unemployed"]), line, share, note, region["capital_area"] == "true"
        )
    for (home, work), (line, row) in pairs.items():
        flow = float(row["share"]) * plan[home].employed
        plan[work].inflows.append((home, flow, float(row["share"]), line, row["year"]))
        plan[home].outflows.append((work, flow))
    return plan


def _population(region: Commuting) -> list[str]:
    """The region's [population]: its market's jobs and job seekers (workplace basis).

    Derived so that its residents are the EAPS's: the model draws a share in_commuter_share_of_jobs of the jobs and
    of the seekers as in-commuters and adds out-commuters (sim/region/mobility.py populate_residents).
    """
    jobs, share = region.jobs, region.in_share
    seekers = region.unemployed / (1.0 - share)
    labour_force = round(jobs + seekers)
    return [
        f"# The region's market (workplace basis), derived so that its residents are the EAPS {LABOUR_YEAR}'s: "
        f"{region.employed:,} employed, {region.unemployed:,}",
        f"# unemployed (KOSIS DT_1DA7004S, labour_force.csv line {region.labour_line}). Jobs {jobs:,.0f} = the "
        f"employed x (1 - {region.out_share:.5f} working in another sido)",
        f"# + {jobs * share:,.0f} in-commuters ({share:.5f} of jobs, [mobility] below); job seekers "
        f"{region.unemployed:,} / (1 - {share:.5f}), as many of them are in-commuters.",
        f"labour_force = {labour_force:_}",
        f"unemployment_rate = {seekers / labour_force:.5f}",
    ]


def _commuting_shares(region: Commuting) -> list[str]:
    """The region's [mobility] commuter shares: its own where sourced, and its in-commuters from the links."""
    linked = region.linked_in
    if region.inflows:
        came = f"the links bring {linked:,.0f} ({' + '.join(f'{flow:,.0f}' for _, flow, _, _, _ in region.inflows)})"
        rest = "the links' only (capital area)" if region.capital_area else "at least Gwangju's 3% of jobs"
        inflow = f"# In-commuters: {came}; {rest} (scripts/build_korea.py Commuting.jobs)."
    elif region.capital_area:
        inflow = "# In-commuters: none sourced."
    else:
        inflow = "# In-commuters: Gwangju's 3% of jobs (assumption: none sourced by origin)."
    return [
        f"# Out-commuters: {region.out_note}.",
        inflow,
        f"out_commuter_share_of_employed = {region.out_share:.5f}",
        f"in_commuter_share_of_jobs = {region.in_share:.6f}",
    ]


def _commuting_links(regions: dict[str, dict[str, str]], plan: dict[str, Commuting]) -> list[str]:
    lines = [
        "",
        "# Commuting between the regions: each [[commuting]] link makes the home region's residents hold a share of",
        "# the work region's in-commuter jobs, its sourced flow over the work region's in-commuters (regions/korea/",
        "# r*.toml [mobility]), rounded down to six decimals. Flow: the share of the home region's commuting workers",
        "# working in the work region (scenarios/national/commuting.csv) x its 2023 employed (labour_force.csv).",
    ]
    names = {code: region_name(region["name_en"]) for code, region in regions.items()}
    unit = 10**SHARE_DECIMALS
    for work, region in plan.items():
        in_commuters = region.jobs * region.in_share
        for home, flow, share, line, year in region.inflows:
            lines += [
                "",
                "[[commuting]]",
                f'home = "{names[home]}"',
                f'work = "{names[work]}"',
                f"share_of_in_commuters = {math.floor(flow / in_commuters * unit) / unit:.{SHARE_DECIMALS}f}",
                f"source = \"commuting.csv line {line} ({year}): {share} of {names[home]}'s commuters x "
                f"{plan[home].employed:,} employed = {flow:,.0f} of {names[work]}'s {in_commuters:,.0f} "
                'in-commuters"',
            ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ from what the tables give")
    args = parser.parse_args()
    files = build()
    if args.check:
        stale = [path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)}: differs from what scripts/build_korea.py writes")
        sys.exit(1 if stale else 0)
    REGION_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
