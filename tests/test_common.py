"""Helpers the indicators share: `with_middle` (the middle unit(s) of each group, the AS03 median), `in_window`,
`open_at` and `latest_before`."""

import datetime as dt

import ibis

from cscperf.indicators.common import in_window, latest_before, open_at, open_in_window, with_middle

D1, D2, MAR = dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)


def _day(value):
    """A date the engine gave back (a date, a pandas timestamp, or null/NaT) as a date or None."""
    return None if value is None or value != value else (value.date() if hasattr(value, "date") else value)


def middles(rows: list[tuple]) -> set[tuple]:
    t = ibis.memtable({"period_end": [r[0] for r in rows], "days": [r[1] for r in rows], "id": [r[2] for r in rows]})
    out = with_middle(t, ["period_end"], "days", ["id"], "mid").filter(ibis._.mid).execute()
    return {(_day(r.period_end), r.id) for r in out.itertuples()}


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
        assert {(_day(r.period_end), r.id) for r in got.itertuples()} == expected



def test_the_latest_event_on_or_before_each_period_end():
    """Child 1 seen 10 January, twice on 10 March and on 31 March 2024; child 2 only on 1 April; child 3 never.
    At 29 February (leap year) child 1's latest is 10 January; at 31 March it is 31 March itself (on or before
    D). Child 2's visit falls after both ends, child 3 has none: null. The two visits on one day are one latest,
    and each pair keeps one row. With `on_or_after` (child 1's plan from 1 February): at 29 February the latest
    (10 January) is before the plan, so none counts; at 31 March, 31 March does."""
    pairs = ibis.memtable({"period_end": [D2, D2, D2, MAR, MAR, MAR], "person_id": ["1", "2", "3", "1", "2", "3"],
                           "plan_start": [dt.date(2024, 2, 1)] * 6})
    seen = [dt.date(2024, 1, 10), dt.date(2024, 3, 10), dt.date(2024, 3, 10), MAR, dt.date(2024, 4, 1), None]
    events = ibis.memtable({"person_id": ["1", "1", "1", "1", "2", "3"], "on": seen})
    for after, expected in ((None, {(D2, "1"): dt.date(2024, 1, 10), (MAR, "1"): MAR}), ("plan_start", {(MAR, "1"): MAR})):
        got = latest_before(pairs, events, "on", "latest", on_or_after=after).execute()
        assert len(got) == 6
        found = {(_day(r.period_end), r.person_id): _day(r.latest) for r in got.itertuples()}
        assert found == {**{k: None for k in found}, **expected}


def test_a_record_is_open_at_a_month_end_from_its_start_to_before_its_end():
    """Month ends 31 January, 29 February (a leap year) and 31 March 2024. Open at D: start <= D and (no end or
    end > D). "a" 31 Jan to 29 Feb: open at 31 Jan only (ends on D, so not open at 29 Feb). "b" 31 Jan to 1 Mar:
    31 Jan and 29 Feb. "c" from 1 Mar 2024, no end: 31 Mar only. "d" from 2020, no end: all three. "e" 1 to 30 Jan:
    none. "f" ends before it starts: none. "g" no start: none. "h" 29 Feb to 1 Apr: 29 Feb and 31 Mar."""
    periods = ibis.memtable({"period_end": [D1, D2, MAR]})
    day = dt.date
    rows = {"a": (D1, D2), "b": (D1, day(2024, 3, 1)), "c": (day(2024, 3, 1), None), "d": (day(2020, 5, 6), None),
            "e": (day(2024, 1, 1), day(2024, 1, 30)), "f": (day(2024, 2, 10), day(2024, 2, 5)), "g": (None, MAR),
            "h": (D2, day(2024, 4, 1))}
    records = ibis.memtable({"id": list(rows), "start_date": [a for a, _ in rows.values()],
                             "end_date": [b for _, b in rows.values()]},
                            schema={"id": "string", "start_date": "date", "end_date": "date"})
    expected = {(D1, "a"), (D1, "b"), (D2, "b"), (MAR, "c"), (D1, "d"), (D2, "d"), (MAR, "d"), (D2, "h"), (MAR, "h")}
    got = open_at(periods, records).execute()
    assert sorted(got.columns) == ["end_date", "id", "period_end", "start_date"]
    assert {(_day(r.period_end), r.id) for r in got.itertuples()} == expected


def test_events_and_records_in_a_rolling_year():
    """Rolling 12 months to 31 January 2024 (from 1 February 2023) and to 29 February 2024 (from 1 March 2023).
    Events: 31 Jan 2023 in neither; 1 and 28 Feb 2023 in January's only; 1 Mar 2023 and 31 Jan 2024 in both;
    29 Feb 2024 in February's only; 1 Mar 2024 in neither. Records open on some day of the window (start <= D,
    end > the window's first day): "x" 1 Jan to 1 Feb 2023 in neither (it ends on January's first day); "y" to
    2 Feb 2023 in January's only; "z" from 15 Feb 2024 in February's only; "v" from 2020, no end, in both;
    "w" from 1 Mar 2024 in neither."""
    day = dt.date
    periods = ibis.memtable({"period_end": [D1, D2], "window_start": [day(2023, 2, 1), day(2023, 3, 1)]})
    on = {"jan23": day(2023, 1, 31), "feb1": day(2023, 2, 1), "feb28": day(2023, 2, 28), "mar1": day(2023, 3, 1),
          "jan24": D1, "leap": D2, "mar24": day(2024, 3, 1)}
    events = ibis.memtable({"id": list(on), "on": list(on.values())})
    in_both = {(D1, "mar1"), (D2, "mar1"), (D1, "jan24"), (D2, "jan24")}
    spans = {"x": (day(2023, 1, 1), day(2023, 2, 1)), "y": (day(2023, 1, 1), day(2023, 2, 2)),
             "z": (day(2024, 2, 15), None), "v": (day(2020, 1, 1), None), "w": (day(2024, 3, 1), None)}
    records = ibis.memtable({"id": list(spans), "start_date": [a for a, _ in spans.values()],
                             "end_date": [b for _, b in spans.values()]},
                            schema={"id": "string", "start_date": "date", "end_date": "date"})
    got = in_window(periods, events, "on", "window_start").execute()
    assert {(_day(r.period_end), r.id) for r in got.itertuples()} == {(D1, "feb1"), (D1, "feb28"), (D2, "leap"), *in_both}
    got = open_in_window(periods, records, window="window_start").execute()
    assert {(_day(r.period_end), r.id) for r in got.itertuples()} == {(D1, "y"), (D2, "z"), (D1, "v"), (D2, "v")}
