"""Fixed-term contracts and moves for reasons other than pay (docs/model.md 7.5, 7.6a), against Korean statistics.

The default region without shocks (seed 1, scale 0.2) holds a steady share of employees on
fixed-term contracts; contracts that reach the two-year limit end as often as the Ministry of
Employment and Labor's survey finds; those that end feed unemployment with benefit rights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim import RegionModel
from sim.region.state import EMPLOYED, NEVER, UNEMPLOYED

NO_SHOCKS = {"shocks.final_demand": [], "shocks.relocation": [], "shocks.electric_transition": None}

#: Ministry of Employment and Labor, establishment survey of fixed-term workers (사업체 기간제 근로자 현황조사):
#: fixed-term workers were 11.8% of employees at its start (April 2010) and at the end of 2024 (Yonhap TV,
#: 2025-10-26).
MOEL_FIXED_TERM_SHARE = 0.118

#: The same survey, monthly in 2010-2011: of the fixed-term workers whose contracts expired after 18 months or
#: more, the share whose contract ended (the others were converted or kept on): April 2010 29.9%, May 34.8%,
#: June 33.2%, September 40.5%, October 45%, December 48.9%, January 2011 47.8% (Seoul Economic Daily,
#: Aju News, Asia Economy).
MOEL_CONTRACT_ENDED = (0.299, 0.348, 0.332, 0.405, 0.45, 0.489, 0.478)


@dataclass
class ContractStudy:
    """Decembers' fixed-term shares, and what became of every contract that reached its end in months 13-60."""

    december_shares: list[float]
    due: int
    ended: int  # left the employer (into unemployment or another job)
    into_unemployment: int
    with_benefit_rights: int


@pytest.fixture(scope="module")
def contracts() -> ContractStudy:
    model = RegionModel("gwangju", rng=1, scale=0.2, months=60, overrides=NO_SHOCKS)
    workforce = model.workforce
    shares, due_total, ended, unemployed, benefit = [], 0, 0, 0, 0
    for month in range(1, 61):
        due = np.flatnonzero((workforce.status == EMPLOYED) & (workforce.contract_end_month == month))
        employer = workforce.employer[due].copy()
        model.step()
        if month > 12:
            moved = (workforce.status[due] != EMPLOYED) | (workforce.employer[due] != employer)
            # Not laid off first this month (a layoff records the worker as displaced).
            separated = (workforce.status[due] == UNEMPLOYED) & (workforce.unemployed_since[due] == month)
            into_unemployment = due[separated & (workforce.displaced_month[due] != month)]
            due_total += len(due)
            ended += int(moved.sum())
            unemployed += len(into_unemployment)
            benefit += int((workforce.benefit_end_month[into_unemployment] > month).sum())
        if month % 12 == 0:
            employed = workforce.status == EMPLOYED
            shares.append(float((workforce.contract_end_month[employed] != NEVER).mean()))
    return ContractStudy(shares, due_total, ended, unemployed, benefit)


def test_the_share_of_employees_on_fixed_term_contracts_stays_at_the_surveys(contracts):
    """MOEL's establishment survey found 11.8% of employees on fixed-term contracts both in April 2010 and at
    the end of 2024: the share is steady. The model's share must stay within a percentage point of it in
    every December of five years without shocks (the hire share is derived to hold it, scenarios/gwangju.toml).
    (Measured: 11.8%, 11.8%, 11.7%, 11.7%, 12.0%, the start holding the steady state's open jobs
    (docs/model.md 5); 10.6%, 10.4%, 11.3%, 11.4%, 12.1% before, when the vacancy chains of job-to-job moves built up
    over the first two years from a start with none.)"""
    assert all(abs(share - MOEL_FIXED_TERM_SHARE) <= 0.01 for share in contracts.december_shares), (
        contracts.december_shares
    )


def test_contracts_at_the_two_year_limit_end_as_often_as_the_survey_finds(contracts):
    """MOEL's monthly survey of contracts expiring after 18 months or more (2010-2011): 29.9-48.9% ended,
    the rest were converted or kept on (Act on the Protection of Fixed-term and Part-time Workers, art. 4:
    kept on beyond two years, a worker is on an open-ended contract). In the model, the share of contracts
    reaching their end whose worker leaves the employer (into unemployment or another job) must lie in the
    survey's monthly range. (Measured: 0.41 of 27,813 contracts, months 13-60; 0.41 of 26,053 before the start
    held the steady state's open jobs, 0.41 of 30,094 before on-the-job search was set from MOEL's voluntary
    separations.)"""
    share = contracts.ended / contracts.due
    assert contracts.due >= 1000
    assert min(MOEL_CONTRACT_ENDED) <= share <= max(MOEL_CONTRACT_ENDED), share


def test_contract_ends_feed_unemployment_with_benefit_rights(contracts):
    """Most workers whose contract ends and who find no job in its last month become unemployed, with
    unemployment benefit rights (Employment Insurance Act, art. 58: the end of a contract is not a voluntary
    leaving; KLI's job-finding rate of about 1/8 a month is the chance of a job in that month). The share of
    those leaving who become unemployed must be at least 1 - 2/8 (twice the monthly finding rate, since they
    search with full weight); of them, the share with benefit rights must be near NABO's 42.7% of the
    jobless receiving benefit, the eligible share applied (35-50%). (Measured: 0.79 and 0.43; 0.81 and 0.43
    before the start held the steady state's open jobs.)"""
    assert contracts.into_unemployment >= (1 - 2 / 8) * contracts.ended, (contracts.into_unemployment, contracts.ended)
    share_with_rights = contracts.with_benefit_rights / contracts.into_unemployment
    assert 0.35 <= share_with_rights <= 0.50, share_with_rights


#: Involuntary job losers by reason, Economically Active Population Survey: in April 2009, 55,000 of 216,000
#: because temporary or seasonal work ended (Ministry of Labor's analysis, Seoul Economic Daily 2009); in 2020,
#: about 1.1 million of 2.196 million (Statistics Korea, via Aju News 2021-01-17).
EAPS_TEMPORARY_WORK_ENDED_SHARE = (55_000 / 216_000, 0.51)


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.84 (0.835) with Korean turnover and the start holding the steady state's open jobs (default "
    "scenario with its shocks, seed 1, scale 0.2, 2021-2025; 0.82 before it, 0.84 earlier; 0.86 without shocks "
    "earlier): "
    "the model's layoffs come only from firms' workforce plans and failures, about 40 a month at this scale "
    "(0.03% of the employed), against about 210 contract ends; Korea's involuntary losses for a business slump, "
    "closures and dismissals are about as many as the ends of temporary work, and the survey's 'temporary or "
    "seasonal work ended' also counts day labour, which the model does not hold. Dismissals at the 0.25% a month "
    "KLI's records would need (docs/model.md 7.5; Gwangju ships them at zero) bring it to 0.32, but break the "
    "movers' share and Statistics Korea's leavers by reason (docs/calibration.md, 'The flow into unemployment')",
)
def test_contract_ends_are_a_quarter_to_a_half_of_involuntary_job_losses():
    """Statistics Korea, Economically Active Population Survey: of the people who lost their job for
    reasons not their own, 25.5% did so because temporary or seasonal work ended in April 2009 (a
    recession month), about half in 2020. In the default scenario over five years, contract ends into
    unemployment must be that share of contract ends, layoffs and dismissals together."""
    table = RegionModel("gwangju", rng=1, scale=0.2, months=60).run()
    ends, layoffs = table.contract_ends[1:].sum(), table.layoffs[1:].sum() + table.dismissals[1:].sum()
    share = ends / (ends + layoffs)
    low, high = EAPS_TEMPORARY_WORK_ENDED_SHARE
    assert low <= share <= high, share


def test_merging_contract_ends_into_the_seekers_matches_unique_and_isin() -> None:
    """``_merge_ending`` gives what ``np.unique`` of the two id lists and ``np.isin`` for the flags gave (speed only),
    with each merged worker's key.

    Random increasing id lists, overlapping or not, either side empty; the seekers' flags are
    kept and every worker whose contract ends takes any job.
    """
    from sim.region.labour_market import _merge_ending

    rng = np.random.default_rng(11)
    for _ in range(2000):
        pool = int(rng.integers(1, 200))
        on_the_job = np.unique(rng.integers(0, pool, int(rng.integers(0, 50)))).astype(np.int64)
        ending = np.unique(rng.integers(0, pool, int(rng.integers(1, 50)))).astype(np.int64)
        takes_any = rng.random(len(on_the_job)) < 0.4
        expected, index = np.unique(np.concatenate([on_the_job, ending]), return_index=True)
        flags = np.concatenate([takes_any, np.ones(len(ending), dtype=bool)])[index] | np.isin(expected, ending)
        keys = (on_the_job * 7 + 3).astype(np.uint64)  # any key that names its worker
        merged, merged_flags, merged_keys = _merge_ending(
            on_the_job, takes_any, keys, ending, (ending * 7 + 3).astype(np.uint64)
        )
        np.testing.assert_array_equal(merged, expected)
        np.testing.assert_array_equal(merged_flags, flags)
        np.testing.assert_array_equal(merged_keys, (expected * 7 + 3).astype(np.uint64))
        assert merged.dtype == expected.dtype and merged_flags.dtype == np.bool_
