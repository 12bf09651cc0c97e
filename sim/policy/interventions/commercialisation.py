"""Commercialisation support: prototypes, testing and certification, marketing for local SMEs, raising sales outside.

Modelled on the Ministry of SMEs and Startups' part of the 2025 Si/Gun/Gu Local Industry
Development Collaboration Project (seed 001: "commercialization including resolving technical
difficulties, demonstration and prototype production, certification, marketing") and its
forerunner, the Si/Gun/Gu local-industry (연고산업) development project run by the
technoparks: about 0.5 bn KRW of national money a task a year for up to three years (MSS,
Ajunews 19 May 2021), up to 50 million KRW a firm a year for prototypes, testing and
certification, marketing and IP (Jeonnam Technopark's Hampyeong task, Etnews 3 Mar 2024);
its predecessor, the regional leading-firm programme (지역특화선도기업), gave up to 40 million KRW
a firm (MKE and SBC, Etoday 14 Jul 2011).

What the support buys: the firm's products reach buyers they did not reach (certification
opens markets, marketing finds new customers). The effect size is a comparison with
unsupported firms, not the programmes' own before-after figures: Korean SME and mid-sized
exporters in government support programmes (finance, technology, staff, market access) grew
their sales 5.7% more than non-participants, their exports 11.2% more, with the effect still
there one to two years on (KITA Institute for International Trade, 정부지원사업의 수출기업 성과
영향 분석, panel of 2,040 exporters 2018-2022 from Statistics Korea's business register and
customs data; Edaily). The programmes' own figures are gross: supported firms' sales grew
22% a year (regional leading firms, SBC 2011) and 22.3% (SBC's HIT500 marketing support, 557
firms, Newstomato), with no comparison group.

Money buys volume: the budget, spread over the months the programme is open (unspent
allowance carries over), buys support of ``support_per_firm_krw`` per full-scale firm (times
the sampled firm's size factor) for active SMEs of ``sectors`` not yet supported, in a random
order from the programme's own stream; each firm is supported once (assumption: a task
selects its firms once). When the eligible firms run out, more money buys nothing: the
programme's diminishing return. The support is services bought from providers
(technoparks, testing and certification bodies, agencies) the model does not hold: ledger
kind ``commercialisation``, spent for good.

Channel: the desk's sales-uplift lever with every won of the rise from buyers outside the
region (sim/region/orders.py ``outside_uplift``): a supported firm's orders are
``sales_uplift`` higher than they would be for ``uplift_months`` months, and no other local
firm loses (the buyers are outside). Another sales lever set on the same firm would be
overwritten; the instruments that set one (social economy) reach local-services firms, this one
the traded sectors a package names.
"""

from __future__ import annotations

from sim.inputs.interventions import CommercialisationSettings
from sim.policy.base import SupportForSales, register


@register
class Commercialisation(SupportForSales):
    Settings = CommercialisationSettings

    def __init__(self, settings: CommercialisationSettings, ledger, budget_scale: float) -> None:  # noqa: ANN001
        super().__init__(settings, ledger, budget_scale)
        self.settings: CommercialisationSettings = settings

    @classmethod
    def count_columns(cls) -> dict[str, str]:
        return {
            "firms_supported": "firms given commercialisation support this month",
            "support_krw": "support bought for firms this month, KRW",
            "firms_uplifted": "supported firms whose outside sales are raised at the end of the month",
        }
