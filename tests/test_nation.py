"""Several regions in one model, linked by trade (issue 16: "Cutting an assembly plant's output in region A lowers
supplier employment in region B, through the cross-border chain"; the single-region model unchanged)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import ScenarioError
from sim.model import RegionModel
from sim.nation import NationModel
from sim.nation.model import region_seed

SCALE = 0.05
MONTHS = 24

# Gyeongju's parts makers supply carmakers outside the city (scenarios/gyeongju.toml); here, on Gwangju's calendar,
# the share of their outside sales that goes to Gwangju's assembly plant is an assumption of the test (their main
# customers are in Ulsan), enough to see the link.
SELLER = """\
inherits = "gyeongju"
[scenario]
name = "gyeongju_2021"
description = "Gyeongju's parts makers on Gwangju's calendar (test)"
start = "2021-01"
months = 24
"""

# Gwangju with its car plant's output halved from mid-2021 (the appliance chain as in the scenario).
BUYER_CUT = """\
inherits = "gwangju"
[scenario]
name = "gwangju_cut"
description = "Gwangju with car output halved from mid-2021 (test)"

[[shocks.final_demand]]
chain = "auto"
points = [
  { date = "2021-01", value = 440_000 }, { date = "2021-05", value = 440_000 }, { date = "2021-07", value = 220_000 },
]

[[shocks.final_demand]]
chain = "appliance"
points = [{ date = "2021-01", value = 1.0 }, { date = "2025-12", value = 0.92 }]
"""

NATION = """\
[nation]
name = "two_regions"
start = "2021-01"
months = {months}
scale = {scale}

[[regions]]
name = "gwangju"
scenario = "{buyer}"

[[regions]]
name = "gyeongju"
scenario = "seller.toml"
{trade}
"""

TRADE = """
[[trade]]
seller = "gyeongju"
sector = "auto"
buyer = "gwangju"
share_of_outside_sales = 0.6
source = "assumption for the test"
"""


def _nation(folder: Path, name: str, buyer: str = "gwangju", trade: str = TRADE, **keys) -> Path:
    (folder / "seller.toml").write_text(SELLER)
    (folder / "buyer_cut.toml").write_text(BUYER_CUT)
    text = NATION.format(months=keys.get("months", MONTHS), scale=keys.get("scale", SCALE), buyer=buyer, trade=trade)
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


def _seller_auto_jobs(path: Path, seed: int = 3) -> np.ndarray:
    table = NationModel(path, rng=seed).run()
    return table.loc[table["region"] == "gyeongju", "employed_auto"].to_numpy(dtype=float)


def test_a_cut_in_one_regions_car_output_lowers_supplier_jobs_in_another_through_trade(tmp_path):
    """Only through the trade link: without it the seller region's run is the same bit for bit."""
    linked = _seller_auto_jobs(_nation(tmp_path, "linked"))
    cut = _seller_auto_jobs(_nation(tmp_path, "cut", buyer="buyer_cut.toml"))
    assert cut[-1] < linked[-1]
    # Half of the buyer's car output gone, 60% of the seller's outside sales tied to it: a sizeable loss by month 24.
    assert (linked[-1] - cut[-1]) / linked[-1] > 0.05
    alone = _seller_auto_jobs(_nation(tmp_path, "alone", trade=""))
    alone_cut = _seller_auto_jobs(_nation(tmp_path, "alone_cut", buyer="buyer_cut.toml", trade=""))
    np.testing.assert_array_equal(alone, alone_cut)


def test_a_region_in_a_nation_without_trade_runs_as_it_does_alone(tmp_path):
    """The single-region model is unchanged: the same scenario and seed alone or in a nation give the same table."""
    nation = NationModel(_nation(tmp_path, "alone", trade=""), rng=5)
    table = nation.run()
    mine = table[table["region"] == "gwangju"].drop(columns="region").reset_index(drop=True)
    alone = RegionModel("gwangju", rng=region_seed(5, "gwangju"), scale=SCALE, months=MONTHS).run()
    pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def test_national_totals_add_up_the_regions_and_rates_come_from_the_sums(tmp_path):
    nation = NationModel(_nation(tmp_path, "linked"), rng=2)
    table = nation.run()
    totals = nation.totals()
    for column in ("employed", "unemployed", "labour_force", "wage_income", "firm_failures"):
        expected = table.groupby("month")[column].sum().to_numpy()
        np.testing.assert_allclose(totals[column].to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(totals["unemployment_rate"], totals["unemployed"] / totals["labour_force"])
    np.testing.assert_array_equal(totals["month"], np.arange(MONTHS + 1))
    assert "mean_wage" not in totals


def test_runs_are_reproducible_bit_for_bit(tmp_path):
    path = _nation(tmp_path, "linked", months=12)
    pd.testing.assert_frame_equal(NationModel(path, rng=9).run(), NationModel(path, rng=9).run(), check_exact=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace('seller = "gyeongju"', 'seller = "ulsan"'), "trade[0].seller: got 'ulsan'"),
        (lambda text: text.replace('sector = "auto"', 'sector = "ships"'), "trade[0].sector: got 'ships'"),
        (lambda text: text.replace("= 0.6", "= 1.5"), "trade[0].share_of_outside_sales"),
        (lambda text: text.replace('buyer = "gwangju"', 'buyer = "gyeongju"'), "seller and buyer must be different"),
        (lambda text: text.replace('start = "2021-01"', 'start = "2022-01"', 1), "regions[0].scenario: got 'gwangju'"),
        (lambda text: text.replace('name = "gyeongju"', 'name = "gwangju"'), "regions[1].name: got 'gwangju'"),
        (lambda text: text.replace("months = 24", "months = 0"), "nation.months"),
        (
            lambda text: text.replace('buyer = "gwangju"', 'buyer = "gyeongju"').replace(
                'seller = "gyeongju"', 'seller = "gwangju"'
            ),
            "trade[0].buyer: got 'gyeongju'; allowed: a region with an assembly plant",
        ),
    ],
)
def test_bad_nation_files_get_one_line_naming_file_key_and_value(tmp_path, change, message):
    path = _nation(tmp_path, "bad")
    path.write_text(change(path.read_text()))
    with pytest.raises(ScenarioError) as caught:
        NationModel(path, rng=1)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(str(path)), text
    assert message in text, text


def test_the_command_line_writes_the_regions_and_the_totals_and_refuses_bad_files_in_one_line(tmp_path, capsys):
    from sim.cli import main

    path = _nation(tmp_path, "linked", months=6)
    out = tmp_path / "out"
    assert main(["nation", str(path), "--seed", "4", "--out", str(out), "--scale", "0.02"]) == 0
    printed = capsys.readouterr().out
    assert "gwangju" in printed and "gyeongju" in printed and "nation" in printed
    regions = pd.read_csv(out / "regions.csv")
    totals = pd.read_csv(out / "totals.csv")
    assert list(pd.read_csv(out / "flows.csv").columns) == [
        "month",
        "origin",
        "destination",
        "migrants",
        "in_labour_force",
    ]
    assert set(regions["region"]) == {"gwangju", "gyeongju"}
    assert len(totals) == 7
    np.testing.assert_array_equal(totals["employed"], regions.groupby("month")["employed"].sum().to_numpy())
    manifest = (out / "manifest.json").read_text()
    assert '"kind": "nation"' in manifest and '"scale": 0.02' in manifest
    # The same command again: the folder exists, refused in one line, nothing changed.
    before = (out / "regions.csv").read_bytes()
    assert main(["nation", str(path), "--out", str(out)]) == 2
    assert "results folder exists already" in capsys.readouterr().err
    assert (out / "regions.csv").read_bytes() == before
    path.write_text(path.read_text().replace('seller = "gyeongju"', 'seller = "ulsan"'))
    assert main(["nation", str(path), "--out", str(tmp_path / "other")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "trade[0].seller: got 'ulsan'" in error
    assert not (tmp_path / "other").exists()


# ---------------------------------------------------------------------- migration between regions
MIGRATION = """
[[migration]]
origin = "gwangju"
destination = "gyeongju"
share_of_out_migrants = 0.2
source = "assumption for the test"
"""


def _origin_bits(origin: str) -> int:
    import zlib

    return zlib.crc32(origin.encode()) & 0xFFFFF


def test_migrants_leave_one_region_and_arrive_in_the_other_once(tmp_path):
    """People are conserved across the border: every migrant the nation sends from Gwangju to Gyeongju arrives there
    the next month as one new resident (with the origin's key), searching if they were in the labour force; and
    Gyeongju's own in-migration from the rest of the country is smaller by the expected flow."""
    from sim.nation import migration

    nation = NationModel(_nation(tmp_path, "moving", trade=MIGRATION), rng=6)
    nation.run()
    flows = nation.flows()
    assert flows["migrants"].sum() > 0
    assert set(zip(flows["origin"], flows["destination"], strict=True)) == {("gwangju", "gyeongju")}
    workforce = nation.regions["gyeongju"].region.workforce
    keys = workforce.key[: workforce.count]
    origin = (keys >> np.uint64(44)).astype(np.int64) == _origin_bits("migrant_from_gwangju")
    entry = workforce.entry_month[: workforce.count]
    arrived = flows[flows["month"] < MONTHS]
    for month, people in zip(arrived["month"], arrived["migrants"], strict=True):
        assert int((origin & (entry == month + 1)).sum()) == people, month
    # Nobody arrives before the month after they left, and the last month's leavers have not arrived yet.
    assert int(origin.sum()) == int(arrived["migrants"].sum())
    expected = 0.2 * migration.expected_out_migrants_per_month(nation.regions["gwangju"].region)
    assert nation.regions["gyeongju"].region.mobility.from_regions_per_month == pytest.approx(expected)
    assert expected > 0


def test_more_leave_a_region_for_another_when_its_jobs_go(tmp_path):
    """Out-migration rises with a region's unemployment (mobility.py: net out-migrants per extra unemployed
    resident, sourced in scenarios/gwangju.toml), so halving Gwangju's car output sends more of its people to
    Gyeongju over two years than the uncut economy does, seed by seed."""
    for seed in (1, 2):
        sent = {}
        for name, buyer in (("base", "gwangju"), ("cut", "buyer_cut.toml")):
            nation = NationModel(_nation(tmp_path, f"{name}{seed}", buyer=buyer, trade=MIGRATION), rng=seed)
            nation.run()
            sent[name] = int(nation.flows()["migrants"].sum())
        assert sent["cut"] > sent["base"], (seed, sent)


# ---------------------------------------------------------------------- packages on a nation
MIGRATION_TO_GWANGJU = """
[[migration]]
origin = "gyeongju"
destination = "gwangju"
share_of_out_migrants = 0.3
source = "assumption for the test"
"""


def test_fewer_choose_a_region_whose_jobs_go(tmp_path):
    """Migrants choose destinations by relative prospects (issue 16): a linked region's share of an origin's
    out-migrants follows the destination's prospects, by the mechanism the destination applies to everyone moving
    in (net out-migrants per extra unemployed resident, half as fewer arrivals: "Labor Mobility and Unemployment
    over the Business Cycle", Blanchard and Katz 1992; in Korea, prime-age migrants go to local labour markets with
    better employment opportunities, Choi, Kim and Lim 2015). With Gwangju's car output halved, Gyeongju (not
    linked by trade, so its own leavers are the same people) sends fewer of them to Gwangju: never more in a month,
    fewer over the run, seed by seed (common random numbers: one uniform per leaver)."""
    for seed in (1, 2):
        flows, leavers = {}, {}
        for name, buyer in (("base", "gwangju"), ("cut", "buyer_cut.toml")):
            path = _nation(tmp_path, f"to_gwangju_{name}{seed}", buyer=buyer, trade=MIGRATION_TO_GWANGJU)
            nation = NationModel(path, rng=seed)
            nation.run()
            by_month = nation.flows().set_index("month")["migrants"]
            flows[name] = by_month.reindex(range(1, MONTHS + 1), fill_value=0).to_numpy()
            leavers[name] = nation.regions["gyeongju"].results()["migrants_out"].to_numpy()
        np.testing.assert_array_equal(leavers["base"], leavers["cut"])
        assert (flows["cut"] <= flows["base"]).all(), seed
        assert flows["cut"].sum() < flows["base"].sum(), (seed, flows["cut"].sum(), flows["base"].sum())


def test_a_packages_national_effect_is_the_sum_of_its_regional_effects(tmp_path):
    """Effects by region and for the nation (issue 16: "A national package's effect equals the sum of its regional
    effects"): the nation's row comes from the national totals, the regions' from their own tables, seed by seed.
    A package with no money changes nothing anywhere."""
    from sim.experiment.nation_compare import compare_nation

    path = _nation(tmp_path, "linked", trade=TRADE + MIGRATION)
    zero = tmp_path / "zero.toml"
    zero.write_text(
        'name = "zero"\ndescription = "no money"\n[[interventions]]\ntype = "administration"\nname = "admin"\n'
        'start = "2021-01"\nend = "2022-12"\nbudget_krw = 0.0\n'
    )
    result = compare_nation(
        path, {"package": {"gwangju": "gwangju_2021"}, "zero": {"gwangju": str(zero)}}, reps=2, seed=3, months=18
    )
    effects = result.effects
    assert len(effects) == 2 * 2 * 3
    for (arm, replicate), group in effects.groupby(["arm", "replicate"]):
        regions = group[group["region"] != "nation"]
        nation = group[group["region"] == "nation"].iloc[0]
        for metric in ("job_years", "jobs", "residents_employed"):
            assert nation[metric] == pytest.approx(regions[metric].sum(), abs=1e-6), (arm, replicate, metric)
    zero_rows = effects[effects["arm"] == "zero"]
    assert (zero_rows[["job_years", "jobs", "residents_employed"]] == 0).all().all()
    money = ["spend_krw", "cost_krw", "benefits_saved_krw", "taxes_gained_krw", "net_fiscal_cost_krw"]
    assert (zero_rows[money] == 0).all().all()
    assert np.isnan(result.metric("zero", "nation", "cost_per_job_year_krw"))  # no net jobs: no cost per job
    package = effects[(effects["arm"] == "package") & (effects["region"] == "gwangju")]
    assert (package["job_years"] != 0).all()
    assert "gyeongju" in result.table() and "nation" in result.table()


def test_the_command_line_compares_a_package_by_region_and_for_the_nation(tmp_path, capsys):
    from sim.cli import main

    path = _nation(tmp_path, "linked", months=12)
    out = tmp_path / "cmp"
    argv = ["nation", str(path), "--package", "gwangju=gwangju_2021", "--reps", "2", "--workers", "2"]
    status = main([*argv, "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "gwangju_2021 in gwangju" in printed and "job-years" in printed
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["region"]) == {"gwangju", "gyeongju", "nation"}
    assert (out / "figures" / "regions.png").stat().st_size > 1000
    # A package for every region at once; a region named on its own keeps its own.
    out_all = tmp_path / "cmp_all"
    argv = ["nation", str(path), "--package", "all=single_retention", "--package", "gwangju=gwangju_2021"]
    assert main([*argv, "--reps", "2", "--months", "6", "--out", str(out_all)]) == 0
    manifest = (out_all / "manifest.json").read_text()
    assert '"gwangju": "gwangju_2021"' in manifest and '"gyeongju": "single_retention"' in manifest
    capsys.readouterr()
    assert main(["nation", str(path), "--package", "ulsan=gwangju_2021", "--out", str(tmp_path / "x")]) == 2
    assert "--package: got region 'ulsan'" in capsys.readouterr().err
    assert main(["nation", str(path), "--package", "gwangju", "--out", str(tmp_path / "y")]) == 2
    assert "REGION=PACKAGE" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


# ---------------------------------------------------------------------- investment that moves between regions
INVESTMENT = """
[[investment]]
destination = "gwangju"
origin = "gyeongju"
share_of_moved_firms = 1.0
source = "assumption for the test"
"""

# Gwangju's investment incentive, every attracted firm one that would have located in another Korean region, and
# the incentive at the top of Bartik's range of decisions changed (25%), so that firms move in a short test.
MOVING_INVESTMENT = """\
inherits = "single_investment"
name = "moving_investment"
description = "investment attraction whose firms all come from other regions (test)"

[[interventions]]
type = "investment_attraction"
name = "investment"
start = "2021-01"
end = "2023-12"
budget_krw = 40e9
sectors = ["growth", "other_manufacturing"]
but_for_share_min = 0.24
but_for_share_mode = 0.245
but_for_share_max = 0.25
from_other_regions_share = 1.0
subsidy_per_hire_krw = 30_000_000
max_subsidy_per_firm_krw = 5_000_000_000
min_regular_hires = 10
payment_window_months = 24
logistics_support_per_firm_krw = 30_000_000
"""


def test_investment_attracted_to_one_region_from_another_shows_as_a_loss_there(tmp_path):
    """Issue 16: "Investment attracted to A from B shows as a loss in B". Every firm Gwangju's incentive brings is
    one that would have located in Gyeongju (assumptions of the test); Gyeongju's inward investment of the same
    sector loses those firms, first drawn first, its own draws otherwise unchanged. At full scale every drawn firm
    comes (no sampling), so the loss is exact: the firms moved, less those still waiting for Gyeongju's next
    arrival of their sector."""
    package = tmp_path / "moving_investment.toml"
    package.write_text(MOVING_INVESTMENT)
    path = _nation(tmp_path, "attracting", trade=INVESTMENT, scale=1.0, months=36)
    base = NationModel(path, rng=4)
    base.run()
    nation = NationModel(path, rng=4, packages={"gwangju": str(package)})
    nation.run()
    moves = nation.firm_moves()
    assert len(moves) > 0
    assert set(moves["origin"]) == {"gyeongju"} and set(moves["destination"]) == {"gwangju"}
    assert len(base.firm_moves()) == 0
    waiting = sum(nation.regions["gyeongju"].region.arrivals_lost.values())

    def arrivals(model: NationModel) -> np.ndarray:
        return model.regions["gyeongju"].results()["firms_arrived"].to_numpy()

    assert (arrivals(nation) <= arrivals(base)).all()
    assert arrivals(base).sum() - arrivals(nation).sum() == len(moves) - waiting
    assert len(moves) - waiting > 0
    # The same nation with its regions in two worker processes: the same to the bit, firm moves included.
    parallel = NationModel(path, rng=4, packages={"gwangju": str(package)}, workers=2)
    table = parallel.run()
    pd.testing.assert_frame_equal(table, nation.results(), check_exact=True)
    pd.testing.assert_frame_equal(parallel.firm_moves(), moves, check_exact=True)


def test_jobs_taken_from_another_region_cost_the_nation_more_per_job_than_the_region(tmp_path):
    """Issue 16: "a region's gain can be set against the others' loss", in money too. Bartik (2018, Upjohn
    WP 18-289) and MOTIE count firms an incentive brings from another Korean region as jobs moved, not created:
    every firm Gwangju's incentive attracts here would have located in Gyeongju (an assumption of the test). The
    package's money is Gwangju's alone (each won booked once, in the desk that paid it), Gyeongju loses job-years,
    and the expected cost per net job-year is higher for the nation than for Gwangju (measured, seeds of 4: Gwangju
    +306 job-years, Gyeongju -200, 14.2 bn KRW spent: 46 m KRW a job-year for Gwangju, 133 m for the nation)."""
    from sim.experiment.nation_compare import compare_nation

    package = tmp_path / "moving_investment.toml"
    package.write_text(MOVING_INVESTMENT)
    path = _nation(tmp_path, "attracting", trade=INVESTMENT, scale=1.0, months=36)
    result = compare_nation(path, {"moving": {"gwangju": str(package)}}, reps=2, seed=4)
    effects = result.effects.set_index(["replicate", "region"])
    for replicate in (0, 1):
        gwangju, gyeongju, nation = (effects.loc[(replicate, name)] for name in ("gwangju", "gyeongju", "nation"))
        assert gwangju["spend_krw"] > 0 and gyeongju["spend_krw"] == 0 and gyeongju["cost_krw"] == 0
        assert nation["cost_krw"] == gwangju["cost_krw"]
        assert gyeongju["job_years"] < 0 < gwangju["job_years"], replicate
    cost_here = result.metric("moving", "gwangju", "cost_per_job_year_krw")
    cost_nation = result.metric("moving", "nation", "cost_per_job_year_krw")
    assert 0 < cost_here < cost_nation, (cost_here, cost_nation)  # measured 46 m and 133 m KRW
    assert "cost per job-year" in result.table()
    # The nation's gross-to-net bridge: Gwangju's own bridge as a single-region comparison splits it, and the
    # jobs Gyeongju lost as the nation's "other regions" part (HM Treasury additionality terms; the identity is
    # exact seed by seed, up to float rounding).
    for replicate in (0, 1):
        gwangju, gyeongju, nation = (effects.loc[(replicate, name)] for name in ("gwangju", "gyeongju", "nation"))
        assert gwangju["gross"] > 0 and gwangju["other_regions"] == 0
        assert np.isnan(gyeongju["gross"])  # no package in Gyeongju: no bridge of its own
        assert nation["other_regions"] == pytest.approx(gyeongju["job_years"], rel=1e-9)
        assert nation["other_regions"] < 0
        for row in (gwangju, nation):
            parts = row["gross"] - row["deadweight"] + row["bridge_residual"] + row["substitution"]
            parts += row["displacement"] + row["induced"] + row["other_regions"]
            assert parts == pytest.approx(row["job_years"], rel=1e-9, abs=1e-6), (replicate, row.name)
    assert result.metric("moving", "nation", "other_regions") < 0


def test_the_shipped_example_nation_runs_at_reduced_scale():
    """The README's example (scenarios/nations/example_two_regions.toml): both regions and all three links load."""
    from sim.inputs.nation import shipped_nations

    assert "example_two_regions" in shipped_nations()
    nation = NationModel("example_two_regions", rng=1, scale=0.02, months=6)
    table = nation.run()
    assert set(table["region"]) == {"gwangju", "gyeongju"}
    assert len(nation.nation.spec.trade) == len(nation.nation.spec.migration) == len(nation.nation.spec.investment) == 1
    assert nation.regions["gyeongju"].region.sales_to_regions is not None


def test_the_regions_figure_sorts_regions_by_effect_and_shows_the_nation_apart():
    """Issue 16's figure without a shippable map: a sorted bar chart, gains and losses coloured, the nation last."""
    from sim.experiment.nation_compare import NationComparison
    from sim.viz.nation_figures import GAIN, LOSS, NATION, jobs_by_region

    summary = pd.DataFrame(
        [
            {
                "arm": "a",
                "region": region,
                "metric": "job_years",
                "mean": mean,
                "ci_low": mean - 5,
                "ci_high": mean + 5,
                "n": 3,
            }
            for region, mean in (("gwangju", 90.0), ("gyeongju", -40.0), ("ulsan", 10.0), ("nation", 60.0))
        ]
    )
    figure = jobs_by_region(NationComparison(pd.DataFrame(), summary, {"a": {"gwangju": "p"}}, 3, 1))
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["gyeongju", "ulsan", "gwangju", "nation"]
    widths = [patch.get_width() for patch in axes.patches]
    assert widths == [-40.0, 10.0, 90.0, 60.0]
    from matplotlib.colors import to_hex

    assert [to_hex(patch.get_facecolor()) for patch in axes.patches] == [LOSS, GAIN, GAIN, NATION]


def test_a_nation_too_big_for_the_memory_limit_is_refused_in_one_line_before_it_is_built(tmp_path, capsys):
    """The regions' estimated memory counts together (each region alone may fit)."""
    from sim.cli import main

    path = _nation(tmp_path, "big", scale=1.0)
    assert main(["nation", str(path), "--max-memory", "1GiB", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "regions: got 2 regions needing about" in error and "gwangju the most" in error and "1.0 GiB" in error
    assert not (tmp_path / "out").exists()


def test_regions_in_worker_processes_give_the_same_nation_to_the_bit(tmp_path):
    """sim/nation/hosts.py: regions stepped at once in two processes, links routed between months in the file's
    order: tables, totals and migration flows as in one process."""
    path = _nation(tmp_path, "all", trade=TRADE + MIGRATION, months=18)
    serial = NationModel(path, rng=8)
    serial.run()
    parallel = NationModel(path, rng=8, workers=2)
    parallel.run()
    pd.testing.assert_frame_equal(parallel.results(), serial.results(), check_exact=True)
    pd.testing.assert_frame_equal(parallel.totals(), serial.totals(), check_exact=True)
    pd.testing.assert_frame_equal(parallel.flows(), serial.flows(), check_exact=True)
    assert len(serial.flows()) > 0
    with pytest.raises(AttributeError, match="worker processes"):
        parallel.regions  # noqa: B018 - the models live in the workers


@pytest.mark.parametrize("executor", [2, "local"])
def test_a_nation_comparison_on_local_processes_or_dask_equals_the_serial_one(tmp_path, executor):
    """Issue 16: "A comparison of packages across many seeds runs on a Dask cluster (--dask) with results identical
    to serial": each nation run is a task; the effects are the same to the bit."""
    from sim.experiment.nation_compare import compare_nation

    path = _nation(tmp_path, "linked", trade=TRADE + MIGRATION, months=8, scale=0.02)
    arms = {"package": {"gwangju": "gwangju_2021"}}
    serial = compare_nation(path, arms, reps=2, seed=5)
    other = compare_nation(path, arms, reps=2, seed=5, executor=executor)
    pd.testing.assert_frame_equal(other.effects, serial.effects, check_exact=True)
    pd.testing.assert_frame_equal(other.summary, serial.summary, check_exact=True)


def test_the_nation_comparison_report_shows_effects_and_money_by_region_in_a_headless_browser(tmp_path):
    """Issue 16: "Effects by region in the comparison summary and report". `shocksim report` on a nation
    comparison folder writes one self-contained page: every cell of the table by region equals summary.csv's
    mean and interval in the shown unit, the links are listed with their sources, the regions figure loads, the
    page fetches nothing, logs no error and prints to PDF (Debian's Chromium, as the region report's test)."""
    import re

    from sim.cli import main
    from sim.viz.nation_report import BRIDGE_ROWS, COLUMNS
    from tests.browser import ARTIFACTS, offline_report

    path = _nation(tmp_path, "linked", trade=TRADE + MIGRATION, months=12)
    folder = tmp_path / "cmp"
    assert main(["nation", str(path), "--package", "gwangju=gwangju_2021", "--reps", "2", "--out", str(folder)]) == 0
    report = tmp_path / "report.html"
    assert main(["report", str(folder), "--out", str(report)]) == 0
    assert main(["report", str(folder), "--out", str(report)]) == 2  # exists already
    assert main(["report", str(folder), "--out", str(report), "--force", "--sensitivity", str(folder)]) == 2
    html = report.read_text()
    assert "gwangju_2021 in gwangju" in html and "assumption" in html  # the links' sources
    with offline_report(report) as (page, external, errors):
        assert page.locator('#regions-figure img[alt="Job-years by region"]').evaluate("i => i.naturalWidth") > 0
        assert page.locator("#region-table tr").count() == 4  # heading, two regions, the nation
        assert page.locator("#links-table tr").count() == 3  # heading, trade, migration
        shown = {
            (region, metric): page.locator(f'tr[data-region="{region}"] td[data-metric="{metric}"]').inner_text()
            for region in ("gwangju", "gyeongju", "nation")
            for metric, *_ in COLUMNS
        }
        assert page.locator("#bridge-table tr").count() == len(BRIDGE_ROWS) + 1  # heading
        bridged = {
            (region, metric): page.locator(
                f'#bridge-table tr[data-metric="{metric}"] td[data-region="{region}"]'
            ).inner_text()
            for region in ("gwangju", "nation")  # Gyeongju has no package: no bridge of its own
            for metric, _ in BRIDGE_ROWS
        }
        assert page.locator('#bridge-table td[data-region="gyeongju"]').count() == 0
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / "nation_report.png"), full_page=True)
        pdf = page.pdf(path=str(ARTIFACTS / "nation_report.pdf"), format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
    assert external == [] and errors == [], (external, errors)
    summary = pd.read_csv(folder / "summary.csv").set_index(["region", "metric"])
    for metric, _, factor, digits in COLUMNS:
        for region in ("gwangju", "gyeongju", "nation"):
            row = summary.loc[(region, metric)]
            parts = re.split(r"\n| to ", shown[(region, metric)].strip())
            expected = [row["mean"] / factor, row["ci_low"] / factor, row["ci_high"] / factor]
            if parts[0] == "n/a":
                assert np.isnan(expected[0]), (region, metric)
                continue
            assert abs(float(parts[0].replace("\u2212", "-").replace(",", "")) - expected[0]) <= 0.5 * 10**-digits
            for part, wanted in zip(parts[1:], expected[1:], strict=False):
                if part.strip() != "unbounded":
                    assert abs(float(part.replace("\u2212", "-").replace(",", "")) - wanted) <= 0.5 * 10**-digits
    assert summary.loc[("gyeongju", "spend_krw"), "mean"] == 0 < summary.loc[("gwangju", "spend_krw"), "mean"]
    for (region, metric), text in bridged.items():  # the bridge's cells, deadweight shown as a subtraction
        sign = -1.0 if metric == "deadweight" else 1.0
        shown_mean = float(text.split("\n")[0].replace("\u2212", "-").replace(",", ""))
        assert abs(shown_mean - sign * summary.loc[(region, metric), "mean"]) <= 0.5, (region, metric, text)
    lines = [metric for metric, _ in BRIDGE_ROWS if metric != "job_years"]
    assert sum(float(bridged[("nation", m)].split("\n")[0].replace("\u2212", "-").replace(",", "")) for m in lines) == (
        pytest.approx(summary.loc[("nation", "job_years"), "mean"], abs=0.5 * len(lines))
    )


def test_a_comparison_sets_the_files_packages_against_the_nation_without_any(tmp_path, capsys):
    """A nation file may give its regions packages (seed 004's example does). `shocksim nation --compare` compares
    the nation as written with the nation without any package, on shared seeds: the same effects, to the bit, as
    aiming the same package with --package at a file that names none (common random numbers; no source needed).
    A file without packages and no --package has nothing to compare: one line, exit 2, nothing written."""
    from sim.cli import main

    plain = _nation(tmp_path, "plain", months=12)
    written = tmp_path / "written.toml"
    text = plain.read_text().replace('scenario = "gwangju"', 'scenario = "gwangju"\npackage = "gwangju_2021"')
    written.write_text(text)
    assert main(["nation", str(written), "--compare", "--reps", "2", "--out", str(tmp_path / "a"), "--quiet"]) == 0
    argv = ["nation", str(plain), "--package", "gwangju=gwangju_2021", "--reps", "2", "--quiet"]
    assert main([*argv, "--out", str(tmp_path / "b")]) == 0
    ours, theirs = (pd.read_csv(tmp_path / name / "effects.csv") for name in ("a", "b"))
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    assert (ours.loc[ours["region"] == "gwangju", "spend_krw"] > 0).all()  # the package acted (its job-years may
    # round to zero in a replicate of this small sample)
    assert (ours.loc[ours["region"] == "gyeongju", "spend_krw"] == 0).all()
    capsys.readouterr()
    assert main(["nation", str(plain), "--compare", "--out", str(tmp_path / "c")]) == 2
    assert "gives no region a package" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


SOUTH_WEST = """
[nation]
name = "south_west"
description = "Gwangju and Jeonnam as the Korea nation builds them (scripts/build_korea.py), without links"
start = "2023-01"
months = {months}
scale = 0.01

[[regions]]
name = "gwangju"
scenario = "{folder}/r24_gwangju.toml"

[[regions]]
name = "jeonnam"
scenario = "{folder}/r36_jeonnam.toml"
"""


def _south_west(folder: Path, months: int = 6) -> Path:
    """Two of the Korea nation's sido, copied beside a nation file of their own (regions are files beside it)."""
    import shutil

    korea = Path(__file__).resolve().parents[1] / "scenarios" / "nations" / "regions" / "korea"
    regions = folder / "korea"
    shutil.copytree(korea, regions)
    path = folder / "south_west.toml"
    path.write_text(SOUTH_WEST.format(months=months, folder="korea"))
    return path


def test_a_package_that_does_not_fit_its_region_is_refused_in_one_line_before_any_run(tmp_path, capsys):
    """Bad input names the region, the package's key path, the value and what is allowed; exit 2, no folder.
    single_hiring_subsidy names Gwangju's `auto` sector; the Korea nation's regions have KSIC divisions."""
    from sim.cli import main

    path = _south_west(tmp_path)
    for package, words in (
        ("single_hiring_subsidy", ("interventions[0].displaced_from[0]", "got 'auto'", "motor_vehicles")),
        ("no_such_package", ("got 'no_such_package'", "no such file")),
    ):
        out = tmp_path / f"out_{package}"
        assert main(["nation", str(path), "--package", f"gwangju={package}", "--reps", "2", "--out", str(out)]) == 2
        error = capsys.readouterr().err.strip()
        assert len(error.splitlines()) == 1, error
        assert error.startswith("shocksim: error: package for region 'gwangju': ")
        assert all(word in error for word in words), error
        assert not out.exists()


def test_the_tile_map_shades_each_sido_by_its_effect_and_hatches_what_seeds_cannot_tell_from_zero():
    """Issue 16's map of jobs saved or lost by region, without boundary data: one square per sido, blue for gains
    and red for losses, darker for larger effects; hatched when the interval includes zero; a sido outside the
    nation an empty outline; no map for a nation whose regions are not Korea's sido."""
    from matplotlib.colors import to_rgb

    from sim.experiment.nation_compare import NationComparison
    from sim.viz.nation_figures import KOREA_TILES, jobs_by_region_map

    effects = {"gwangju": (300.0, 100.0, 500.0), "jeonnam": (-150.0, -250.0, -50.0), "ulsan": (20.0, -80.0, 120.0)}
    rows = [
        {"arm": "a", "region": region, "metric": "job_years", "mean": m, "ci_low": lo, "ci_high": hi, "n": 3}
        for region, (m, lo, hi) in {**effects, "nation": (170.0, 0.0, 340.0)}.items()
    ]
    comparison = NationComparison(pd.DataFrame(), pd.DataFrame(rows), {"a": {"gwangju": "p"}}, 3, 1)
    figure = jobs_by_region_map(comparison)
    tiles = {patch.get_gid(): patch for patch in figure.axes[0].patches}
    assert set(tiles) == {f"tile-{name}" for name in KOREA_TILES}
    red, _, blue = zip(*(to_rgb(tiles[f"tile-{name}"].get_facecolor()) for name in effects), strict=True)
    assert blue[0] > red[0] and red[1] > blue[1]  # a gain blue, a loss red
    assert sum(to_rgb(tiles["tile-ulsan"].get_facecolor())) > sum(to_rgb(tiles["tile-gwangju"].get_facecolor()))
    hatched = {name for name in effects if tiles[f"tile-{name}"].get_hatch()}
    assert hatched == {"ulsan"}  # its interval includes zero
    assert tiles["tile-seoul"].get_facecolor()[3] == 0.0 and not tiles["tile-seoul"].get_hatch()  # not in the nation
    texts = " ".join(text.get_text() for text in figure.axes[0].texts)
    assert "gwangju\n+300" in texts and "jeonnam\n-150" in texts and "the nation +170" in figure.axes[0].get_title()
    other = pd.DataFrame([{**rows[0], "region": "gyeongju"}])
    assert jobs_by_region_map(NationComparison(pd.DataFrame(), other, {"a": {"gyeongju": "p"}}, 3, 1)) is None


def test_a_korean_nation_comparison_report_shows_the_tile_map_in_a_headless_browser(tmp_path):
    """Issue 16's outputs as people see them: `shocksim nation` on two of the Korea nation's sido writes
    figures/regions_map.png beside the sorted bars, and the report embeds and loads both, offline."""
    from sim.cli import main
    from tests.browser import ARTIFACTS, offline_report

    path = _south_west(tmp_path, months=12)  # long enough for the package's first participants
    folder = tmp_path / "cmp"
    aimed = "gwangju=single_public_jobs"  # a package that names no sector (Gwangju's scenario's would not fit)
    assert main(["nation", str(path), "--package", aimed, "--reps", "2", "--out", str(folder)]) == 0
    assert (folder / "figures" / "regions.png").is_file() and (folder / "figures" / "regions_map.png").is_file()
    report = tmp_path / "report.html"
    assert main(["report", str(folder), "--out", str(report)]) == 0
    assert 'id="regions-map"' in report.read_text()
    with offline_report(report) as (page, external, errors):
        for selector in ('#regions-figure img[alt="Job-years by region"]', "#regions-map img"):
            assert page.locator(selector).evaluate("i => i.naturalWidth") > 0, selector
        page.locator("#regions-map").screenshot(path=str(ARTIFACTS / "nation_tile_map.png"))
    assert external == [] and errors == [], (external, errors)
