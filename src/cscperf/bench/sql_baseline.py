"""Baseline (b): CP07, AS02, LA04 and MI01 as hand-written DuckDB SQL, in the calendar-table form.

One query per indicator over all its month ends at once (a `periods` table), straight on the store's
tables. Working days: a calendar table `bench_cal` with W(d) = working days up to and including d, so
busday_count(a, b) = W(b - 1) - W(a - 1) (kpis.md §1.1, stack-notes G3 and §6). The latest visit is found
with DuckDB's ASOF join, as a person tuning DuckDB by hand would write it. The rules are the catalogue's
exactly; nothing here calls cscperf's indicator code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from cscperf.bench.pandas_baseline import window_start

SB = "('V3', 'V4')"
TEMP = "('T0', 'T1', 'T2', 'T3', 'T4')"

QUERIES = {
    "CP07": """
WITH plans AS (SELECT person_id, start_date, end_date FROM cp_plans WHERE snapshot_id = $sid),
seen AS (SELECT person_id, visit_date FROM visits
         WHERE snapshot_id = $sid AND visit_type = 'CP' AND coalesce(seen, false)),
on_plan AS (SELECT p.period_end, c.person_id, min(c.start_date) AS plan_start
            FROM bench_periods p JOIN plans c ON c.start_date <= p.period_end
                 AND (c.end_date IS NULL OR c.end_date > p.period_end)
            WHERE p.ind = 'CP07' GROUP BY ALL),
latest AS (SELECT o.period_end, o.person_id, o.plan_start,
                  CASE WHEN v.visit_date >= o.plan_start THEN v.visit_date END AS last_seen
           FROM on_plan o ASOF LEFT JOIN seen v ON o.person_id = v.person_id AND o.period_end >= v.visit_date),
wd AS (SELECT l.period_end, l.last_seen, ce.wd - cs.wd AS since_seen, ce.wd - cp.wd AS since_start
       FROM latest l LEFT JOIN bench_cal ce ON ce.d = l.period_end - 1
            LEFT JOIN bench_cal cs ON cs.d = l.last_seen - 1 LEFT JOIN bench_cal cp ON cp.d = l.plan_start - 1)
SELECT period_end, count(*) FILTER (WHERE since_seen <= $window) AS num, count(*) AS den
FROM wd WHERE NOT (last_seen IS NULL AND since_start <= $window) GROUP BY period_end""",
    "AS02": """
SELECT p.period_end, count(*) FILTER (WHERE cb.wd - ca.wd <= $limit) AS num, count(*) AS den
FROM bench_periods p JOIN assessments a ON a.authorised_date BETWEEN p.window_start AND p.period_end
     LEFT JOIN bench_cal ca ON ca.d = a.start_date - 1 LEFT JOIN bench_cal cb ON cb.d = a.authorised_date - 1
WHERE p.ind = 'AS02' AND a.snapshot_id = $sid AND a.authorised_date >= a.start_date
GROUP BY p.period_end""",
    "LA04": f"""
WITH eps AS (SELECT * FROM cla_episodes WHERE snapshot_id = $sid),
marked AS (SELECT *, CASE WHEN rne = 'S' OR coalesce(lag(end_date) OVER w <> start_date, true) THEN 1 ELSE 0 END AS new
           FROM eps WINDOW w AS (PARTITION BY person_id ORDER BY start_date)),
pocs AS (SELECT *, sum(new) OVER (PARTITION BY person_id ORDER BY start_date ROWS UNBOUNDED PRECEDING) AS poc FROM marked),
firsts AS (SELECT person_id, poc, legal_status IN {SB} AS sb_start FROM pocs WHERE new = 1),
cohort AS (SELECT DISTINCT p.period_end, e.person_id
           FROM bench_periods p JOIN pocs e ON e.start_date <= p.period_end AND (e.end_date IS NULL OR e.end_date > p.period_end)
                JOIN firsts f ON f.person_id = e.person_id AND f.poc = e.poc
           WHERE p.ind = 'LA04' AND e.legal_status NOT IN {SB} AND NOT f.sb_start),
flagged AS (SELECT *, coalesce(lag(placement_type) OVER w IN {TEMP}, false) AS prev_temp,
                      coalesce(lead(placement_type) OVER w IN {TEMP}, false) AS next_temp
            FROM eps WHERE legal_status NOT IN {SB} WINDOW w AS (PARTITION BY person_id ORDER BY start_date)),
placements AS (
    SELECT person_id, start_date, CASE WHEN next_temp THEN lead(start_date) OVER w ELSE end_date END AS eff_end,
           rne IN ('S', 'P', 'B') AND NOT (rne IN ('P', 'B') AND prev_temp
               AND placement_type IS NOT DISTINCT FROM lag(placement_type) OVER w
               AND placement_postcode IS NOT DISTINCT FROM lag(placement_postcode) OVER w
               AND urn IS NOT DISTINCT FROM lag(urn) OVER w) AS change
    FROM flagged WHERE placement_type NOT IN {TEMP} WINDOW w AS (PARTITION BY person_id ORDER BY start_date)),
held AS (SELECT p.period_end, e.person_id, e.change,
                row_number() OVER (PARTITION BY p.period_end, e.person_id ORDER BY e.start_date) AS rn
         FROM bench_periods p JOIN placements e ON e.start_date <= p.period_end
              AND (e.eff_end IS NULL OR e.eff_end > p.window_start)
         WHERE p.ind = 'LA04'),
counted AS (SELECT period_end, person_id, count(*) FILTER (WHERE rn > 1 AND change) AS changes FROM held GROUP BY ALL)
SELECT c.period_end, count(*) FILTER (WHERE 1 + coalesce(k.changes, 0) >= $threshold) AS num, count(*) AS den
FROM cohort c LEFT JOIN counted k ON k.period_end = c.period_end AND k.person_id = c.person_id
GROUP BY c.period_end""",
    "MI01": f"""
WITH eps AS (SELECT person_id, start_date, end_date FROM cla_episodes
             WHERE snapshot_id = $sid AND legal_status NOT IN {SB}),
cohort AS (SELECT DISTINCT p.period_end, e.person_id
           FROM bench_periods p JOIN eps e ON e.start_date <= p.period_end
                AND (e.end_date IS NULL OR e.end_date > p.window_start)
           WHERE p.ind = 'MI01'),
incidents AS (SELECT DISTINCT m.person_id, m.start_date
              FROM missing_episodes m JOIN eps e ON e.person_id = m.person_id AND e.start_date <= m.start_date
                   AND (e.end_date IS NULL OR e.end_date > m.start_date)
              WHERE m.snapshot_id = $sid AND m.missing_type = 'M'),
went AS (SELECT DISTINCT p.period_end, i.person_id
         FROM bench_periods p JOIN incidents i ON i.start_date BETWEEN p.window_start AND p.period_end
         WHERE p.ind = 'MI01')
SELECT c.period_end, count(w.person_id) AS num, count(*) AS den
FROM cohort c LEFT JOIN went w ON w.period_end = c.period_end AND w.person_id = c.person_id
GROUP BY c.period_end""",
}
PARAMS = {"CP07": {"window": 10}, "AS02": {"limit": 45}, "LA04": {"threshold": 3}, "MI01": {}}


def prepare(con, ends: dict[str, list[dt.date]], hol: np.ndarray) -> None:
    """The calendar and the month ends as temporary tables (not timed: both are tiny)."""
    hol_table = pa.table({"d": pa.array(hol.astype(dt.date), pa.date32())})
    con.register("bench_hol", hol_table)
    con.execute("""CREATE OR REPLACE TEMP TABLE bench_cal AS
        SELECT d::DATE AS d, sum(CASE WHEN isodow(d) <= 5 AND d::DATE NOT IN (SELECT d FROM bench_hol) THEN 1 ELSE 0 END)
               OVER (ORDER BY d) AS wd
        FROM range(DATE '1980-01-01', DATE '2046-01-01', INTERVAL 1 DAY) t(d)""")
    con.unregister("bench_hol")
    rows = [(ind, d, window_start(d)) for ind, ds in ends.items() for d in ds]
    periods = pa.table({"ind": pa.array([r[0] for r in rows], pa.string()),
                        "period_end": pa.array([r[1] for r in rows], pa.date32()),
                        "window_start": pa.array([r[2] for r in rows], pa.date32())})
    con.register("bench_periods_in", periods)
    con.execute("CREATE OR REPLACE TEMP TABLE bench_periods AS SELECT * FROM bench_periods_in")
    con.unregister("bench_periods_in")


def run(con, indicator: str, snapshot_id: int, ends: list[dt.date]) -> dict:
    """{month end: (numerator, denominator)}; a month end with no rows is (0, 0)."""
    rows = con.execute(QUERIES[indicator], {"sid": snapshot_id, **PARAMS[indicator]}).fetchall()
    found = {d: (int(n), int(m)) for d, n, m in rows}
    return {d: found.get(d, (0, 0)) for d in ends}


def compute(con, snapshot_id: int, ends: dict[str, list[dt.date]]) -> dict[str, dict]:
    return {ind: run(con, ind, snapshot_id, ends[ind]) for ind in QUERIES}
