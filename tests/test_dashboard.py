"""Mesa's Solara dashboard builds and renders for RegionModel (needs the viz extra)."""

from __future__ import annotations

import reacton


def test_dashboard_renders_with_region_model():
    from mesa.visualization.solara_viz import _check_model_params

    import sim.viz.solara_app as app
    from sim import RegionModel

    _check_model_params(RegionModel(rng=1, scale=0.01, months=2), app.model_params)
    box, context = reacton.render(app.page, handle_error=False)
    assert box is not None
    context.close()
