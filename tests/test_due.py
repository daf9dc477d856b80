"""What falls due: due dates counted by hand on a calendar (May-June 2024: 6 and 27 May are bank holidays)."""

from __future__ import annotations

import datetime as dt

from cscperf import engine, workdays
from cscperf.config import Config
from helpers import store_with

D = dt.date
AS_AT = D(2024, 5, 31)   # a Friday


def due_rows(tmp_path, tables, **kwargs):
    store, _ = store_with(tmp_path / "due.duckdb", tables, AS_AT, D(2023, 1, 1))
    store.put_calendar(workdays.calendar_table())
    rows = engine.due_list(store, Config(), AS_AT, **kwargs).to_pylist()
    store.close()
    return {(r["rule"], r["person_id"]): (r["due_date"], r["status"], r["working_days"]) for r in rows}


def test_cp_visits(tmp_path):
    got = due_rows(tmp_path, {
        "cp_plans": [{"cp_plan_id": p, "person_id": p, "start_date": s} for p, s in
                     (("A", D(2024, 1, 2)), ("B", D(2024, 1, 2)), ("C", D(2024, 5, 28)))],
        "visits": [{"visit_id": "a", "person_id": "A", "visit_type": "CP", "visit_date": D(2024, 5, 17), "seen": True},
                   {"visit_id": "b", "person_id": "B", "visit_type": "CP", "visit_date": D(2024, 5, 10), "seen": True},
                   {"visit_id": "b2", "person_id": "B", "visit_type": "CP", "visit_date": D(2024, 5, 24), "seen": False}],
    }, include_later=True)
    # A, seen Fri 17 May: 20-24 May are 1-5, 27 May is a holiday, 28-31 May are 6-9, Mon 3 June is 10.
    assert got[("cp-visit", "A")] == (D(2024, 6, 3), "due soon", 1)
    # B, seen Fri 10 May (the visit of 24 May did not see B): 13-17 are 1-5, 20-24 are 6-10: due 24 May,
    # overdue by 4 working days (24, 28, 29, 30 May).
    assert got[("cp-visit", "B")] == (D(2024, 5, 24), "overdue", -4)
    # C's plan began Tue 28 May, no visit yet: 29-31 May, 3-7, 10, 11 June -> 11 June, 7 working days ahead.
    assert got[("cp-visit", "C")] == (D(2024, 6, 11), "later", 7)


def test_assessments_and_conferences(tmp_path):
    got = due_rows(tmp_path, {
        "assessments": [{"assessment_id": "x", "person_id": "A", "start_date": D(2024, 4, 2)},
                        {"assessment_id": "y", "person_id": "B", "start_date": D(2024, 4, 2),
                         "authorised_date": D(2024, 5, 30)}],
        "s47_enquiries": [{"s47_id": "s1", "person_id": "C", "start_date": D(2024, 5, 13)},
                          {"s47_id": "s2", "person_id": "D", "start_date": D(2024, 5, 13)},
                          {"s47_id": "s3", "person_id": "E", "start_date": D(2024, 5, 13), "icpc_not_required": True}],
        "icpcs": [{"icpc_id": "i2", "s47_id": "s2", "person_id": "D", "icpc_date": D(2024, 5, 30)}],
    })
    # A started Tue 2 April: 45 working days, skipping 6 and 27 May, end on Thu 6 June (4 working days ahead).
    assert got[("assessment", "A")] == (D(2024, 6, 6), "due soon", 4)
    assert ("assessment", "B") not in got                     # authorised
    # C's enquiry began Mon 13 May: 14-17 (4), 20-24 (9), 28-31 (13), 3, 4 June (15): due Tue 4 June.
    assert got[("icpc", "C")] == (D(2024, 6, 4), "due soon", 2)
    assert ("icpc", "D") not in got and ("icpc", "E") not in got   # held; judged unnecessary


def test_looked_after_visits_and_return_interviews(tmp_path):
    ep = {"rne": "S", "legal_status": "C2"}
    got = due_rows(tmp_path, {
        "cla_episodes": [
            {**ep, "person_id": "A", "start_date": D(2024, 1, 2), "placement_type": "U6", "end_date": D(2024, 5, 27),
             "reason_ceased": "X1"},
            {**ep, "person_id": "A", "start_date": D(2024, 5, 27), "rne": "P", "placement_type": "U6"},
            {**ep, "person_id": "B", "start_date": D(2023, 1, 1), "placement_type": "U4"},
            {**ep, "person_id": "C", "start_date": D(2023, 12, 1), "placement_type": "U6"},
        ],
        "visits": [{"visit_id": "a", "person_id": "A", "visit_type": "CLA", "visit_date": D(2024, 5, 1), "seen": True},
                   {"visit_id": "b", "person_id": "B", "visit_type": "CLA", "visit_date": D(2024, 4, 19), "seen": True},
                   {"visit_id": "c", "person_id": "C", "visit_type": "CLA", "visit_date": D(2024, 4, 19), "seen": True}],
        "missing_episodes": [
            {"person_id": "M", "missing_type": "M", "start_date": D(2024, 5, 28), "end_date": D(2024, 5, 29)},
            {"person_id": "N", "missing_type": "M", "start_date": D(2024, 5, 19), "end_date": D(2024, 5, 20)},
            {"person_id": "O", "missing_type": "M", "start_date": D(2024, 3, 30), "end_date": D(2024, 4, 1)},
            {"person_id": "P", "missing_type": "M", "start_date": D(2024, 5, 28), "end_date": D(2024, 5, 29),
             "rhi_date": D(2024, 5, 30)},
        ],
    }, include_later=True)
    # A moved on 27 May and has not been seen since (1 May was the old placement): within 7 days, Mon 3 June.
    assert got[("cla-visit", "A")] == (D(2024, 6, 3), "due soon", 1)
    # B: long-term foster placement over a year old, last seen 19 April: 3 months, 19 July.
    assert got[("cla-visit", "B")][0] == D(2024, 7, 19)
    # C: placement under a year old, last seen 19 April: 6 weeks, 31 May itself (due today, not overdue).
    assert got[("cla-visit", "C")] == (D(2024, 5, 31), "due soon", 0)
    # Return interviews: M back on 29 May, due Sat 1 June; N back on 20 May, due 23 May (overdue by
    # 23, 24, 28, 29, 30 May = 5); O returned over 28 days ago; P's interview was held.
    assert got[("return-interview", "M")] == (D(2024, 6, 1), "due soon", 1)
    assert got[("return-interview", "N")] == (D(2024, 5, 23), "overdue", -5)
    assert ("return-interview", "O") not in got and ("return-interview", "P") not in got
    # No reviews or health checks were loaded: those rules say nothing rather than "all overdue".
    assert not any(rule in ("cla-review", "health-assessment") for rule, _ in got)
