"""Services when a package makes manufacturers hire (issues 11 and 16: the induced effect).

Seed 004's 2023 plan (``korea_key_industries_2023``: R&D grants and commercialisation support
for every manufacturing division's SMEs) in Busan's region file against its baseline twin (same
seed). Stylised facts and their sources:

- A traded job gained adds local services jobs: 0.5 services jobs per manufacturing job in
  Korea's Si-Gun-Gu (KDI Journal of Economic Policy 44(3), 2022, 1995-2016 changes); one public
  job moved to a Korean town adds one private job, mostly services (Lee, Ko and Kim 2024, Labour
  Economics 88); 1.6 in US cities (Moretti 2010). An industrial policy for small manufacturers
  raised an area's manufacturing jobs mainly by cutting unemployment, not by substitution
  between the area's plants (Criscuolo, Martin, Overman and Van Reenen 2019, AER 109(1),
  Regional Selective Assistance). So the services jobs the plan brings are positive over its
  years and not above the US multiplier.
- Measured (scripts/induced_decomposition.py, docs/national.md): before the plan's sales uplift
  bought local services (sim/region/orders.py), services' extra orders were a quarter of what
  households and firms should buy and services lost jobs in the nation's three years.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from sim import RegionModel

BUSAN = "scenarios/nations/regions/korea/r21_busan.toml"
SEEDS = (1, 2, 3, 4)
SCALE, MONTHS = 0.2, 60
#: Services jobs per traded job in the published long run: KDI 2022 for Korea to Moretti 2010 for US cities.
US_MULTIPLIER = 1.6


@pytest.fixture(scope="module")
def job_years() -> pd.DataFrame:
    """Cumulative job-years, package minus twin, of services and of traded firms after months 12, 36 and 60."""
    rows = []
    for seed in SEEDS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            package = RegionModel(BUSAN, rng=seed, scale=SCALE, months=MONTHS, package="korea_key_industries_2023")
            twin = RegionModel(BUSAN, rng=seed, scale=SCALE, months=MONTHS)
            with_plan, without = package.run(), twin.run()
        traded = [f"employed_{name}" for name in package.config.traded_names]
        for months in (12, 36, MONTHS):
            window = slice(1, months)
            rows.append(
                {
                    "seed": seed,
                    "months": months,
                    "services": (with_plan["employed_services"] - without["employed_services"]).loc[window].sum() / 12,
                    "traded": (with_plan[traded].sum(axis=1) - without[traded].sum(axis=1)).loc[window].sum() / 12,
                }
            )
    return pd.DataFrame(rows).groupby("months")[["services", "traded"]].sum()


@pytest.mark.parametrize("months", [36, MONTHS])
def test_services_gain_jobs_over_the_years_a_package_makes_manufacturers_hire(job_years, months):
    """Over three years (the nation's horizon) and five (the R&D grants' uplift ends in year 5), services
    gain job-years, no more per manufacturing job-year than US cities' multiplier (sources in the module doc).
    Measured (seeds 1-4 pooled, scale 0.2, with the Korea regions' commuting links, growth trends and pensions):
    36 months, 147.6 services job-years against 330.0 traded (0.45); 60 months, 289.6 against 514.8 (0.56); before
    pensions 112.3 against 336.0 (0.33) and 251.8 against 589.5 (0.43). Before the
    uplift bought local services: -85.8 against 329.9 and -119.6 against 567.7 (services lost jobs).
    """
    services, traded = job_years.loc[months, "services"], job_years.loc[months, "traded"]
    assert traded > 0, traded
    assert 0 < services <= US_MULTIPLIER * traded, (services, traded)


def test_services_do_not_lose_jobs_in_the_first_year_of_the_package(job_years):
    """Criscuolo et al. (2019): the supported small manufacturers' jobs came mainly out of unemployment, not from
    other plants in the area; the model's own traded-job gain (Kia's 20% more cars, tests/test_validation_region.py)
    adds 0.65 services jobs per traded job after one year. So services should not lose jobs in the plan's first
    year. Measured: +0.7 services job-years against +25.4 traded (seeds 1-4, scale 0.2) with pensions in households'
    income (docs/model.md 7.10); -4.2 against +29.5 before them (a strict expected failure then: the supported
    manufacturers fill their openings on the job ladder, mostly with services' workers, and services refill
    through vacancy chains only over months), so it passes by a small margin."""
    assert job_years.loc[12, "services"] >= 0, job_years.loc[12]
