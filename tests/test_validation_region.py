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


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.95 pooled over seeds 1-2 at full scale (0.92 before [mobility]; 1.10 before the electric "
    "shift by parts "
    "content): the default scenario now loses parts jobs to the electric transition every year to 2025, and "
    "the services jobs that follow a loss build up over years (see the next test), so the late losses have not "
    "yet fed through by the horizon. Lower published estimates (Moretti and Thulin 2013: about 0.5 in Sweden; "
    "a 2022 KDI study: about 0.5 per manufacturing job in Korea) lie below this range; the households issue "
    "derives the multiplier instead of backing it out",
)
def test_local_multiplier_of_the_default_scenario_is_in_morettis_range():
    """Moretti (2010, AER P&P): each tradable (manufacturing) job lost costs about 1.6 local
    non-traded jobs on average, 1 to 2.5 across job types and over time.

    The default scenario (Gwangju 2021-2025, full scale, because the shock is a few thousand
    jobs in a labour force of 760,000) against the same region without its shocks, over its
    five years; two seeds pooled.
    """
    months = 60
    tradable_lost = services_lost = 0.0
    for seed in (1, 2):
        shocked = RegionModel("gwangju", rng=seed, months=months).run()
        counterfactual = RegionModel("gwangju", rng=seed, months=months, overrides=NO_SHOCKS).run()
        tradable, services = _jobs_lost(shocked, counterfactual, months)
        tradable_lost += tradable
        services_lost += services
    assert tradable_lost > 2000  # the scenario does shrink the region's tradable jobs
    multiplier = services_lost / tradable_lost
    assert 1.0 <= multiplier <= 2.5, f"local multiplier {multiplier:.2f} after five years"


def test_local_multiplier_builds_up_over_time_after_a_plant_moves_away():
    """Moretti (2010): the local multiplier is a long-run response (1 to 2.5). After a
    one-off loss of tradable jobs (half of the appliance plant's production moves abroad in
    January 2021) services jobs follow local income with lags, so the ratio of services to
    tradable jobs lost starts low and reaches the published range within ten years.
    """
    months = 120
    base = {**NO_SHOCKS, "investment.arrivals_per_year": 0.0}
    move = {
        **base,
        "shocks.relocation": [
            {"assembler": "Gwangju appliance plant", "date": "2021-01", "share": 0.5, "phase_in_months": 1}
        ],
    }
    shocked = RegionModel("gwangju", rng=1, scale=0.2, months=months, overrides=move).run()
    counterfactual = RegionModel("gwangju", rng=1, scale=0.2, months=months, overrides=base).run()
    ratio = {}
    for month in (12, months):
        tradable, services = _jobs_lost(shocked, counterfactual, month)
        assert tradable > 0
        ratio[month] = services / tradable
    assert ratio[12] < ratio[months]
    assert 1.0 <= ratio[months] <= 2.5, ratio


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
