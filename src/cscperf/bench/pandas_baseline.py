"""Baseline (a): CP07, AS02, LA04 and MI01 the way other tools in this field compute them, in pandas.

Straightforward code, not tuned: the tables are read into data frames, and for each month end the frames
are filtered, merged and grouped; working days are `numpy.busday_count` with the England bank holidays
(the `holidays` package) and any closures of the council's config. The rules are the catalogue's exactly
(kpis.md §1.1, §1.3, §1.5, §3.1 and each indicator's definition text), so the figures must equal cscperf's.
Nothing here calls cscperf's indicator code: the parity check is a real check of both.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

SHORT_BREAKS = ("V3", "V4")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
TABLES = {
    "cp_plans": "person_id, start_date, end_date",
    "visits": "person_id, visit_type, visit_date, seen",
    "assessments": "assessment_id, start_date, authorised_date",
    "cla_episodes": "person_id, start_date, end_date, rne, legal_status, placement_type, placement_postcode, urn",
    "missing_episodes": "person_id, missing_type, start_date",
}


def read_frames(con, snapshot_id: int) -> dict[str, pd.DataFrame]:
    """The columns the four indicators read, one data frame per table (dates as datetime64)."""
    return {name: con.sql(f'SELECT {cols} FROM "{name}" WHERE snapshot_id = {int(snapshot_id)}')
            .to_arrow_table().to_pandas(date_as_object=False)
            for name, cols in TABLES.items()}


def england_holidays(overrides: dict[dt.date, bool] | None = None) -> np.ndarray:
    """Weekday bank holidays (GB, England) 1980-2045, with the council's closures added or removed."""
    import holidays

    days = {d for d in holidays.country_holidays("GB", subdiv="ENG", years=range(1980, 2046)) if d.weekday() < 5}
    for day, working in (overrides or {}).items():
        if working:
            days.discard(day)
        elif day.weekday() < 5:
            days.add(day)
    return np.array(sorted(days), dtype="datetime64[D]")


def _busdays(a: pd.Series, b, hol: np.ndarray) -> pd.Series:
    """numpy.busday_count(a, b): working days in [a, b); NaN where a is missing."""
    out = pd.Series(np.nan, index=a.index)
    ok = a.notna()
    if ok.any():
        bb = np.datetime64(b, "D") if not isinstance(b, pd.Series) else b[ok].values.astype("datetime64[D]")
        out[ok] = np.busday_count(a[ok].values.astype("datetime64[D]"), bb, holidays=hol)
    return out


def window_start(d: dt.date) -> dt.date:
    """Rolling 12 months to D: the first day of the month 11 months before D's month (kpis.md §1.3)."""
    n = d.year * 12 + d.month - 1 - 11
    return dt.date(n // 12, n % 12 + 1, 1)


def cp07(f: dict, ends: list[dt.date], hol: np.ndarray, window: int = 10) -> dict:
    plans = f["cp_plans"]
    v = f["visits"]
    seen = v[(v.visit_type == "CP") & v.seen.fillna(False).astype(bool)][["person_id", "visit_date"]]
    out = {}
    for d in ends:
        ts = pd.Timestamp(d)
        on = plans[(plans.start_date <= ts) & (plans.end_date.isna() | (plans.end_date > ts))]
        on = on.groupby("person_id", as_index=False).start_date.min().rename(columns={"start_date": "plan_start"})
        m = on.merge(seen[seen.visit_date <= ts], on="person_id", how="left")
        m.loc[m.visit_date < m.plan_start, "visit_date"] = pd.NaT    # a visit before the plan started does not count
        last = m.groupby(["person_id", "plan_start"], as_index=False).visit_date.max()
        since_seen = _busdays(last.visit_date, d, hol)
        since_start = _busdays(last.plan_start, d, hol)
        keep = ~(last.visit_date.isna() & (since_start <= window))   # grace for new plans not yet visited
        out[d] = (int((keep & (since_seen <= window)).sum()), int(keep.sum()))
    return out


def as02(f: dict, ends: list[dt.date], hol: np.ndarray, limit: int = 45) -> dict:
    a = f["assessments"]
    done = a[a.authorised_date.notna() & (a.authorised_date >= a.start_date)].copy()
    done["duration"] = _busdays(done.start_date, done.authorised_date, hol)
    out = {}
    for d in ends:
        w = done[(done.authorised_date >= pd.Timestamp(window_start(d))) & (done.authorised_date <= pd.Timestamp(d))]
        out[d] = (int((w.duration <= limit).sum()), len(w))
    return out


def _episodes(f: dict) -> pd.DataFrame:
    e = f["cla_episodes"]
    return e[~e.legal_status.isin(SHORT_BREAKS)].sort_values(["person_id", "start_date"])


def la04(f: dict, ends: list[dt.date], threshold: int = 3) -> dict:
    # Periods of care over all episodes (short breaks too): a new one at RNE S or after a gap; a child whose
    # current period began with a V3/V4 episode is left out of the cohort (kpis.md §1.5).
    e = f["cla_episodes"].sort_values(["person_id", "start_date"]).copy()
    prev_end = e.groupby("person_id").end_date.shift()
    e["new"] = ((e.rne == "S") | prev_end.isna() | (prev_end != e.start_date)).astype(int)
    e["poc"] = e.groupby("person_id").new.cumsum()
    first = e[e.new == 1][["person_id", "poc", "legal_status"]].rename(columns={"legal_status": "first_ls"})
    e = e.merge(first, on=["person_id", "poc"])
    e = e[~e.legal_status.isin(SHORT_BREAKS) & ~e.first_ls.isin(SHORT_BREAKS)]
    # Placements: temporary moves (T0-T4) dropped, the placement before one held through it, and a P/B return
    # to that same placement is not a new one.
    p = _episodes(f).copy()
    g = p.groupby("person_id")
    p["prev_temp"] = g.placement_type.shift().isin(TEMPORARY)
    p["next_temp"] = g.placement_type.shift(-1).isin(TEMPORARY)
    p = p[~p.placement_type.isin(TEMPORARY)].copy()
    g = p.groupby("person_id")
    p["eff_end"] = p.end_date.where(~p.next_temp, g.start_date.shift(-1))
    same = lambda col: (p[col] == g[col].shift()) | (p[col].isna() & g[col].shift().isna())   # noqa: E731
    back = p.rne.isin(["P", "B"]) & p.prev_temp & same("placement_type") & same("placement_postcode") & same("urn")
    p["change"] = p.rne.isin(["S", "P", "B"]) & ~back
    out = {}
    for d in ends:
        ts, ws = pd.Timestamp(d), pd.Timestamp(window_start(d))
        cohort = e[(e.start_date <= ts) & (e.end_date.isna() | (e.end_date > ts))].person_id.drop_duplicates()
        held = p[(p.start_date <= ts) & (p.eff_end.isna() | (p.eff_end > ws))].sort_values(["person_id", "start_date"])
        later = held[held.groupby("person_id").cumcount() > 0]      # the first one held is the base placement
        changes = later[later.change].groupby("person_id").size()
        placements = 1 + changes.reindex(cohort.values, fill_value=0)
        out[d] = (int((placements >= threshold).sum()), len(cohort))
    return out


def mi01(f: dict, ends: list[dt.date]) -> dict:
    eps = _episodes(f)[["person_id", "start_date", "end_date"]]
    m = f["missing_episodes"]
    m = m[m.missing_type == "M"][["person_id", "start_date"]].rename(columns={"start_date": "missing"})
    during = m.merge(eps, on="person_id")
    during = during[(during.start_date <= during.missing) & (during.end_date.isna() | (during.end_date > during.missing))]
    during = during[["person_id", "missing"]].drop_duplicates()
    out = {}
    for d in ends:
        ts, ws = pd.Timestamp(d), pd.Timestamp(window_start(d))
        cohort = set(eps[(eps.start_date <= ts) & (eps.end_date.isna() | (eps.end_date > ws))].person_id)
        went = set(during[(during.missing >= ws) & (during.missing <= ts)].person_id)
        out[d] = (len(went & cohort), len(cohort))
    return out


def compute(frames: dict, ends: dict[str, list[dt.date]], hol: np.ndarray) -> dict[str, dict]:
    """{indicator: {month end: (numerator, denominator)}} for the four indicators at their month ends."""
    return {"CP07": cp07(frames, ends["CP07"], hol), "AS02": as02(frames, ends["AS02"], hol),
            "LA04": la04(frames, ends["LA04"]), "MI01": mi01(frames, ends["MI01"])}
