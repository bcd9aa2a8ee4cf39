"""From scores to an assignment: each solver returns, per venture, a mentor index or -1 (unmatched).

- `optimal`: the largest total score that keeps every hard rule and capacity.
- `stable`: venture-proposing deferred acceptance with capacities, so no venture and mentor would both
  rather be together than with whom they got.
- `greedy`: best pair first; the naive baseline the benchmark measures the others against.
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy.optimize import linear_sum_assignment

from .preferences import preferences
from .scoring import ScoreTable

UNMATCHED = -1
#: Added to every acceptable pair's score so that, among equally good assignments, more ventures get a
#: mentor (a pair scoring exactly 0 still beats staying unmatched). Far below any meaningful difference.
MATCH_BONUS = 1e-9


def optimal(table: ScoreTable, min_score: float = 0.0) -> np.ndarray:
    """Maximum total score under capacities, as an assignment problem on expanded mentor slots.

    Each mentor becomes `capacity` identical columns (no more than the ventures it may take) and
    `linear_sum_assignment` picks one column per venture. A forbidden or below-minimum pair gains 0,
    exactly as much as staying unmatched, and is dropped afterwards; dummy "unmatched" columns (gain 0)
    are added only when there are fewer slots than ventures. That is exact: a venture left unmatched
    in the best assignment can always sit on a dummy or a free slot at no gain, so the best column
    assignment and the best matching have the same total, and dropping the 0-gain pairs turns one into
    the other. It keeps the matrix at ventures × max(slots, ventures) instead of ventures × (slots +
    ventures), and needs no "prohibitive" constant that could swamp the scores.
    """
    acceptable = table.acceptable(min_score)
    n_ventures, n_mentors = acceptable.shape
    assignment = np.full(n_ventures, UNMATCHED, dtype=np.int64)
    rows = np.flatnonzero(acceptable.any(axis=1))
    if rows.size == 0:
        return assignment
    slots = np.minimum(table.capacities, acceptable[rows].sum(axis=0))
    columns = np.repeat(np.arange(n_mentors), slots)
    gain = np.where(acceptable, table.total + MATCH_BONUS, 0.0)[rows][:, columns]
    dummies = max(0, rows.size - columns.size)
    if dummies:
        gain = np.hstack([gain, np.zeros((rows.size, dummies))])
    row_ind, col_ind = linear_sum_assignment(gain, maximize=True)
    for r, c in zip(row_ind, col_ind, strict=True):
        if c < columns.size and acceptable[rows[r], columns[c]]:
            assignment[rows[r]] = columns[c]
    return assignment


def stable(table: ScoreTable, min_score: float = 0.0) -> np.ndarray:
    """Venture-proposing deferred acceptance (Gale–Shapley) with mentor capacities; a loop, no recursion.

    Free ventures propose down their lists; a mentor holds its best ventures up to capacity and lets the
    worst go when a better one proposes. The result is stable and the best stable result for every venture.
    """
    acceptable = table.acceptable(min_score)
    n_ventures, n_mentors = acceptable.shape
    prefs = preferences(table, acceptable)
    orders, lengths = prefs.venture_order.tolist(), prefs.lengths.tolist()
    lists = [row[:length] for row, length in zip(orders, lengths, strict=True)]
    mentor_position = prefs.mentor_position.tolist()
    capacity = table.capacities.tolist()
    next_choice = [0] * n_ventures
    held: list[list[tuple[int, int]]] = [[] for _ in range(n_mentors)]  # max-heaps of (-position, venture)
    free = list(range(n_ventures - 1, -1, -1))
    while free:
        venture = free.pop()
        if next_choice[venture] >= len(lists[venture]):
            continue  # nobody left to ask: stays unmatched
        mentor = lists[venture][next_choice[venture]]
        next_choice[venture] += 1
        position = mentor_position[mentor][venture]
        holding = held[mentor]
        if len(holding) < capacity[mentor]:
            heapq.heappush(holding, (-position, venture))
        elif -holding[0][0] > position:
            free.append(heapq.heapreplace(holding, (-position, venture))[1])
        else:
            free.append(venture)

    assignment = np.full(n_ventures, UNMATCHED, dtype=np.int64)
    for mentor, holding in enumerate(held):
        for _, venture in holding:
            assignment[venture] = mentor
    return assignment


def greedy(table: ScoreTable, min_score: float = 0.0) -> np.ndarray:
    """Best pair first while places last, as a hurried spreadsheet would. A baseline, not offered to staff."""
    acceptable = table.acceptable(min_score)
    n_ventures, n_mentors = acceptable.shape
    candidates = np.flatnonzero(acceptable.ravel())
    candidates = candidates[np.argsort(-table.total.ravel()[candidates], kind="stable")]
    assignment = [UNMATCHED] * n_ventures
    load = [0] * n_mentors
    capacity = table.capacities.tolist()
    places, matched = sum(capacity), 0
    for pair in candidates.tolist():
        venture, mentor = divmod(pair, n_mentors)
        if assignment[venture] == UNMATCHED and load[mentor] < capacity[mentor]:
            assignment[venture] = mentor
            load[mentor] += 1
            matched += 1
            if matched == n_ventures or matched == places:
                break
    return np.array(assignment, dtype=np.int64)


SOLVERS = {"optimal": optimal, "stable": stable}
