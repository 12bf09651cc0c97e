"""The shocksim dashboard (Solara): choose a scenario, packages and a budget; compare them with the baseline.

Start it with ``shocksim dashboard`` (which serves Solara's JavaScript from the installed
``solara-assets`` package, so the page works without internet), or ``solara run
sim.viz.solara_app``. Needs the ``viz`` extra: ``pip install -e ".[viz]"``.

Every browser session has its own state: all of it lives in the ``Page`` component's hooks
(``use_state``, ``use_task``), nothing at module level. A comparison runs in a thread of the
session with a progress bar; its results are shown in full-population units with 90%
intervals (see :mod:`sim.viz.dashboard`), and can be downloaded as CSV. There is no
step-by-step view: a comparison always runs each model to its horizon and no further.

Headings and text are plain HTML and ``solara.Text``, not ``solara.Markdown``: every Markdown
component loads KaTeX and Mermaid from Solara's CDN path when it mounts, and ``solara-assets``
ships no KaTeX, so offline the page logged 404s (seen when the machine was loaded).
"""

from __future__ import annotations

import os

import solara
import solara.lab

from sim.viz import dashboard

#: Defaults the command line may set (``shocksim dashboard --scale ... --months ... --seeds ...``).
DEFAULT_SCALE = float(os.environ.get("SHOCKSIM_DASHBOARD_SCALE", "0.02"))
DEFAULT_SEEDS = int(os.environ.get("SHOCKSIM_DASHBOARD_SEEDS", "3"))
DEFAULT_MONTHS = int(os.environ.get("SHOCKSIM_DASHBOARD_MONTHS", "0"))  # 0: the scenario's horizon


CSS = """
.shocksim-headline { border-collapse: collapse; margin: 4px 0 12px; }
.shocksim-headline th, .shocksim-headline td { padding: 4px 10px; text-align: right; border-bottom: 1px solid #ddd; }
.shocksim-headline th:first-child, .shocksim-headline td:first-child { text-align: left; }
.shocksim-bridge { border-collapse: collapse; margin: 4px 0 12px; }
.shocksim-bridge th, .shocksim-bridge td { padding: 4px 10px; text-align: right; border-bottom: 1px solid #ddd; }
.shocksim-bridge th:nth-child(-n+2), .shocksim-bridge td:nth-child(-n+2) { text-align: left; }
"""


@solara.component
def Page() -> None:
    scenarios = dashboard.scenario_choices()
    scenario, set_scenario = solara.use_state(scenarios[0])
    start, horizon = solara.use_memo(lambda: dashboard.scenario_horizon(scenario), dependencies=[scenario])
    choices = solara.use_memo(lambda: dashboard.package_choices(scenario), dependencies=[scenario])
    chosen, set_chosen = solara.use_state(dashboard.default_packages(scenario))
    rescale, set_rescale = solara.use_state(False)
    budget, set_budget = solara.use_state(10.0)
    seeds, set_seeds = solara.use_state(min(max(DEFAULT_SEEDS, 2), dashboard.MAX_SEEDS))
    scale, set_scale = solara.use_state(DEFAULT_SCALE)
    months, set_months = solara.use_state(DEFAULT_MONTHS or horizon)

    def choose_scenario(name: str) -> None:
        set_scenario(name)
        set_chosen(dashboard.default_packages(name))
        set_months(min(DEFAULT_MONTHS or 10**6, dashboard.scenario_horizon(name)[1]))

    def work() -> object:
        def report(progress: object) -> None:
            task.progress = 100.0 * progress.done / max(progress.total, 1)

        return dashboard.run_comparison(
            scenario,
            list(chosen),
            budget_bn_krw=budget if rescale else None,
            seeds=seeds,
            scale=scale,
            months=min(int(months), horizon),
            progress=report,
        )

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)

    solara.Title("shocksim dashboard")
    solara.Style(CSS)
    with solara.Sidebar():
        solara.HTML(tag="h3", unsafe_innerHTML="What to compare")
        solara.Select("Scenario", values=scenarios, value=scenario, on_value=choose_scenario)
        solara.Text(f"Starts {start}; horizon {horizon} months.")
        labels = {choice.label: choice.name for choice in choices}
        names = {name: label for label, name in labels.items()}
        solara.SelectMultiple(
            "Packages",
            values=[names[name] for name in chosen if name in names],
            all_values=list(labels),
            on_value=lambda values: set_chosen([labels[value] for value in values]),
        )

        def choose_rescale(on: bool) -> None:
            # start from the budget of the first package chosen, as written
            budgets = {choice.name: choice.total_budget_krw for choice in choices}
            if on and chosen and chosen[0] in budgets:
                set_budget(round(budgets[chosen[0]] / 1e9, 2))
            set_rescale(on)

        solara.Checkbox(label="Same total budget for every package", value=rescale, on_value=choose_rescale)
        if rescale:
            solara.InputFloat("Total budget per package (bn KRW)", value=budget, on_value=set_budget)
        solara.HTML(tag="h3", unsafe_innerHTML="How big a run")
        solara.SliderInt(f"Seeds: {seeds}", value=seeds, min=2, max=dashboard.MAX_SEEDS, on_value=set_seeds)
        solara.Select(
            "Share of the population simulated",
            values=[f"{value:g}" for value in sorted({*dashboard.SCALES, scale})],
            value=f"{scale:g}",
            on_value=lambda text: set_scale(float(text)),
        )
        solara.InputInt("Months", value=min(int(months), horizon), on_value=set_months)
        solara.Button(
            "Compare with the baseline",
            on_click=task,
            color="primary",
            disabled=task.pending or not chosen or not 1 <= int(months) <= horizon,
            classes=["shocksim-run"],
        )
        if not 1 <= int(months) <= horizon:
            solara.Warning(f"Months: choose between 1 and the horizon, {horizon}.")

    with solara.Column():
        solara.HTML(tag="h2", unsafe_innerHTML="Jobs for the money")
        if task.not_called:
            solara.Info(
                "Choose a scenario, packages and a budget in the side bar, then press Compare with the baseline. "
                "Each package runs with the same seeds as the baseline (common random numbers); results are "
                "shown for the full population with 90% intervals across seeds."
            )
        if task.pending:
            done = f": {task.progress:.0f}% of the runs" if task.progress is not None else "..."
            solara.Text(f"Running the comparison{done}")
            solara.ProgressLinear(task.progress if task.progress is not None else True)
        if task.error:
            solara.Error(f"The comparison failed: {task.exception}")
        if task.finished and task.value is not None:
            Results(task.value)


@solara.component
def Results(comparison: object) -> None:
    figures = solara.use_memo(
        lambda: (
            dashboard.jobs_saved_figure(comparison),
            dashboard.year_ends_figure(comparison),
            dashboard.cost_bases_figure(comparison),
            dashboard.jobs_by_year_figure(comparison),
        ),
        dependencies=[comparison],
    )
    table = solara.use_memo(lambda: dashboard.headline_table(comparison), dependencies=[comparison])
    with solara.Column(classes=["shocksim-results"]):
        solara.Text(dashboard.describe(comparison))
        solara.HTML(tag="h3", unsafe_innerHTML="Headline against the baseline (mean [90% interval], full population)")
        solara.HTML(tag="div", unsafe_innerHTML=table.to_html(index=False, border=0, classes="shocksim-headline"))
        solara.Text(
            "Job-years: jobs saved or created each month, summed over the run, / 12. Residents' jobs leave out "
            "foreign visa holders placed by a package. Net fiscal cost: expected cost less the unemployment "
            "benefits saved and the income tax and social-insurance contributions on the extra wages (the "
            f"scenario's rate, {dashboard.fiscal_rate_text(comparison)})."
        )
        for figure in figures:
            solara.FigureMatplotlib(figure, format="png")
        Bridge(comparison)
        with solara.Row():
            solara.FileDownload(
                lambda: dashboard.headline_csv(comparison), filename="headline.csv", label="Headline (CSV)"
            )
            solara.FileDownload(
                lambda: dashboard.jobs_csv(comparison), filename="jobs_by_month.csv", label="Jobs by month (CSV)"
            )
            solara.FileDownload(
                lambda: dashboard.jobs_by_year_csv(comparison), filename="jobs_by_year.csv", label="Jobs by year (CSV)"
            )


@solara.component
def Bridge(comparison: object) -> None:
    """The gross-to-net bridge of the package chosen among those compared: table and waterfall."""
    packages = solara.use_memo(lambda: dashboard.bridge_packages(comparison), dependencies=[comparison])
    chosen, set_chosen = solara.use_state("")
    package = chosen if chosen in packages else (packages[0] if packages else "")
    table = solara.use_memo(
        lambda: dashboard.bridge_table(comparison, package) if package else None, dependencies=[comparison, package]
    )
    figure = solara.use_memo(
        lambda: dashboard.bridge_figure(comparison, package) if package else None, dependencies=[comparison, package]
    )
    solara.HTML(tag="h3", unsafe_innerHTML="From what programmes report to net jobs")
    if table is None:
        solara.Text("No gross-to-net bridge: the runs kept no unit record.")
        return
    if len(packages) > 1:
        solara.Select("Bridge of package", values=packages, value=package, on_value=set_chosen)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=table.to_html(index=False, border=0, classes="shocksim-bridge"),
    )
    solara.Text(
        "Gross: the jobs the programmes would report, in job-years over the run; less deadweight (what the "
        "baseline twin had anyway at the supported firms or participants), plus substitution, displacement, "
        "induced effects and the residual, equals the net job-years (HM Treasury Green Book and HCA "
        "Additionality Guide terms; docs/compare.md). The gross headcount is the same claim counted as a "
        "programme announces jobs (people hired or placed, jobs covered at the peak, jobs at supported firms "
        "when first supported): set it beside an announced target."
    )
    solara.FigureMatplotlib(figure, format="png")
