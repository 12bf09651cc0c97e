"""Commuting between regions of a nation, each commuter counted once (issue 16: "A two-region scenario conserves
people and money across borders: commuters are counted once"; sim/nation/commuting.py, docs/national.md).

The home region is a Jeonnam county next to Gwangju (scenarios/declining_county.toml on Gwangju's calendar); Gwangju
is the work region. Shares are assumptions of the tests unless said otherwise: the census gives 2.4% of South
Jeolla's commuters going to Gwangju and over 10% for the counties next to it (scenarios/national/commuting.csv;
arca.live tabulation of the 2015 Population and Housing Census).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import ScenarioError
from sim.model import RegionModel
from sim.nation import NationModel, commuting
from sim.nation.commuting import job_keys
from sim.nation.model import region_seed
from sim.region.households import residents_wages_and_benefits
from sim.region.state import COMMUTING_OUT, EMPLOYED, MOVED_OUT, UNEMPLOYED, Workforce
from tests.test_nation import BUYER_CUT

COUNTY = """\
inherits = "declining_county"
{extra}
[scenario]
name = "county_2021"
description = "A Jeonnam county next to Gwangju on Gwangju's calendar (test)"
start = "2021-01"
months = 24
"""

# Hwasun, Damyang and Jangseong send over 10% of their commuters to Gwangju (the census tabulation above); the test's
# county sends 25% of its employed residents out (an assumption of the test, for enough commuters to measure).
COMMUTING_COUNTY = """
[mobility]
out_commuter_share_of_employed = 0.25
"""

# Gwangju with its car plant's output halved from mid-2021 (as tests/test_nation.py).
GWANGJU_CUT = BUYER_CUT

NATION = """\
[nation]
name = "commuters"
start = "2021-01"
months = {months}
scale = {scale}

[[regions]]
name = "gwangju"
scenario = "{work}"

[[regions]]
name = "county"
scenario = "county.toml"
{links}
"""

LINK = """
[[commuting]]
home = "county"
work = "gwangju"
share_of_in_commuters = {share}
source = "assumption for the test"
"""


def _nation(folder: Path, name: str, *, share: float | None = 0.05, work: str = "gwangju", **keys) -> Path:
    (folder / "county.toml").write_text(COUNTY.format(extra=keys.get("county", "")))
    (folder / "gwangju_cut.toml").write_text(GWANGJU_CUT)
    links = "" if share is None else LINK.format(share=share)
    text = NATION.format(months=keys.get("months", 12), scale=keys.get("scale", 0.05), work=work, links=links)
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


def _linked(workforce: Workforce, status: int) -> np.ndarray:
    return np.flatnonzero((workforce.commute_link == 0) & (workforce.status == status))


def test_the_links_starting_commuters_are_its_share_of_the_work_regions_in_commuters(tmp_path):
    """The file's share of Gwangju's employed in-commuters live in the county: the same people (keys) in both
    regions, the county's rows with the jobs' pay."""
    nation = NationModel(_nation(tmp_path, "start", share=0.05), rng=1)
    home, work = nation.regions["county"].region.workforce, nation.regions["gwangju"].region.workforce
    in_commuters = int(np.count_nonzero(work.lives_outside & (work.status == EMPLOYED)))
    jobs, commuters = _linked(work, EMPLOYED), _linked(home, COMMUTING_OUT)
    assert len(jobs) == round(0.05 * in_commuters) == len(commuters) > 20
    assert work.lives_outside[jobs].all() and not home.lives_outside[commuters].any()
    assert set(job_keys(work.key[jobs], 0).tolist()) == set(home.key[commuters].tolist())
    pay = dict(zip(job_keys(work.key[jobs], 0).tolist(), work.paid_wage(jobs).tolist(), strict=True))
    assert [pay[key] for key in home.key[commuters].tolist()] == home.wage[commuters].tolist()
    table = nation.commuters()
    start = table.loc[0, ["home", "work", "commuters", "jobs_held"]].tolist()
    assert start == ["county", "gwangju", len(jobs), len(jobs)]


def test_each_commuter_is_one_person_and_their_pay_is_booked_once_at_home(tmp_path):
    """Month by month (Gwangju's car output halved, so commuters lose jobs and are hired): every person is a
    resident of one region only, by key; every job or search the link holds in Gwangju is a county resident's, or
    one whose loss the county has just sent; every county resident counted as working in Gwangju holds a job there or
    has just lost it (Gwangju's news in transit); their pay in the county is what Gwangju paid them, by key, and it
    counts in the county's household income, not Gwangju's; one who loses the job there is the county's unemployed
    with the benefit the layoff gave (by key); the nation's unemployed count linked seekers once."""
    path = _nation(tmp_path, "conserve", share=0.2, work="gwangju_cut.toml", county=COMMUTING_COUNTY, months=18)
    nation = NationModel(path, rng=2)
    home_state, work_state = nation.regions["county"].region, nation.regions["gwangju"].region
    home, work = home_state.workforce, work_state.workforce
    last_pay: dict[int, float] = {}
    last_benefit: dict[int, float] = {}
    moved = laid_off = 0
    while nation.running:
        nation.step()
        month = nation.steps
        # A person is a region's resident key (keys start from 0 in every region): each once in its region, and
        # the nation's population is the regions' residents.
        workforces = [model.region.workforce for model in nation.regions.values()]
        residents = [people.key[(people.status != MOVED_OUT) & ~people.lives_outside] for people in workforces]
        assert all(len(np.unique(keys)) == len(keys) for keys in residents)
        totals = nation.totals()
        assert totals["population_15plus"].iloc[-1] == sum(len(keys) for keys in residents)

        inbox_work, inbox_home = nation._inboxes["gwangju"].to_work[0], nation._inboxes["county"].to_home[0]
        rows = np.concatenate([_linked(work, EMPLOYED), _linked(work, UNEMPLOYED)])
        held = set(job_keys(work.key[rows], 0).tolist())  # the people's keys in the county
        at_home = {status: set(home.key[_linked(home, status)].tolist()) for status in (COMMUTING_OUT, UNEMPLOYED)}
        gone, left = set(inbox_work.gone.tolist()), set(inbox_home.left.tolist())
        sent = set(inbox_work.seekers.keys.tolist())
        assert held - gone <= at_home[COMMUTING_OUT] | at_home[UNEMPLOYED]
        assert at_home[COMMUTING_OUT] <= held | left
        assert at_home[UNEMPLOYED] <= held | left | sent
        assert not (gone & (at_home[COMMUTING_OUT] | at_home[UNEMPLOYED]))
        # The link's jobs are not Gwangju's residents, and their draws repeat none of Gwangju's residents'.
        assert not work.status[rows].tolist().count(MOVED_OUT) and work.lives_outside[rows].all()
        assert not set(work.key[rows].tolist()) & set(residents[0].tolist())

        # Pay goes home: the county's commuters earn what Gwangju paid them last month (by key).
        commuters = _linked(home, COMMUTING_OUT)
        known = [row for row in commuters if int(home.key[row]) in last_pay]
        assert [home.wage[row] for row in known] == [last_pay[int(home.key[row])] for row in known]
        jobs = _linked(work, EMPLOYED)
        last_pay = dict(zip(job_keys(work.key[jobs], 0).tolist(), work.paid_wage(jobs).tolist(), strict=True))
        # A job lost in Gwangju: the commuter is the county's unemployed with the benefit the layoff gave.
        searching = _linked(home, UNEMPLOYED)
        known = [row for row in searching if int(home.key[row]) in last_benefit]
        assert [home.benefit_krw[row] for row in known] == [last_benefit[int(home.key[row])] for row in known]
        laid_off += sum(1 for row in known if home.benefit_krw[row] > 0)
        held_seekers = _linked(work, UNEMPLOYED)
        benefits = work.benefit_krw[held_seekers].tolist()
        last_benefit = dict(zip(job_keys(work.key[held_seekers], 0).tolist(), benefits, strict=True))
        # ... in the county's household wages, not in Gwangju's (whose in-commuters' pay goes home).
        outside_pay = float(work.paid_wage(np.flatnonzero(work.lives_outside & (work.status == EMPLOYED))).sum())
        wages_work, _ = residents_wages_and_benefits(work_state, month)
        out_wages = float(work.wage[work.status == COMMUTING_OUT].sum())
        assert wages_work == pytest.approx(work_state.local.wage_income_krw - outside_pay + out_wages, rel=1e-12)
        wages_home, _ = residents_wages_and_benefits(home_state, month)
        assert wages_home >= float(home.wage[commuters].sum()) > 0
        moved += len(gone) + len(left)

    table, totals, commuters = nation.results(), nation.totals(), nation.commuters()
    seekers = commuters.set_index("month")["seekers_in_work_region"]
    summed = table.groupby("month")["unemployed"].sum()
    np.testing.assert_array_equal(totals["unemployed"].to_numpy(), (summed - seekers).to_numpy())
    assert seekers.sum() > 0 and commuters["hired"].sum() > 0 and moved > 0 and laid_off > 0


def _county(path: Path, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    nation = NationModel(path, rng=seed)
    table = nation.run()
    return table[table["region"] == "county"].reset_index(drop=True), nation.commuters()


def test_a_plant_output_cut_in_the_work_region_raises_unemployment_among_the_home_regions_residents(tmp_path):
    """Gwangju's car output halved from mid-2021: more of the county's residents who work in Gwangju lose their jobs
    there and the county has more unemployed residents; without the link the county's run is the same bit for bit
    whether or not Gwangju's output is cut. Shares: 20% of Gwangju's in-commuters from the county, which sends 25% of
    its employed out (assumptions of the test; the census: over 10% of the neighbouring counties' commuters go to
    Gwangju). Measured (scale 0.1, 24 months, seeds 1-3): the link's job losses 24, 42, 32 against 26, 48, 38 with
    the cut; the county's unemployed summed over the months 1,376, 1,480, 1,491 against 1,409, 1,588, 1,554 (the
    commuters are 0.6% of Gwangju's jobs, so about 0.6% of its extra layoffs)."""
    keys = {"county": COMMUTING_COUNTY, "months": 24, "scale": 0.1}
    for seed in (1, 2, 3):
        base, base_links = _county(_nation(tmp_path, "base", share=0.2, **keys), seed)
        cut, cut_links = _county(_nation(tmp_path, "cut", share=0.2, work="gwangju_cut.toml", **keys), seed)
        assert cut_links["jobs_lost"].sum() > base_links["jobs_lost"].sum()
        assert cut["unemployed"].sum() > base["unemployed"].sum()
    alone, _ = _county(_nation(tmp_path, "alone", share=None, **keys), 1)
    alone_cut, _ = _county(_nation(tmp_path, "alone_cut", share=None, work="gwangju_cut.toml", **keys), 1)
    pd.testing.assert_frame_equal(alone, alone_cut, check_exact=True)


def test_a_region_in_a_nation_without_commuting_links_runs_as_it_does_alone(tmp_path):
    nation = NationModel(_nation(tmp_path, "alone", share=None), rng=5)
    table = nation.run()
    mine = table[table["region"] == "county"].drop(columns="region").reset_index(drop=True)
    alone = RegionModel(tmp_path / "county.toml", rng=region_seed(5, "county"), scale=0.05, months=12).run()
    pd.testing.assert_frame_equal(mine, alone, check_exact=True)
    assert nation.commuters().empty


def test_commuting_in_worker_processes_gives_the_same_nation_to_the_bit(tmp_path):
    path = _nation(tmp_path, "workers", share=0.2, work="gwangju_cut.toml", county=COMMUTING_COUNTY)
    serial = NationModel(path, rng=8)
    serial.run()
    parallel = NationModel(path, rng=8, workers=2)
    parallel.run()
    pd.testing.assert_frame_equal(parallel.results(), serial.results(), check_exact=True)
    pd.testing.assert_frame_equal(parallel.totals(), serial.totals(), check_exact=True)
    pd.testing.assert_frame_equal(parallel.commuters(), serial.commuters(), check_exact=True)
    assert serial.commuters()["started_search"].sum() > 0


def test_a_nation_comparison_with_commuting_on_dask_equals_the_serial_one(tmp_path):
    from sim.experiment.nation_compare import compare_nation

    path = _nation(tmp_path, "dask", share=0.2, county=COMMUTING_COUNTY, months=6)
    arms = {"package": {"gwangju": "gwangju_2021"}}
    serial = compare_nation(path, arms, reps=2, seed=5)
    other = compare_nation(path, arms, reps=2, seed=5, executor="local")
    pd.testing.assert_frame_equal(other.effects, serial.effects, check_exact=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace('home = "county"', 'home = "naju"'), "commuting[0].home: got 'naju'"),
        (lambda text: text.replace('home = "county"', 'home = "gwangju"'), "home and work must be different"),
        (lambda text: text.replace("share_of_in_commuters = 0.05", "share_of_in_commuters = 0"), "commuting[0]"),
        (lambda text: text + LINK.format(share=0.96), "commuting[1].share_of_in_commuters: got 0.96"),
        (lambda text: text.replace('source = "assumption for the test"', ""), "commuting[0].source"),
        (
            lambda text: text.replace('scenario = "county.toml"', 'scenario = "still.toml"'),
            "commuting[0].home: got 'county'; allowed: a region whose scenario has a [mobility] section",
        ),
        # The county's out-commuters cannot hold half of Gwangju's in-commuters (measured: 60 of 570 at scale 0.05).
        (
            lambda text: text.replace("share_of_in_commuters = 0.05", "share_of_in_commuters = 0.5"),
            "commuting[0].share_of_in_commuters: got 0.5; allowed: a share whose commuters",
        ),
    ],
)
def test_bad_commuting_links_get_one_line_naming_file_key_and_value(tmp_path, change, message):
    (tmp_path / "still.toml").write_text(
        COUNTY.format(extra='drop_inherited = ["mobility"]').replace("county_2021", "county_without_mobility")
    )
    path = _nation(tmp_path, "bad")
    path.write_text(change(path.read_text()))
    with pytest.raises(ScenarioError) as caught:
        NationModel(path, rng=1)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(str(path)), text
    assert message in text, text


def test_the_shipped_commuting_example_runs_at_reduced_scale():
    """scenarios/nations/example_commuting.toml: the census-derived share (2.1% of Gwangju's in-commuters)."""
    nation = NationModel("example_commuting", rng=1, scale=0.05, months=3)
    nation.run()
    start = nation.commuters().iloc[0]
    work = nation.tables()["gwangju"]
    assert start["commuters"] == start["jobs_held"] == round(0.021 * work["commuters_in"].iloc[0])


def test_the_command_line_writes_and_prints_commuters_by_link(tmp_path, capsys):
    from sim.cli import main

    path = _nation(tmp_path, "cli", share=0.2, county=COMMUTING_COUNTY, months=6)
    assert main(["nation", str(path), "--seed", "3", "--out", str(tmp_path / "out")]) == 0
    commuters = pd.read_csv(tmp_path / "out" / "commuters.csv")
    assert commuters[["home", "work"]].drop_duplicates().values.tolist() == [["county", "gwangju"]]
    assert commuters["month"].tolist() == list(range(7))
    printed = capsys.readouterr().out
    start = commuters["commuters"].iloc[0] / 0.05
    assert f"county -> gwangju{start:>27,.0f}" in printed, printed
    manifest = (tmp_path / "out" / "manifest.json").read_text()
    assert '"commuters.csv"' in manifest


def test_the_home_regions_unemployed_start_searching_in_the_work_region_at_the_links_rate(tmp_path):
    """The link's seekers arrive at the rate its share of the work region's outside seekers had (sim/nation/
    commuting.py): each unemployed resident of the county not already searching in Gwangju starts a search there
    with probability share x job-finding rate x Gwangju's in-commuter seekers at the start / the county's unemployed
    residents at the start, a month; counted against its binomial spread (3 standard deviations). A test of the
    mechanism, not of a published figure: the census gives the link's stock, not its flows. Measured (scale 0.1, 24
    months, seed 4): 61 searches started against 49.0 expected (standard deviation 6.9)."""
    nation = NationModel(_nation(tmp_path, "rate", share=0.2, county=COMMUTING_COUNTY, months=24, scale=0.1), rng=4)
    home_state, work_state = nation.regions["county"].region, nation.regions["gwangju"].region
    home = home_state.workforce
    rate = 0.2 * 0.125 * work_state.mobility.outsider_seekers_start / commuting.facts(home_state).unemployed_residents
    expected = variance = 0.0
    while nation.running:
        nation.step()
        started = int(nation.commuters()["started_search"].iloc[-1])
        free = (home.status == UNEMPLOYED) & ~home.lives_outside & (home.commute_link < 0) & ~home.foreign
        eligible = int(np.count_nonzero(free)) + started
        expected += rate * eligible
        variance += rate * (1 - rate) * eligible
    observed = int(nation.commuters()["started_search"].sum())
    assert expected > 30
    assert abs(observed - expected) < 3 * variance**0.5, (observed, expected)


def test_the_command_line_runs_a_nation_in_worker_processes_as_in_one(tmp_path):
    """``shocksim nation --workers 2`` (README): the same regions' table and commuters as one process (the run's
    summary and manifest read the nation file, not the models, which live in the workers)."""
    from sim.cli import main

    path = _nation(tmp_path, "cli", share=0.2, county=COMMUTING_COUNTY, months=4)
    for workers, out in (("1", "one"), ("2", "two")):
        assert main(["nation", str(path), "--seed", "3", "--workers", workers, "--out", str(tmp_path / out)]) == 0
    for name in ("regions.csv", "commuters.csv", "totals.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
