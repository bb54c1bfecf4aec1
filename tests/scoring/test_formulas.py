"""The formulas against hand-computed values: the published aggregation, rounding, bands, Slovin, suppression."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from akhlak_tui.questionnaire.model import default_bands
from akhlak_tui.scoring.formulas import (
    band_for,
    exact,
    overall_index,
    percent,
    reversed_code,
    round_half_up,
    slovin_minimum,
    suppressed_groups,
)

BANDS = default_bands()


@pytest.mark.parametrize(
    ("values", "index", "band"),
    [
        ([57.9, 74.1, 56.7, 63.8, 65.8, 38.9, 69.4], 60.9, "B"),  # national 2022
        ([59.6, 64.1, 58.3, 53.7, 62.7, 43.5, 67.7], 58.5, "B"),  # another agency
    ],
)
def test_published_aggregation(values, index, band):
    result = round_half_up(overall_index([exact(v) for v in values]))
    assert result == index
    assert band_for(result, BANDS).code == band


def test_index_is_the_mean_of_unrounded_scores():
    # 10.04, 10.05, 10.05: rounding each first would give 10.1; the unrounded mean 10.0466... gives 10.0
    scores = [Fraction(1004, 100), Fraction(1005, 100), Fraction(1005, 100)]
    assert round_half_up(overall_index(scores)) == 10.0
    assert round_half_up(sum(Fraction(str(round_half_up(s))) for s in scores) / 3) == 10.1


def test_index_needs_every_value():
    assert overall_index([Fraction(50), None]) is None
    assert overall_index([]) is None


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(6095, 100), 61.0),
        (Fraction(609499, 10000), 60.9),
        (Fraction(5, 100), 0.1),
        (Fraction(7495, 100), 75.0),
        (Fraction(1, 3) * 100, 33.3),
        (Fraction(2, 3) * 100, 66.7),
        (Fraction(100), 100.0),
        (Fraction(0), 0.0),
    ],
)
def test_round_half_up_at_x_x5(value, rounded):
    assert round_half_up(value) == rounded


def test_float_halves_round_up_as_written():
    # the float 0.15 is slightly below 0.15, and 2.675 below 2.675; written decimals are what counts
    assert round_half_up(exact(0.15)) == 0.2
    assert round_half_up(exact(2.675), 2) == 2.68
    assert round(2.675, 2) == 2.67  # what plain round() would do


@pytest.mark.parametrize(
    ("unrounded", "code"),
    [
        (Fraction(7495, 100), "A"),  # 74.95 shows as 75.0: category from the shown value
        (Fraction(7494, 100), "B"),
        (Fraction(4995, 100), "B"),
        (Fraction(4994, 100), "C"),
        (Fraction(2495, 100), "C"),
        (Fraction(2494, 100), "D"),
        (Fraction(0), "D"),
        (Fraction(100), "A"),
    ],
)
def test_category_from_the_rounded_value(unrounded, code):
    assert band_for(round_half_up(unrounded), BANDS).code == code


def test_band_examples_from_reports():
    assert [band_for(v, BANDS).code for v in (78.0, 62.3, 60.3, 39.8, 37.1)] == ["A", "B", "B", "C", "C"]
    assert band_for(10.0, BANDS).label["id"] == "Sangat Tidak Sehat"


@pytest.mark.parametrize(
    ("population", "margin", "minimum"),
    [(100, 0.05, 80), (10, 0.05, 10), (4, 0.05, 4), (1000, 0.05, 286), (380, 0.05, 195), (100, 0.1, 50), (1, 0.05, 1)],
)
def test_slovin(population, margin, minimum):
    assert slovin_minimum(population, margin) == minimum


def test_reverse_keyed_codes():
    assert [reversed_code(c, 1, 5) for c in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert reversed_code(0, 0, 10) == 10


def test_percent_of_nothing_is_no_score():
    assert percent(0, 0) is None
    assert percent(7, 11) == Fraction(700, 11)


def test_one_small_group_takes_the_next_smallest_with_it():
    hidden = suppressed_groups([("f", 20), ("m", 3), ("x", 7), (None, 9)], 5)
    assert hidden == {"m": "small", "x": "complementary"}


def test_two_small_groups_need_no_more():
    assert suppressed_groups([("a", 2), ("b", 4), ("c", 30)], 5) == {"a": "small", "b": "small"}


def test_nothing_hidden_when_all_are_big_enough():
    assert suppressed_groups([("a", 5), ("b", 6)], 5) == {}


def test_empty_groups_neither_hide_nor_count_as_hidden():
    hidden = suppressed_groups([("a", 0), ("b", 3), ("c", 8), ("d", 12)], 5)
    assert hidden == {"b": "small", "c": "complementary"}


def test_a_lone_small_group_of_two():
    assert suppressed_groups([("a", 4), ("b", 50)], 5) == {"a": "small", "b": "complementary"}


def test_ties_take_the_first_group_in_order():
    assert suppressed_groups([("a", 1), ("b", 9), ("c", 9)], 5) == {"a": "small", "b": "complementary"}


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8), st.integers(min_value=1, max_value=10))
def test_a_single_hidden_group_never_stands_alone(sizes, k):
    groups = [(str(i), n) for i, n in enumerate(sizes)]
    hidden = suppressed_groups(groups, k)
    assert all(key in hidden for key, n in groups if 0 < n < k)
    nonempty = [key for key, n in groups if n > 0]
    hidden_nonempty = [key for key in hidden if dict(groups)[key] > 0]
    # recoverable from the total only if exactly one non-empty group is hidden while others show
    assert len(hidden_nonempty) != 1 or len(nonempty) == 1
