"""Mesa's Solara dashboard for RegionModel: ``solara run sim/viz/solara_app.py``.

Needs the optional extra: ``pip install -e ".[viz]"``. Sliders rebuild the model with a
new seed, scale or horizon; the charts read the model's DataCollector each month.
"""

from __future__ import annotations

from mesa.visualization import SolaraViz, make_plot_component

from sim.model import RegionModel

model_params = {
    "rng": {"type": "InputText", "value": 1, "label": "Seed"},
    "scale": {
        "type": "SliderFloat",
        "value": 0.05,
        "min": 0.01,
        "max": 1.0,
        "step": 0.01,
        "label": "Share of the population simulated",
    },
    "months": {"type": "SliderInt", "value": 60, "min": 12, "max": 120, "step": 12, "label": "Months"},
}

employment_by_sector = make_plot_component(
    ["employed_auto", "employed_appliance", "employed_growth", "employed_other_manufacturing"]
)
unemployment = make_plot_component(["unemployment_rate"])
layoffs_and_hires = make_plot_component(["layoffs", "hires"])

page = SolaraViz(
    RegionModel(rng=1, scale=0.05, months=60),
    components=[employment_by_sector, unemployment, layoffs_and_hires],
    model_params=model_params,
    name="shocksim: Gwangju",
)
