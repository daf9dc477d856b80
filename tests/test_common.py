"""Helpers the indicators share: `with_middle` (the middle unit(s) of each group, the AS03 median) and `in_window`."""

import datetime as dt

import ibis

from cscperf.indicators.common import in_window, with_middle

D1, D2 = dt.date(2024, 1, 31), dt.date(2024, 2, 29)


def middles(rows: list[tuple]) -> set[tuple]:
    t = ibis.memtable({"period_end": [r[0] for r in rows], "days": [r[1] for r in rows], "id": [r[2] for r in rows]})
    out = with_middle(t, ["period_end"], "days", ["id"], "mid").filter(ibis._.mid).execute()
    return {(r.period_end.date() if hasattr(r.period_end, "date") else r.period_end, r.id) for r in out.itertuples()}


def test_odd_and_even_groups_each_their_own_middle():
    # D1: 7 (a), 3 (b), 5 (c) -> in order b 3, c 5, a 7: n = 3, the middle is rank 1, c.
    # D2: 9 (p), 1 (q), 4 (r), 6 (s) -> q 1, r 4, s 6, p 9: n = 4, ranks 1 and 2, r and s, on two different values.
    rows = [(D1, 7, "a"), (D1, 3, "b"), (D1, 5, "c"), (D2, 9, "p"), (D2, 1, "q"), (D2, 4, "r"), (D2, 6, "s")]
    assert middles(rows) == {(D1, "c"), (D2, "r"), (D2, "s")}


def test_ties_of_value_are_put_in_order_of_id():
    # 2 (w), then four units of 5 in id order e, f, g, h, then 8 (z): n = 6, ranks 2 and 3 are f and g (5 and 5),
    # whatever order the rows come in.
    rows = [(D1, 5, "h"), (D1, 8, "z"), (D1, 5, "f"), (D1, 2, "w"), (D1, 5, "g"), (D1, 5, "e")]
    assert middles(rows) == {(D1, "f"), (D1, "g")}


def test_one_unit_is_its_own_middle_and_a_join_of_units_is_ranked_as_itself():
    assert middles([(D1, 4, "only")]) == {(D1, "only")}
    # Units that are a join (as AS03's are: period ends with assessments) rank the same as a plain table.
    ends = ibis.memtable({"period_start": [dt.date(2024, 1, 1)], "period_end": [D1]})
    done = ibis.memtable({"days": [3, 1, 2], "id": ["x", "y", "z"], "on": [dt.date(2024, 1, 9)] * 3})
    units = in_window(ends, done, "on")
    got = with_middle(units, ["period_end"], "days", ["id"], "mid").execute()
    assert dict(zip(got.id, got.mid)) == {"x": False, "y": False, "z": True}


def test_an_event_is_in_the_month_its_date_falls_in_whichever_way_the_window_is_joined():
    """`in_window` with monthly periods joins on the event's month end; it must give the range join's rows. Month
    ends 31 January and 29 February 2024 (a leap year), each period its calendar month: 31 Jan is January's,
    1 Feb and 29 Feb February's, 1 Mar and 31 Dec 2023 neither's."""
    periods = ibis.memtable({"period_end": [D1, D2], "period_start": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]})
    on = [dt.date(2023, 12, 31), dt.date(2024, 1, 31), dt.date(2024, 2, 1), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]
    events = ibis.memtable({"id": ["dec", "jan", "feb1", "leap", "mar"], "on": on})
    expected = {(D1, "jan"), (D2, "feb1"), (D2, "leap")}
    for monthly in (False, True):
        got = in_window(periods, events, "on", monthly=monthly).execute()
        assert {(r.period_end.date() if hasattr(r.period_end, "date") else r.period_end, r.id)
                for r in got.itertuples()} == expected
