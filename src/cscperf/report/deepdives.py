"""The deep dives the committee asked for: missing children, visits, courts, workforce.

Each deep dive is built around the kpis.md indicator ids for its questions. Where the catalogue has
the measure, the deep dive shows its results (trend against target and comparators, breakdowns);
where it does not yet, it either computes the profile from the canonical tables through
`report.distributions` (counts only, suppressed, and listed in the report's data notes as computed
for the report, to move into the catalogue) or says plainly that the measure is not available.
Every count goes through suppression before it reaches a table or a chart.
"""

from __future__ import annotations

import datetime as dt

from cscperf.indicators import get
from cscperf.report import charts
from cscperf.report import distributions as dist
from cscperf.report import formatting as fmt
from cscperf.report.committee import Block, Builder, Section
from cscperf.report.data import C, add_months
from cscperf.report.safety import (LABEL, Cell, Table, breakdown_table, count_cell, pct, suppress_breakdown,
                                   suppress_counts, value_cell)
from cscperf.suppression import is_small

MONTHS_SHOWN = 13


def _months(month: dt.date, n: int = MONTHS_SHOWN) -> list[dt.date]:
    return [add_months(month, -k) for k in range(n - 1, -1, -1)]


def _indicator_blocks(b: Builder, ids: tuple[str, ...]) -> list[Block]:
    """The catalogue's figures for these ids: in full when the deep dive stands alone (--only), else the
    generated sentences with a pointer to the indicator's area section, which has its chart and tables."""
    present = [get(i) for i in ids if i in _registry() and b.data.has(i)]
    out = []
    for ind in present:
        if ind.id in b.full_blocks:
            row = b.row(ind)
            out.append(Block(f"dd-ind-{ind.id}", f"{ind.id} {ind.title}", list(row.sentences), indicator=ind,
                             see=f"ind-{ind.id}"))
        else:
            out.append(b.indicator_block(ind, prefix="dd-"))
    return out


def _registry():
    from cscperf.indicators.spec import REGISTRY

    return REGISTRY


def _present(b: Builder, *ids: str) -> bool:
    return any(i in _registry() and b.data.has(i) for i in ids)


def _absent(b: Builder, ind_id: str) -> str:
    """Why an indicator has no figures in this report, in words."""
    if ind_id not in _registry():
        return "not in the catalogue yet; not shown"
    sources = [s for s in get(ind_id).sources if s not in b.coverage()]
    return ("in the catalogue, but the data loaded do not include " + ", ".join(sources) + "; not shown" if sources
            else "in the catalogue, but with no figure for this month in this snapshot; not shown")


def _missing_ids(b: Builder, ids: tuple[str, ...]) -> list[str]:
    return [i for i in ids if not (i in _registry() and b.data.has(i))]


def _bars(b: Builder, chart_id: str, total: dict, rows: list[tuple[str, dict]], field: str, headline: str,
          subtitle: str, unit_word: str):
    """A bar chart of one suppressed count per category; suppressed bars are not drawn, only labelled [c]."""
    bars = [(label, r[field], C if r[field] is None else fmt.count(r[field])) for label, r in rows]
    listing = "; ".join(f"{label}: {text}" for label, _, text in bars)
    total_text = C if total[field] is None else fmt.count(total[field])
    alt_title = f"{headline}."
    alt_desc = f"{subtitle}. {total_text} {unit_word} in all. {listing}."
    return b.chart(chart_id, charts.bars_spec(bars), headline, subtitle, alt_title, alt_desc)


def _largest(rows: list[tuple[str, dict]], field: str) -> str | None:
    shown = [(label, r[field]) for label, r in rows if r[field] is not None and r[field] > 0]
    return max(shown, key=lambda x: x[1])[0] if shown else None


# ---- missing children ------------------------------------------------------------------------------

def missing(b: Builder) -> Section:
    month = b.month
    window = f"the 12 months to {fmt.month_name(month)}"
    s = Section("missing", "Missing children", kind="deep dive")
    s.intro.append(f"Children who went missing in {window}: how many and how old, how often they went missing, "
                   f"where from and for how long, whether they had a return interview within 72 hours, and the "
                   f"reasons they gave. Counts of 1 to {b.threshold} are not shown ([c]).")
    s.notes = _area_notes(b, "Missing")
    looked_after = _indicator_blocks(b, ("MI01", "MI02", "MI04"))
    for blk in looked_after:
        s.blocks.append(blk)
    for i in _missing_ids(b, ("MI01", "MI02")):
        b.degrade(i, "Looked-after children who went missing" if i == "MI01" else "Missing incidents per child",
                  _absent(b, i))
    if "MI04" not in [blk.indicator.id for blk in looked_after if blk.indicator]:
        b.degrade("MI04", "Looked-after children away from placement without authorisation", _absent(b, "MI04"))

    if not b.has_data("missing_episodes"):
        s.blocks.append(Block("missing-profile", "Missing episodes",
                              caveats=["The data loaded do not include missing episodes, so no profile can be shown."]))
        return s
    rows = dist.missing_rows(b.tables(), month)
    started = dist.missing_started(rows, month)

    if _present(b, "MI03"):
        s.blocks += _indicator_blocks(b, ("MI03",))
    else:
        b.degrade("MI03", "Missing episodes by age, times missing per child, where from, in or out of area, duration",
                  "computed from the canonical missing_episodes table for this report (report.distributions)")
        s.blocks.append(_missing_profile(b, rows, started, window))

    if _present(b, "MI05", "MI06", "MI07"):
        s.blocks += _indicator_blocks(b, ("MI05", "MI07", "MI06"))
    if not _present(b, "MI05", "MI07"):
        b.degrade("MI05, MI07", "Return interviews offered and accepted",
                  "counted from the canonical missing_episodes table for this report (report.distributions)")
        s.blocks.append(_return_interviews(b, rows, window))

    if _present(b, "MI08"):
        s.blocks += _indicator_blocks(b, ("MI08",))
    else:
        b.degrade("MI08", "Reasons given at return interviews",
                  "counted from the canonical missing_episodes table for this report (report.distributions)")
        s.blocks.append(_reasons(b, rows, window))
    return s


def _missing_profile(b: Builder, rows: list[dict], started: list[dict], window: str) -> Block:
    month, thr = b.month, b.threshold
    blk = Block("missing-profile", "Who went missing, how often, where from and for how long")
    labels = {"episodes": "Episodes", "children": "Children"}
    by_age = dist.missing_by_age(rows, month)
    total, age_rows = suppress_breakdown(by_age, thr)
    if total["episodes"] is not None:
        blk.sentences.append(f"{fmt.count(total['episodes'])} missing episodes started in {window}, involving "
                             f"{fmt.count(total['children'])} children (all children recorded as missing, looked after "
                             f"or not).")
    elif by_age.total["episodes"] == 0:
        blk.sentences.append(f"No missing episodes started in {window}.")
    else:
        blk.sentences.append(f"Missing episodes started in {window}, but too few to show ([c]).")
    top = _largest(age_rows, "episodes")
    if top:
        blk.sentences.append(f"The largest number of episodes was of children aged {top}.")
    blk.charts.append(_bars(b, "chart-missing-age", total, age_rows, "episodes", "Missing episodes by age",
                            f"Missing episodes by the child's age at the start, {b.config.council_name}, {window}",
                            "episodes"))
    blk.tables.append(breakdown_table("missing-age", f"Missing episodes and children by age at the start, {window}",
                                      by_age, thr, labels, "Age", share_of="episodes"))
    times = dist.times_missing(rows, month)
    t_total, t_rows = suppress_breakdown(times, thr)
    blk.charts.append(_bars(b, "chart-missing-times", t_total, t_rows, "children",
                            "How many times each child went missing",
                            f"Children by number of missing episodes, {b.config.council_name}, {window}", "children"))
    blk.tables.append(breakdown_table("missing-times", f"Children by the number of times they went missing, {window}",
                                      times, thr, {"children": "Children", "episodes": "Episodes"}, "Times missing",
                                      share_of="children"))
    repeat = [r for label, r in t_rows if label != "1"]
    if t_total["children"] and all(r["children"] is not None for r in repeat) and repeat:
        n = sum(r["children"] for r in repeat)
        blk.sentences.append(f"{fmt.count(n)} of the {fmt.count(t_total['children'])} children went missing more "
                             f"than once.")
    where = dist.missing_from(rows, month)
    blk.tables.append(breakdown_table("missing-from", f"Where children went missing from, {window}", where, thr, labels,
                                      "Missing from", share_of="episodes"))
    w_total, w_rows = suppress_breakdown(where, thr)
    blk.charts.append(_bars(b, "chart-missing-from", w_total, w_rows, "episodes", "Where children went missing from",
                            f"Missing episodes by where the child was living, {b.config.council_name}, {window}",
                            "episodes"))
    blk.tables.append(breakdown_table("missing-area", f"Missing inside or outside the council's area, {window}",
                                      dist.missing_area(rows, month), thr, labels, "Where", share_of="episodes"))
    duration = dist.missing_duration(rows, month)
    blk.tables.append(breakdown_table("missing-duration", f"How long children were missing (calendar days), {window}",
                                      duration, thr, {"episodes": "Episodes"}, "Duration", share_of="episodes"))
    by_month = dist.missing_by_month(rows, _months(month))
    safe = [(d, *(None if is_small(v, thr) else v for v in (e, c))) for d, e, c in by_month]
    series = [("Episodes", [charts.Point(d, e) for d, e, _ in safe]), ("Children", [charts.Point(d, c) for d, _, c in safe])]
    listing = "; ".join(f"{d:%b %Y} {C if e is None else e} episodes, {C if c is None else c} children" for d, e, c in safe)
    blk.charts.append(b.chart("chart-missing-months", charts.lines_spec(series), "Missing episodes and children each month",
                              f"Missing episodes starting each month and the children involved, "
                              f"{b.config.council_name}, {fmt.month_name(safe[0][0])} to {fmt.month_name(month)}",
                              "Missing episodes and children each month.", listing + "."))
    blk.caveats.append("Computed for this report from the missing-episodes records (kpis.md MI03 is not yet in the "
                       "catalogue). Episodes are type M (whereabouts unknown); away without authorisation is not "
                       "counted. Ages are at the start of each episode.")
    return blk


def _return_interviews(b: Builder, rows: list[dict], window: str) -> Block:
    mi06 = get("MI06") if "MI06" in _registry() else None
    within = (mi06.params.get("within_days", 3) if mi06 else 3)
    counts = dist.return_interviews(rows, b.month, within)
    safe = suppress_counts(counts, b.threshold)
    if safe["ended"] is None:
        safe = {k: None for k in safe}
    blk = Block("missing-rhi", "Return home interviews")
    lines = [("Children returned from a missing episode (episodes ended)", "ended", None),
             ("Return interview offered", "offered", "ended"),
             ("Return interview accepted", "accepted", "offered"),
             ("Return interview held", "held", "ended"),
             ("Held within 72 hours of the return", "within_72_hours", "ended")]
    body = []
    for label, key, of in lines:
        hidden = safe[key] is None and counts[key] != 0
        share = None if of is None or hidden or safe[of] is None else pct(safe[key], safe[of])
        body.append([Cell(label, LABEL), count_cell(safe[key], hidden),
                     value_cell(share, "%", 1, hidden) if of else Cell(fmt.DASH, "value")])
    blk.tables.append(Table("missing-rhi", f"Return interviews for missing episodes ended in {window}",
                            ["Stage", "Episodes", "Per cent (of the stage before it; held: of episodes ended)"], body,
                            note="72 hours is taken as 0 to 3 calendar days after the return date (dates only), as MI06."))
    if safe["ended"] and safe["within_72_hours"] is not None:
        blk.sentences.append(f"Of {fmt.count(safe['ended'])} missing episodes that ended in {window}, "
                             f"{fmt.count(safe['within_72_hours'])} "
                             f"({fmt.value(pct(safe['within_72_hours'], safe['ended']), '%', 1)}) had a return "
                             f"interview within 72 hours.")
    blk.caveats.append("Counted for this report from the missing-episodes records (kpis.md MI05 and MI07 are not yet "
                       "in the catalogue).")
    return blk


def _reasons(b: Builder, rows: list[dict], window: str) -> Block:
    reasons = dist.rhi_reasons(rows, b.month)
    total, r_rows = suppress_breakdown(reasons, b.threshold)
    blk = Block("missing-reasons", "Reasons children gave at return interviews")
    top = [label for label, r in r_rows[:3] if r["interviews"] is not None]
    if top and total["interviews"]:
        blk.sentences.append(f"At the {fmt.count(total['interviews'])} return interviews held after episodes that ended "
                             f"in {window} and recording a reason, the reasons given most often were: "
                             f"{', '.join(t.lower() for t in top)}.")
    blk.charts.append(_bars(b, "chart-missing-reasons", total, r_rows, "interviews", "Reasons given at return interviews",
                            f"Return interviews giving each reason, {b.config.council_name}, {window}", "interviews"))
    blk.tables.append(breakdown_table("missing-reasons", f"Reasons given at return interviews, {window}", reasons,
                                      b.threshold, {"interviews": "Interviews"}, "Reason", share_of="interviews",
                                      total_label="Interviews recording a reason"))
    blk.caveats.append("Reasons are the council's own codes (no national list); kpis.md MI08 is not yet in the catalogue.")
    return blk


# ---- visits --------------------------------------------------------------------------------------

def visits(b: Builder) -> Section:
    month = b.month
    s = Section("visits", "Visits to children", kind="deep dive")
    s.intro.append("Children on plans should be seen regularly, at home and elsewhere, and on their own so that their "
                   "own views are heard. This section shows how recently children were visited (timeliness), whether "
                   f"they were seen alone and where. Counts of 1 to {b.threshold} are not shown ([c]).")
    s.blocks += _indicator_blocks(b, ("CP07", "CN03", "LA09"))
    for i, what in (("CP07", "Children on a CP plan visited in the last 10 working days"),
                    ("CN03", "Children on a CIN plan visited within the local standard"),
                    ("LA09", "Looked-after children visited within the statutory timescale")):
        if not _present(b, i):
            b.degrade(i, what, _absent(b, i))
    if _present(b, "CP08"):
        s.blocks += _indicator_blocks(b, ("CP08",))
    else:
        b.degrade("CP08", "Children on a CP plan seen alone (child-level)",
                  "visit-level counts of seen alone, at home and elsewhere computed from the canonical visits table "
                  "(report.distributions)")
    if not b.has_data("visits"):
        s.blocks.append(Block("visits-profile", "Seen alone, at home and elsewhere",
                              caveats=["The data loaded do not include visits."]))
        return s
    months = _months(month)
    rows = dist.visit_rows(b.tables(), months[0].replace(day=1), month)
    blk = Block("visits-profile", "Seen alone, at home and elsewhere")
    summary = dist.visits_summary(rows, month)
    total, t_rows = suppress_breakdown(summary, b.threshold)
    body = []
    plan = {"CP": "Child protection", "CIN": "Child in need", "CLA": "Looked after"}
    for label, r in [("All visits", total)] + [(plan[k], r) for k, r in t_rows]:
        hid = r["suppressed"]
        body.append([Cell(label, LABEL), count_cell(r["visits"], hid), count_cell(r["seen"], hid),
                     value_cell(None if hid else pct(r["alone"], r["seen"]), "%", 1, hid),
                     value_cell(None if hid else pct(r["home"], r["seen"]), "%", 1, hid),
                     value_cell(None if hid else pct(r["elsewhere"], r["seen"]), "%", 1, hid)])
    blk.tables.append(Table("visits-summary", f"Statutory visits in {fmt.month_name(month)}, by type of plan",
                            ["Plan", "Visits", "Child seen", "Seen alone (% of seen)", "Seen at home (% of seen)",
                             "Seen elsewhere (% of seen)"], body, total_row=0,
                            note="A visit counts once however many children were seen; seen alone, at home and "
                                 "elsewhere are shares of visits where the child was seen."))
    if total["seen"] and not total["suppressed"]:
        blk.sentences.append(f"In {fmt.month_name(month)}, children were seen at {fmt.count(total['seen'])} of "
                             f"{fmt.count(total['visits'])} statutory visits; they were seen alone at "
                             f"{fmt.value(pct(total['alone'], total['seen']), '%', 1)} of them and at home at "
                             f"{fmt.value(pct(total['home'], total['seen']), '%', 1)}.")
    places = dist.visit_locations(rows, month)
    blk.tables.append(breakdown_table("visits-places", f"Where children were seen, {fmt.month_name(month)}: visits by "
                                      f"type of plan", places, b.threshold,
                                      {"CP": "Child protection", "CIN": "Child in need", "CLA": "Looked after"}, "Place",
                                      total_label="All places"))
    p_total, p_rows = suppress_breakdown(places, b.threshold)
    blk.charts.append(_bars(b, "chart-visits-places", p_total, p_rows, "CP",
                            "Where children on child protection plans were seen",
                            f"Child protection visits where the child was seen, by place, {b.config.council_name}, "
                            f"{fmt.month_name(month)}", "visits"))
    series = []
    listing = []
    for t, points in dist.seen_alone_by_month(rows, months).items():
        pts = []
        for d, seen, alone in points:
            small = any(is_small(x, b.threshold) for x in (seen, alone))
            pts.append(charts.Point(d, None if small or not seen else 100 * alone / seen))
        series.append((plan[t], pts))
        listing.append(f"{plan[t]}: " + ", ".join(f"{p.month:%b %Y} {C if p.value is None else fmt.value(p.value, '%', 1)}"
                                                 for p in pts))
    blk.charts.append(b.chart("chart-visits-alone", charts.lines_spec(series, "%", 1),
                              "Share of visits where the child was seen alone",
                              f"Visits where the child was seen alone, as a percentage of visits where the child was "
                              f"seen, by type of plan, {b.config.council_name}, {fmt.month_name(months[0])} to "
                              f"{fmt.month_name(month)}", "Seen alone at visits, by month and type of plan.",
                              "; ".join(listing) + "."))
    blk.caveats.append("Computed for this report from the visits records, per visit (the catalogue counts children: "
                       "CP08 is children on a plan seen alone at their latest visit).")
    b.degrade("(new)", "Visits by type of plan: seen, seen alone, at home or elsewhere, per visit, month by month",
              "computed from the canonical visits table for this report (report.distributions); no catalogue "
              "indicator yet")
    s.blocks.append(blk)
    return s


# ---- courts --------------------------------------------------------------------------------------

def courts(b: Builder) -> Section:
    month = b.month
    window = f"the 12 months to {fmt.month_name(month)}"
    s = Section("courts", "Care proceedings and the courts", kind="deep dive")
    s.intro.append("Care proceedings should finish within 26 weeks of the application (Children and Families Act "
                   "2014), though courts may extend them. This section shows how long the council's proceedings took, "
                   f"how many are open and for how long, and how each court compares. Counts of 1 to {b.threshold} "
                   "are not shown ([c]).")
    s.notes = _area_notes(b, "Courts")
    s.blocks += _indicator_blocks(b, ("CT03", "CT01", "CT02", "CT04", "CT05"))
    for i, what in (("CT01", "Average duration of care proceedings, England and the family court area (MoJ)"),
                    ("CT02", "Care proceedings disposed of within 26 weeks (MoJ)"),
                    ("CT04", "Care applications issued per 10,000 children"),
                    ("CT05", "Pre-proceedings (PLO) duration and outcome")):
        if not _present(b, i):
            how = {"CT02": "the council's own share within 26 weeks is computed from the canonical care_proceedings "
                           "table (report.distributions); no national figure",
                   "CT04": "applications issued per month computed from the canonical care_proceedings table; no rate"
                   }.get(i, _absent(b, i))
            b.degrade(i, what, how)
    if not b.has_data("care_proceedings"):
        s.blocks.append(Block("courts-profile", "Proceedings open and concluded",
                              caveats=["The data loaded do not include care proceedings."]))
        return s
    procs = dist.proceedings(dist.proceedings_rows(b.tables()))
    thr = b.threshold

    blk = Block("courts-duration", "How long proceedings took")
    bands, stats = dist.durations(procs, month)
    total, d_rows = suppress_breakdown(bands, thr)
    safe = suppress_counts({"concluded": stats["concluded"], "within_26": stats["within_26"]}, thr)
    if safe["concluded"]:
        within = (f"{fmt.count(safe['within_26'])} ({fmt.value(pct(safe['within_26'], safe['concluded']), '%', 1)}) "
                  f"finished within 26 weeks" if safe["within_26"] is not None
                  else f"the number that finished within 26 weeks is too small to show ({C})")
        blk.sentences.append(
            f"{fmt.count(safe['concluded'])} sets of care proceedings concluded in {window}; {within}. The average "
            f"was {fmt.value(stats['mean_weeks'], 'weeks', 1)} and the median {fmt.value(stats['median_weeks'], 'weeks', 1)}.")
    elif stats["concluded"] == 0:
        blk.sentences.append(f"No care proceedings concluded in {window}.")
    else:
        blk.sentences.append(f"Too few care proceedings concluded in {window} to show their durations ([c]).")
    blk.charts.append(_bars(b, "chart-courts-duration", total, d_rows, "proceedings",
                            "How long concluded proceedings took, against 26 weeks",
                            f"Care proceedings concluded by weeks from issue to final order, {b.config.council_name}, "
                            f"{window}", "proceedings"))
    blk.tables.append(breakdown_table("courts-duration", f"Care proceedings concluded in {window}, by duration", bands,
                                      thr, {"proceedings": "Proceedings"}, "Weeks from issue to final order",
                                      share_of="proceedings",
                                      note="A set of proceedings (siblings together) is counted once, as CT03."))
    s.blocks.append(blk)

    blk = Block("courts-by-court", "By court")
    per_court = dist.by_court(procs, month)
    rows = [{"indicator": "courts", "period_end": None, "breakdown": "all",
             "open": sum(r["open"] for r in per_court), "concluded": sum(r["concluded"] for r in per_court),
             "within_26": sum(r["within_26"] for r in per_court)}]
    rows += [{"indicator": "courts", "period_end": None, "breakdown": f"court={r['court']}", **r} for r in per_court]
    from cscperf.suppression import suppress

    # Open and concluded counts, then the share within 26 weeks (whose count must not be small either),
    # each protected against its total and sibling courts.
    counted = suppress(rows, lambda _: ("open", "concluded"), thr)
    shares = suppress(rows, lambda _: ("within_26", "concluded"), thr)
    body = []
    for r, sh in zip(counted, shares):
        hid, hid_share = r["suppressed"], sh["suppressed"] or r["suppressed"]
        name = "All courts" if r["breakdown"] == "all" else r["breakdown"].split("=", 1)[1]
        mean = None
        if not hid:
            mean = stats["mean_weeks"] if r["breakdown"] == "all" else r.get("mean_weeks")
        body.append([Cell(name, LABEL), count_cell(r["open"], hid), count_cell(r["concluded"], hid),
                     value_cell(mean, "weeks", 1, hid),
                     value_cell(None if hid_share else pct(r["within_26"], r["concluded"]), "%", 1, hid_share)])
    blk.tables.append(Table("courts-by-court", f"Care proceedings by court: open at the end of {fmt.month_name(month)} "
                            f"and concluded in {window}",
                            ["Court", "Open", "Concluded", "Average duration", "Within 26 weeks (% of concluded)"],
                            body, total_row=0))
    s.blocks.append(blk)

    blk = Block("courts-backlog", "Open proceedings over time")
    months = _months(month, 25)
    back = dist.backlog(procs, months)
    def hide(x):
        return None if is_small(x, thr) else x
    safe_back = [(d, hide(o), hide(l), hide(i), hide(c)) for d, o, l, i, c in back]
    series = [("Open", [charts.Point(d, o) for d, o, *_ in safe_back]),
              ("Open over 26 weeks", [charts.Point(d, l) for d, _, l, *_ in safe_back])]
    listing = "; ".join(f"{d:%b %Y}: {C if o is None else o} open, {C if l is None else l} over 26 weeks"
                        for d, o, l, *_ in safe_back)
    first, last = back[0], back[-1]
    if safe_back[-1][1] is not None and safe_back[0][1] is not None:
        blk.sentences.append(f"At the end of {fmt.month_name(month)}, {last[1]} sets of proceedings were open"
                             + (f", {last[2]} of them for more than 26 weeks" if safe_back[-1][2] is not None else "")
                             + f"; two years earlier, {first[1]} were open.")
    blk.charts.append(b.chart("chart-courts-backlog", charts.lines_spec(series), "Open proceedings and those over 26 weeks",
                              f"Care proceedings open at each month end, and those open for more than 26 weeks, "
                              f"{b.config.council_name}, {fmt.month_name(months[0])} to {fmt.month_name(month)}",
                              "Care proceedings open at each month end.", listing + "."))
    body = [[Cell(fmt.month_name(d), LABEL), count_cell(o, o is None and raw[1] != 0), count_cell(l, l is None and raw[2] != 0),
             count_cell(i, i is None and raw[3] != 0), count_cell(c, c is None and raw[4] != 0)]
            for (d, o, l, i, c), raw in zip(safe_back[-MONTHS_SHOWN:], back[-MONTHS_SHOWN:])]
    blk.tables.append(Table("courts-backlog", "Care proceedings open, issued and concluded, by month",
                            ["Month", "Open at the month end", "Open over 26 weeks", "Issued in the month",
                             "Concluded in the month"], body))
    blk.caveats.append("Computed for this report from the care proceedings records, per set of proceedings (siblings "
                       "together, as CT03); the national measures CT01 and CT02 count children.")
    b.degrade("(new)", "Care proceedings by duration band, by court, and open (and open over 26 weeks) month by month",
              "computed from the canonical care_proceedings table for this report (report.distributions); no "
              "catalogue indicator yet")
    s.blocks.append(blk)
    return s


# ---- workforce -----------------------------------------------------------------------------------

def workforce(b: Builder) -> Section:
    month = b.month
    window = f"the 12 months to {fmt.month_name(month)}"
    s = Section("workforce", "The social work workforce", kind="deep dive")
    s.intro.append("Manageable caseloads and a stable workforce are what let social workers know their children. "
                   "This section shows caseloads per worker and team (the spread, not just the average), turnover, "
                   f"vacancies, agency workers, starters and leavers. Counts of 1 to {b.threshold} are not shown ([c]).")
    s.notes = _area_notes(b, "Workforce")
    ids = ("WF01", "WF02", "WF03", "WF04", "WF05", "WF06", "WF07", "WF08")
    s.blocks += _indicator_blocks(b, ids)
    local = {"WF02": "turnover computed locally from the staff records (report.distributions)",
             "WF04": "agency share computed locally from the staff records (report.distributions)",
             "WF07": "starters and leavers counted locally from the staff records (report.distributions)",
             "WF08": "caseload per worker and team computed locally from allocations and staff (report.distributions)"}
    what = {"WF01": "Average caseload per case-holding social worker", "WF02": "Turnover rate", "WF03": "Vacancy rate",
            "WF04": "Agency worker rate", "WF05": "Vacancies covered by agency workers", "WF06": "Sickness absence rate",
            "WF07": "Starters and leavers", "WF08": "Caseload by team and worker"}
    for i in _missing_ids(b, ids):
        b.degrade(i, what[i], local.get(i, _absent(b, i)))
    if not b.has_data("professionals"):
        s.blocks.append(Block("workforce-profile", "Caseloads and staffing",
                              caveats=["The data loaded do not include staff records."]))
        return s
    tables = b.tables()
    staff = dist.staff_rows(tables)
    thr = b.threshold
    if _present(b, "WF08"):
        s.blocks.append(_caseload_bands_from_results(b))
    elif b.has_data("allocations"):
        loads = dist.caseloads(staff, dist.allocation_rows(tables, month), month)
        blk = Block("workforce-caseloads", "Caseloads per worker and team")
        bands = dist.caseload_bands(loads)
        total, c_rows = suppress_breakdown(bands, thr)
        holding = [w["cases"] for w in loads if w["cases"] > 0]
        if total["workers"] and holding:
            blk.sentences.append(f"At the end of {fmt.month_name(month)}, {fmt.count(total['workers'])} social workers "
                                 f"in case-holding roles were in post; those holding cases held between "
                                 f"{'a few' if min(holding) <= thr else min(holding)} and {max(holding)} children each.")
        blk.charts.append(_bars(b, "chart-workforce-caseloads", total, c_rows, "workers",
                                "How many children each social worker holds",
                                f"Case-holding social workers by number of children allocated, "
                                f"{b.config.council_name}, end of {fmt.month_name(month)}", "workers"))
        blk.tables.append(breakdown_table("workforce-caseloads", f"Social workers by caseload, end of "
                                          f"{fmt.month_name(month)}", bands, thr, {"workers": "Workers"},
                                          "Children allocated", share_of="workers",
                                          note="Case-holding roles (social worker, senior, newly qualified, practice "
                                               "supervisor), agency included; a child allocated to two workers counts "
                                               "for each, as WF01."))
        teams = dist.team_caseloads(loads, b.data.team_names())
        rows = [{"indicator": "teams", "period_end": None, "breakdown": "all",
                 "workers": len(loads), "cases": sum(w["cases"] for w in loads),
                 "fte": sum(w["fte"] for w in loads),
                 "per_fte": (sum(w["cases"] for w in loads if w["cases"])
                             / (sum(w["fte"] for w in loads if w["cases"]) or 1))}]
        rows += [{"indicator": "teams", "period_end": None, "breakdown": f"team={t['team']}", **t} for t in teams]
        from cscperf.suppression import suppress

        body = []
        for r in suppress(rows, lambda _: ("workers", "cases"), thr):
            hid = r["suppressed"]
            name = "All teams" if r["breakdown"] == "all" else r["breakdown"].split("=", 1)[1]
            body.append([Cell(name, LABEL), count_cell(r["workers"], hid),
                         value_cell(None if hid else r["fte"], "", 1, hid), count_cell(r["cases"], hid),
                         value_cell(None if hid else r["per_fte"], "", 1, hid)])
        blk.tables.append(Table("workforce-teams", f"Caseloads by team, end of {fmt.month_name(month)}",
                                ["Team", "Case-holding workers", "Full-time equivalent", "Children allocated",
                                 "Children per FTE holding cases"], body, total_row=0))
        blk.caveats.append("Computed for this report from allocations and staff records (kpis.md WF08 is not yet in "
                           "the catalogue).")
        s.blocks.append(blk)

    blk = Block("workforce-staffing", "Turnover, agency workers, starters and leavers")
    now = dist.staffing(staff, month)
    heads = suppress_counts({k: now[k] for k in ("in_post", "employed", "agency", "starters", "leavers",
                                                  "employed_leavers")}, thr)
    def row(label, count_key, fte_key=None, rate=None, rate_hidden_by=None):
        hidden = heads[count_key] is None and now[count_key] != 0
        rate_hidden = rate_hidden_by is not None and heads[rate_hidden_by] is None and now[rate_hidden_by] != 0
        return [Cell(label, LABEL), count_cell(heads[count_key], hidden),
                value_cell(None if hidden or fte_key is None else now[fte_key], "", 1, hidden),
                value_cell(None if rate is None or rate_hidden else rate, "%", 1, rate_hidden)]
    body = [row("Registered social workers in post", "in_post", "fte"),
            row("employed by the council", "employed", "employed_fte"),
            row("agency workers (share of FTE)", "agency", "agency_fte", now["agency_share"], "agency"),
            row(f"Started in {window}", "starters", "starters_fte"),
            row(f"Left in {window} (turnover: council-employed leavers' FTE over FTE in post)", "leavers", "leavers_fte",
                now["turnover"], "employed_leavers")]
    blk.tables.append(Table("workforce-staffing", f"Registered social workers, end of {fmt.month_name(month)}",
                            ["Measure", "Headcount", "Full-time equivalent", "Rate"], body,
                            note="Social workers, seniors, newly qualified, practice supervisors and team managers."))
    if heads["agency"] is not None and now["agency_share"] is not None:
        blk.sentences.append(f"Agency workers made up {fmt.value(now['agency_share'], '%', 1)} of social worker FTE at "
                             f"the end of {fmt.month_name(month)}.")
    if heads["employed_leavers"] is not None and now["turnover"] is not None:
        blk.sentences.append(f"Turnover of council-employed social workers was {fmt.value(now['turnover'], '%', 1)} "
                             f"in {window}.")
    vac = dist.vacancies_at(tables, month) if b.has_data("vacancies") else None
    if vac and vac.get("vacancies_fte") is not None:
        blk.sentences.append(f"At the workforce census of {fmt.day(vac['census_date'])} there were "
                             f"{fmt.number(vac['vacancies_fte'], 1)} FTE social worker vacancies.")
    else:
        blk.caveats.append("No vacancy figures are loaded (the workforce census vacancies table), so vacancies are not "
                           "shown.")
    months = _months(month)
    agency, employed = [], []
    for d in months:
        x = dist.staffing(staff, d)
        small = is_small(x["agency"], thr)
        agency.append(charts.Point(d, None if small else x["agency_fte"]))
        employed.append(charts.Point(d, x["employed_fte"] if not is_small(x["employed"], thr) else None))
    listing = "; ".join(f"{e.month:%b %Y}: employed {C if e.value is None else fmt.number(e.value, 1)}, agency "
                        f"{C if a.value is None else fmt.number(a.value, 1)}" for e, a in zip(employed, agency))
    blk.charts.append(b.chart("chart-workforce-fte", charts.lines_spec([("Council-employed", employed), ("Agency", agency)],
                                                                         "", 1),
                              "Council-employed and agency social workers (FTE)",
                              f"Registered social workers in post at each month end, full-time equivalent, "
                              f"{b.config.council_name}, {fmt.month_name(months[0])} to {fmt.month_name(month)}",
                              "Social workers in post by month, council-employed and agency.", listing + "."))
    blk.caveats.append("Computed for this report from the staff records, at the month end and over the 12 months to "
                       "it; the catalogue's workforce census measures (WF02-WF07) are for the year to 30 September.")
    b.degrade("(new)", "Registered social workers month by month: in post, agency share, starters, leavers, turnover",
              "computed from the canonical professionals table for this report (report.distributions); WF02-WF07 "
              "are yearly")
    s.blocks.append(blk)
    return s


def _caseload_bands_from_results(b: Builder) -> Block:
    """The spread of caseloads from WF08's per-worker figures: each worker's cases per FTE (read, never
    shown) counted into bands, and the counts suppressed. No worker appears in the report."""
    month = b.data.latest_end("WF08")
    workers = b.data.dimensions("WF08", month).get("worker", [])
    values = [f.raw_value for f in workers if f.raw_value is not None]
    counts = {label: 0 for _, _, label in dist.CASELOAD_BANDS}
    for v in values:
        counts[dist._band(int(v + 0.5), dist.CASELOAD_BANDS)] += 1
    bands = dist.Breakdown("Case-holding social workers by caseload (cases per FTE)", ("workers",),
                           {"workers": len(values)}, [(k, {"workers": n}) for k, n in counts.items()])
    total, rows = suppress_breakdown(bands, b.threshold)
    blk = Block("workforce-caseloads", "How caseloads are spread across social workers")
    blk.charts.append(_bars(b, "chart-workforce-caseloads", total, rows, "workers",
                            "How many cases each social worker holds",
                            f"Case-holding social workers by cases per full-time equivalent (WF08), "
                            f"{b.config.council_name}, end of {fmt.month_name(month)}", "workers"))
    blk.tables.append(breakdown_table("workforce-caseloads", f"Social workers by caseload, end of "
                                      f"{fmt.month_name(month)}", bands, b.threshold, {"workers": "Workers"},
                                      "Cases per FTE", share_of="workers"))
    blk.caveats.append("Counted from WF08's figure for each worker (cases per full-time equivalent, rounded to a "
                       "whole number); no worker's own figure is shown.")
    return blk


def _area_notes(b: Builder, area: str):
    from cscperf.report import commentary as words

    return words.notes_for(b.notes, b.month, area=area)
