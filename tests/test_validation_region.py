"""Validation of the region's job responses against published findings (issue 5).

Each test compares the calibrated default scenario with the same world without its shocks
(same seed: common random numbers), and checks the difference against a published range
named in the test. The ranges come from the literature, not from the model's own output.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.model import RegionModel

TRADABLE = ("auto", "appliance", "growth", "other_manufacturing")
NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}


def _jobs_lost(shocked: pd.DataFrame, counterfactual: pd.DataFrame, month: int) -> tuple[float, float]:
    """(tradable jobs lost, local services jobs lost) at ``month`` against the counterfactual."""
    tradable = sum(counterfactual[f"employed_{s}"][month] - shocked[f"employed_{s}"][month] for s in TRADABLE)
    services = counterfactual["employed_services"][month] - shocked["employed_services"][month]
    return float(tradable), float(services)


#: Published local multipliers: services (non-traded) jobs per traded job. Low end: about 0.5 in
#: Korea (KDI Journal of Economic Policy 44(3), 2022: "one manufacturing job creates 0.5 local
#: service jobs"), in Sweden (Moretti and Thulin 2013) and in "Local job multipliers revisited"
#: (J. Regional Science 62(1), 2022); high end: 1.6 in US cities (Moretti 2010, AER P&P) and
#: 1.6-1.7 (van Dijk 2017, J. Economic Geography). The US figures include in-migration and
#: house-price effects that a region without migration lacks, so the Korean end is the
#: relevant one for Gwangju.
LONG_RUN_RANGE = (0.5, 1.7)


def _services_per_traded_job_lost(months: int, overrides: dict, base: dict, seeds, scale: float, at) -> dict:
    """Ratio of services to traded jobs lost at each month in ``at``, pooled over ``seeds``."""
    lost = {month: [0.0, 0.0] for month in at}
    for seed in seeds:
        shocked = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides=overrides).run()
        counterfactual = RegionModel("gwangju", rng=seed, scale=scale, months=months, overrides=base).run()
        for month in at:
            tradable, services = _jobs_lost(shocked, counterfactual, month)
            lost[month][0] += tradable
            lost[month][1] += services
    assert all(tradable > 0 for tradable, _ in lost.values())
    return {month: services / tradable for month, (tradable, services) in lost.items()}


def test_local_multiplier_of_the_default_scenario_is_in_the_published_range():
    """The default scenario (Gwangju 2021-2025, full scale, because the shock is a few thousand
    jobs in a labour force of 760,000) against the same region without its shocks: services
    jobs lost per traded job lost after five years lie in the published range (LONG_RUN_RANGE:
    KDI 2022 for Korea to Moretti 2010 for the US). Two seeds pooled. The multiplier is derived
    from household spending and firms' purchases (docs/model.md 7.10), not set.
    """
    ratio = _services_per_traded_job_lost(60, {}, NO_SHOCKS, (1, 2), 1.0, (60,))[60]
    low, high = LONG_RUN_RANGE
    assert low <= ratio <= high, f"local multiplier {ratio:.2f} after five years"


def test_local_multiplier_in_the_short_and_the_long_run_after_a_plant_moves_away():
    """After a one-off loss of traded jobs (half of the appliance plant's production moves
    abroad in January 2021), services jobs lost per traded job lost after ten years lie in the
    published long-run range (LONG_RUN_RANGE). After one year the response is under way
    (households close 14% a month of the gap to their new income, KDI 2020; firms' purchases
    follow their sales) but stays below Moretti's long-run 1.6. Two seeds pooled, scale 0.2.
    """
    months = 120
    base = {**NO_SHOCKS, "investment.arrivals_per_year": 0.0}
    move = {
        **base,
        "shocks.relocation": [
            {"assembler": "Gwangju appliance plant", "date": "2021-01", "share": 0.5, "phase_in_months": 1}
        ],
    }
    ratio = _services_per_traded_job_lost(months, move, base, (1, 2), 0.2, (12, months))
    assert 0.1 <= ratio[12] <= 1.6, ratio
    low, high = LONG_RUN_RANGE
    assert low <= ratio[months] <= high, ratio


@pytest.mark.parametrize("tier1_sales_outside_region", [0.4, 0.9])
def test_supplier_job_losses_exceed_the_plants_when_it_is_a_large_buyer(tier1_sales_outside_region):
    """Supply-chain amplification: when the shocked plant is a large buyer of local
    suppliers, job losses in its suppliers exceed job losses at the plant itself (e.g.
    Acemoglu, Carvalho, Ozdaglar and Tahbaz-Salehi 2012 on propagation through input-output
    links; Korean suppliers' dependence on the local carmaker, seed 000).

    Kia's Gwangju plant builds 20% fewer cars from January 2021 on. With the default
    scenario's tier-1 suppliers selling 60% of their output to Kia, suppliers lose more
    jobs than the plant; when they sell only 10% to Kia (the plant is a small buyer), they
    lose fewer. The losses also match what the chain's sales shares imply.
    """
    months, cut = 36, 0.20
    base = {**NO_SHOCKS, "investment.arrivals_per_year": 0.0}
    base["chains.auto.tier1.export_share"] = tier1_sales_outside_region
    fewer_cars = {
        **base,
        "shocks.final_demand": [{"chain": "auto", "points": [{"date": "2021-01", "value": 440_000 * (1 - cut)}]}],
    }
    shocked = RegionModel("gwangju", rng=1, scale=0.2, months=months, overrides=fewer_cars).run()
    counterfactual = RegionModel("gwangju", rng=1, scale=0.2, months=months, overrides=base).run()

    def lost(column: str) -> float:
        return float(counterfactual[column][months] - shocked[column][months])

    plant = lost("employed_auto_assembly")
    suppliers = lost("employed_auto_tier1") + lost("employed_auto_tier2")
    assert plant == pytest.approx(cut * counterfactual["employed_auto_assembly"][0], rel=0.1)
    # Implied by the sales shares: tier 1 loses cut x its share of sales to the plant; tier 2
    # sells half its output (default export_share 0.5) to tier 1 and loses that in proportion.
    tier1_loss_share = cut * (1 - tier1_sales_outside_region)
    implied = (
        tier1_loss_share * counterfactual["employed_auto_tier1"][0]
        + 0.5 * tier1_loss_share * counterfactual["employed_auto_tier2"][0]
    )
    assert suppliers == pytest.approx(implied, rel=0.35)
    if tier1_sales_outside_region < 0.5:
        assert suppliers > plant
    else:
        assert suppliers < plant


def test_local_multiplier_after_traded_jobs_are_gained():
    """The multiplier the other way: Kia's Gwangju plant builds 20% more cars from January 2021 on. Services jobs
    gained per traded job gained lie in the published long-run range (LONG_RUN_RANGE: KDI 2022 for Korea to Moretti
    2010 and van Dijk 2017, whose estimates come from growing as much as shrinking cities) after five and ten
    years, and after one year the response is under way but below Moretti's long-run 1.6. Two seeds pooled,
    scale 0.2, no other shocks or arrivals. Measured 0.61, 1.05 and 1.25 after one, five and ten years (seeds 1-2;
    0.65, 1.16 and 1.48 before pensions entered households' income, 0.79, 1.32 and 1.78 before the start held the
    steady state's open jobs)."""
    months = 120
    base = {**NO_SHOCKS, "investment.arrivals_per_year": 0.0}
    more_cars = {
        **base,
        "shocks.final_demand": [{"chain": "auto", "points": [{"date": "2021-01", "value": 440_000 * 1.2}]}],
    }
    # Jobs "lost" by the base against the world with more cars: the jobs the extra cars bring.
    gained = _services_per_traded_job_lost(months, base, more_cars, (1, 2), 0.2, (12, 60, months))
    low, high = LONG_RUN_RANGE
    assert 0.1 <= gained[12] <= 1.6, gained
    assert low <= gained[60] <= high, gained
    assert low <= gained[months] <= high, gained
