"""Commentary written from the figures, and the analysts' own words kept beside it.

Generated text is plain, factual and in the past tense (the report describes a month that has ended),
with the unit of the measure: "76.3% of children on a child protection plan had been visited in the
last 10 working days at the end of March 2024, up from 60.5% in July 2018." A change in a percentage
is in percentage points; other changes keep the measure's unit (weeks, per 10,000, cases per FTE).
Direction (up, down, broadly unchanged) comes from `judge.movement`, with the same "no material
change" band as the scorecard's arrows, so sentence and arrow never disagree; whether the move is
better or worse is a separate sentence, from the indicator's polarity.

Each indicator of the catalogue can have a phrase here that reads naturally ("{v} of referrals were
re-referrals ..."); an indicator without one gets "Title: 12.0% in the 12 months to March 2024, ...",
which is correct for any measure. Add a phrase when an indicator joins the catalogue.

Analysts' text (committee-reports.md §7: *why* and *what we are doing*, with an owner) lives in
`commentary.toml` beside `cscperf.toml` ([report] commentary names another file), one [[notes]]
entry per indicator or area and report month:

    [[notes]]
    month = "2024-03"                # the report month the words are for
    indicator = "CP07"               # or: area = "Missing"
    why = "Two long-term sicknesses in the North team in January."
    doing = "Agency cover from February; weekly visit tracker at the performance meeting."
    owner = "Head of Safeguarding"

Notes for other months stay in the file as its history; `cscperf publish` freezes the notes a report
used into the store with the figures.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cscperf import judge
from cscperf.periods import (DFE_YEAR, KINDS, QUARTER, ROLLING_12, ROLLING_36, SNAPSHOT, WORKFORCE_YEAR,
                             YEAR_TO_DATE)
from cscperf.report import formatting as fmt


# ---- the figures a sentence is written from -----------------------------------------------------

@dataclass(frozen=True)
class Obs:
    """One figure as the report may show it (value None when there is none or it is suppressed)."""
    period_end: dt.date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str        # "{v}" = the value with its unit, "{n}" = the number alone
    noun: str = ""   # what the denominator counts ("children"), for "This was 61 of 80 children."


PHRASES: dict[str, Phrase] = {
    "FD06": Phrase("{v} of referrals were re-referrals within 12 months of a previous referral", "referrals"),
    "FD07": Phrase("{v} of referrals resulted in no further action", "referrals"),
    "AS02": Phrase("{v} of assessments were completed within 45 working days", "assessments"),
    "S47-03": Phrase("{v} of initial child protection conferences were held within 15 working days of the "
                     "section 47 enquiry starting", "conferences"),
    "CP01": Phrase("{n} in every 10,000 children were on a child protection plan", "children"),
    "CP03a": Phrase("{v} of open child protection plans had lasted 2 years or more", "plans"),
    "CP04": Phrase("{v} of child protection plans that started were a second or subsequent plan", "plans"),
    "CP07": Phrase("{v} of children on a child protection plan had been visited in the last 10 working days",
                   "children"),
    "CP08": Phrase("{v} of children on a child protection plan had been seen alone at their latest visit", "children"),
    "CN01": Phrase("{n} in every 10,000 children were children in need", "children"),
    "LA01": Phrase("{n} in every 10,000 children were looked after", "children"),
    "LA04": Phrase("{v} of children looked after had had 3 or more placements in the last 12 months", "children"),
    "MI01": Phrase("{v} of children looked after went missing at least once", "children"),
    "MI02": Phrase("children looked after who went missing did so {n} times each on average", "children"),
    "MI05": Phrase("{v} of children returning from a missing episode were offered a return interview", "episodes"),
    "MI03": Phrase("{n} missing incidents of looked-after children started", ""),
    "MI04": Phrase("{v} of children looked after were away from their placement without authorisation at least once",
                   "children"),
    "MI06": Phrase("{v} of return interviews were held within 72 hours of the child's return", "episodes"),
    "MI07": Phrase("{v} of return interviews offered were accepted", "interviews offered"),
    "CT03": Phrase("care proceedings took an average of {v} from issue to final order", "proceedings"),
    "WF01": Phrase("case-holding social workers held an average of {n} cases per full-time equivalent", ""),
    "WF02": Phrase("social worker turnover was {v}", ""),
    "WF03": Phrase("the social worker vacancy rate was {v}", ""),
    "WF04": Phrase("{v} of social workers (full-time equivalent) were agency workers", ""),
}


def period_phrase(kind: str, d: dt.date) -> str:
    """When a figure is for, as a phrase that follows it: "at the end of March 2024", "in the 12 months to ..."."""
    month = fmt.month_name(d)
    if kind == SNAPSHOT:
        return f"at the end of {month}"
    if kind == ROLLING_12:
        return f"in the 12 months to {month}"
    if kind == ROLLING_36:
        return f"in the 3 years to {month}"
    start = fmt.month_name(KINDS[kind].start(d)) if kind in KINDS else None
    if kind == YEAR_TO_DATE:
        return f"in the year to date ({start} to {month})" if start != month else f"in {month}, the first month of the year"
    if kind in (DFE_YEAR, WORKFORCE_YEAR, QUARTER):
        return f"in the {'quarter' if kind == QUARTER else 'year'} {start} to {month}"
    return f"in the period to {month}"


def when_phrase(kind: str, d: dt.date) -> str:
    """An earlier figure's time, after "up from 60.5%": "in July 2018" for a month-end snapshot,
    otherwise the period it covers ("in the 12 months to March 2023")."""
    return f"in {fmt.month_name(d)}" if kind == SNAPSHOT else period_phrase(kind, d)


def change_text(change: float, unit: str, decimals: int) -> str:
    """The size of a change in the measure's unit: "15.8 percentage points", "0.3 weeks"."""
    size = abs(change)
    if unit == "%":
        return f"{fmt.number(size, decimals)} percentage points"
    return fmt.value(size, unit, decimals)


def _value(ind, x: float) -> str:
    return fmt.value(x, ind.unit, ind.decimals)


def _shown_change(ind, now: float, before: float) -> float:
    """The change between the figures as printed, so that 76.3% and 75.0% differ by 1.3, as a reader sees."""
    return judge.round_half_up(now, ind.decimals) - judge.round_half_up(before, ind.decimals)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def subject(ind, latest: Obs) -> str:
    """The figure as the subject of a sentence, without its period."""
    v, n = _value(ind, latest.value), fmt.number(latest.value, ind.decimals)
    phrase = PHRASES.get(ind.id)
    if phrase is None:
        return f"{ind.title}: {v}"
    return phrase.text.format(v=v, n=n)


def comparison(ind, latest: Obs, earlier: Obs | None) -> str:
    """", up from 60.5% in July 2018", ", down from ...", ", broadly unchanged from ...", or ""."""
    if earlier is None or earlier.value is None or latest.value is None:
        return ""
    moved = judge.movement(latest.value, earlier.value, ind.unit)
    word = {"up": "up from", "down": "down from"}.get(moved, "broadly unchanged from")
    return f", {word} {_value(ind, earlier.value)} {when_phrase(ind.period, earlier.period_end)}"


def headline(ind, latest: Obs, earlier: Obs | None = None) -> str:
    """The indicator's main sentence: the latest figure and its period, against an earlier figure."""
    when = period_phrase(ind.period, latest.period_end)
    if latest.suppressed:
        return (f"{ind.title}: the figure {when} is not shown because the numbers behind it are small enough to "
                f"identify someone [c].")
    if latest.value is None:
        return f"{ind.title}: there is no figure {when}."
    return f"{_capital(subject(ind, latest))} {when}{comparison(ind, latest, earlier)}."


def judgement(ind, latest: Obs, earlier: Obs | None) -> str | None:
    """Whether the move since the earlier figure was for the better: "This was an improvement on July 2018."."""
    if earlier is None or earlier.value is None or latest.value is None or ind.polarity not in (judge.UP, judge.DOWN):
        return None
    moved = judge.movement(latest.value, earlier.value, ind.unit)
    if moved == "flat":
        return None
    since = fmt.month_name(earlier.period_end) if ind.period == SNAPSHOT else when_phrase(ind.period, earlier.period_end)[3:]
    better = (moved == "up") == (ind.polarity == judge.UP)
    return f"This was an improvement on {since}." if better else f"This was worse than {since}."


def counts(ind, latest: Obs) -> str | None:
    """"This was 61 of 80 children." for a share; None where the counts say nothing more."""
    phrase = PHRASES.get(ind.id)
    if latest.value is None or latest.numerator is None or latest.denominator is None or ind.unit == "count":
        return None
    noun = phrase.noun if phrase else ""
    if ind.unit == "%":
        return f"This was {fmt.count(latest.numerator)} of {fmt.count(latest.denominator)}{' ' + noun if noun else ''}."
    if ind.per_population:   # a rate per 10,000 children counts children, whatever the phrase says
        return f"This was {fmt.count(latest.numerator)} {noun or 'children'}."
    if noun:
        return f"The average covered {fmt.count(latest.denominator)} {noun}."
    return None


def against_target(ind, latest: Obs, target) -> str | None:
    """The figure against its target, in words and with the RAG word."""
    if latest.value is None or target is None or ind.polarity not in (judge.UP, judge.DOWN):
        return None
    rating = judge.rag(latest.value, target, ind.polarity, decimals=ind.decimals)
    goal = _value(ind, target.value)
    source = f"{target.source} " if getattr(target, "source", "") else ""
    if rating == judge.GREEN:
        equal = judge.round_half_up(latest.value, ind.decimals) == judge.round_half_up(target.value, ind.decimals)
        return f"This {'met' if equal else 'was better than'} the {source}target of {goal} (Green)."
    side = "below" if ind.polarity == judge.UP else "above"
    tol = change_text(target.tolerance, ind.unit, ind.decimals)
    if rating == judge.AMBER:
        return f"This was {side} the {source}target of {goal}, but within the tolerance of {tol} (Amber)."
    return (f"This was {side} the {source}target of {goal} by more than the tolerance"
            + (f" of {tol}" if target.tolerance > 0 else "") + " (Red).")


def comparators(ind, england=None, neighbours=None, sn_average: str = "mean") -> str | None:
    """England's and the statistical neighbours' latest published figures (cscperf.comparators)."""
    parts = []
    if england is not None:
        parts.append(f"England's figure was {_value(ind, england.value)} in {england.time_period}")
    if neighbours is not None:
        parts.append(f"the statistical neighbours' {sn_average} was {_value(ind, neighbours.value)} "
                     f"in {neighbours.time_period}")
    if not parts:
        return None
    return _capital(" and ".join(parts)) + "."


def last_month(ind, latest: Obs, previous: Obs | None) -> str | None:
    """The move since the figure before: "It rose by 1.3 percentage points from 75.0% in February 2024."."""
    if previous is None or previous.value is None or latest.value is None:
        return None
    moved = judge.movement(latest.value, previous.value, ind.unit)
    when = when_phrase(ind.period, previous.period_end)
    if moved == "flat":
        return f"It was broadly unchanged from {_value(ind, previous.value)} {when}."
    verb = "rose" if moved == "up" else "fell"
    return (f"It {verb} by {change_text(_shown_change(ind, latest.value, previous.value), ind.unit, ind.decimals)} from "
            f"{_value(ind, previous.value)} {when}.")


def indicator_text(ind, latest: Obs, previous: Obs | None = None, baseline: Obs | None = None,
                   last_year: Obs | None = None, target=None, england=None, neighbours=None,
                   sn_average: str = "mean") -> list[str]:
    """Every generated sentence for one indicator, in order: headline (against the baseline month, or
    else the same point last year, or else the figure before), judgement, counts, the figure before,
    target, comparators."""
    if latest.suppressed or latest.value is None:
        return [headline(ind, latest)]
    earlier = next((o for o in (baseline, last_year, previous)
                    if o is not None and o.value is not None and o.period_end != latest.period_end), None)
    out = [headline(ind, latest, earlier)]
    for sentence in (judgement(ind, latest, earlier), counts(ind, latest),
                     last_month(ind, latest, previous) if earlier is not previous else None,
                     against_target(ind, latest, target), comparators(ind, england, neighbours, sn_average)):
        if sentence:
            out.append(sentence)
    return out


def distribution(ind, dimension_label: str, latest_end: dt.date, rows: list[tuple[str, float | None]],
                 whole: float | None, top: int = 3) -> str:
    """A distribution in words: "In the 12 months to March 2024, the reasons most often given were family
    conflict or breakdown (33.7%), to be with friends or peers (27.7%) and drugs or alcohol (19.3%), of
    83." Only figures that are shown (not suppressed) are named."""
    when = period_phrase(ind.period, latest_end)
    shown = sorted([(g, v) for g, v in rows if v is not None], key=lambda r: -r[1])[:top]
    if not shown:
        return f"{ind.title} {when}: the figures are too small to show ([c])."
    parts = [f"{g[:1].lower() + g[1:] if not g[:2].isupper() else g} ({_value(ind, v)})" for g, v in shown]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"{_capital(when)}, the most common {dimension_label} were {listed}"
            + (f", out of {fmt.count(whole)}." if whole else "."))


def area_summary(area: str | None, month: dt.date, ratings: list[str], moves: list[str], since: str | None) -> str:
    """"Child protection: 3 indicators for March 2024. Against target: 1 Green, 1 Amber, 1 Red. Since
    July 2018: 2 improving, 1 worsening." from the scorecard's RAG words and direction words (without
    the area's name when `area` is None, under the area's own heading)."""
    n = len(ratings)
    text = f"{area + ': ' if area else ''}{n} indicator{'' if n == 1 else 's'} for {fmt.month_name(month)}."
    rated = [(w, ratings.count(w)) for w in (judge.GREEN, judge.AMBER, judge.RED) if ratings.count(w)]
    if rated:
        text += " Against target: " + ", ".join(f"{k} {w}" for w, k in rated)
        unrated = ratings.count(judge.NOT_RATED)
        text += f"; {unrated} not rated." if unrated else "."
    else:
        text += " None has a target."
    counted = [(w, moves.count(w)) for w in (judge.IMPROVING, judge.WORSENING, judge.NO_CHANGE) if moves.count(w)]
    if since and counted:
        text += f" Since {since}: " + ", ".join(f"{k} {w}" for w, k in counted) + "."
    return text


def largest_mover(ind, dimension_label: str, rows: list[tuple[str, float | None, float | None]],
                  then: dt.date, now: dt.date) -> str | None:
    """Which group moved most between two periods: (group, value then, value now), suppressed as None.
    "Among teams, the largest change was in North: up from 55.0% in February 2024 to 70.0%." """
    pairs = [(g, judge.round_half_up(a, ind.decimals), judge.round_half_up(b, ind.decimals))
             for g, a, b in rows if a is not None and b is not None]   # as printed, so words match the table
    if len(pairs) < 2:
        return None
    group, a, b = max(pairs, key=lambda r: abs(r[2] - r[1]))
    moved = judge.movement(b, a, ind.unit)
    if moved in (None, "flat"):
        return f"Among {dimension_label}, no group moved materially since {fmt.month_name(then)}."
    word = "up" if moved == "up" else "down"
    return (f"Among {dimension_label}, the largest change was in {group}: {word} from {_value(ind, a)} "
            f"{when_phrase(ind.period, then)} to {_value(ind, b)}.")


# ---- analysts' notes ------------------------------------------------------------------------------

class CommentaryError(ValueError):
    pass


@dataclass(frozen=True)
class Note:
    month: dt.date
    indicator: str | None
    area: str | None
    why: str
    doing: str
    owner: str
    number: int      # its place in the file, for messages


NOTE_FIELDS = {"month", "indicator", "area", "why", "doing", "owner"}


def load_notes(path: Path | None) -> list[Note]:
    """Every note in a commentary file ([] when there is no file). Errors name the file and the note."""
    from cscperf.config import ConfigError, parse_month
    from cscperf.indicators.spec import AREAS, REGISTRY

    if path is None or not Path(path).exists():
        return []
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise CommentaryError(f"{path}: {e}") from None
    unknown_top = set(raw) - {"notes"}
    if unknown_top:
        raise CommentaryError(f"{path}: unexpected {', '.join(sorted(unknown_top))}; write each note as a [[notes]] entry")
    out = []
    for k, entry in enumerate(raw.get("notes", []), start=1):
        where = f"{path}, note {k}"
        extra = set(entry) - NOTE_FIELDS
        if extra:
            raise CommentaryError(f"{where}: unknown field(s) {', '.join(sorted(extra))}; "
                                  f"expected {', '.join(sorted(NOTE_FIELDS))}")
        if "month" not in entry:
            raise CommentaryError(f"{where}: no month; give the report month as month = \"YYYY-MM\"")
        try:
            month = parse_month(entry["month"], f"{where} month")
        except ConfigError as e:
            raise CommentaryError(str(e)) from None
        indicator, area = entry.get("indicator"), entry.get("area")
        if bool(indicator) == bool(area):
            raise CommentaryError(f"{where}: give either indicator = \"CP07\" or area = \"Missing\", not both or neither")
        if indicator and indicator not in REGISTRY:
            raise CommentaryError(f"{where}: no indicator {indicator!r} in the catalogue (`cscperf indicators` lists them)")
        if area and area not in AREAS:
            raise CommentaryError(f"{where}: no area {area!r}; expected one of {', '.join(AREAS)}")
        texts = {f: str(entry.get(f, "")).strip() for f in ("why", "doing", "owner")}
        if not texts["why"] and not texts["doing"]:
            raise CommentaryError(f"{where}: nothing to say; give why = \"...\" and/or doing = \"...\"")
        out.append(Note(month, indicator, area, texts["why"], texts["doing"], texts["owner"], k))
    return out


def notes_for(notes: list[Note], month: dt.date, indicator: str | None = None, area: str | None = None) -> list[Note]:
    return [n for n in notes if n.month == month and (n.indicator == indicator if indicator else n.area == area)]

