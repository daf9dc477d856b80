"""The report's interim profiles (report.distributions) and its table suppression (report.safety),
against cases worked out by hand. Month reported: March 2024, so "the 12 months to March 2024" is
1 April 2023 to 31 March 2024, both ends included."""

from __future__ import annotations

import datetime as dt

import pytest

from cscperf.report import distributions as dist
from cscperf.report.safety import breakdown_table, suppress_breakdown, suppress_counts

D = dt.date
MARCH = D(2024, 3, 31)


def ep(person, start, end=None, **kw):
    return {"person_id": person, "missing_type": "M", "start_date": start, "end_date": end, **kw}


def test_ages_and_bands():
    assert dist.age_on(D(2010, 3, 31), D(2024, 3, 30)) == 13
    assert dist.age_on(D(2010, 3, 31), D(2024, 3, 31)) == 14          # the birthday counts
    assert dist.age_on(None, MARCH) is None
    assert [dist.age_band_of(a) for a in (0, 4, 5, 15, 16, None)] == [
        "under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "not recorded"]


def test_the_window_is_twelve_whole_months():
    eps = [ep("A", D(2023, 3, 31)), ep("B", D(2023, 4, 1)), ep("C", D(2024, 3, 31)), ep("D", D(2024, 4, 1)),
           {**ep("E", D(2023, 6, 1)), "missing_type": "A"}]
    assert [e["person_id"] for e in dist.missing_started(eps, MARCH)] == ["B", "C"]


def test_times_missing_per_child():
    # A once, B three times, C twelve times: 3 children, 16 episodes.
    eps = [ep("A", D(2023, 5, 1))] + [ep("B", D(2023, 6, k)) for k in (1, 2, 3)] + \
          [ep("C", D(2023, 7, k)) for k in range(1, 13)]
    b = dist.times_missing(eps, MARCH)
    assert b.total == {"children": 3, "episodes": 16}
    assert b.rows == [("Once", {"children": 1, "episodes": 1}), ("2 or 3 times", {"children": 1, "episodes": 3}),
                      ("More than 10 times", {"children": 1, "episodes": 12})]


def test_age_where_from_and_area():
    eps = [ep("A", D(2023, 5, 1), dob=D(2008, 5, 1), missing_from="FOSTER", out_of_area=True),    # 15 on the day
           ep("A", D(2023, 5, 2), dob=D(2008, 5, 1), missing_from="FOSTER", out_of_area=True),
           ep("B", D(2023, 9, 1), dob=D(2007, 8, 31), missing_from="HOME", out_of_area=False),     # 16
           ep("C", D(2023, 9, 1), dob=None, missing_from=None, out_of_area=None)]
    ages = dist.missing_by_age(eps, MARCH)
    assert ages.rows == [("10 to 15", {"episodes": 2, "children": 1}), ("16 and over", {"episodes": 1, "children": 1}),
                         ("not recorded", {"episodes": 1, "children": 1})]
    assert ages.total == {"episodes": 4, "children": 3}
    where = dist.missing_from(eps, MARCH)
    assert where.row("Foster placement") == {"episodes": 2, "children": 1}
    assert where.row("Family home") == {"episodes": 1, "children": 1}
    assert where.row("not recorded") == {"episodes": 1, "children": 1}
    area = dist.missing_area(eps, MARCH)
    assert area.row("Outside the council's area") == {"episodes": 2, "children": 1}
    assert area.row("Inside the council's area") == {"episodes": 1, "children": 1}


def test_duration_bands_in_calendar_days():
    eps = [ep("A", D(2024, 1, 1), D(2024, 1, 1)), ep("B", D(2024, 1, 1), D(2024, 1, 2)),
           ep("C", D(2024, 1, 1), D(2024, 1, 4)), ep("D", D(2024, 1, 1), D(2024, 1, 8)),
           ep("E", D(2024, 1, 1), D(2024, 1, 9)), ep("F", D(2024, 3, 30), None), ep("G", D(2024, 3, 30), D(2024, 4, 2))]
    b = dist.missing_duration(eps, MARCH)
    assert dict(b.rows) == {"Back the same day": {"episodes": 1}, "1 day": {"episodes": 1},
                            "2 to 3 days": {"episodes": 1}, "4 to 7 days": {"episodes": 1},
                            "More than 7 days": {"episodes": 1}, "Not yet returned": {"episodes": 2}}


def test_return_interviews_and_reasons():
    eps = [ep("A", D(2024, 1, 1), D(2024, 1, 2), rhi_offered=True, rhi_accepted=True, rhi_date=D(2024, 1, 5),
              rhi_reasons="FAMILY;PEERS"),                                               # 3 days: within 72 hours
           ep("B", D(2024, 1, 1), D(2024, 1, 2), rhi_offered=True, rhi_accepted=True, rhi_date=D(2024, 1, 6),
              rhi_reasons="PEERS"),                                                      # 4 days: late
           ep("C", D(2024, 1, 1), D(2024, 1, 2), rhi_offered=True, rhi_accepted=False, rhi_date=None),
           ep("D", D(2024, 1, 1), D(2024, 1, 3), rhi_offered=True, rhi_accepted=True, rhi_date=D(2024, 1, 2),
              rhi_reasons="PEERS; PEERS"),                                              # before the return: not held
           ep("E", D(2023, 3, 1), D(2023, 3, 2), rhi_offered=True, rhi_date=D(2023, 3, 3)),   # ended before the window
           ep("F", D(2024, 3, 30), None, rhi_offered=False)]                                # not returned
    assert dist.return_interviews(eps, MARCH) == {"ended": 4, "offered": 4, "accepted": 3, "held": 2,
                                                  "within_72_hours": 1}
    reasons = dist.rhi_reasons(eps, MARCH)
    # Interviews with an interview date (A, B, D) and a reason; D's reason is given twice but counts once.
    assert reasons.total == {"interviews": 3}
    assert reasons.rows == [("To be with friends or peers", {"interviews": 3}),
                            ("Family conflict or breakdown", {"interviews": 1})]


def test_missing_by_month():
    eps = [ep("A", D(2024, 2, 1)), ep("A", D(2024, 2, 20)), ep("B", D(2024, 3, 5))]
    assert dist.missing_by_month(eps, [D(2024, 2, 29), MARCH]) == [(D(2024, 2, 29), 2, 1), (MARCH, 1, 1)]


def test_proceedings_durations_and_backlog():
    rows = [
        # P1: siblings issued 2 and 10 January 2023, final orders 3 and 4 July: 2 Jan to 4 Jul = 183 days (over 26 weeks)
        {"proceedings_id": "P1", "issue_date": D(2023, 1, 2), "final_order_date": D(2023, 7, 3), "court": "North"},
        {"proceedings_id": "P1", "issue_date": D(2023, 1, 10), "final_order_date": D(2023, 7, 4), "court": "North"},
        # P2: 182 days exactly: within 26 weeks
        {"proceedings_id": "P2", "issue_date": D(2023, 6, 1), "final_order_date": D(2023, 11, 30), "court": "South"},
        # P3: one child still without a final order: open
        {"proceedings_id": "P3", "issue_date": D(2023, 5, 1), "final_order_date": D(2023, 9, 1), "court": "South"},
        {"proceedings_id": "P3", "issue_date": D(2023, 5, 1), "final_order_date": None, "court": "South"},
        # P4: concluded before the window
        {"proceedings_id": "P4", "issue_date": D(2022, 1, 1), "final_order_date": D(2023, 3, 1), "court": "North"},
    ]
    procs = {p.proceedings_id: p for p in dist.proceedings(rows)}
    assert procs["P1"].issued == D(2023, 1, 2) and procs["P1"].concluded == D(2023, 7, 4) and procs["P1"].children == 2
    assert procs["P3"].concluded is None
    bands, stats = dist.durations(list(procs.values()), MARCH)
    assert stats["concluded"] == 2 and stats["within_26"] == 1
    assert stats["mean_weeks"] == pytest.approx((183 + 182) / 2 / 7)
    assert dict(bands.rows)["26 weeks or less"] == {"proceedings": 1}
    assert dict(bands.rows)["Over 26 and up to 39 weeks"] == {"proceedings": 1}
    courts = {c["court"]: c for c in dist.by_court(list(procs.values()), MARCH)}
    assert courts["South"]["open"] == 1 and courts["South"]["concluded"] == 1 and courts["South"]["within_26"] == 1
    assert courts["North"]["open"] == 0 and courts["North"]["concluded"] == 1
    # At 31 March 2024 only P3 is open, issued 1 May 2023: 335 days, over 26 weeks.
    assert dist.backlog(list(procs.values()), [MARCH]) == [(MARCH, 1, 1, 0, 0)]
    # At 30 June 2023: P1 (issued 2 Jan: 179 days), P2 (issued 1 June) and P3 open; none over 26 weeks.
    assert dist.backlog(list(procs.values()), [D(2023, 6, 30)]) == [(D(2023, 6, 30), 3, 0, 1, 0)]


def test_caseloads_and_staffing():
    staff = [
        {"professional_id": "W1", "team_id": "T1", "role": "SW", "fte": 1.0, "agency": False,
         "start_date": D(2020, 1, 1), "leave_date": None},
        {"professional_id": "W2", "team_id": "T1", "role": "SSW", "fte": 0.5, "agency": True,
         "start_date": D(2023, 6, 1), "leave_date": None},
        {"professional_id": "W3", "team_id": "T2", "role": "SW", "fte": 1.0, "agency": False,
         "start_date": D(2019, 1, 1), "leave_date": MARCH},                       # leaves on D: not in post
        {"professional_id": "M1", "team_id": "T1", "role": "TM", "fte": 1.0, "agency": False,
         "start_date": D(2015, 1, 1), "leave_date": None},                        # manager: no caseload
        {"professional_id": "P1", "team_id": "T3", "role": "PA", "fte": 1.0, "agency": False,
         "start_date": D(2015, 1, 1), "leave_date": None},                        # not a social worker
    ]
    allocations = [
        {"person_id": "c1", "professional_id": "W1", "start_date": D(2023, 1, 1), "end_date": None},
        {"person_id": "c2", "professional_id": "W1", "start_date": D(2023, 1, 1), "end_date": MARCH},  # ended on D
        {"person_id": "c3", "professional_id": "W1", "start_date": D(2023, 1, 1), "end_date": None},
        {"person_id": "c3", "professional_id": "W2", "start_date": D(2024, 1, 1), "end_date": None},   # co-allocated
    ]
    loads = {w["professional_id"]: w for w in dist.caseloads(staff, allocations, MARCH)}
    assert set(loads) == {"W1", "W2"}
    assert loads["W1"]["cases"] == 2 and loads["W2"]["cases"] == 1
    bands = dist.caseload_bands(list(loads.values()))
    assert bands.row("1 to 10") == {"workers": 2} and bands.total == {"workers": 2}
    teams = dist.team_caseloads(list(loads.values()), {"T1": "North"})
    assert teams == [{"team": "North", "workers": 2, "agency": 1, "fte": 1.5, "cases": 3, "per_fte": 2.0}]
    s = dist.staffing(staff, MARCH)
    # In post: W1, W2 (agency), M1 = 2.5 FTE; employed W1 + M1 = 2.0 FTE; W3 left in the window (1.0 FTE).
    assert (s["in_post"], s["fte"], s["employed_fte"], s["agency_fte"]) == (3, 2.5, 2.0, 0.5)
    assert s["agency_share"] == 20.0
    assert (s["starters"], s["leavers"], s["employed_leavers"]) == (1, 1, 1)
    assert s["turnover"] == 50.0


def test_a_breakdown_table_hides_small_counts_and_what_would_reveal_them():
    b = dist.Breakdown("t", ("episodes",), {"episodes": 40},
                       [("A", {"episodes": 3}), ("B", {"episodes": 12}), ("C", {"episodes": 25}), ("D", {"episodes": 0})])
    total, rows = suppress_breakdown(b, 5)
    got = {k: r["episodes"] for k, r in rows}
    # A (3) is small; alone it could be worked out as 40 - 12 - 25, so the next smallest shown, B, goes too.
    assert got == {"A": None, "B": None, "C": 25, "D": 0} and total["episodes"] == 40
    table = breakdown_table("x", "caption", b, 5, {"episodes": "Episodes"}, "Group", share_of="episodes")
    texts = [[c.text for c in r] for r in table.rows]
    assert texts == [["All", "40", "100.0%"], ["A", "[c]", "[c]"], ["B", "[c]", "[c]"], ["C", "25", "62.5%"],
                     ["D", "0", "0.0%"]]


def test_a_small_total_hides_everything_and_independent_counts():
    b = dist.Breakdown("t", ("children",), {"children": 4}, [("A", {"children": 4})])
    total, rows = suppress_breakdown(b, 5)
    assert total["children"] is None and rows[0][1]["children"] is None
    assert suppress_counts({"a": 0, "b": 3, "c": 6, "d": None}, 5) == {"a": 0, "b": None, "c": 6, "d": None}
