"""Tally explanations read as a person would write them (issue 18 item 10); the exact arithmetic stays in the trace."""

from __future__ import annotations

import pytest

from procedures.models import PassCondition
from procedures.tally import check_condition, exact_comparison


def cond(**kw) -> PassCondition:
    return PassCondition(**kw)


@pytest.mark.parametrize(
    "condition, counts, base, passes, words",
    [
        (cond(answer="approve", share_at_least="7/10"), {"approve": 7}, 10, True, "7 of 10 replies approve: 70 %, at least the 70 % required"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 6}, 10, False, "6 of 10 replies approve: 60 %, less than the 70 % required"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 1}, 1, True, "1 of 1 reply approves: 100 %, at least the 70 % required"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 2}, 3, False, "2 of 3 replies approve: ≈ 66.67 %, less than the 70 % required"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 3}, 5, True,
         "3 of 5 replies answer 'no-objection': 60 %, more than the 50 % required"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 1}, 2, False,
         "1 of 2 replies answers 'no-objection': 50 %, not more than the 50 % required"),
        (cond(answer="request", share_more_than="1/2", of="electorate"), {"request": 6}, 11, True,
         "6 of the 11 in the electorate request: ≈ 54.55 %, more than the 50 % required"),
        (cond(answer="object", count_below=2), {"object": 1}, 9, True, "1 reply objects: fewer than 2, as required"),
        (cond(answer="object", count_below=2), {"object": 2}, 9, False, "2 replies object: not fewer than 2"),
        (cond(answer="object", count_below=1), {}, 0, True, "0 replies object: fewer than 1, as required"),
        (cond(answer="support", count_at_least=4), {"support": 4}, 4, True, "4 replies support: at least the 4 required"),
        (cond(answer="support", count_at_least=4), {"support": 3}, 5, False, "3 replies support: fewer than the 4 required"),
        (cond(answer="approve", share_at_least="7/10"), {}, 0, False, "no replies counted, so there is no share to take: it fails"),
        (cond(answer="request", share_more_than="1/2", of="electorate"), {}, 0, False,
         "an electorate of none, so there is no share to take: it fails"),
    ],
)
def test_the_comparison_reads_as_a_sentence(condition, counts, base, passes, words):
    ok, _, text = check_condition(condition, counts, base)
    assert (ok, text) == (passes, words)


@pytest.mark.parametrize(
    "condition, counts, base, line",
    [
        (cond(answer="approve", share_at_least="7/10"), {"approve": 7}, 10, "in whole numbers: 7 × 10 ≥ 7 × 10 (70 ≥ 70)"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 6}, 10, "in whole numbers: 6 × 10 < 7 × 10 (60 < 70)"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 3}, 5, "in whole numbers: 3 × 2 > 1 × 5 (6 > 5)"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 1}, 2, "in whole numbers: 1 × 2 ≤ 1 × 2 (2 ≤ 2)"),
        (cond(answer="object", count_below=2), {"object": 1}, 3, None),
        (cond(answer="approve", share_at_least="7/10"), {}, 0, None),
    ],
)
def test_the_exact_arithmetic_is_one_line_of_the_trace(condition, counts, base, line):
    assert exact_comparison(condition, counts, base) == line
