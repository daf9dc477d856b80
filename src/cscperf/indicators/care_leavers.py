"""Care leavers indicators (kpis.md §2.8).

CL01-CL04 are DfE's OC3 measures, which DfE publishes separately for two age groups; each is carried
as two indicators, the kpis.md id for young people whose 17th or 18th birthday fell in the year and a
`b` id for their 19th, 20th or 21st (CL01 and CL01b ... CL04 and CL04b), so that each has its own target
and England comparator.
The cohort is the council's OC3 return for the collection year ending at D (31 March): OC3 lists the
young people DfE counts (eligible for care-leaver support, birthday in the year, status recorded around
the birthday); the return's values are taken as recorded (the birthday window is not re-checked: the
return carries no contact date). 22-25-year-olds are not in these cohorts (kpis.md §2.8).
CL05 and CL06 are snapshots of the care-leaver list (Annex A list 9, SSD ssd_care_leavers): eligibility,
latest pathway plan review and personal adviser, known as at the extract date.
"""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.breakdowns import age_at
from cscperf.indicators.common import Context, add_months, flag
from cscperf.indicators.spec import DFE_YEAR, DOWN, SNAPSHOT, UP, indicator
from cscperf.model.codes import SHORT_BREAK_LEGAL_STATUSES

AGE_GROUPS = {"": (17, 18), "b": (19, 21)}
IN_TOUCH_COUNTED = ("YES", "NO", "REFU", "NREQ")
OUT_OF_COHORT = ("DIED", "RHOM")
EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
NEET = ("G4", "G5", "G6")
ACCOM_EXCLUDED = ("G", "H", "R")       # abroad, deported, residence not known

COHORT = ("young people in the council's OC3 return for the collection year ending 31 March Y (D) whose {low}th{to} "
          "birthday fell in that year (age at 31 March Y {ages}; date of birth from persons), less those recorded as "
          "died (IN_TOUCH = DIED) or returned home for 6 months or more (RHOM), and less young people whose every "
          "loaded 903 episode is a short break (V3/V4)")


def oc3_cohort(ctx: Context, ages: tuple[int, int]) -> ibis.Table:
    """(period_end, person_id, age, in_touch, activity, accommodation): the OC3 cohort of one age group."""
    leavers = ctx.t["care_leavers"].filter(_.collection_year.notnull())
    p = ctx.periods
    rows = p.join(leavers, leavers.collection_year == p.period_end.year())
    persons = ctx.t["persons"].select(_p_person=_.person_id, _p_dob=_.dob)
    rows = rows.join(persons, rows.person_id == persons._p_person)
    rows = rows.mutate(age=age_at(_._p_dob, _.period_end))
    rows = rows.filter((_.age >= ages[0]) & (_.age <= ages[1]) & ~_.in_touch.fill_null("").isin(list(OUT_OF_COHORT)))
    # Short-break-only young people (every loaded episode V3/V4) are not care leavers (kpis.md §1.5).
    eps = ctx.t["cla_episodes"]
    counts = eps.group_by(_.person_id.name("_e_person")).aggregate(
        _all=_.start_date.count(), _sb=_.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES).ifelse(1, 0).sum())
    rows = rows.left_join(counts, rows.person_id == counts._e_person)
    rows = rows.filter(_._all.isnull() | (_._sb < _._all))
    return rows.select("period_end", "person_id", "age", "in_touch", "activity", "accommodation")


def _register(row: str, title: str, polarity: str, numerator: str, denominator: str, reference: str, build):
    for suffix, ages in AGE_GROUPS.items():
        low, high = ages
        words = f"{low} to {high}"
        cohort = COHORT.format(low=low, to=f" to {high}st" if high == 21 else f" or {high}th", ages=words)
        indicator(
            id=f"{row}{suffix}", title=f"{title}, aged {words}", area="Care leavers", unit="%", polarity=polarity,
            scale=100, numerator=numerator, denominator=denominator.format(cohort=cohort),
            period=DFE_YEAR, sources=("care_leavers", "persons"), reference=reference,
        )(lambda ctx, ages=ages: build(oc3_cohort(ctx, ages)))


def _in_touch(units: ibis.Table) -> ibis.Table:
    units = units.filter(_.in_touch.isin(list(IN_TOUCH_COUNTED)))
    return units.mutate(unit_id=_.person_id, num=flag(_.in_touch == "YES"), den=1.0)


def _suitable(units: ibis.Table) -> ibis.Table:
    letter = _.accommodation.fill_null("").substr(0, 1)
    units = units.filter(~letter.isin(list(ACCOM_EXCLUDED)))
    return units.mutate(unit_id=_.person_id, num=flag(_.accommodation.fill_null("").endswith("1")), den=1.0)


def _activity(codes: tuple[str, ...]):
    def build(units: ibis.Table) -> ibis.Table:
        return units.mutate(unit_id=_.person_id, num=flag(_.activity.isin(list(codes))), den=1.0)
    return build


_register("CL01", "Care leavers the council is in touch with", UP,
          numerator="Young people in the denominator with IN_TOUCH = YES",
          denominator="The OC3 cohort with IN_TOUCH YES, NO, REFU (refuses contact) or NREQ (no longer requires "
                      "services); a blank or other value is left out. Cohort: {cohort}",
          reference="kpis.md CL01, §2.8", build=_in_touch)
_register("CL02", "Care leavers in suitable accommodation", UP,
          numerator="Young people in the denominator whose ACCOM ends in 1 (suitable)",
          denominator="The OC3 cohort less those whose ACCOM letter is G (abroad), H (deported) or R (residence not "
                      "known); 0 (no information) and blank stay in. Cohort: {cohort}",
          reference="kpis.md CL02, §2.8", build=_suitable)
_register("CL03", "Care leavers in education, employment or training", UP,
          numerator="Young people in the denominator with ACTIV F1, P1, F2, P2, F4, P4, F5 or P5",
          denominator="The whole OC3 cohort, including activity not known (0 or blank). Cohort: {cohort}",
          reference="kpis.md CL03, §2.8", build=_activity(EET))
_register("CL04", "Care leavers not in education, employment or training (NEET)", DOWN,
          numerator="Young people in the denominator with ACTIV G4, G5 or G6",
          denominator="The whole OC3 cohort, including activity not known (0 or blank). Cohort: {cohort}",
          reference="kpis.md CL04, §2.8", build=_activity(NEET))


CARE_LEAVER_PARAMS = {"eligibility": ["eligible", "relevant", "former relevant"], "min_age": 16, "max_age": 25}
GROUP = ("Young people with a care-leaver record (care_leavers) whose eligibility is eligible, relevant or former "
         "relevant (parameter `eligibility`), aged 16 to 25 at D (date of birth recorded; a record for a 22-25-year-old "
         "is taken to mean they receive support, as Annex A list 9 and the SSD list only those; set max_age = 21 "
         "otherwise) and not recorded as dead on or before D, each once")


def care_leavers_at(ctx: Context) -> ibis.Table:
    """(period_end, person_id, last_review, personal_adviser): the care-leaver group at D (GROUP), with the latest
    pathway plan review on or before D and the recorded personal adviser."""
    p = ctx.params
    leavers = ctx.t["care_leavers"].filter(_.eligibility.isin(list(p["eligibility"])))
    per = leavers.group_by("person_id").aggregate(personal_adviser=_.personal_adviser.max())
    group = ctx.periods.cross_join(per)
    persons = ctx.t["persons"].select(_p_person=_.person_id, _p_dob=_.dob, _p_died=_.death_date)
    group = group.join(persons, group.person_id == persons._p_person)
    age = age_at(_._p_dob, _.period_end)
    group = group.filter((age >= p["min_age"]) & (age <= p["max_age"])
                         & (_._p_died.isnull() | (_._p_died > _.period_end)))
    reviews = leavers.select(_r_person=_.person_id, _r_date=_.pathway_plan_review_date).filter(_._r_date.notnull())
    joined = group.left_join(reviews, (group.person_id == reviews._r_person) & (reviews._r_date <= group.period_end))
    return joined.group_by(["period_end", "person_id", "personal_adviser"]).aggregate(last_review=_._r_date.max())


@indicator(
    id="CL05",
    title="Care leavers whose pathway plan was reviewed in the last 6 months",
    area="Care leavers", unit="%", polarity=UP, scale=100,
    numerator="Young people in the denominator whose next pathway plan review is not overdue at D: their latest review "
              "on or before D + 6 calendar months (§1.2) is on or after D (as the pathway-plan-review due rule: a "
              "review on 30 September is due by 30 March, so overdue on 31 March)",
    denominator=GROUP,
    period=SNAPSHOT, sources=("care_leavers", "persons"), reference="kpis.md CL05, §1.2",
    params={**CARE_LEAVER_PARAMS, "months": 6},
)
def cl05(ctx: Context):
    units = care_leavers_at(ctx)
    recent = add_months(_.last_review, int(ctx.params["months"])) >= _.period_end
    return units.mutate(unit_id=_.person_id, num=flag(recent), den=1.0)


@indicator(
    id="CL06",
    title="Care leavers with an allocated personal adviser",
    area="Care leavers", unit="%", polarity=UP, scale=100,
    numerator="Young people in the denominator with a personal adviser recorded (not blank)",
    denominator=GROUP,
    period=SNAPSHOT, sources=("care_leavers", "persons"), reference="kpis.md CL06",
    params=dict(CARE_LEAVER_PARAMS),
)
def cl06(ctx: Context):
    units = care_leavers_at(ctx)
    return units.mutate(unit_id=_.person_id, num=flag(_.personal_adviser.strip().length() > 0), den=1.0)

