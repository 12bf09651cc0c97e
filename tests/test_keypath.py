"""The one key-path grammar: dotted names with list indices, ``__`` for dots, one-line errors."""

from __future__ import annotations

import pytest

from sim import RegionModel, load_scenario
from sim.errors import ScenarioError
from sim.inputs.keypath import apply_overrides, format_key_path, get_path, parse_key_path, set_path

DATA = {
    "shocks": {"relocation": [{"share": 0.1}, {"share": 0.2}]},
    "labour_market": {"skill_wage_multiplier": [0.8, 1.0, 1.3], "quit_rate_per_month": 0.0025},
    "chains": {"auto": {"tier1": {"employees": 100}}},
}


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("shocks.relocation[0].share", ("shocks", "relocation", 0, "share")),
        ("labour_market.skill_wage_multiplier[2]", ("labour_market", "skill_wage_multiplier", 2)),
        ("chains.auto.tier1.employees", ("chains", "auto", "tier1", "employees")),
        ("labour_market__quit_rate_per_month", ("labour_market", "quit_rate_per_month")),
        ("grid[1][0]", ("grid", 1, 0)),
    ],
)
def test_paths_parse_and_format_back(path, steps):
    assert parse_key_path(path) == steps
    assert parse_key_path(format_key_path(steps)) == steps


def test_get_and_set_index_lists_and_leave_the_original():
    assert get_path(DATA, "shocks.relocation[1].share") == 0.2
    assert get_path(DATA, "labour_market.skill_wage_multiplier[2]") == 1.3
    updated = set_path(DATA, "shocks.relocation[1].share", 0.5)
    assert updated["shocks"]["relocation"][1]["share"] == 0.5
    assert DATA["shocks"]["relocation"][1]["share"] == 0.2
    both = apply_overrides(DATA, {"labour_market__quit_rate_per_month": 0.003, "chains.auto.tier1.employees": 7}, "x")
    assert both["labour_market"]["quit_rate_per_month"] == 0.003 and both["chains"]["auto"]["tier1"]["employees"] == 7


def test_missing_tables_are_created_but_lists_are_not():
    assert set_path({}, "labour_market.quit_rate_per_month", 0.1) == {"labour_market": {"quit_rate_per_month": 0.1}}
    with pytest.raises(ScenarioError, match="unknown key 'relocation'"):
        set_path({"shocks": {}}, "shocks.relocation[0].share", 0.1)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("shocks.relocation[2].share", r"an index below 2: shocks\.relocation has 2 entries"),
        ("chains.auto[0].employees", r"no index \[0\]: chains\.auto is not a list"),
        ("shocks.relocation[0.share", "unbalanced brackets"),
        ("shocks.relocation]0[.share", "malformed key path"),
        ("shocks..relocation", "malformed key path"),
        ("shocks.relocation[-1].share", "malformed key path"),
        ("labour_market.quit_rate_per_month.x", r"no key 'x': labour_market\.quit_rate_per_month is not a table"),
    ],
)
def test_bad_paths_are_one_line_errors_naming_source_path_value_and_what_is_allowed(path, message):
    with pytest.raises(ScenarioError, match=message) as caught:
        set_path(DATA, path, 0.25, "my.toml")
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"my.toml: {path}: got 0.25; ")


def test_scenario_overrides_use_the_grammar_with_list_indices():
    scenario = load_scenario("gwangju", {"shocks.relocation[0].share": 0.21})
    assert scenario.shocks.relocation[0].share == 0.21
    model = RegionModel("gwangju", rng=1, scale=0.02, months=1, labour_market__quit_rate_per_month=0.004)
    assert model.config.labour_market.quit_rate_per_month == 0.004
    with pytest.raises(ScenarioError, match=r"--set: shocks\.relocation\[5\]\.share: got 0\.2; .*has 1 entry"):
        load_scenario("gwangju", {"shocks.relocation[5].share": 0.2})
