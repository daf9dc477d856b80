"""RAG and direction of travel, on hand-chosen cases (boundaries, polarity, context, missing values)."""

import pytest

from cscperf.config import Target
from cscperf.judge import (AMBER, GREEN, NOT_RATED, RED, band_text, direction, movement, rag, round_half_up)

T80 = Target(80.0, 5.0, "local")     # up: green >= 80, amber 75 to < 80, red < 75
T26 = Target(26.0, 4.0, "national")  # down: green <= 26, amber > 26 to 30, red > 30


@pytest.mark.parametrize("value, expected", [
    (95.0, GREEN),
    (80.0, GREEN),        # exactly at target
    (79.99, AMBER),
    (75.0, AMBER),        # exactly at target - tolerance
    (74.99, RED),
    (0.0, RED),
])
def test_rag_up(value, expected):
    assert rag(value, T80, "up") == expected


@pytest.mark.parametrize("value, expected", [
    (20.0, GREEN),
    (26.0, GREEN),        # exactly at target
    (26.01, AMBER),
    (30.0, AMBER),        # exactly at target + tolerance
    (30.01, RED),
])
def test_rag_down(value, expected):
    assert rag(value, T26, "down") == expected


def test_rag_float_boundaries_are_exact():
    # 0.3 - 0.1 is 0.19999999999999998 in binary floating point; 0.2 must still be amber.
    assert rag(0.2, Target(0.3, 0.1), "up") == AMBER
    assert rag(0.4, Target(0.3, 0.1), "down") == AMBER
    assert rag(0.3, Target(0.3, 0.1), "up") == GREEN


def test_rag_without_tolerance_is_green_or_red():
    assert rag(80.0, Target(80.0), "up") == GREEN
    assert rag(79.9, Target(80.0), "up") == RED
    assert rag(79.9, 80.0, "up") == RED           # a bare number is a target with no tolerance
    assert rag(78.0, (80.0, 2.0), "up") == AMBER  # a (value, tolerance) pair


def test_rag_judges_the_printed_value_when_decimals_given():
    # 79.96 prints as 80.0%: a member reading "80.0%" against a target of 80% must not see Red.
    assert rag(79.96, Target(80.0), "up") == RED
    assert rag(79.96, Target(80.0), "up", decimals=1) == GREEN
    assert rag(79.94, Target(80.0), "up", decimals=1) == RED
    assert rag(79.95, Target(80.0), "up", decimals=1) == GREEN   # prints as 80.0% (half up)


def test_round_half_up_rounds_ties_up_as_people_do():
    assert round(76.25, 1) == 76.2               # Python's float rounding, which a committee would query
    assert round_half_up(76.25, 1) == 76.3
    assert round_half_up(68.235294, 1) == 68.2
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(18.5, 0) == 19.0


@pytest.mark.parametrize("value, target, polarity", [
    (50.0, T80, "context"),   # context measures are never rated
    (50.0, None, "up"),       # no target
    (None, T80, "up"),        # no figure
    (None, None, "down"),
])
def test_not_rated(value, target, polarity):
    assert rag(value, target, polarity) == NOT_RATED


def test_negative_tolerance_is_refused():
    with pytest.raises(ValueError):
        rag(1.0, Target(2.0, -1.0), "up")


# ---- direction of travel ---------------------------------------------------------------------

def test_direction_up_polarity():
    assert direction(76.3, 60.5, "up", "%") == ("↑", "improving")
    assert direction(60.5, 76.3, "up", "%") == ("↓", "worsening")


def test_direction_down_polarity_flips_the_judgement_not_the_arrow():
    assert direction(41.2, 45.0, "down", "weeks") == ("↓", "improving")
    assert direction(45.0, 41.2, "down", "weeks") == ("↑", "worsening")


def test_direction_context_is_not_judged():
    assert direction(67.1, 60.0, "context", "per 10,000") == ("↑", "not judged")
    assert direction(60.0, 67.1, "context", "per 10,000") == ("↓", "not judged")
    assert direction(60.0, 60.1, "context", "per 10,000") == ("→", "no material change")


def test_percentage_band_is_half_a_percentage_point():
    assert direction(76.7, 76.3, "up", "%") == ("→", "no material change")   # 0.4 pp
    assert direction(75.8, 76.3, "up", "%") == ("↓", "worsening")            # exactly 0.5 pp counts
    assert direction(76.8, 76.3, "up", "%") == ("↑", "improving")            # 0.5 pp
    assert direction(76.3, 76.3, "up", "%") == ("→", "no material change")


def test_other_units_band_is_one_percent_relative():
    # 1% of 40.0 weeks is 0.4 weeks.
    assert direction(40.39, 40.0, "down", "weeks") == ("→", "no material change")
    assert direction(40.4, 40.0, "down", "weeks") == ("↑", "worsening")   # 40.4-40.0 = 0.39999...
    assert direction(39.6, 40.0, "down", "weeks") == ("↓", "improving")
    # From zero any change is material; no change is no change.
    assert direction(0.1, 0.0, "up", "cases per FTE") == ("↑", "improving")
    assert direction(0.0, 0.0, "up", "cases per FTE") == ("→", "no material change")


def test_band_can_be_given_explicitly():
    assert direction(78.0, 76.3, "up", "%", band=2.0) == ("→", "no material change")
    assert movement(78.3, 76.3, "%", band=2.0) == "up"


def test_direction_with_a_missing_figure():
    assert direction(None, 60.5, "up", "%") == ("–", "no figure to compare")
    assert direction(76.3, None, "up", "%") == ("–", "no figure to compare")
    assert movement(None, None, "%") is None


def test_direction_unpacks_and_names():
    arrow, word = direction(76.3, 60.5, "up", "%")
    assert (arrow, word) == ("↑", "improving")
    assert direction(76.3, 60.5, "up", "%").word == "improving"


def test_band_text():
    assert band_text("%") == "less than 0.5 percentage points"
    assert band_text("weeks") == "less than 1% of the earlier figure"
