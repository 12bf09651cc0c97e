"""The gross-to-net bridge (issue 12, part 4): gross outputs as programmes report them, split seed by seed into
deadweight, substitution, displacement, induced and a named residual that sum to the net job-years.

Terms and their reading follow the UK additionality guides (HM Treasury Green Book; HCA/English Partnerships
Additionality Guide, 4th ed. 2014): deadweight is what would have happened anyway, substitution is a firm or
person taking jobs others would have had, displacement is other firms losing, multiplier (here induced) effects
are the knock-on spending.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main as shocksim_main
from sim.experiment.bridge import PARTS
from sim.experiment.compare import compare
from sim.model import RegionModel

SCALE = 0.03
MONTHS = 36
REPS = 4
SEED = 11

ZERO_RETENTION = """\
name = "zero_retention"
description = "a retention subsidy with no money"

[[interventions]]
type = "employment_retention"
name = "zero_retention"
start = "2021-01"
end = "2025-12"
budget_krw = 0.0
sectors = ["auto", "appliance"]
sme_only = true
wage_share = 0.5
max_months_per_year = 6
clawback = true
"""


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bridge")
    zero = folder / "zero_retention.toml"
    zero.write_text(ZERO_RETENTION)
    packages = ["gwangju_2021", "single_hiring_subsidy", "single_retention", "single_retraining", zero]
    return compare("gwangju", packages, reps=REPS, seed=SEED, scale=SCALE, months=MONTHS, out=folder / "out")


def _identity(effects: pd.DataFrame) -> pd.Series:
    return effects["gross"] - effects["deadweight"] + sum(effects[part] for part in PARTS)


def test_the_parts_sum_to_the_net_job_years_seed_by_seed(comparison):
    effects = comparison.effects
    assert len(effects) == 5 * REPS
    assert effects["gross"].notna().all()
    np.testing.assert_allclose(_identity(effects), effects["job_years"], rtol=0, atol=1e-9)
    # The cells of the bridge hold every job-month of both twins: their net is the comparison's job-years.
    np.testing.assert_allclose(effects["bridge_net"], effects["job_years"], rtol=0, atol=1e-9)
    # Per intervention, gross and deadweight add up to the package's.
    for name in comparison.packages:
        mine = effects[effects["package"] == name]
        grosses = [c for c in mine.columns if c.startswith("gross__") and mine[c].notna().all()]
        deadweights = [c for c in mine.columns if c.startswith("deadweight__") and mine[c].notna().all()]
        np.testing.assert_allclose(mine[grosses].sum(axis=1), mine["gross"], rtol=1e-12)
        np.testing.assert_allclose(mine[deadweights].sum(axis=1), mine["deadweight"], rtol=1e-12)
        assert ((mine[deadweights].to_numpy() >= 0) & (mine[deadweights].to_numpy() <= mine[grosses].to_numpy())).all()


def test_a_zero_budget_package_has_every_part_zero(comparison):
    zero = comparison.effects[comparison.effects["package"] == "zero_retention"]
    for column in ["gross", "gross_headcount", "deadweight", *PARTS, "job_years"]:
        assert (zero[column] == 0.0).all(), column


def test_the_unit_record_holds_every_job_month_of_the_monthly_table():
    # The run must exercise both programmes the record names. Measured: at seed 3 the auto retention programme
    # supports 1 firm and the appliance hiring programme 13 workers; at seed 4, used before, it supported 2 firms
    # until pensions entered households' income (docs/model.md 7.10), then none; before the start held the steady
    # state's open jobs it supported none there either.
    model = RegionModel("gwangju", rng=3, scale=0.02, months=24, package="gwangju_2021", unit_records=True)
    table = model.run()
    units = model.units()
    assert int(units["pair_months"].sum()) == int(table["employed"].to_numpy()[1:].sum())
    assert len(np.unique(units["firm_key"])) == len(units["firm_key"])  # keys name firms uniquely
    # The participants the programme counts are among those the record says it touched.
    assert len(units["touched_workers__appliance_hiring"]) > 0
    assert len(units["touched_firms__auto_retention"]) > 0


def test_unit_records_change_nothing_in_the_run():
    plain = RegionModel("gwangju", rng=4, scale=0.02, months=12, package="gwangju_2021").run()
    kept = RegionModel("gwangju", rng=4, scale=0.02, months=12, package="gwangju_2021", unit_records=True).run()
    pd.testing.assert_frame_equal(plain, kept, check_exact=True)


def test_gross_outputs_follow_each_programmes_counting_rule(comparison):
    """Retention: jobs covered each month; hiring subsidy: subsidised job-months; retraining: a placement claims
    its job from the month of placement to the horizon. All in job-years of the sample."""
    runs, effects = comparison.runs, comparison.effects.set_index(["package", "replicate"])
    for replicate in range(REPS):
        run = runs[(runs["package"] == "gwangju_2021") & (runs["replicate"] == replicate)].sort_values("month")
        row = effects.loc[("gwangju_2021", replicate)]
        assert row["gross__auto_retention"] == pytest.approx(run["auto_retention_jobs_covered"].iloc[1:].sum() / 12)
        assert row["gross__appliance_hiring"] == pytest.approx(
            run["appliance_hiring_subsidised_jobs"].iloc[1:].sum() / 12
        )
        placed = run["appliance_transition_graduates_placed"].to_numpy()[1:]
        months_left = MONTHS - np.arange(1, MONTHS + 1) + 1
        assert row["gross__appliance_transition"] == pytest.approx((placed * months_left).sum() / 12)
        assert row["gross_subsidised_jobs"] == row["gross__appliance_hiring"]
        assert row["gross_jobs_retained"] == row["gross__auto_retention"]


def test_hiring_subsidy_deadweight_is_positive_in_every_seed(comparison):
    """Evaluations of hiring subsidies find large deadweight: Martin and Grubb (2001, Swedish Economic Policy
    Review 8(2), abstract): hiring subsidies "suffer increasingly from dead-weight and substitution effects as
    they are expanded". Here: deadweight is positive in every seed."""
    mine = comparison.effects[comparison.effects["package"] == "single_hiring_subsidy"]
    assert (mine["deadweight"] > 0).all()


def test_hiring_subsidy_deadweight_leaves_some_jobs_additional(comparison):
    """Martin (2000, OECD Economic Studies 30) reviews the OECD evaluations (the often-quoted figure there,
    deadweight plus substitution near 90% of subsidised jobs, was not checked against the text in this work).
    The mean share of the gross that deadweight takes lies between 40% and 95% (assumption: "large" read as at
    least 40%; below 95%, so that some subsidised jobs are additional). (Measured 0.81, 4 seeds, scale 0.03,
    36 months, seed 11, since fixed-term contracts and moves for reasons other than pay; 0.957 before them,
    with the job ladder, a strict expected failure; 0.92 before the job ladder.)"""
    mine = comparison.effects[comparison.effects["package"] == "single_hiring_subsidy"]
    share = mine["deadweight"].mean() / mine["gross"].mean()
    assert 0.40 <= share <= 0.95, f"deadweight share of the hiring subsidy's gross {share:.2f}"


def test_summary_csv_has_the_bridge_lines_with_intervals_and_full_population_figures(comparison):
    summary = pd.read_csv(comparison.folder / "summary.csv")
    mine = summary[summary["package"] == "gwangju_2021"].set_index("metric")
    for metric in [
        "gross",
        "gross_subsidised_jobs",
        "gross_jobs_retained",
        "gross_placements",
        "gross__appliance_hiring",
        "deadweight",
        "deadweight__appliance_hiring",
        *PARTS,
    ]:
        row = mine.loc[metric]
        assert row["unit"] == "job-years"
        assert row["ci_low"] <= row["mean"] <= row["ci_high"]
        assert row["mean_full_population"] == pytest.approx(row["mean"] / SCALE)
    for metric in ["gross_headcount", "gross_headcount__appliance_hiring"]:
        row = mine.loc[metric]
        assert row["unit"] == "jobs"
        assert row["mean_full_population"] == pytest.approx(row["mean"] / SCALE)
    # A package without an intervention has no line for it.
    assert "gross__appliance_hiring" not in set(summary.loc[summary["package"] == "single_retention", "metric"])


def test_the_bridge_table_ends_with_the_net_and_adds_up_in_full_population_units(comparison):
    table = comparison.bridge()
    mine = table[table["package"] == "single_hiring_subsidy"].set_index("metric")
    total = mine.loc["gross", "mean"] - mine.loc["deadweight", "mean"] + sum(mine.loc[p, "mean"] for p in PARTS)
    assert total == pytest.approx(mine.loc["job_years", "mean"], abs=1e-6)
    assert list(mine.index)[-1] == "job_years"


SEED_PACKAGES = [
    ("gwangju", "gwangju_2021"),
    ("gyeongju", "gyeongju"),
    ("gwanak", "gwanak_2024"),
    ("declining_county", "sigungu_collaboration_2025"),
]


@pytest.mark.parametrize(("scenario", "package"), SEED_PACKAGES)
def test_each_seed_package_shows_its_bridge_in_compare(scenario, package, tmp_path: Path, capsys):
    status = shocksim_main(
        [
            "compare",
            scenario,
            "--package",
            package,
            "--reps",
            "2",
            "--scale",
            "0.02",
            "--months",
            "24",
            "--out",
            str(tmp_path / "out"),
            "--no-figures",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    bridge = out[out.index("gross-to-net bridge") :]
    assert f"  {package}" in bridge
    for line in ("gross: jobs the programmes would report", "deadweight", "substitution", "displacement"):
        assert line in bridge
    assert "net: job-years against the baseline twin" in bridge


# ---------------------------------------------------------------------- the gross headcount (issue 12 part 4, 14)
def test_gross_headcount_follows_each_programmes_counting_rule(comparison):
    """What a programme announces as "jobs": a retention subsidy the jobs covered in its largest month (MOEL's
    monthly employment-incentive statistics count supported people month by month: data.go.kr 3044231,
    고용장려금지원현황(월)); a hiring subsidy its subsidised hires; retraining the graduates placed. Sample units,
    seed by seed, from each run's monthly table."""
    runs, effects = comparison.runs, comparison.effects.set_index(["package", "replicate"])
    for replicate in range(REPS):
        run = runs[(runs["package"] == "gwangju_2021") & (runs["replicate"] == replicate)].sort_values("month")
        row = effects.loc[("gwangju_2021", replicate)]
        assert row["gross_headcount__auto_retention"] == run["auto_retention_jobs_covered"].iloc[1:].max()
        assert row["gross_headcount__appliance_hiring"] == run["appliance_hiring_subsidised_hires"].iloc[1:].sum()
        placed = run["appliance_transition_graduates_placed"].iloc[1:].sum()
        assert row["gross_headcount__appliance_transition"] == placed
        assert row["gross_headcount__governance"] == 0.0  # administration claims no jobs
        per_intervention = [name for name in row.index if name.startswith("gross_headcount__")]
        assert row["gross_headcount"] == pytest.approx(row[per_intervention].dropna().sum())
    # A retention subsidy covers the same jobs month after month: its headcount is below its job-months.
    mine = comparison.effects[comparison.effects["package"] == "single_retention"]
    assert (mine["gross_headcount"] > 0).all()
    assert (mine["gross_headcount"] < mine["gross"] * 12).all()


def test_a_firm_programmes_headcount_is_the_jobs_at_its_firms_when_first_supported():
    """Interest subsidy for ordinary borrowers: each firm's employees at the end of the month it was first
    subsidised, summed over the firms ("the firms we supported employ N"), read here from the state month by
    month, there from the run's unit record through the bridge."""
    from sim.experiment.bridge import gross_headcount
    from sim.policy.base import REGISTRY

    model = RegionModel("gwangju", rng=5, scale=0.02, months=18, package="single_interest_subsidy", unit_records=True)
    expected = 0.0
    while model.running:
        model.step()
        month = model.steps
        first = model.desk.first_touch_firms.get("interest_subsidy")
        if first is not None:
            starting = np.flatnonzero(first == month)
            expected += float(model.firms.employees[starting].sum())
    units = model.units()
    assert expected > 0
    rule = REGISTRY["interest_subsidy"].headcount_rule
    assert rule == ("first_support", None)
    assert gross_headcount(rule, "interest_subsidy", model.results(), units) == expected


def test_every_instrument_with_a_gross_claim_has_a_headcount_rule_and_no_other():
    """A coefficient claim ("spending") stands alone; every other headcount goes with a gross rule, and back."""
    from sim.policy.base import REGISTRY

    for tag, cls in REGISTRY.items():
        spending = cls.headcount_rule is not None and cls.headcount_rule[0] == "spending"
        assert (cls.gross_rule is None) == (cls.headcount_rule is None or spending), tag
        assert (cls.announced_jobs_per_bn_krw > 0) == spending, tag
        if cls.headcount_rule is not None:
            assert cls.headcount_rule[0] in ("peak", "events", "first_support", "spending"), tag
        # A programme that claims jobs at its own units names them.
        if cls.gross_rule is not None:
            assert cls.bridge_units in ("firms", "workers"), tag


def _twins(package: str, rng: int = 4, months: int = 60):
    runs = []
    for name in (package, None):
        model = RegionModel("gwangju", rng=rng, scale=0.05, months=months, package=name, unit_records=True)
        runs.append((model.run(), model.units(), model))
    return runs


def test_public_jobs_are_in_the_bridge_cells_and_claimed_as_participants():
    """Direct job creation (MOEL's evaluations count participants): a participant's public-job months are job-months
    of the unit record (under the public employer's key), so the bridge's cells hold every job-month of the monthly
    table and its net is the comparison's job-years; the gross is the participants' job-months, the headcount the
    people hired, and the deadweight the part the participants' own jobs did not gain (lock-in: some would have
    worked in the baseline twin)."""
    from sim.experiment.bridge import bridge
    from sim.records import PUBLIC_EMPLOYER_KEY

    (table, units, model), (base_table, base_units, _) = _twins("single_public_jobs")
    assert int(table["employed_public_jobs"].sum()) > 0
    assert int(units["pair_months"].sum()) == int(table["employed"].to_numpy()[1:].sum())
    public = units["pair_firm"] == PUBLIC_EMPLOYER_KEY
    assert int(units["pair_months"][public].sum()) == int(table["employed_public_jobs"].to_numpy()[1:].sum())
    assert PUBLIC_EMPLOYER_KEY not in set(units["firm_key"])

    result = bridge(units, base_units, model.package, table, model.config)
    job_years = float((table["employed"] - base_table["employed"]).to_numpy()[1:].sum()) / 12.0
    assert result["bridge_net"] == pytest.approx(job_years, abs=1e-9)
    assert result["gross__public_jobs"] == pytest.approx(table["public_jobs_participants"].to_numpy()[1:].sum() / 12)
    assert result["gross_headcount__public_jobs"] == table["public_jobs_hired"].to_numpy()[1:].sum()
    # Measured (scale 0.05, 60 months): deadweight 10.6 of a gross of 18.7 job-years (seeds 5, 6: 13.5, 18.7).
    assert 0.0 < result["deadweight__public_jobs"] <= result["gross__public_jobs"]
    identity = result["gross"] - result["deadweight"] + sum(result[part] for part in PARTS)
    assert identity == pytest.approx(job_years, abs=1e-9)


def test_public_construction_announces_jobs_by_the_inducement_coefficient_and_its_builders_are_direct():
    """Public construction claims no flow of jobs; announced, its spending times the Bank of Korea's employment
    inducement coefficient of construction (10.8 jobs per 1 bn KRW, 2019 input-output table). The builders it paid
    are its units: their change is the direct part, which with no claim is the residual."""
    from sim.experiment.bridge import bridge

    (table, units, model), (_, base_units, _) = _twins("single_public_construction")
    spent = float(table["public_construction_works_krw"].to_numpy()[1:].sum())
    assert spent > 0
    result = bridge(units, base_units, model.package, table, model.config)
    assert result["gross_headcount__public_construction"] == pytest.approx(spent / 1e9 * 10.8)
    assert result["gross"] == 0.0 and result["deadweight"] == 0.0
    builders = units["touched_firms__public_construction"]
    assert len(builders) > 0
    sectors = units["firm_sector"][np.isin(units["firm_key"], builders)]
    assert set(sectors.tolist()) == {model.config.sector_code(name) for name in ["services"]}  # the package's sectors


def test_the_bridge_figure_draws_seven_bars_per_package(comparison):
    """gross, deadweight, substitution, displacement, induced, residual, net; heights are the bridge table's."""
    from matplotlib.patches import Rectangle

    from sim.viz import compare_figures

    figure = compare_figures.bridge(comparison)
    panels = [axes for axes in figure.axes if axes.axison]
    assert len(panels) == len(comparison.packages)
    for axes in panels:
        assert sum(isinstance(patch, Rectangle) for patch in axes.patches) == 7
    table = comparison.bridge()
    first = table[table["package"] == next(iter(comparison.packages))].set_index("metric")
    bars = [patch for patch in panels[0].patches if isinstance(patch, Rectangle)]
    assert bars[0].get_height() == pytest.approx(first.loc["gross", "mean"])
    assert bars[-1].get_height() == pytest.approx(first.loc["job_years", "mean"])
    assert bars[1].get_height() == pytest.approx(first.loc["deadweight", "mean"])
    label = comparison.packages["gwangju_2021"].display_label
    assert panels[0].get_title().startswith(label) and "announced" in panels[0].get_title()


def test_bridges_are_computed_as_twins_finish_and_unit_records_let_go():
    """Whatever order runs finish in, each package run's bridge is the one of its pair, computed once both twins
    are in; a package run waits for its baseline, and a baseline is let go once all its packages have bridges."""
    from sim.experiment.bridge import PairedBridges, bridge
    from sim.inputs.package import load_package

    names = ["single_hiring_subsidy", "single_public_jobs"]
    runs = {}
    for name in [None, *names]:
        model = RegionModel("gwangju", rng=3, scale=0.02, months=18, package=name, unit_records=True)
        runs[name or "baseline"] = (model.run(), model.units(), model.config)
    config = runs["baseline"][2]
    packages = {name: load_package(name) for name in names}
    expected = {
        name: bridge(runs[name][1], runs["baseline"][1], packages[name], runs[name][0], config) for name in names
    }
    for order in (
        ["single_hiring_subsidy", "baseline", "single_public_jobs"],
        ["baseline", *names],
        [*names[::-1], "baseline"],
    ):
        bridges = PairedBridges(packages, config, "baseline")
        held = []
        for arm in order:
            bridges.add(arm, 0, 3, runs[arm][1], runs[arm][0])
            held.append(bridges.records_held)
        assert held[-1] == 0, order
        assert max(held) <= 2
        for name in names:
            row = bridges.rows[(name, 0)]
            assert {key: row[key] for key in expected[name]} == expected[name], (order, name)
