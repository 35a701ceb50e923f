"""Target evaluation on hand-built trajectories: every kind, passing and failing, the
distance, and how a round's agreement is read from ``deal_news`` and ``deal``."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from negotiation_sim.backtest.episode import Target
from negotiation_sim.backtest.targets import (
    EnsembleRecord,
    agreement_kind,
    combine,
    evaluate,
    score,
    struck_kind,
)
from negotiation_sim.core import DEAL_KINDS, Package, is_lasting

START = dt.date(2020, 1, 6)
ROUNDS = 6


def trajectory(tariffs, outcomes=None, deals=None, news=None) -> pd.DataFrame:
    """One run's record: ``tariffs`` per round, with optional outcome, deal and news."""
    n = len(tariffs)
    return pd.DataFrame(
        {
            "round": range(1, n + 1),
            "date": [(START + dt.timedelta(weeks=i)).isoformat() for i in range(n)],
            "outcome": outcomes or ["ongoing"] * n,
            "deal": deals or [""] * n,
            "deal_news": news or [""] * n,
            "tariff_aa_bb": [float(t) for t in tariffs],
        }
    )


def record(*frames: pd.DataFrame) -> EnsembleRecord:
    return EnsembleRecord.from_trajectories(frames, ["tariff_aa_bb"], ROUNDS)


def level(observed: float, tolerance: float, round_: int = 3) -> Target:
    return Target(
        "lvl", "level", column="tariff_aa_bb", round=round_, observed=observed, tolerance=tolerance
    )


# --------------------------------------------------------------------------- agreements
@pytest.mark.parametrize(
    ("news", "deal", "kind"),
    [
        ("truce struck", "truce", "truce"),
        ("comprehensive struck", "comprehensive", "deal"),
        ("partial struck", "partial", "deal"),
        ("truce extended", "truce", "truce"),
        ("partial struck", "", "deal"),  # the news names the kind when the column is empty
        ("truce expired", "", ""),
        ("comprehensive broken", "", ""),
        ("", "comprehensive", ""),  # a deal in force, not struck this round
    ],
)
def test_struck_kind_reads_news_and_deal(news, deal, kind):
    assert struck_kind(news, deal) == kind


def test_agreement_kind_maps_truce_and_every_other_kind():
    assert agreement_kind("truce") == "truce"
    assert {agreement_kind(k) for k in ("partial", "comprehensive", "phase_one")} == {"deal"}
    assert agreement_kind("") == ""


def test_agreement_kind_calls_lasting_what_a_package_calls_lasting():
    for kind in DEAL_KINDS:
        package = Package(proposer="us", tariffs={}, controls={}, kind=kind)
        assert agreement_kind(kind) == ("deal" if package.lasting else "truce")
    assert [k for k in DEAL_KINDS if is_lasting(k)] == ["partial", "comprehensive"]


# --------------------------------------------------------------------------- level
def test_level_uses_the_median_of_the_round():
    rec = record(
        trajectory([0, 0, 10, 10, 10, 10]),
        trajectory([0, 0, 12, 0, 0, 0]),
        trajectory([0, 0, 30, 0, 0, 0]),
    )
    passed = evaluate(level(11.0, 1.0), rec)
    assert passed.passed and passed.simulated == 12.0 and passed.distance == 0.0
    assert passed.runs == 3
    failed = evaluate(level(20.0, 2.0), rec)
    # miss 8, excess 6 over the tolerance 2: distance 6 / (6 + 2)
    assert not failed.passed and failed.distance == pytest.approx(0.75)


def test_level_with_no_tolerance_is_exact():
    rec = record(trajectory([5] * ROUNDS))
    assert evaluate(level(5.0, 0.0), rec).passed
    miss = evaluate(level(5.5, 0.0), rec)
    assert not miss.passed and miss.distance == 1.0


def test_level_after_every_run_ended_fails():
    rec = record(trajectory([1, 1]))  # two rounds played of six
    result = evaluate(level(1.0, 5.0, round_=5), rec)
    assert not result.passed and result.runs == 0 and result.distance == 1.0


# --------------------------------------------------------------------------- deal_struck
def deal_target(kinds, first, last, min_share, max_share=None) -> Target:
    return Target(
        "ds",
        "deal_struck",
        kinds=tuple(kinds),
        first=first,
        last=last,
        min_share=min_share,
        max_share=max_share,
    )


def test_deal_struck_counts_runs_with_an_agreement_of_the_kinds_in_the_window():
    truce_r2 = trajectory(
        [0] * 6,
        deals=["", "truce", "truce", "", "", ""],
        news=["", "truce struck", "", "truce expired", "", ""],
    )
    partial_r4 = trajectory(
        [0] * 6,
        deals=["", "", "", "partial", "partial", "partial"],
        news=["", "", "", "partial struck", "", ""],
    )
    none = trajectory([0] * 6)
    rec = record(truce_r2, partial_r4, none, none)
    both = evaluate(deal_target(["truce", "deal"], 1, 6, 0.5), rec)
    assert both.passed and both.simulated == 0.5
    deals = evaluate(deal_target(["deal"], 1, 6, 0.5), rec)
    assert not deals.passed and deals.simulated == 0.25
    assert deals.distance == pytest.approx((0.5 - 0.25) / 0.5)
    # the window is inclusive of its last round, and excludes earlier ones
    assert evaluate(deal_target(["deal"], 4, 4, 0.25), rec).passed
    assert evaluate(deal_target(["truce"], 3, 6, 0.0, max_share=0.0), rec).passed


def test_deal_struck_above_max_share_fails():
    struck = trajectory([0] * 6, deals=["truce"] * 6, news=["truce struck"] + [""] * 5)
    rec = record(struck, struck, struck, trajectory([0] * 6))
    result = evaluate(deal_target(["truce"], 1, 2, 0.0, max_share=0.5), rec)
    assert not result.passed and result.simulated == 0.75
    assert result.distance == pytest.approx((0.75 - 0.5) / 0.5)


# --------------------------------------------------------------------------- max_level
def max_target(value, first, last, min_share) -> Target:
    return Target(
        "ml",
        "max_level",
        column="tariff_aa_bb",
        value=value,
        first=first,
        last=last,
        min_share=min_share,
    )


def test_max_level_share_of_runs_staying_at_or_below():
    low = trajectory([0, 0, 1, 1, 0, 0])
    spike = trajectory([0, 0, 0, 25, 0, 0])
    rec = record(low, low, spike)
    assert evaluate(max_target(1.0, 1, 6, 0.6), rec).passed  # 2 of 3, at the value counts
    fail = evaluate(max_target(1.0, 1, 6, 0.8), rec)
    assert not fail.passed and fail.simulated == pytest.approx(2 / 3)
    # the spike is outside a window that ends in round 3
    assert evaluate(max_target(1.0, 1, 3, 1.0), rec).simulated == 1.0


# --------------------------------------------------------------------------- outcome
def test_outcome_share_at_a_round():
    deal = trajectory([0] * 6, outcomes=["ongoing", "ongoing", "deal", "deal", "deal", "deal"])
    war = trajectory([0] * 6, outcomes=["ongoing"] * 3 + ["trade_war"] * 3)
    rec = record(deal, deal, war)
    target = Target("oc", "outcome", round=5, outcomes=("deal",), min_share=0.5)
    assert evaluate(target, rec).passed
    early = Target("oc", "outcome", round=2, outcomes=("deal",), min_share=0.5)
    result = evaluate(early, rec)
    assert not result.passed and result.simulated == 0.0 and result.distance == 1.0
    either = Target("oc", "outcome", round=5, outcomes=("deal", "trade_war"), min_share=1.0)
    assert evaluate(either, rec).passed


# --------------------------------------------------------------------------- scores
def test_score_and_combine():
    rec = record(trajectory([10] * ROUNDS))
    a = score([evaluate(level(10.0, 1.0), rec), evaluate(level(14.0, 1.0), rec)])
    assert (a.passed, a.total, a.share) == (1, 2, 0.5)
    assert a.distance == pytest.approx((0 + 3 / 4) / 2)
    b = score([evaluate(level(10.0, 0.0), rec)])
    both = combine([a, b])
    assert (both.passed, both.total) == (2, 3)
    assert both.distance == pytest.approx((a.distance + 0.0) / 2)  # episodes weigh the same


def test_short_runs_are_padded():
    rec = record(trajectory([1, 2]), trajectory([1, 2, 3, 4, 5, 6]))
    assert rec.values["tariff_aa_bb"].shape == (2, ROUNDS)
    assert np.isnan(rec.values["tariff_aa_bb"][0, 2:]).all()
    assert list(rec.outcome[0]) == ["ongoing", "ongoing", "", "", "", ""]


def test_distinct_runs_counts_different_records():
    same = trajectory([1, 2, 3, 4, 5, 6])
    assert record(same, same, same).distinct_runs() == 1
    other_outcome = trajectory([1, 2, 3, 4, 5, 6], outcomes=["ongoing"] * 5 + ["deal"])
    assert record(same, same, other_outcome, trajectory([1, 2])).distinct_runs() == 3
