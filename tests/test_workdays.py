"""The working-day calendar against days counted by hand on a calendar."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from cscperf import workdays
from cscperf.workdays import CalendarError, add_working_days, busday_count, calendar_table, is_working_day

D = dt.date


@pytest.mark.parametrize("day,working", [
    (D(2024, 6, 1), False),    # Saturday
    (D(2024, 6, 2), False),    # Sunday
    (D(2024, 6, 3), True),     # Monday
    (D(2024, 5, 27), False),   # spring bank holiday
    (D(2024, 3, 29), False),   # Good Friday
    (D(2024, 4, 1), False),    # Easter Monday
    (D(2022, 6, 2), False),    # spring bank holiday moved to Thursday for the Platinum Jubilee
    (D(2022, 6, 3), False),    # Platinum Jubilee, one-off
    (D(2022, 5, 30), True),    # the usual last-Monday-of-May date was worked in 2022
    (D(2022, 9, 19), False),   # the Queen's funeral, one-off
    (D(2023, 5, 8), False),    # the Coronation, one-off
    (D(2021, 12, 27), False),  # Christmas Day fell on a Saturday: substitute Monday
    (D(2021, 12, 28), False),  # Boxing Day on a Sunday: substitute Tuesday
    (D(2021, 12, 24), True),   # Christmas Eve is a working day
    (D(2022, 1, 3), False),    # New Year's Day on a Saturday: substitute Monday
    (D(2024, 2, 29), True),    # leap day, a Thursday
])
def test_working_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize("a,b,count", [
    (D(2024, 5, 31), D(2024, 6, 3), 1),    # [Fri, Mon): just the Friday
    (D(2024, 6, 3), D(2024, 6, 3), 0),     # same day is 0
    (D(2024, 5, 24), D(2024, 5, 28), 1),   # Fri; Mon 27 May is a bank holiday
    (D(2022, 6, 1), D(2022, 6, 6), 1),     # Wed 1 June only: Thu 2 and Fri 3 were holidays
    (D(2021, 12, 24), D(2022, 1, 4), 4),   # Fri 24, Wed 29, Thu 30, Fri 31
    (D(2024, 2, 28), D(2024, 3, 1), 2),    # 28 and 29 February 2024
    (D(2023, 2, 28), D(2023, 3, 1), 1),    # no 29 February in 2023
    (D(2024, 6, 14), D(2024, 6, 30), 11),  # stack-notes G3: Fri 14 June to Sun 30 June
    (D(2024, 6, 17), D(2024, 6, 30), 10),
])
def test_busday_count(a, b, count):
    assert busday_count(a, b) == count


def test_due_dates():
    assert add_working_days(D(2024, 6, 3), 10) == D(2024, 6, 17)
    assert add_working_days(D(2024, 5, 20), 5) == D(2024, 5, 28)   # over the bank holiday
    assert add_working_days(D(2024, 6, 1), 0) == D(2024, 6, 3)     # a Saturday start rolls forward


@pytest.fixture(scope="module")
def sql_calendar():
    con = duckdb.connect()
    con.register("cal", calendar_table())
    yield con
    con.close()


def sql_count(con, a: dt.date, b: dt.date) -> int:
    # busday_count(a, b) = W(b - 1) - W(a - 1): the rule every SQL engine uses (kpis.md §1.1).
    return con.execute("SELECT (SELECT wd FROM cal WHERE d = ?::DATE - 1) - (SELECT wd FROM cal WHERE d = ?::DATE - 1)",
                       [b, a]).fetchone()[0]


@settings(max_examples=300, deadline=None)
@given(st.dates(D(1990, 1, 2), D(2040, 12, 31)), st.integers(0, 400))
def test_sql_calendar_agrees_with_numpy(sql_calendar, a, days):
    b = a + dt.timedelta(days=days)
    assert sql_count(sql_calendar, a, b) == busday_count(a, b)


def test_the_wrong_rule_differs():
    # W(b) - W(a) counts (a, b]; it gives 10 for the G3 example, which is why the calendar shifts both by a day.
    cal = {r["d"]: r["wd"] for r in calendar_table(start=D(2024, 6, 1), end=D(2024, 7, 1)).to_pylist()}
    assert cal[D(2024, 6, 30)] - cal[D(2024, 6, 14)] == 10


def test_local_closures(tmp_path):
    f = tmp_path / "closures.csv"
    f.write_text("date,working,reason\n2024-12-27,no,Council closure day\n2024-05-27,yes,Office open\n")
    overrides = workdays.read_overrides(f)
    assert not is_working_day(D(2024, 12, 27), overrides)
    assert is_working_day(D(2024, 5, 27), overrides)
    assert busday_count(D(2024, 12, 23), D(2024, 12, 30), overrides) == 2   # Mon 23, Tue 24 only
    cal = {r["d"]: r["is_working"] for r in calendar_table(overrides, D(2024, 12, 1), D(2024, 12, 31)).to_pylist()}
    assert cal[D(2024, 12, 27)] is False and cal[D(2024, 12, 24)] is True


def test_bad_closures_file_says_where(tmp_path):
    f = tmp_path / "closures.csv"
    f.write_text("date,working,reason\n27/12/2024,no,closure\n")
    with pytest.raises(CalendarError, match=r"closures.csv, row 2, column date: '27/12/2024'"):
        workdays.read_overrides(f)
