"""What a run achieved, recorded with it. Every figure depends only on the inputs, never on timing.

- share_matched: matched ventures / ventures; matchable: ventures with at least one acceptable mentor
  (a shared language, places, no conflict, the minimum score), and share_of_matchable_matched.
- mean_rank: the mean place (1–5) of the assigned mentor in the venture's preferences, over ventures
  matched with one of their ranked mentors (None when there are none).
- first_choice_share, top3_share: ventures given their first (top-3) choice / ventures with preferences,
  unmatched ones included; outside_preferences_share: ventures with preferences matched to someone else.
- capacity_used: places taken / places offered.
- blocking_pairs: a venture and a mentor, acceptable to each other, who both prefer each other to what
  they got: the venture prefers the mentor to its mentor (or to nothing), and the mentor has a free place
  or prefers the venture to one of its ventures. Preferences as in `preferences.py`.
- mentors_over_capacity: must be 0; anything else raises.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .preferences import UNRANKED, preferences
from .rules import RuleBroken
from .scoring import ScoreTable
from .solvers import UNMATCHED


def run_metrics(table: ScoreTable, assignment: np.ndarray, min_score: float = 0.0) -> dict[str, Any]:
    n_ventures, n_mentors = table.total.shape
    matched = assignment != UNMATCHED
    venture_rows = np.flatnonzero(matched)
    mentor_columns = assignment[matched]
    capacity = table.capacities
    load = np.bincount(mentor_columns, minlength=n_mentors)
    over_capacity = int((load > capacity).sum())
    if over_capacity:
        raise RuleBroken(f"{over_capacity} mentors over capacity")

    with_preferences = (table.preference_rank > 0).any(axis=1)
    ranks = np.zeros(n_ventures, dtype=np.int64)
    ranks[venture_rows] = table.preference_rank[venture_rows, mentor_columns]
    ranked = ranks > 0
    scores = table.total[venture_rows, mentor_columns]
    n_with_preferences = int(with_preferences.sum())
    matchable = int(table.acceptable(min_score).any(axis=1).sum())

    return {
        "ventures": n_ventures,
        "mentors": n_mentors,
        "places": int(capacity.sum()),
        "matched": int(matched.sum()),
        "share_matched": _share(matched.sum(), n_ventures),
        "matchable": matchable,
        "share_of_matchable_matched": _share(matched.sum(), matchable),
        "total_score": round(float(scores.sum()), 6),
        "mean_score": round(float(scores.mean()), 6) if scores.size else None,
        "ventures_with_preferences": n_with_preferences,
        "mean_rank": round(float(ranks[ranked].mean()), 4) if ranked.any() else None,
        "first_choice_share": _share((ranks == 1).sum(), n_with_preferences),
        "top3_share": _share((ranked & (ranks <= 3)).sum(), n_with_preferences),
        "outside_preferences_share": _share((matched & with_preferences & ~ranked).sum(), n_with_preferences),
        "capacity_used": _share(load.sum(), capacity.sum()),
        "mentors_used": int((load > 0).sum()),
        "blocking_pairs": blocking_pairs(table, assignment, min_score),
        "mentors_over_capacity": over_capacity,
    }


def blocking_pairs(table: ScoreTable, assignment: np.ndarray, min_score: float = 0.0) -> int:
    acceptable = table.acceptable(min_score)
    n_ventures, n_mentors = acceptable.shape
    prefs = preferences(table, acceptable)
    matched = assignment != UNMATCHED
    rows = np.flatnonzero(matched)

    got = np.full(n_ventures, UNRANKED, dtype=np.int64)  # an unmatched venture prefers any acceptable mentor
    got[rows] = prefs.venture_position[rows, assignment[rows]]
    venture_would_move = prefs.venture_position < got[:, None]

    load = np.bincount(assignment[matched], minlength=n_mentors)
    worst_held = np.full(n_mentors, -1, dtype=np.int64)
    np.maximum.at(worst_held, assignment[rows], prefs.mentor_position[assignment[rows], rows])
    mentor_would_take = (load < table.capacities)[None, :] | (prefs.mentor_position.T < worst_held[None, :])

    return int((acceptable & venture_would_move & mentor_would_take).sum())


def _share(part, whole) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None
