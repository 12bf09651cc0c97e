"""Scenario files: loading, inheritance, overrides, and one-line errors for bad input."""

from __future__ import annotations

import pytest

from sim import RegionModel, ScenarioError, load_scenario
from sim.inputs.scenario import SCENARIO_DIR, shipped_scenarios


def test_default_scenario_loads_and_is_gwangju():
    scenario = load_scenario()
    assert scenario.scenario.name == "gwangju"
    assert scenario.scenario.start == "2021-01"
    assert scenario.scenario.months == 60
    assert scenario.scenario.scale == 1.0
    assert "gwangju" in shipped_scenarios()


def test_name_path_and_object_give_the_same_scenario():
    by_name = load_scenario("gwangju")
    by_path = load_scenario(SCENARIO_DIR / "gwangju.toml")
    assert by_name.content_hash() == by_path.content_hash()
    assert load_scenario(by_name) is by_name


def test_overrides_change_only_the_named_key():
    base = load_scenario()
    changed = load_scenario(overrides={"labour_market.quit_rate_per_month": 0.004})
    assert changed.labour_market.quit_rate_per_month == 0.004
    assert changed.content_hash() != base.content_hash()
    same_otherwise = changed.to_dict()
    same_otherwise["labour_market"]["quit_rate_per_month"] = base.labour_market.quit_rate_per_month
    assert same_otherwise == base.to_dict()


def test_inherited_scenario_overrides_parent(write_scenario):
    path = write_scenario("""
        [scenario]
        name = "small"
        months = 12
    """)
    scenario = load_scenario(path)
    assert scenario.scenario.name == "small"
    assert scenario.scenario.months == 12
    assert scenario.population.labour_force == load_scenario().population.labour_force


def test_unknown_key_is_named_with_the_allowed_keys(write_scenario, scenario_error):
    message = scenario_error(write_scenario("[population]\nlabour_forse = 10\n"))
    assert "population.labour_forse" in message
    assert "unknown key" in message
    assert "labour_force" in message  # the allowed keys are listed


def test_wrong_type_names_key_and_value(write_scenario, scenario_error):
    message = scenario_error(write_scenario('[population]\nlabour_force = "many"\n'))
    assert "population.labour_force" in message
    assert "'many'" in message


def test_negative_size_is_refused(write_scenario, scenario_error):
    message = scenario_error(write_scenario("[chains.auto.tier1]\nemployees = -5\n"))
    assert "chains.auto.tier1.employees" in message
    assert "-5" in message
    assert "greater than or equal to 0" in message


def test_dates_out_of_order_are_refused(write_scenario, scenario_error):
    message = scenario_error(
        write_scenario("""
        [[shocks.final_demand]]
        chain = "auto"
        points = [{ date = "2023-01", value = 400000 }, { date = "2022-01", value = 420000 }]
    """)
    )
    assert "shocks.final_demand[0]" in message
    assert "increasing date order" in message


def test_tariff_ending_before_it_starts_is_refused(write_scenario, scenario_error):
    message = scenario_error(
        write_scenario("""
        [[shocks.tariff]]
        sectors = ["auto"]
        start = "2024-01"
        end = "2023-01"
        sales_cut = 0.2
        phase_in_months = 1
    """)
    )
    assert "shocks.tariff[0]" in message
    assert "end must come after start" in message


def test_bad_month_format_is_refused(write_scenario, scenario_error):
    message = scenario_error(write_scenario('[scenario]\nstart = "2021-13"\n'))
    assert "scenario.start" in message
    assert "YYYY-MM" in message


def test_shares_that_do_not_sum_to_one_are_refused(write_scenario, scenario_error):
    message = scenario_error(write_scenario("[workforce.auto]\nskill_mix = [0.5, 0.5, 0.5]\n"))
    assert "workforce.auto" in message
    assert "sum to 1" in message


def test_occupation_mix_must_name_the_scenario_occupations(write_scenario, scenario_error):
    message = scenario_error(
        write_scenario("""
        [workforce.auto]
        occupation_mix = { mechanical_assembly = 0.5, welding = 0.5 }
    """)
    )
    assert "occupation" in message


def test_relocation_of_an_unknown_plant_is_refused(write_scenario, scenario_error):
    message = scenario_error(
        write_scenario("""
        [[shocks.relocation]]
        assembler = "No such plant"
        date = "2021-01"
        share = 0.5
        phase_in_months = 1
    """)
    )
    assert "No such plant" in message


def test_missing_file_is_named(tmp_path, scenario_error):
    missing = tmp_path / "nowhere.toml"
    message = scenario_error(missing)
    assert "no such file" in message


def test_toml_syntax_error_is_reported_with_the_file(tmp_path, scenario_error):
    path = tmp_path / "broken.toml"
    path.write_text("[scenario\nname = 1\n")
    message = scenario_error(path)
    assert "TOML syntax error" in message


def test_infinite_values_are_refused(write_scenario, scenario_error):
    message = scenario_error(write_scenario("[firms]\nbank_rate_annual = inf\n"))
    assert "firms.bank_rate_annual" in message


def test_override_of_unknown_key_is_refused():
    with pytest.raises(ScenarioError, match=r"labour_market\.no_such_key"):
        load_scenario(overrides={"labour_market.no_such_key": 1})


def test_model_keyword_overrides_use_double_underscores():
    model = RegionModel(rng=1, scale=0.01, months=1, labour_market__quit_rate_per_month=0.01)
    assert model.config.labour_market.quit_rate_per_month == 0.01


def test_labour_force_too_small_for_the_industries_is_an_input_error(write_scenario):
    path = write_scenario("[population]\nlabour_force = 50000\n")
    with pytest.raises(ScenarioError, match=r"population\.labour_force"):
        RegionModel(path, rng=1, scale=0.01, months=1)


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("utf-16", "UTF-16"), ("cp949", "CP949")],
)
def test_scenario_in_another_encoding_gets_a_one_line_error_naming_it(tmp_path, encoding, named, scenario_error):
    # Korean editors save UTF-16 or CP949 (EUC-KR); the reader accepts UTF-8 only.
    path = tmp_path / "korean.toml"
    path.write_bytes('inherits = "gwangju"\n[scenario]\ndescription = "광주 시나리오"\n'.encode(encoding))
    message = scenario_error(path)
    assert named in message and "UTF-8" in message


def test_utf8_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'inherits = "gwangju"\n[scenario]\ndescription = "광주"\n'.encode())
    assert load_scenario(path).scenario.description == "광주"
