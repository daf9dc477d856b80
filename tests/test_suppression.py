"""Suppression: no count of 1 to 5 children is shown, and none can be worked back from what is shown."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from cscperf.suppression import suppress

PCT = lambda _: ("numerator", "denominator")    # noqa: E731  a percentage: both counts matter


def row(breakdown, num, den, indicator="CP07", period="2024-03-31"):
    return {"indicator": indicator, "period_end": period, "breakdown": breakdown, "numerator": num,
            "denominator": den, "value": 100 * num / den if den else None, "units": den}


def by_breakdown(rows):
    return {r["breakdown"]: (r["numerator"], r["denominator"], r["suppressed"]) for r in rows}


def test_worked_example():
    # Teams: T1 40/50, T2 3/8 (3 is small), T3 30/40, T4 20/25. T2 is hidden (primary); alone it could be
    # worked out from the total, so the next smallest, T4 (denominator 25), is hidden too.
    # Age bands: 10/12, 83/111 - nothing small, nothing hidden.
    rows = [row("all", 93, 123), row("team=T1", 40, 50), row("team=T2", 3, 8), row("team=T3", 30, 40),
            row("team=T4", 20, 25), row("age_band=under 1", 10, 12), row("age_band=1 to 4", 83, 111)]
    got = by_breakdown(suppress(rows, PCT, 5))
    assert got["team=T2"] == (None, None, True) and got["team=T4"] == (None, None, True)
    assert got["team=T1"] == (40, 50, False) and got["team=T3"] == (30, 40, False)
    assert got["all"] == (93, 123, False) and got["age_band=under 1"] == (10, 12, False)


def test_two_small_cells_with_a_small_sum_take_a_third():
    # W1 1/2 and W2 1/3 are both small; together 2/5 could only be 1/2 + 1/3 in some order... and a sum of
    # 2 numerators means each is 1: recoverable. So W3 (the smallest shown) goes too.
    rows = [row("all", 31, 45), row("worker=W1", 1, 2), row("worker=W2", 1, 3), row("worker=W3", 9, 10),
            row("worker=W4", 20, 30)]
    got = by_breakdown(suppress(rows, PCT, 5))
    assert [k for k, v in got.items() if v[2]] == ["worker=W1", "worker=W2", "worker=W3"]


def test_a_small_total_hides_every_figure_of_that_month():
    rows = [row("all", 2, 9), row("team=T1", 2, 9), row("all", 50, 60, period="2024-02-29")]
    got = suppress(rows, PCT, 5)
    assert [r["suppressed"] for r in got] == [True, True, False]
    assert got[0]["value"] is None and got[0]["units"] is None


def test_zero_is_shown_and_threshold_zero_turns_it_off():
    rows = [row("all", 0, 40), row("team=T1", 0, 20), row("team=T2", 0, 20)]
    assert not any(r["suppressed"] for r in suppress(rows, PCT, 5))
    rows = [row("all", 3, 40), row("team=T1", 3, 20), row("team=T2", 0, 20)]
    assert not any(r["suppressed"] for r in suppress(rows, PCT, 0))


cells = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)).map(lambda t: (min(t), max(t))),
                 min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(teams=cells, ages=cells, threshold=st.integers(1, 5))
def test_nothing_small_is_shown_or_recoverable(teams, ages, threshold):
    # Two breakdowns of the same children (totals made to agree by putting the difference in "other").
    num, den = sum(n for n, _ in teams), sum(d for _, d in teams)
    an, ad = sum(n for n, _ in ages), sum(d for _, d in ages)
    ages = ages + [(num - an, den - ad)] if (num - an, den - ad) != (0, 0) and num >= an and den >= ad else ages
    if (sum(n for n, _ in ages), sum(d for _, d in ages)) != (num, den):
        ages = list(teams)
    rows = [row("all", num, den)] + [row(f"team={i}", n, d) for i, (n, d) in enumerate(teams)] \
        + [row(f"age_band={i}", n, d) for i, (n, d) in enumerate(ages)]
    out = suppress(rows, PCT, threshold)
    total = out[0]
    for r in out:
        if not r["suppressed"]:
            assert not any(1 <= r[f] <= threshold for f in ("numerator", "denominator"))
    if total["suppressed"]:
        assert all(r["suppressed"] for r in out)
        return
    for dim in ("team", "age_band"):
        hidden = [r for r, orig in zip(out, rows) if r["breakdown"].startswith(dim) and r["suppressed"]]
        originals = [orig for r, orig in zip(out, rows) if r["breakdown"].startswith(dim) and r["suppressed"]]
        if hidden:
            # What subtraction reveals is only the hidden cells' sum: never one cell, never a small sum.
            assert len(hidden) >= 2
            for f in ("numerator", "denominator"):
                s = sum(o[f] for o in originals)
                assert s == 0 or s > threshold
