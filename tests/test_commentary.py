"""Commentary sentences against figures chosen by hand: direction, tense, units, baseline or not.

Figures (value = numerator / denominator, printed half up):
* CP07 (%, up is good): March 2024 61/80 = 76.25% -> "76.3%"; July 2018 23/38 = 60.53% -> "60.5%";
  February 2024 60/80 = 75.0%; March 2023 58/85 = 68.24% -> "68.2%".
* FD06 (%, down is good, rolling 12 months): 20.0% now, 23.4% a year before -> down, an improvement.
* CT03 (weeks, down is good): 41.2 now, 45.0 a year before, 41.5 the month before (-0.3 weeks is
  under 1% of 41.5 = 0.415: broadly unchanged).
* TZ02 (per 10,000, no good direction, no phrase of its own): 67.1 (412 of 61,400) vs 60.0.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cscperf.comparators import Comparator
from cscperf.config import Target
from cscperf.indicators import get
from cscperf.indicators.spec import CONTEXT, ROLLING_12, SNAPSHOT, Indicator
from cscperf.report import commentary as words
from cscperf.report.commentary import Obs

def _end(y: int, m: int) -> dt.date:
    from cscperf.config import month_end

    return month_end(y, m)


CP07 = get("CP07")
FD06 = get("FD06")
CT03 = get("CT03")
TZ02 = Indicator(id="TZ02", title="Children looked after per 10,000", area="Looked after children",
                 unit="per 10,000", polarity=CONTEXT, numerator="n", denominator="d", period=SNAPSHOT,
                 sources=(), reference="test", build=lambda ctx: None, scale=10_000, per_population=True)

NOW = Obs(_end(2024, 3), 61 / 80 * 100, 61, 80)
FEB = Obs(_end(2024, 2), 75.0, 60, 80)
BASE = Obs(_end(2018, 7), 23 / 38 * 100, 23, 38)
LAST_YEAR = Obs(_end(2023, 3), 58 / 85 * 100, 58, 85)


def test_the_minute_sentence_exactly():
    assert words.headline(CP07, NOW, BASE) == (
        "76.3% of children on a child protection plan had been visited in the last 10 working days at the end of "
        "March 2024, up from 60.5% in July 2018.")


def test_every_sentence_for_cp07_with_a_baseline():
    got = words.indicator_text(CP07, NOW, previous=FEB, baseline=BASE, last_year=LAST_YEAR,
                               target=Target(80, 5, "local"))
    assert got == [
        "76.3% of children on a child protection plan had been visited in the last 10 working days at the end of "
        "March 2024, up from 60.5% in July 2018.",
        "This was an improvement on July 2018.",
        "This was 61 of 80 children.",
        "It rose by 1.3 percentage points from 75.0% in February 2024.",
        "This was below the local target of 80.0%, but within the tolerance of 5.0 percentage points (Amber).",
    ]


def test_without_a_baseline_the_same_month_last_year_is_used():
    got = words.indicator_text(CP07, NOW, previous=FEB, baseline=None, last_year=LAST_YEAR)
    assert got[0].endswith("at the end of March 2024, up from 68.2% in March 2023.")
    assert got[1] == "This was an improvement on March 2023."


def test_without_baseline_or_last_year_the_month_before_is_used_once():
    got = words.indicator_text(CP07, NOW, previous=FEB)
    assert got[0].endswith("at the end of March 2024, up from 75.0% in February 2024.")
    assert not any(s.startswith("It rose") for s in got)     # not said twice


def test_with_nothing_to_compare_no_comparison():
    got = words.indicator_text(CP07, NOW)
    assert got[0] == ("76.3% of children on a child protection plan had been visited in the last 10 working days "
                      "at the end of March 2024.")


def test_a_baseline_without_a_figure_falls_back():
    got = words.indicator_text(CP07, NOW, previous=FEB, baseline=Obs(_end(2018, 7), None), last_year=LAST_YEAR)
    assert "in March 2023" in got[0]


def test_down_and_better_for_a_lower_is_better_rolling_measure():
    now, before = Obs(_end(2024, 3), 20.0, 100, 500), Obs(_end(2023, 3), 23.4, 117, 500)
    got = words.indicator_text(FD06, now, last_year=before, target=Target(20, 3, "local"))
    assert got[0] == ("20.0% of referrals were re-referrals within 12 months of a previous referral in the 12 months "
                      "to March 2024, down from 23.4% in the 12 months to March 2023.")
    assert got[1] == "This was an improvement on the 12 months to March 2023."
    assert "This met the local target of 20.0% (Green)." in got


def test_up_and_worse_for_a_lower_is_better_measure():
    now, before = Obs(_end(2024, 3), 25.0, 125, 500), Obs(_end(2023, 3), 23.4, 117, 500)
    got = words.indicator_text(FD06, now, last_year=before, target=Target(20, 3, "local"))
    assert ", up from 23.4%" in got[0]
    assert got[1] == "This was worse than the 12 months to March 2023."
    assert "This was above the local target of 20.0% by more than the tolerance of 3.0 percentage points (Red)." in got


def test_unchanged_inside_the_band_and_no_judgement():
    now, before = Obs(_end(2024, 3), 76.3, 61, 80), Obs(_end(2024, 2), 76.0, 61, 80)
    got = words.indicator_text(CP07, now, previous=before)
    assert got[0].endswith(", broadly unchanged from 76.0% in February 2024.")
    assert not any("improvement" in s or "worse" in s for s in got)


def test_weeks_keep_their_unit_and_the_month_before_is_unchanged():
    now = Obs(_end(2024, 3), 41.2, 1236, 30)
    got = words.indicator_text(CT03, now, previous=Obs(_end(2024, 2), 41.5, 1245, 30), baseline=None,
                               last_year=Obs(_end(2023, 3), 45.0, 1350, 30), target=Target(26, 4, "national"))
    assert got == [
        "Care proceedings took an average of 41.2 weeks from issue to final order in the 12 months to March 2024, "
        "down from 45.0 weeks in the 12 months to March 2023.",
        "This was an improvement on the 12 months to March 2023.",
        "The average covered 30 proceedings.",
        "It was broadly unchanged from 41.5 weeks in the 12 months to February 2024.",
        "This was above the national target of 26.0 weeks by more than the tolerance of 4.0 weeks (Red).",
    ]


def test_a_rate_without_a_phrase_reads_correctly_and_is_not_judged():
    now, before = Obs(_end(2024, 3), 412 / 61400 * 10000, 412, 61400), Obs(_end(2024, 2), 60.0, 360, 60000)
    got = words.indicator_text(TZ02, now, previous=before)
    assert got == ["Children looked after per 10,000: 67.1 per 10,000 at the end of March 2024, up from 60.0 per "
                   "10,000 in February 2024.",
                   "This was 412 children."]


def test_changes_in_the_measure_unit():
    assert words.change_text(1.25, "%", 1) == "1.3 percentage points"
    assert words.change_text(-0.3, "weeks", 1) == "0.3 weeks"
    assert words.change_text(7.1, "per 10,000", 1) == "7.1 per 10,000"


def test_the_change_is_between_the_figures_as_printed():
    # 76.26 - 75.04 = 1.22, but the reader sees 76.3% and 75.0%: a rise of 1.3 points.
    got = words.last_month(CP07, Obs(_end(2024, 3), 76.26), Obs(_end(2024, 2), 75.04))
    assert got == "It rose by 1.3 percentage points from 75.0% in February 2024."


def test_target_words():
    t = Target(80, 5, "local")
    assert words.against_target(CP07, Obs(NOW.period_end, 80.0), t) == "This met the local target of 80.0% (Green)."
    assert words.against_target(CP07, Obs(NOW.period_end, 85.0), t) == \
        "This was better than the local target of 80.0% (Green)."
    assert words.against_target(CP07, Obs(NOW.period_end, 70.0), t) == \
        "This was below the local target of 80.0% by more than the tolerance of 5.0 percentage points (Red)."
    assert words.against_target(TZ02, Obs(NOW.period_end, 70.0), t) is None      # context: never rated
    assert words.against_target(CP07, Obs(NOW.period_end, 70.0), None) is None


def test_comparators_with_their_year():
    eng = Comparator("FD06", "England", 22.4, _end(2024, 3), "2023-24", "DfE")
    sn = Comparator("FD06", "SN mean", 21.0, _end(2024, 3), "2023-24", "DfE", 10)
    assert words.comparators(FD06, eng, sn, "mean") == (
        "England's figure was 22.4% in 2023-24 and the statistical neighbours' mean was 21.0% in 2023-24.")
    assert words.comparators(FD06, None, None) is None


def test_a_suppressed_figure_is_one_sentence_and_no_number():
    got = words.indicator_text(CP07, Obs(NOW.period_end, None, suppressed=True), previous=FEB, baseline=BASE)
    assert len(got) == 1 and "[c]" in got[0] and not re.search(r"\d+(\.\d)?%", got[0])


def test_no_figure():
    assert words.indicator_text(CP07, Obs(NOW.period_end, None)) == [
        "Children on a child protection plan visited in the last 10 working days: there is no figure at the end "
        "of March 2024."]


@pytest.mark.parametrize("ind, now, before", [
    (CP07, NOW, BASE), (FD06, Obs(_end(2024, 3), 20.0, 1, 5), Obs(_end(2023, 3), 23.4, 1, 5)),
    (CT03, Obs(_end(2024, 3), 41.2, 1, 30), Obs(_end(2023, 3), 45.0, 1, 30)),
])
def test_past_tense(ind, now, before):
    for sentence in words.indicator_text(ind, now, last_year=before, target=Target(1, 0)):
        assert not re.search(r"\b(is|are|has|have) (been )?(visited|completed|held)\b", sentence), sentence
        assert re.search(r"\b(was|were|had|took|went|rose|fell|met|covered|did)\b", sentence), sentence


def test_period_phrases():
    d = _end(2024, 3)
    assert words.period_phrase(SNAPSHOT, d) == "at the end of March 2024"
    assert words.period_phrase(ROLLING_12, d) == "in the 12 months to March 2024"
    assert words.period_phrase("DfE year (April to March)", d) == "in the year April 2023 to March 2024"
    assert words.period_phrase("year to date (from 1 April)", _end(2024, 1)) == \
        "in the year to date (April 2023 to January 2024)"
    assert words.period_phrase("quarter", d) == "in the quarter January 2024 to March 2024"


def test_area_summary_and_largest_mover():
    assert words.area_summary("Child protection", _end(2024, 3), ["Green", "Amber", "Red", "Not rated"],
                              ["improving", "improving", "worsening"], "July 2018") == (
        "Child protection: 4 indicators for March 2024. Against target: 1 Green, 1 Amber, 1 Red; 1 not rated. "
        "Since July 2018: 2 improving, 1 worsening.")
    assert words.area_summary(None, _end(2024, 3), ["Not rated"], [], None) == "1 indicator for March 2024. None has a target."
    got = words.largest_mover(CP07, "teams", [("North", 55.0, 70.0), ("South", 60.0, 61.0), ("West", None, 90.0)],
                              _end(2024, 2), _end(2024, 3))
    assert got == "Among teams, the largest change was in North: up from 55.0% in February 2024 to 70.0%."
    # Changes that vanish when printed are no change at all.
    got = words.largest_mover(get("LA01"), "age bands", [("10 to 15", 24.4, 23.6), ("5 to 9", 9.0, 9.2)],
                              _end(2024, 2), _end(2024, 3))
    assert "no group moved materially" in got


def test_notes_are_read_and_checked(tmp_path):
    f = tmp_path / "commentary.toml"
    f.write_text('[[notes]]\nmonth = "2024-03"\nindicator = "CP07"\nwhy = "Sickness in the North team."\n'
                 'doing = "Agency cover."\nowner = "Head of Safeguarding"\n\n'
                 '[[notes]]\nmonth = "2024-02"\narea = "Missing"\nwhy = "Older note."\n', encoding="utf-8")
    notes = words.load_notes(f)
    assert [(n.indicator, n.area, n.month) for n in notes] == [("CP07", None, _end(2024, 3)), (None, "Missing", _end(2024, 2))]
    assert words.notes_for(notes, _end(2024, 3), indicator="CP07")[0].owner == "Head of Safeguarding"
    assert words.notes_for(notes, _end(2024, 3), area="Missing") == []
    assert words.load_notes(tmp_path / "none.toml") == []


@pytest.mark.parametrize("body, message", [
    ('[[notes]]\nmonth = "2024-03"\nindicator = "XX99"\nwhy = "w"\n', "note 1: no indicator 'XX99'"),
    ('[[notes]]\nmonth = "2024-03"\nindicator = "CP07"\narea = "Missing"\nwhy = "w"\n', "note 1: give either"),
    ('[[notes]]\nindicator = "CP07"\nwhy = "w"\n', "note 1: no month"),
    ('[[notes]]\nmonth = "March"\nindicator = "CP07"\nwhy = "w"\n', "is not a month"),
    ('[[notes]]\nmonth = "2024-03"\nindicator = "CP07"\n', "nothing to say"),
    ('[[notes]]\nmonth = "2024-03"\nindicator = "CP07"\nwhy = "w"\ncolour = "red"\n', "unknown field(s) colour"),
])
def test_bad_notes_name_the_file_and_the_note(tmp_path, body, message):
    f = tmp_path / "commentary.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(words.CommentaryError) as e:
        words.load_notes(f)
    assert str(f) in str(e.value) and message in str(e.value)
