"""More money, more effect: job-years rise with the budget at 1x, 2x and 4x over seeds (issue 12).

Each single-instrument package at 10, 20 and 40 bn KRW on Gwangju (seeds 1-10, scale 0.05, the
whole horizon), and the same seeds' baseline. Common random numbers: every run of a seed draws the
same keyed random numbers (sim/region/random_streams.py), so a step up the budget is measured seed
by seed, as the PAIRED difference of the same seed's runs (2x minus 1x, 4x minus 2x).

The verdict is a one-sided paired t-test at level ``ALPHA`` (5%): a step "rises" when the lower
95% confidence bound of the mean paired difference is above zero. A flat response passes a step
with probability 5%, both steps 0.25%; a response that falls fails. Where the extra money is not
spent (nothing more to buy: the economy's own diminishing returns) the step must stay level: the
paired difference must not be detectably different from zero at the same level.

Power (measured, docs/compare.md "How budget response is tested"). Over seeds 1-20 at scale 0.05 the
paired differences of region-wide job-years have standard deviations of up to 660 full-population
job-years (250-410 for most instruments), for most instruments barely less than the per-seed effects
themselves (100-1,100): common random numbers cancel little, because twins diverge. A firm that
fails in one twin and not in the other moves thousands of job-months, and the per-seed effect
correlates -0.3 to -0.9 with the twins' difference in firm failures (a few firms of the sample,
either sign; every instrument but investment attraction). With n seeds the detectable size (80%
power, one-sided 5%) is ``(t(0.95, n-1) + t(0.80, n-1)) sd / sqrt(n)``, 0.86 sd at n = 10: about 300
job-years region-wide. The stated minimum effect of interest is ``MIN_JOB_YEARS_PER_BN``: a job-year
for every average annual wage of extra spending (21.8 job-years per bn KRW). Region-wide the design
reaches it only where the paired spread is below about 250 job-years for a 10 bn step (minimum 218)
or 500 for a 20 bn step (minimum 437); hence two outcomes per instrument:

- **reach**: the job-years of the firms or workers the instrument reached (the gross-to-net bridge's
  direct part, sim/experiment/bridge.py): the change its money buys where it lands, before
  displacement and induced effects. Its paired spread is 1.7-4 times smaller for all but loans
  (40-370 job-years).
- **region-wide**: job-years of the whole region (the summary's ``job_years``). Steps the design
  cannot tell from zero are strict xfails with the measured values and the detectable size: not
  evidence that money buys nothing, nor a pass.

Scale: the paired spread of full-population job-years falls only about as 1/sqrt(scale) (seeds 1-6:
e.g. commercialisation 395, 258, 209 and employment services 374, 331, 222 at scales 0.05, 0.1,
0.2), while a run's time grows with the scale, so more seeds at 0.05 buy power as cheaply as a larger
sample and give the t-test more degrees of freedom.

Full-population units throughout (the sample's figures divided by the scale). Runs are cached once
per process and shared by both tests (15 instruments x 3 budgets x 10 seeds + 10 baselines; unit
records only for the 9 instruments whose reach is measured).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from scipy import stats

from sim import RegionModel
from sim.experiment.bridge import bridge
from sim.inputs.package import load_package
from sim.policy.base import REGISTRY

SEEDS = tuple(range(1, 11))
SCALE = 0.05
BUDGET_KRW = 10e9  # the single_<instrument> packages' budget, the 1x point
MULTIPLES = (1, 2, 4)
ALPHA = 0.05  # one-sided level of each step's test
POWER = 0.80  # for the detectable size reported
SPENT = 1.05  # the extra money counts as spent when spending rises by more than 5%
#: Minimum effect of interest: one job-year for each average annual wage of extra spending, in
#: job-years per bn KRW (full population). Average monthly pay 3.818 M KRW (Jan-Nov 2022, workplaces
#: with one or more employees; MOEL Labour Force Survey at Establishments, reported by Financial News,
#: 2023-01-31): 1e9 / (12 x 3.818e6) = 21.8. A step that buys less than this buys a job-year for more
#: than it costs to pay one.
MIN_JOB_YEARS_PER_BN = 1e9 / (12 * 3.818e6)


@dataclass(frozen=True)
class Arm:
    """One package at one budget over the seeds (full-population units, one entry per seed)."""

    job_years: np.ndarray  # region-wide, against the baseline twin
    reach: np.ndarray  # job-years of the units the package reached (bridge's direct part)
    spend_krw: np.ndarray


@cache
def _baseline(seed: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    model = RegionModel("gwangju", rng=seed, scale=SCALE, unit_records=True)
    table = model.run()
    return table["employed"].to_numpy(dtype=float), model.units()


@cache
def _arm(name: str, multiple: int) -> Arm:
    package = load_package(name).with_total_budget(BUDGET_KRW * multiple)
    reaches = _reaches(name)
    job_years, reach, spend = [], [], []
    for seed in SEEDS:
        model = RegionModel("gwangju", rng=seed, scale=SCALE, package=package, unit_records=reaches)
        table = model.run()
        employed, base_units = _baseline(seed)
        job_years.append((table["employed"].to_numpy(dtype=float) - employed)[1:].sum() / 12 / SCALE)
        if reaches:
            parts = bridge(model.units(), base_units, package, table, model.config)
            direct = parts["bridge_net"] - parts["substitution"] - parts["displacement"] - parts["induced"]
            reach.append(direct / SCALE)
        else:
            reach.append(math.nan)
        spend.append(float(table["policy_spend"].sum()) / SCALE)
    return Arm(np.array(job_years), np.array(reach), np.array(spend))


@cache
def _reaches(name: str) -> bool:
    """Whether every intervention of the package has units the bridge follows (firms or workers)."""
    return all(REGISTRY[item.type].bridge_units != "none" for item in load_package(name).interventions)


@dataclass(frozen=True)
class Step:
    """A step up the budget, low -> high: the paired differences and what the design can detect."""

    low: int
    high: int
    mean: float  # mean paired difference (job-years)
    sd: float  # standard deviation of the paired differences across seeds
    lower: float  # one-sided (1 - ALPHA) lower confidence bound of the mean
    detectable: float  # the smallest true rise detected with probability POWER
    extra_bn: float  # extra full-population spending, bn KRW
    spent: bool  # whether the extra money was spent

    @property
    def minimum(self) -> float:
        """The minimum effect of interest for this step's extra money (job-years)."""
        return MIN_JOB_YEARS_PER_BN * max(self.extra_bn, 0.0)

    @property
    def verdict(self) -> bool:
        """Spent: the rise is detected (lower bound above 0). Not spent: no detectable change either way."""
        if self.spent:
            return self.lower > 0
        return self.mean == 0 or abs(self.mean) < self.mean - self.lower

    def describe(self) -> str:
        """One line of measured values."""
        return (
            f"{self.low}x->{self.high}x: {self.mean:+.0f} (sd {self.sd:.0f}, 95% lower bound {self.lower:+.0f}, "
            f"detectable {self.detectable:.0f}, minimum of interest {self.minimum:.0f} for "
            f"{self.extra_bn:.1f} bn more spent)"
        )


def paired_step(
    low: np.ndarray,
    high: np.ndarray,
    spend_low: np.ndarray,
    spend_high: np.ndarray,
    multiples: tuple[int, int] = (1, 2),
) -> Step:
    """The paired one-sided test of one step (inputs per seed, the same seeds in the same order)."""
    differences = high - low
    n = len(differences)
    sd = float(np.std(differences, ddof=1))
    se = sd / math.sqrt(n)
    mean = float(np.mean(differences))
    quantile = float(stats.t.ppf(1 - ALPHA, n - 1))
    detectable = (quantile + float(stats.t.ppf(POWER, n - 1))) * se
    return Step(
        low=multiples[0],
        high=multiples[1],
        mean=mean,
        sd=sd,
        lower=mean - quantile * se,
        detectable=detectable,
        extra_bn=float(np.mean(spend_high) - np.mean(spend_low)) / 1e9,
        spent=float(np.mean(spend_high)) > float(np.mean(spend_low)) * SPENT,
    )


def steps(name: str, outcome: str) -> list[Step]:
    """The steps 1x->2x and 2x->4x of an instrument on one outcome ("job_years" or "reach")."""
    arms = {multiple: _arm(name, multiple) for multiple in MULTIPLES}
    return [
        paired_step(
            getattr(arms[low], outcome),
            getattr(arms[high], outcome),
            arms[low].spend_krw,
            arms[high].spend_krw,
            (low, high),
        )
        for low, high in itertools.pairwise(MULTIPLES)
    ]


def _check(name: str, outcome: str) -> None:
    arms = {multiple: _arm(name, multiple) for multiple in MULTIPLES}
    assert arms[1].spend_krw.mean() > 0, f"{name}: nothing spent at 1x"
    measured = steps(name, outcome)
    means = ", ".join(f"{getattr(arms[m], outcome).mean():.0f}" for m in MULTIPLES)
    spent = ", ".join(f"{arms[m].spend_krw.mean() / 1e9:.1f}" for m in MULTIPLES)
    failed = [step for step in measured if not step.verdict]
    assert not failed, f"{name} {outcome}: means {means} at 1x, 2x, 4x ({spent} bn spent); " + "; ".join(
        step.describe() for step in measured
    )


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# Measured values in the reasons: full-population job-years, seeds 1-10, scale 0.05: the means at 1x,
# 2x and 4x with the bn KRW spent, then per missed step the mean paired difference, its standard
# deviation, the one-sided 95% lower bound, the detectable size (80% power) and the minimum of interest
# for the step's extra money (MIN_JOB_YEARS_PER_BN). "Underpowered": the minimum of interest is below
# the detectable size, so the design cannot say whether the step buys that much.
# single_credit_guarantee is left out: a guarantee's spending is only its payouts and fees (0.0, 0.0 and
# 2.5 bn at 1x, 2x and 4x over seeds 1-10), so more budget raises the cover it may give, not what it
# spends, and the spending test does not fit it; its volume response is tested in its own file.
REACH = [
    # single_retention passes since the start holds the steady state's open jobs: means 344, 494, 494 at 1x, 2x, 4x
    # (10.0, 13.9, 13.9 bn spent); 1x->2x: +150 (sd 192, 95% lower bound +39, detectable 165, minimum of interest 86
    # for 3.9 bn more spent); 2x->4x: +0 (sd 0, 95% lower bound +0, detectable 0, minimum of interest 0 for 0.0 bn
    # more spent) (a strict expected failure before).
    "single_retention",
    pytest.param(
        "single_loans",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 202, 297, 305 at 1x, 2x, 4x (8.3, "
            "12.8, 13.6 bn spent); 1x->2x: +95 (sd 112, 95% lower bound +30, detectable 96, minimum of interest 99 "
            "for 4.5 bn more spent); 2x->4x: +8 (sd 25, 95% lower bound -7, detectable 22, minimum of interest 17 for"
            " 0.8 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 232, 231, 260 at 1x, 2x, 4x (8.5, 10.7, 11.6 bn spent); 1x->2x: -1 (sd 34, 95% lower bound -21, "
            "detectable 30, minimum of interest 48 for 2.2 bn more spent); 2x->4x: +29 (sd 62, 95% lower bound -7, "
            "detectable 53, minimum of interest 20 for 0.9 bn more spent). Before: reached firms' job-years 239, 325,"
            " 327 (8.6, 11.5, 12.2 bn spent): 1x->2x +86 (lower bound +33) rises; 2x->4x +2 (sd 5, lower bound -1, "
            "detectable 4) for 0.7 bn more: below the minimum of interest (15), which the design could detect: the "
            "firms that want loans have them at 2x"
        ),
    ),
    pytest.param(
        "single_hiring_subsidy",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 138, 114, 114 at 1x, 2x, 4x (9.8, "
            "12.1, 12.1 bn spent); 1x->2x: -24 (sd 35, 95% lower bound -44, detectable 30, minimum of interest 51 for"
            " 2.3 bn more spent); 2x->4x: +0 (sd 0, 95% lower bound +0, detectable 0, minimum of interest 0 for 0.0 "
            "bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 203, 177, 172 at 1x, 2x, 4x (9.6, 12.5, 12.7 bn spent); 1x->2x: -26 (sd 42, 95% lower bound -51, "
            "detectable 36, minimum of interest 64 for 2.9 bn more spent); 2x->4x: -5 (sd 15, 95% lower bound -14, "
            "detectable 13, minimum of interest 5 for 0.2 bn more spent). Before: subsidised hires' job-years 198, "
            "182, 182 (9.9, 12.9, 12.9 bn spent): 1x->2x -17 (sd 33, lower bound -36, detectable 28) for 3.0 bn more:"
            " below the minimum of interest (66), which the design could detect: the extra hires are mostly "
            "deadweight (hires made anyway)"
        ),
    ),
    pytest.param(
        "single_retraining",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means -194, -408, -497 at 1x, 2x, 4x (5.8, "
            "8.5, 10.2 bn spent); 1x->2x: -214 (sd 116, 95% lower bound -282, detectable 100, minimum of interest 60 "
            "for 2.7 bn more spent); 2x->4x: -89 (sd 193, 95% lower bound -201, detectable 166, minimum of interest "
            "36 for 1.7 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means -110, -314, -412 at 1x, 2x, 4x (6.3, 9.9, 11.9 bn spent); 1x->2x: -204 (sd 179, 95% lower bound "
            "-307, detectable 154, minimum of interest 79 for 3.6 bn more spent); 2x->4x: -99 (sd 242, 95% lower "
            "bound -239, detectable 208, minimum of interest 42 for 1.9 bn more spent). Before: trainees' job-years "
            "-123, -289, -403 (6.1, 9.1, 11.0 bn spent): they FALL, 1x->2x -166 (sd 72), 2x->4x -114 (sd 156), both "
            "detectably: more seats put more people in courses, out of work while training (the lock-in of Card, "
            "Kluve and Weber 2018), and the horizon ends before the later cohorts' gains; region-wide the effect is "
            "level (198, 67, 220)"
        ),
    ),
    pytest.param(
        "single_infrastructure",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 12, -29, 23 at 1x, 2x, 4x (10.0, "
            "20.0, 40.0 bn spent); 1x->2x: -41 (sd 119, 95% lower bound -110, detectable 102, minimum of interest 218"
            " for 10.0 bn more spent); 2x->4x: +52 (sd 149, 95% lower bound -34, detectable 128, minimum of interest "
            "437 for 20.0 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 6, -10, 26 at 1x, 2x, 4x (10.0, 20.0, 40.0 bn spent); 1x->2x: -16 (sd 70, 95% lower bound -57, "
            "detectable 60, minimum of interest 218 for 10.0 bn more spent); 2x->4x: +36 (sd 132, 95% lower bound "
            "-41, detectable 113, minimum of interest 437 for 20.0 bn more spent). Before: the complexes' firms' "
            "job-years -3, 9, 37 (10, 20, 40 bn spent): 1x->2x +12 (sd 53, lower bound -19, detectable 46) and 2x->4x"
            " +28 (sd 69, lower bound -11, detectable 59), below the minimum of interest (218 and 437), which the "
            "design could detect; it passed before fixed-term contracts and moves for reasons other than pay: the "
            "orders the firms win are now staffed more from other jobs and the staff turn over at contracts' ends "
            "(not analysed further)"
        ),
    ),
    # single_interest_subsidy passed since the start holds the steady state's open jobs: means 30, 126, 283 at 1x,
    # 2x, 4x (9.9, 20.0, 39.9 bn spent); 1x->2x: +96 (sd 132, 95% lower bound +20, detectable 113, minimum of
    # interest 220 for 10.1 bn more spent); 2x->4x: +158 (sd 169, 95% lower bound +59, detectable 145, minimum of
    # interest 435 for 19.9 bn more spent) (a strict expected failure before), until pensions:
    pytest.param(
        "single_interest_subsidy",
        marks=_xfail(
            "with pensions in households' income (branch pensions, docs/model.md 7.10), measured: means 87, 93, "
            "185 at 1x, 2x, 4x (9.9, 19.9, 39.9 bn spent); 1x->2x: +6 (sd 72, 95% lower bound -37, detectable 62, "
            "minimum of interest 220 for 10.1 bn more spent): underpowered; 2x->4x: +92 (sd 125, 95% lower bound "
            "+20, detectable 107, minimum of interest 435 for 19.9 bn more spent)"
        ),
    ),
    pytest.param(
        "single_social_economy",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 1118, 1226, 1369 at 1x, 2x, 4x "
            "(9.5, 12.0, 15.0 bn spent); 1x->2x: +109 (sd 257, 95% lower bound -40, detectable 221, minimum of "
            "interest 55 for 2.5 bn more spent): underpowered. It passed before (since on-the-job search was set "
            "from MOEL's voluntary separations; before that 1171, 1341, 1305, 2x->4x -35, a strict expected failure)"
        ),
    ),
    "single_commercialisation",
    pytest.param(
        "single_investment",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 0, 72, 73 at 1x, 2x, 4x (3.5, 12.4, "
            "23.7 bn spent); 1x->2x: +72 (sd 229, 95% lower bound -60, detectable 196, minimum of interest 194 for "
            "8.9 bn more spent); 2x->4x: +0 (sd 1, 95% lower bound -0, detectable 1, minimum of interest 246 for 11.3"
            " bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 0, 73, 74 at 1x, 2x, 4x (3.3, 12.1, 23.7 bn spent); 1x->2x: +73 (sd 230, 95% lower bound -61, "
            "detectable 198, minimum of interest 191 for 8.7 bn more spent); 2x->4x: +1 (sd 4, 95% lower bound -1, "
            "detectable 3, minimum of interest 255 for 11.7 bn more spent). Before: attracted and paid firms' "
            "job-years 0, 60, 60 (3.5, 12.2, 23.5 bn spent): 1x->2x +60 (sd 190, lower bound -50, detectable 163); "
            "2x->4x +0 (sd 1) for 11.3 bn more spent: money spent and nothing bought (the pool of mobile projects "
            "runs out, tests/test_investment.py, and the money left pays firms that came anyway)"
        ),
    ),
    pytest.param(
        "single_future_rnd",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 164, 176, 296 at 1x, 2x, 4x (8.4, "
            "18.5, 38.3 bn spent); 1x->2x: +11 (sd 75, 95% lower bound -32, detectable 65, minimum of interest 219 "
            "for 10.1 bn more spent); 2x->4x: +120 (sd 125, 95% lower bound +48, detectable 107, minimum of interest "
            "433 for 19.8 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 142, 177, 274 at 1x, 2x, 4x (8.4, 18.3, 38.6 bn spent); 1x->2x: +36 (sd 97, 95% lower bound -20, "
            "detectable 83, minimum of interest 216 for 9.9 bn more spent); 2x->4x: +97 (sd 133, 95% lower bound +20,"
            " detectable 114, minimum of interest 441 for 20.2 bn more spent). Before: funded firms' job-years 140, "
            "182, 268 (8.4, 18.3, 38.6 bn spent): 1x->2x +42 (sd 103, lower bound -17, detectable 89) and 2x->4x +86 "
            "(lower bound +9), below the minimum of interest (216 and 443), which the design could detect: the sales "
            "rise (+12.2%, STEPI) starts a year after the grant and a 173 m KRW grant buys a firm's rise, not its "
            "staff"
        ),
    ),
    "single_growth_stage",
]

REGION = [
    pytest.param(
        "single_retention",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 575, 671, 671 at 1x, 2x, 4x (10.0, "
            "13.9, 13.9 bn spent); 1x->2x: +96 (sd 259, 95% lower bound -54, detectable 223, minimum of interest 86 "
            "for 3.9 bn more spent); 2x->4x: +0 (sd 0, 95% lower bound +0, detectable 0, minimum of interest 0 for "
            "0.0 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 370, 561, 566 at 1x, 2x, 4x (10.0, 16.3, 16.5 bn spent); 1x->2x: +191 (sd 461, 95% lower bound "
            "-76, detectable 396, minimum of interest 137 for 6.3 bn more spent); 2x->4x: +5 (sd 11, 95% lower bound "
            "-1, detectable 9, minimum of interest 5 for 0.2 bn more spent). Before: 601, 869, 912 (10.0, 16.6, 17.5 "
            "bn spent): 1x->2x +268 (lower bound +35) rises; 2x->4x +43 (sd 104, lower bound -18, detectable 89) for "
            "0.9 bn more: underpowered (minimum of interest 19)"
        ),
    ),
    pytest.param(
        "single_loans",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means -9, 103, 117 at 1x, 2x, 4x (8.3, "
            "12.8, 13.6 bn spent); 1x->2x: +112 (sd 149, 95% lower bound +26, detectable 128, minimum of interest 99 "
            "for 4.5 bn more spent); 2x->4x: +14 (sd 43, 95% lower bound -11, detectable 37, minimum of interest 17 "
            "for 0.8 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 88, 124, 144 at 1x, 2x, 4x (8.5, 10.7, 11.6 bn spent); 1x->2x: +36 (sd 69, 95% lower bound -4, "
            "detectable 59, minimum of interest 48 for 2.2 bn more spent); 2x->4x: +20 (sd 43, 95% lower bound -5, "
            "detectable 37, minimum of interest 20 for 0.9 bn more spent). Before: 190, 271, 265 (8.6, 11.5, 12.2 bn "
            "spent): 1x->2x +81 (sd 85, lower bound +32) rises; 2x->4x -6 (sd 23, lower bound -19, detectable 20) for"
            " 0.7 bn more: underpowered (minimum of interest 15); it passed before fixed-term contracts and moves for"
            " reasons other than pay"
        ),
    ),
    # single_hiring_subsidy passed since the start holds the steady state's open jobs: means 125, 194, 194 at 1x,
    # 2x, 4x (9.8, 12.1, 12.1 bn spent); 1x->2x: +68 (sd 108, 95% lower bound +6, detectable 93, minimum of interest
    # 51 for 2.3 bn more spent); 2x->4x: +0 (sd 0, 95% lower bound +0, detectable 0, minimum of interest 0 for 0.0
    # bn more spent) (a strict expected failure before), until pensions:
    pytest.param(
        "single_hiring_subsidy",
        marks=_xfail(
            "with pensions in households' income (branch pensions, docs/model.md 7.10), measured: means 98, 100, "
            "100 at 1x, 2x, 4x (9.8, 11.7, 11.7 bn spent); 1x->2x: +2 (sd 42, 95% lower bound -23, detectable 36,"
            " minimum of interest 41 for 1.9 bn more spent); 2x->4x: +0 (sd 0, 95% lower bound +0, detectable 0, "
            "minimum of interest 0 for 0.0 bn more spent)"
        ),
    ),
    pytest.param(
        "single_retraining",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 7, -96, -7 at 1x, 2x, 4x (5.8, 8.5, "
            "10.2 bn spent); 1x->2x: -103 (sd 378, 95% lower bound -322, detectable 324, minimum of interest 60 for "
            "2.7 bn more spent); 2x->4x: +89 (sd 518, 95% lower bound -211, detectable 445, minimum of interest 36 "
            "for 1.7 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means -0, -45, -138 at 1x, 2x, 4x (6.3, 9.9, 11.9 bn spent); 1x->2x: -45 (sd 403, 95% lower bound -278, "
            "detectable 346, minimum of interest 79 for 3.6 bn more spent); 2x->4x: -93 (sd 237, 95% lower bound "
            "-230, detectable 203, minimum of interest 42 for 1.9 bn more spent). Before: 198, 67, 220 (6.1, 9.1, "
            "11.0 bn spent): -131 (sd 494) and +154 (sd 558); detectable 424 and 479, minimum of interest 65 and 42: "
            "underpowered, and the trainees' own job-years fall with the budget (the reach test)"
        ),
    ),
    pytest.param(
        "single_infrastructure",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 11, -64, -74 at 1x, 2x, 4x (10.0, "
            "20.0, 40.0 bn spent); 1x->2x: -74 (sd 131, 95% lower bound -150, detectable 112, minimum of interest 218"
            " for 10.0 bn more spent); 2x->4x: -10 (sd 266, 95% lower bound -165, detectable 229, minimum of interest"
            " 437 for 20.0 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means -11, -94, -90 at 1x, 2x, 4x (10.0, 20.0, 40.0 bn spent); 1x->2x: -83 (sd 149, 95% lower bound "
            "-169, detectable 128, minimum of interest 218 for 10.0 bn more spent); 2x->4x: +4 (sd 209, 95% lower "
            "bound -117, detectable 179, minimum of interest 437 for 20.0 bn more spent). Before: 22, 76, 70 (10, 20,"
            " 40 bn spent): +54 (sd 95, lower bound -1, detectable 82) and -6 (sd 140, detectable 120): below the "
            "minimum of interest (218 and 437), which the design could detect: the complexes' firms' orders are "
            "mostly taken from other local suppliers"
        ),
    ),
    pytest.param(
        "single_interest_subsidy",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 1, 176, 438 at 1x, 2x, 4x (9.9, 20.0,"
            " 39.9 bn spent); 1x->2x: +175 (sd 486, 95% lower bound -106, detectable 417, minimum of interest 220 for"
            " 10.1 bn more spent); 2x->4x: +262 (sd 405, 95% lower bound +27, detectable 348, minimum of interest 435"
            " for 19.9 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 17, 21, 474 at 1x, 2x, 4x (9.9, 19.9, 39.9 bn spent); 1x->2x: +4 (sd 296, 95% lower bound -168, "
            "detectable 254, minimum of interest 219 for 10.0 bn more spent); 2x->4x: +454 (sd 623, 95% lower bound "
            "+92, detectable 535, minimum of interest 436 for 20.0 bn more spent). Before: -13, 283, 369 (9.9, 19.9, "
            "39.9 bn spent): 1x->2x +296 (lower bound +63) rises; 2x->4x +86 (sd 373, lower bound -131, detectable "
            "320) misses: the subsidised borrowers' gain (the reach test, +146) is lost in the region's spread"
        ),
    ),
    "single_public_jobs",
    # single_public_construction passed since the start holds the steady state's open jobs: means -54, 251, 557 at
    # 1x, 2x, 4x (10.0, 20.0, 40.0 bn spent); 1x->2x: +304 (sd 398, 95% lower bound +74, detectable 342, minimum of
    # interest 218 for 10.0 bn more spent); 2x->4x: +306 (sd 407, 95% lower bound +71, detectable 350, minimum of
    # interest 437 for 20.0 bn more spent) (a strict expected failure before), until pensions:
    pytest.param(
        "single_public_construction",
        marks=_xfail(
            "with pensions in households' income (branch pensions, docs/model.md 7.10), measured: means -37, -89,"
            " 245 at 1x, 2x, 4x (10.0, 20.0, 40.0 bn spent); 1x->2x: -52 (sd 594, 95% lower bound -396, detectabl"
            "e 510, minimum of interest 218 for 10.0 bn more spent): underpowered; 2x->4x: +334 (sd 616, 95% lowe"
            "r bound -23, detectable 529, minimum of interest 437 for 20.0 bn more spent): underpowered"
        ),
    ),
    pytest.param(
        "single_social_economy",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 220, -5, 274 at 1x, 2x, 4x (9.5, "
            "12.0, 15.0 bn spent); 1x->2x: -225 (sd 636, 95% lower bound -594, detectable 546, minimum of interest 55"
            " for 2.5 bn more spent); 2x->4x: +280 (sd 565, 95% lower bound -48, detectable 485, minimum of interest "
            "66 for 3.0 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means -34, 18, 40 at 1x, 2x, 4x (9.5, 12.0, 15.0 bn spent); 1x->2x: +52 (sd 408, 95% lower bound -184, "
            "detectable 350, minimum of interest 55 for 2.5 bn more spent); 2x->4x: +22 (sd 597, 95% lower bound "
            "-324, detectable 513, minimum of interest 65 for 3.0 bn more spent). Before: 456, 598, 393 (9.5, 12.0, "
            "15.0 bn spent): +142 (sd 300, lower bound -32) and -205 (sd 374); detectable 258 and 321, minimum of "
            "interest 55 and 65: underpowered; the enterprises gain (the reach test) mostly at other local firms' "
            "expense"
        ),
    ),
    "single_commercialisation",
    pytest.param(
        "single_employment_services",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 36, 3, 390 at 1x, 2x, 4x (7.8, 15.4, "
            "30.9 bn spent); 1x->2x: -33 (sd 455, 95% lower bound -296, detectable 391, minimum of interest 167 for "
            "7.6 bn more spent); 2x->4x: +387 (sd 412, 95% lower bound +148, detectable 354, minimum of interest 337 "
            "for 15.5 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means -48, 28, 125 at 1x, 2x, 4x (8.0, 16.0, 32.0 bn spent); 1x->2x: +75 (sd 537, 95% lower bound -236, "
            "detectable 461, minimum of interest 176 for 8.0 bn more spent); 2x->4x: +98 (sd 514, 95% lower bound "
            "-200, detectable 441, minimum of interest 349 for 16.0 bn more spent). Before: 199, 33, 305 (7.9, 15.8, "
            "31.4 bn spent): 1x->2x -166 (sd 342, lower bound -364, detectable 294): below the detectable size, "
            "minimum of interest 172; 2x->4x +272 (lower bound +38) rises"
        ),
    ),
    pytest.param(
        "single_investment",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 0, 103, 103 at 1x, 2x, 4x (3.5, 12.4,"
            " 23.7 bn spent); 1x->2x: +103 (sd 325, 95% lower bound -86, detectable 279, minimum of interest 194 for "
            "8.9 bn more spent); 2x->4x: +0 (sd 2, 95% lower bound -0, detectable 1, minimum of interest 246 for 11.3"
            " bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 0, 103, 103 at 1x, 2x, 4x (3.3, 12.1, 23.7 bn spent); 1x->2x: +103 (sd 326, 95% lower bound -86, "
            "detectable 280, minimum of interest 191 for 8.7 bn more spent); 2x->4x: +0 (sd 1, 95% lower bound -0, "
            "detectable 1, minimum of interest 255 for 11.7 bn more spent). Before: 0, 87, 87 (3.5, 12.2, 23.5 bn "
            "spent): +87 (sd 275, lower bound -72, detectable 236); 2x->4x -0 for 11.3 bn more spent: nothing bought"
        ),
    ),
    pytest.param(
        "single_future_rnd",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means -11, 55, 186 at 1x, 2x, 4x (8.4, "
            "18.5, 38.3 bn spent); 1x->2x: +66 (sd 240, 95% lower bound -73, detectable 206, minimum of interest 219 "
            "for 10.1 bn more spent); 2x->4x: +132 (sd 336, 95% lower bound -63, detectable 289, minimum of interest "
            "433 for 19.8 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 104, 70, 20 at 1x, 2x, 4x (8.4, 18.3, 38.6 bn spent); 1x->2x: -35 (sd 205, 95% lower bound -154, "
            "detectable 177, minimum of interest 216 for 9.9 bn more spent); 2x->4x: -50 (sd 252, 95% lower bound "
            "-196, detectable 216, minimum of interest 441 for 20.2 bn more spent). Before: 198, 161, 263 (8.4, 18.3,"
            " 38.6 bn spent): -36 (sd 206, lower bound -156) and +102 (sd 331, lower bound -90); detectable 177 and "
            "284, minimum of interest 216 and 443: below what the money should buy (the funded firms' gain, the reach"
            " test, is small)"
        ),
    ),
    pytest.param(
        "single_growth_stage",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 662, 1633, 2341 at 1x, 2x, 4x (4.8, "
            "12.2, 26.0 bn spent); 1x->2x: +971 (sd 1982, 95% lower bound -178, detectable 1703, minimum of interest "
            "161 for 7.4 bn more spent); 2x->4x: +708 (sd 1040, 95% lower bound +105, detectable 893, minimum of "
            "interest 299 for 13.7 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means 654, 1621, 2484 at 1x, 2x, 4x (5.0, 12.2, 26.1 bn spent); 1x->2x: +967 (sd 1940, 95% lower bound "
            "-157, detectable 1666, minimum of interest 159 for 7.3 bn more spent); 2x->4x: +862 (sd 921, 95% lower "
            "bound +329, detectable 791, minimum of interest 301 for 13.8 bn more spent). Before: 734, 1895, 2827 "
            "(4.8, 12.2, 26.2 bn spent): 1x->2x +1162 (sd 2124, lower bound -70, detectable 1825), minimum of "
            "interest 161: underpowered (the leading stage's few large firms make the spread); 2x->4x +932 (lower "
            "bound +245) rises; the supported firms' own gain rises at both steps (the reach test)"
        ),
    ),
    # single_venture_fund passed with fixed-term contracts and moves for reasons other than pay (before them:
    # -45, 2, 15 job-years at 9.6, 19.7, 39.8 bn, a strict expected failure) and fails again with Korean turnover.
    pytest.param(
        "single_venture_fund",
        marks=_xfail(
            "measured since the start holds the steady state's open jobs: means 102, 143, 1 at 1x, 2x, 4x (9.6, 19.7,"
            " 39.8 bn spent); 1x->2x: +41 (sd 263, 95% lower bound -111, detectable 226, minimum of interest 220 for "
            "10.1 bn more spent); 2x->4x: -142 (sd 285, 95% lower bound -307, detectable 245, minimum of interest 440"
            " for 20.2 bn more spent). Before it, "
            "measured after on-the-job search was set from MOEL's voluntary separations (relocation share 0.22): "
            "means -63, -31, -110 at 1x, 2x, 4x (9.6, 19.7, 39.8 bn spent); 1x->2x: +32 (sd 139, 95% lower bound -49,"
            " detectable 119, minimum of interest 220 for 10.1 bn more spent); 2x->4x: -79 (sd 237, 95% lower bound "
            "-217, detectable 204, minimum of interest 440 for 20.2 bn more spent). It passed before"
        ),
    ),
    "single_local_currency",
    "single_contribution_deferral",
]


@pytest.mark.parametrize("name", REACH)
def test_job_years_of_those_reached_rise_with_the_budget(name):
    assert _reaches(name)
    _check(name, "reach")


@pytest.mark.parametrize("name", REGION)
def test_region_wide_job_years_rise_with_the_budget(name):
    _check(name, "job_years")


def test_the_step_test_fails_a_flat_response_and_passes_a_rise():
    """The verdict can fail: a flat response, one of pure noise, or a fall fails; a clear rise passes."""
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 300.0, size=len(SEEDS))
    level = np.full(len(SEEDS), 500.0)
    spend = np.full(len(SEEDS), 1e9)
    more = 2 * spend
    flat = paired_step(level, level, spend, more)
    assert flat.spent and not flat.verdict
    assert not paired_step(level, level + noise - noise.mean(), spend, more).verdict
    assert not paired_step(level, level - 400 + noise, spend, more).verdict
    assert paired_step(level, level + 600 + noise, spend, more).verdict
    # not spent: level passes, a detectable change fails
    assert paired_step(level, level, spend, spend).verdict
    assert not paired_step(level, level + 600 + noise, spend, spend).verdict
    # the detectable size at n = 10 is 0.86 standard deviations (one-sided 5%, power 80%)
    assert paired_step(level, level + noise, spend, more).detectable == pytest.approx(
        0.859 * np.std(noise, ddof=1), rel=0.01
    )
