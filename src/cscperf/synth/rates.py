"""The dials of the synthetic council, in one place.

Volumes are for scale = 1 (a county of about 120,000 children). Rates are set so that the figures
the catalogue computes land near the England values in shared/reference/kpis.md: re-referrals ~20%
(FD06 22.4%), assessments in 45 working days ~85% (AS02 85.7%), ICPCs in 15 working days ~80%
(S47-03 81.4%), open CP plans over two years ~2.5% (CP03a 2.6%), second or subsequent plans ~22%
(CP04 24.7%), 3+ placements ~10% (LA04), missing ~11% of CLA with ~6 incidents each (MI01, MI02),
caseloads 15-18 (WF01 15-17), care proceedings 40-45 weeks (CT01).
"""

from __future__ import annotations

CHILDREN_0_17 = 120_000          # mid-2017 estimate at scale 1; grows slowly (see configfile)

# New families referred a year. With ~1.6 children a family and re-referrals this gives ~3,500
# referrals (CIN episodes) a year.
NEW_FAMILIES_PER_YEAR = 1_690
UASC_PER_YEAR = (12, 26)         # before / after the National Transfer Scheme became mandatory
UASC_NTS_MANDATORY = (2021, 10, 1)

# Referral seasonality (April..March) and the 2020 lockdown dip.
SEASON = (1.0, 1.05, 1.05, 0.95, 0.78, 1.0, 1.12, 1.1, 0.86, 1.0, 1.02, 1.07)
LOCKDOWN = ((2020, 3, 23), (2020, 6, 30), 0.72)

# What happens after a referral: (route, probability). Care-bound routes are also simulated for
# the years before the data begins, so the first month already holds long-stay children.
ROUTES = (
    ("nfa", 0.06),
    ("assess_close", 0.3365),
    ("cin", 0.17),
    ("s47", 0.22),
    ("icpc_no_plan", 0.02),
    ("cp", 0.12),
    ("cp_care", 0.025),
    ("emergency", 0.028),
    ("teen_s20", 0.017),
    ("short_breaks", 0.0035),
)
CARE_ROUTES = frozenset({"cp_care", "emergency", "teen_s20", "short_breaks"})
FAMILY_SIZE = ((1, 0.58), (2, 0.26), (3, 0.11), (4, 0.05))

# Re-referral after a family's case closes: probability by how it closed, and the delay (days).
REREFER = {"nfa": 0.39, "assess_close": 0.35, "cin": 0.29, "s47": 0.31, "icpc_no_plan": 0.32, "cp": 0.31,
           "emergency": 0.28, "teen_s20": 0.28}
REREFER_MEAN_DAYS = 120
# Before the fully simulated years only care-bound families are simulated; this many more of them
# stand in for the re-referred families whose later referral led into care (~20% of entries).
EARLY_CARE_BOOST = 0.6
# Probability that a re-referred family's new referral leads to a plan is higher than a new one's.
REREFER_ROUTE_BOOST = {"cp": 1.25, "cp_care": 1.4, "s47": 1.1}

# Assessment: share authorised within 45 working days, drifting from the first to the second value.
ASSESS_ON_TIME = (0.82, 0.88)
# ICPC within 15 working days of the strategy discussion.
ICPC_ON_TIME = (0.76, 0.84)
# CP plan length in days: (weight, low, high). The last band keeps ~2.5% of open plans past 2 years.
PLAN_DAYS = ((0.25, 56, 180), (0.54, 180, 450), (0.175, 450, 730), (0.035, 731, 1250))
PLAN_STEP_DOWN_CIN = 0.55
# Children who have had a plan before our records start (other LAs, older history): with the plans
# repeated inside the simulation this gives ~22% second or subsequent plans.
PRIOR_PLANS = 0.15

# Care proceedings: weeks from issue to final order, mean by year (court backlog after 2020).
PROCEEDINGS_WEEKS = {2016: 36, 2017: 37, 2018: 38, 2019: 40, 2020: 44, 2021: 47, 2022: 46, 2023: 44, 2024: 42}
PROCEEDINGS_SD_WEEKS = 11
COURTS = (("Blackwater Family Court", 0.58), ("Kingsford Combined Court Centre", 0.3), ("Easthaven Family Court", 0.12))

# Missing while looked after: chance a child aged 11+ is one who goes missing, and their yearly rate.
MISSER_TEEN = 0.3
MISSER_CHILD = 0.01
MISSING_RATE_MEAN = 11.0         # incidents a year while looked after (gamma-distributed between children)
MISSING_RATE_SHAPE = 2.0
MISSING_FROM_HOME = 0.06         # chance an open case aged 11-17 (not looked after) goes missing from home
RHI_OFFERED, RHI_ACCEPTED, RHI_WITHIN_72H = 0.9, 0.7, 0.76

# Visits.
NOT_SEEN = 0.05                  # attempted visits where the child was not seen
SEEN_ALONE = 0.78                # of children aged 4+ seen
SEEN_ALONE_MIN_AGE = 4

# Workforce. Case-holding social workers are sized from the cases each service holds.
CASES_PER_FTE = {"ASSESSMENT": 16.6, "SAFEGUARDING": 17.4, "CLA": 17.0, "LEAVING_CARE": 21.0}
TEAMS = {"ASSESSMENT": 3, "SAFEGUARDING": 5, "CLA": 3, "LEAVING_CARE": 1}
AGENCY = 0.15                    # of posts held by agency staff when the sweep starts
AGENCY_FILLS = 0.42              # of gaps filled by agency staff (they stay less long, so ~15% of FTE)
VACANCY = 0.05
PERMANENT_TENURE_YEARS = 6.5     # mean; turnover ~15% a year
AGENCY_TENURE_YEARS = 1.1
