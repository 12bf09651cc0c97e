"""Households' spending: smoothed over months, out of disposable income, partly in the region.

Sources are in scenarios/gwangju.toml [households] and docs/model.md 7.10.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_events import CLOSURE, STOP, _closure_run

from sim import RegionModel
from sim.region.households import pensions_paid
from sim.region.state import COMMUTING_OUT, EMPLOYED, MOVED_OUT

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}


def test_severance_is_spent_over_months_at_the_rate_of_a_cash_transfer():
    """KDI (2020, Kim and Oh): card spending rose by 26.2-36.1% of the first emergency relief
    payment over its four months of use. Severance is a lump of cash of the same kind, so of
    the severance paid at a closure, households spend that share in the four months from its
    payment (against a twin closure without severance; the same seed)."""
    with_pay, _, _, _ = _closure_run(CLOSURE, months=10)
    without = dict(CLOSURE, severance_months_per_year=0.0, extra_severance_months=0.0)
    twin, _, _, _ = _closure_run(without, months=10)
    table, twin_table = with_pay.results(), twin.results()
    paid = table.severance_paid[STOP]
    assert paid > 0 and table.severance_paid[STOP + 1 : STOP + 4].sum() == 0
    window = slice(STOP, STOP + 4)  # the month of payment and the three after it
    extra = (table.household_spending[window] - twin_table.household_spending[window]).sum()
    assert 0.262 <= extra / paid <= 0.361, extra / paid


def test_a_lasting_loss_of_income_cuts_spending_over_months_not_at_once():
    """Consumption smoothing (Jappelli and Pistaferri 2010; KDI 2020 for Korean households'
    speed): when half of the appliance plant's production moves abroad, households' spending
    falls by a small part of the long-run fall (propensity to consume x the fall in disposable
    income) in the first month income falls, and by most of it within a year."""
    base = {**NO_SHOCKS, "investment.arrivals_per_year": 0.0}
    move = {
        **base,
        "shocks.relocation": [
            {"assembler": "Gwangju appliance plant", "date": "2021-01", "share": 0.5, "phase_in_months": 1}
        ],
    }
    shocked = RegionModel("gwangju", rng=1, scale=0.2, months=24, overrides=move).run()
    twin = RegionModel("gwangju", rng=1, scale=0.2, months=24, overrides=base).run()
    propensity = 0.689  # scenarios/gwangju.toml [households]

    def share_of_long_run_fall(month: int) -> float:
        income_fall = twin.disposable_income[month] - shocked.disposable_income[month]
        spending_fall = twin.household_spending[month] - shocked.household_spending[month]
        assert income_fall > 0
        return spending_fall / (propensity * income_fall)

    assert share_of_long_run_fall(2) < 0.3  # income first falls in month 2: layoffs follow orders with a lag
    assert share_of_long_run_fall(18) > 0.6


def test_households_save_what_they_do_not_spend():
    """Statistics Korea (Household Income and Expenditure Survey 2021 Q1): households spend
    68.9% of disposable income, so in a steady region they save about 31% of it each month."""
    table = RegionModel("gwangju", rng=1, scale=0.05, months=12, overrides=NO_SHOCKS).run()
    saved = table.household_savings[12] / table.disposable_income[1:13].sum()
    assert 0.28 <= saved <= 0.34, saved


@pytest.fixture(scope="module")
def pension_twins() -> dict[str, tuple[RegionModel, object]]:
    """Gwangju without shocks, 24 months at scale 0.05 (seed 3), with its pensions and without (a twin)."""
    runs = {}
    for label, pensions in (("with", {}), ("without", {"households.pension_krw_per_person_per_month": 0.0})):
        model = RegionModel("gwangju", rng=3, scale=0.05, months=24, overrides={**NO_SHOCKS, **pensions})
        runs[label] = (model, model.run())
    return runs


def test_pensions_enter_income_and_the_start_stays_in_balance(pension_twins):
    """Pensions (docs/model.md 7.10, scenarios/gwangju.toml [households]) are income from the start, so the
    autonomous part of local services demand is smaller by c x the start's pensions (c = propensity x local
    share) and the start's services demand, jobs and output are those of a twin without pensions; they differ
    only as pensions grow (+3.8% a year per person aged 65+ in real terms, and with the number aged 65+)."""
    (model, table), (twin, twin_table) = pension_twins["with"], pension_twins["without"]
    households, local, twin_local = model.config.households, model.region.local, twin.region.local
    start = table.pension_income[0]
    assert start > 0 and twin_table.pension_income.eq(0).all()
    c = households.propensity_to_consume * households.local_share_of_spending
    assert twin_local.autonomous_demand_krw - local.autonomous_demand_krw == pytest.approx(c * start, rel=1e-9)
    for column in ("employed", "employed_services", "output_services", "layoffs", "hires"):
        assert table[column][:2].tolist() == twin_table[column][:2].tolist(), column
    assert table.pension_income[24] > start * 1.038**2  # the real growth and more people aged 65+


def test_households_spend_their_pensions_as_older_koreans_spend_the_basic_pension(pension_twins):
    """National Assembly Budget Office, 기초연금의 경제적 효과 (NABO Focus, July 2023; via Herald Economy and Edaily):
    71.7% of the Basic Pension paid in 2021 (13.5 of 18.9 trillion KRW) became consumption, and recipient older
    households spend 57.6% of their disposable income (non-recipients 48.9%). In the model households spend their
    pensions as any income (smoothed, at the average propensity 0.689): in the second year, the extra spending per
    KRW of pensions (against the twin without them) should lie between the recipients' average propensity and
    NABO's share consumed (the Basic Pension goes to the poorer 70%, whose propensity is above the average
    pensioner's)."""
    (_, table), (_, twin_table) = pension_twins["with"], pension_twins["without"]
    second_year = slice(13, 25)
    extra = (table.household_spending[second_year] - twin_table.household_spending[second_year]).sum()
    pensions = table.pension_income[second_year].sum()
    assert 0.576 <= extra / pensions <= 0.717, extra / pensions


@pytest.mark.xfail(
    strict=True,
    reason="pensions are 38.7% of the pensions and pay of residents aged 65+ (Gwangju without shocks, month 24, scale "
    "0.05, seed 3; 38.1% seed 1, 38.4% seed 2) against 49.3% in NABO's older households: 37.6% of them are employed, "
    "and each is paid the mean pay of the job as any worker is, 2.78 "
    "million KRW a month (no pay by age in the model: older workers' lower pay, part-time and public senior jobs "
    "are not held), and the model holds nobody over 85, whose pensions are the lowest",
)
def test_pensions_are_as_large_a_part_of_older_peoples_income_as_their_pay(pension_twins):
    """NABO (July 2023, from the Survey of Household Finances and Living Conditions): households headed by someone
    aged 65+ had 37.49 million KRW of income a year, 11.70 million from work (31.2%) and 11.38 million of public
    transfers, public pensions included (30.4%): pensions are 49.3% of the two. In the model (Gwangju, month 24),
    the pensions of residents aged 65+ over those plus the pay of the employed among them. Tolerance: 0.10
    (assumption: the survey's older households include younger earners, which raise the pay's part, and its public
    transfers include benefits other than pensions, which raise theirs)."""
    model, table = pension_twins["with"]
    workforce, month = model.region.workforce, 24
    resident = (workforce.status != MOVED_OUT) & ~workforce.lives_outside
    older = resident & (workforce.age_years(month) >= 65)
    working = older & np.isin(workforce.status, (EMPLOYED, COMMUTING_OUT))
    pay = float(workforce.wage[working].sum())
    pensions = table.pension_income[month]
    assert pensions / (pensions + pay) == pytest.approx(11.38 / (11.38 + 11.70), abs=0.10)


def test_pensions_follow_the_residents_who_hold_them():
    """A resident of pension age takes the pension along (moving out ends it in the region) and one turning 65
    starts to draw it: the region's pensions are the residents aged 65+ times the mean (Pension Statistics)."""
    model = RegionModel("gwangju", rng=1, scale=0.02, months=12)
    state, month = model.region, 0
    per_person = state.config.households.pension_krw_per_person_per_month
    workforce = state.workforce
    age = workforce.age_years(month)
    resident = (workforce.status != MOVED_OUT) & ~workforce.lives_outside
    holders = np.count_nonzero(resident & (age >= 65))
    assert pensions_paid(state, month) == pytest.approx(holders * per_person, rel=1e-12)
    retiree = np.flatnonzero(resident & (age >= 70))[0]
    workforce.status[retiree] = MOVED_OUT
    assert pensions_paid(state, month) == pytest.approx((holders - 1) * per_person, rel=1e-12)
    almost = np.flatnonzero(resident & (age < 65) & (age >= 64))[0]
    workforce.birth_month[almost] = month - 12 * 65
    assert pensions_paid(state, month) == pytest.approx(holders * per_person, rel=1e-12)
