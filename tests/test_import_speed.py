"""The speed-ups of import and random draws change nothing a user can see.

- ``sim/mesa_import.py`` imports Mesa without its import-time ``inspect.stack()`` calls: Mesa
  must end with the same module loggers as a plain ``import mesa``, and ``inspect`` with its
  own functions. Mesa's spaces (``mesa.discrete_space``, ``mesa.space``, ``mesa.experimental.continuous_space``)
  load on first use: importing the model must not import networkx or scipy.spatial, and every
  space must still work afterwards.
- ``sim/__init__.py`` freezes (``gc.freeze``) the objects of the first import of the model's
  stack: models made afterwards must still be collected, and a caller who turned the collector
  off keeps it off with nothing frozen.
- ``RandomStreams.uniform`` mixes in place: the draws must equal the SplitMix64 formula
  written out plainly (Steele, Lea and Flood 2014), for arrays and for one id.
- The matching's searches (``labour_market.count_at_or_below``, ``_choose_markets``) must give the
  integers of the plain ``np.searchsorted`` and of counting ``u >= cdf`` along each row, on ties,
  keys outside the values' range, infinities and wage-like lognormal levels.
- ``labour_market._place_on_the_job_seekers`` given the first round's counts (``at_or_below``, the
  matching's own search of the market's jobs) must place the same applicants in the same jobs as
  searching itself.
- ``labour_market._rows_where`` (a padded copy of the mask) must give ``np.flatnonzero``'s indices at every
  share of true entries, at and around the bounds of the padded path (4% and 10%).
- The matching's tables of (occupation, market, skill) factors (``MatchingMarket.cells``) must give, bit for bit,
  the application weights and offered pay computed seeker by seeker.
- ``random_streams.geometric_months`` (in place) must give the plain formula's months.
- ``random_streams.weighted_choice`` must give ``Generator.choice``'s draws (with weights) and leave
  the generator in the same state.
- ``state.is_one_of`` (equality per code) must give ``np.isin``'s mask.
- Firms' Mesa agents are made when first read: one per firm, in the order of the firm ids, with
  Mesa's ids in that order, the same however often and whenever they are read.

Each import check runs in a fresh interpreter (the import happens once per process).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from sim.region.labour_market import (
    MatchingMarket,
    _choose_markets,
    _place_on_the_job_seekers,
    _rows_where,
    count_at_or_below,
)
from sim.region.random_streams import RandomStreams, geometric_months, weighted_choice
from sim.region.state import is_one_of


def _fresh(code: str) -> object:
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_mesa_through_sim_has_the_loggers_of_a_plain_import_and_inspect_is_restored() -> None:
    report = (
        "import inspect, json, mesa.mesa_logging as logging_\n"
        "print(json.dumps([sorted(logging_._module_loggers), inspect.stack.__module__,"
        " inspect.getmodule.__module__, inspect.getouterframes.__module__]))\n"
    )
    plain = _fresh("import mesa\n" + report)
    through_sim = _fresh("from sim import RegionModel\n" + report)
    assert through_sim == plain
    assert plain[1:] == ["inspect", "inspect", "inspect"]


def test_mesa_spaces_load_on_first_use_and_still_work() -> None:
    result = _fresh(
        "import json, sys\n"
        "from sim import RegionModel\n"
        "before = sorted(m for m in ('networkx', 'scipy.spatial') if m in sys.modules)\n"
        "import mesa\n"
        "from mesa.discrete_space import Network, OrthogonalMooreGrid\n"
        "from mesa.experimental.continuous_space import ContinuousSpace\n"
        "model = mesa.Model(rng=1)\n"
        "grid = OrthogonalMooreGrid((3, 3), random=model.random)\n"
        "legacy = mesa.space.MultiGrid(3, 3, torus=False)\n"
        "print(json.dumps([before, len(grid.all_cells), legacy.width, Network.__name__, ContinuousSpace.__name__,\n"
        "                  'networkx' in sys.modules]))\n"
    )
    assert result == [[], 9, 3, "Network", "ContinuousSpace", True]


def test_models_made_after_the_frozen_import_are_still_collected() -> None:
    result = _fresh(
        "import gc, json, weakref\n"
        "from sim import RegionModel\n"
        "frozen = gc.get_freeze_count()\n"
        "model = RegionModel(rng=1, scale=0.01, months=1)\n"
        "model.run()\n"
        "alive = weakref.ref(model)\n"
        "del model\n"
        "gc.collect()\n"
        "print(json.dumps([gc.isenabled(), frozen, alive() is None]))\n"
    )
    enabled, frozen, collected = result
    assert enabled
    assert frozen > 10_000  # the libraries' objects are frozen ...
    assert collected  # ... but not the model, which is garbage once dropped


def test_a_caller_who_turned_the_collector_off_keeps_it_off_and_nothing_is_frozen() -> None:
    result = _fresh(
        "import gc, json\n"
        "gc.disable()\n"
        "from sim import RegionModel\n"
        "print(json.dumps([gc.isenabled(), gc.get_freeze_count()]))\n"
    )
    assert result == [False, 0]


def _plain_uniform(streams: RandomStreams, purpose: str, month: int, ids: np.ndarray) -> np.ndarray:
    """SplitMix64 of (id x golden ratio + key), top 53 bits as a fraction: the formula without in-place steps."""
    mask = (1 << 64) - 1
    key = streams._key(purpose, month)
    out = []
    for value in np.asarray(ids, dtype=np.uint64).ravel().tolist():
        z = (value * 0x9E3779B97F4A7C15 + key) & mask
        z ^= z >> 30
        z = (z * 0xBF58476D1CE4E5B9) & mask
        z ^= z >> 27
        z = (z * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out.append((z >> 11) * (1.0 / (1 << 53)))
    return np.array(out)


def test_uniform_draws_equal_the_plain_formula() -> None:
    rng = np.random.default_rng(3)
    for seed in (0, 1, 2**62 + 5):
        streams = RandomStreams(seed)
        for purpose, month in (("quit", 1), ("mobility_decision", 59), ("layoff", 0)):
            ids = rng.integers(0, 2**63, 200, dtype=np.uint64)
            np.testing.assert_array_equal(
                streams.uniform(purpose, month, ids), _plain_uniform(streams, purpose, month, ids)
            )
            small = np.arange(50)
            np.testing.assert_array_equal(
                streams.uniform(purpose, month, small), _plain_uniform(streams, purpose, month, small)
            )
            with np.errstate(over="ignore"):  # numpy scalars warn of the wrap-around the hash relies on
                one = streams.uniform(purpose, month, 7)
            assert one == _plain_uniform(streams, purpose, month, np.array([7]))[0]


def test_count_at_or_below_equals_searchsorted() -> None:
    rng = np.random.default_rng(11)
    for _ in range(40):
        size = int(rng.integers(64, 5_000))
        levels = np.round(rng.lognormal(15.5, 0.4, size), int(rng.integers(-6, 3)))  # rounding makes ties
        levels[rng.random(size) < 0.2] = 7_500_000.0  # a pile of jobs at one level
        values = np.sort(levels)
        keys = np.concatenate(
            [
                rng.lognormal(15.5, 0.5, 20_000),
                rng.choice(values, 2_000),  # keys equal to values
                [0.0, -1.0, values[0], values[-1], np.nextafter(values[-1], np.inf), np.inf, -np.inf, 1e300],
            ]
        )
        rng.shuffle(keys)
        np.testing.assert_array_equal(count_at_or_below(values, keys), np.searchsorted(values, keys, side="right"))
    one_level = np.full(500, 3.0)
    keys = np.array([2.0, 3.0, 4.0] * 500)
    np.testing.assert_array_equal(count_at_or_below(one_level, keys), np.searchsorted(one_level, keys, side="right"))


def test_placing_with_the_first_rounds_counts_equals_searching() -> None:
    rng = np.random.default_rng(3)
    for size, applicants in ((50, 30), (2_000, 1_500), (9_000, 7_000)):
        levels = np.round(rng.lognormal(15.5, 0.3, size), -4)  # rounding makes ties
        thresholds = rng.lognormal(15.4, 0.3, applicants)
        thresholds[rng.random(applicants) < 0.1] = 0.0  # those who take any job
        thresholds[:3] = levels[:3]  # thresholds equal to a level
        draw = rng.random(applicants)
        plain = _place_on_the_job_seekers(thresholds, levels, draw)
        counts = count_at_or_below(np.sort(levels), thresholds)
        given = _place_on_the_job_seekers(thresholds, levels, draw, at_or_below=counts)
        assert len(plain[0]) > 0
        for ours, theirs in zip(given, plain, strict=True):
            np.testing.assert_array_equal(ours, theirs)


def test_choose_markets_equals_counting_along_rows() -> None:
    rng = np.random.default_rng(5)
    probabilities = rng.random((5, 5))
    probabilities[2] = 0.0  # a row with no open jobs anywhere
    probabilities[3, 1:3] = 0.0  # markets never chosen
    cdf = np.cumsum(probabilities / np.maximum(probabilities.sum(axis=1, keepdims=True), 1e-300), axis=1)
    occupation = rng.integers(0, 5, 50_000).astype(np.int8)
    u = rng.random(50_000)
    u[:5] = cdf[occupation[:5], 1]  # draws on a boundary
    plain = np.minimum((u[:, None] >= cdf[occupation]).sum(axis=1), 4)
    np.testing.assert_array_equal(_choose_markets(cdf, occupation, u), plain)


def test_weighted_choice_equals_generator_choice() -> None:
    rng = np.random.default_rng(0)
    for trial in range(200):
        count = int(rng.integers(1, 12))
        weights = rng.random(count) ** 3
        weights[rng.random(count) < 0.2] = 0.0
        weights[0] += 1e-3
        weights = weights / weights.sum()
        size = int(rng.integers(0, 200_000)) if trial % 5 else int(rng.integers(0, 2_000))
        population = count if trial % 2 else np.arange(count, dtype=np.int8) * 3
        numpy_generator, ours = np.random.default_rng(trial), np.random.default_rng(trial)
        expected = numpy_generator.choice(population, size=size, p=weights)
        drawn = weighted_choice(ours, population, size, weights)
        assert drawn.dtype == expected.dtype
        np.testing.assert_array_equal(drawn, expected)
        assert numpy_generator.random() == ours.random()  # the same state afterwards


def test_geometric_months_equal_the_plain_formula() -> None:
    never = int(np.iinfo(np.int32).max)
    u = np.concatenate([np.random.default_rng(2).random(100_000), [0.0, 0.5, 1.0 - 2.0**-53]])
    for rate in (1e-9, 0.0025, 0.04, 0.5, 0.999):
        for after in (0, 17, never - 5):
            plain = np.minimum(after + (np.floor(np.log1p(-u) / np.log1p(-rate)).astype(np.int64) + 1), never)
            np.testing.assert_array_equal(geometric_months(u.copy(), after, rate, never), plain.astype(np.int32))


def test_is_one_of_equals_isin() -> None:
    rng = np.random.default_rng(4)
    for _ in range(500):
        values = rng.integers(-3, 9, int(rng.integers(0, 300))).astype(rng.choice([np.int8, np.int16, np.int64]))
        codes = [int(code) for code in rng.integers(-4, 10, int(rng.integers(0, 5)))]
        mask = is_one_of(values, codes)
        np.testing.assert_array_equal(mask, np.isin(values, codes))
        assert mask.dtype == np.bool_


def test_firm_agents_are_made_on_first_read_one_per_firm_in_id_order() -> None:
    from sim import RegionModel
    from sim.region.agents import Firm

    model = RegionModel(rng=3, scale=0.02, months=12)
    model.run(6)
    assert model.__dict__["_firm_agents"] == []  # the months never made them
    agents = model.firm_agents
    assert [agent.index for agent in agents] == list(range(model.firms.count))
    ids = [agent.unique_id for agent in agents]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len(model.agents) == len(model.agents_by_type[Firm]) == model.firms.count
    assert model.agent_types == [Firm]
    model.run()
    assert len(model.agents) == model.firms.count  # firms added since get theirs, the others keep theirs
    assert model.firm_agents[: len(agents)] == agents
    assert [agent.index for agent in model.firm_agents] == list(range(model.firms.count))


def test_rows_where_equals_flatnonzero() -> None:
    rng = np.random.default_rng(21)
    for rows in (0, 1, 1000, 65_536, 70_001, 1_250_000):
        draws = rng.random(rows)
        for share in (0.0, 0.01, 0.0399, 0.04, 0.0401, 0.05, 0.08, 0.0999, 0.1, 0.1001, 0.3, 1.0):
            mask = draws < share
            expected = np.flatnonzero(mask)
            found = _rows_where(mask)
            np.testing.assert_array_equal(found, expected)
            assert found.dtype == expected.dtype
    mask = np.zeros(1_000_000, dtype=bool)
    mask[-80_000:] = True  # hits at the very end, next to the padding
    np.testing.assert_array_equal(_rows_where(mask), np.flatnonzero(mask))


def test_matching_factor_tables_equal_the_formulas_seeker_by_seeker() -> None:
    """The weights and pay factors gathered from the small tables: the same bits as the formulas per seeker."""
    rng = np.random.default_rng(8)
    occupations = 5
    distance = rng.random((occupations, occupations))
    np.fill_diagonal(distance, 0.0)
    market = MatchingMarket(
        distance=distance,
        search_distance_weight=2.3,
        wage_loss_per_distance=0.17,
        skill_wage=np.array([0.8, 1.0, 1.3]),
        skill_search=np.array([0.7, 1.0, 1.2]),
        long_term_months=12,
        long_term_decay=0.031,
        curvature=1.27,
        on_the_job_search_rate=0.125,
    )
    size = 200_000
    occupation = rng.integers(0, occupations, size).astype(np.int8)
    chosen = rng.integers(0, occupations, size).astype(np.int8)
    skill = rng.integers(1, 4, size).astype(np.int8)
    months = rng.integers(0, 120, size)
    d = distance[occupation, chosen]
    plain_weight = (
        np.exp(-market.search_distance_weight * d)
        * market.skill_search[skill - 1]
        * np.exp(-market.long_term_decay * np.maximum(months - market.long_term_months, 0))
    )
    plain_pay = market.skill_wage[skill - 1] * (1.0 - market.wage_loss_per_distance * d)
    cell = market.cells(occupation, chosen, skill)
    assert market.application_weight(occupation, chosen, skill, months).tobytes() == plain_weight.tobytes()
    assert market.weight_of_cells(cell, months).tobytes() == plain_weight.tobytes()
    assert market.pay_factor(cell).tobytes() == plain_pay.tobytes()
