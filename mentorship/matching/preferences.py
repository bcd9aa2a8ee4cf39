"""Who prefers whom, as used by the stable solver and by the blocking-pair count.

A venture ranks its own preferences first (in its order), then every other acceptable mentor by score;
a venture without preferences ranks by score alone. A mentor ranks ventures by score.
Ties go to the earlier mentor or venture in the (canonical) input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .models import MAX_PREFERENCES
from .scoring import ScoreTable

UNRANKED = np.iinfo(np.int32).max


@dataclass(frozen=True)
class Preferences:
    #: venture × k: mentors in the venture's order; only the first `lengths[i]` are acceptable
    venture_order: np.ndarray
    lengths: np.ndarray
    #: venture × mentor: the mentor's place in the venture's order (0 best), UNRANKED if unacceptable
    venture_position: np.ndarray
    #: mentor × venture: the venture's place in the mentor's order (0 best)
    mentor_position: np.ndarray


def preferences(table: ScoreTable, acceptable: np.ndarray) -> Preferences:
    n_ventures, n_mentors = acceptable.shape
    rank = table.preference_rank
    # Ranked mentors sort above any score (scores are ≤ 1), in rank order.
    key = np.where(rank > 0, 2.0 + MAX_PREFERENCES - rank, table.total)
    key = np.where(acceptable, key, -np.inf)
    venture_order = np.argsort(-key, axis=1, kind="stable").astype(np.int32)
    lengths = acceptable.sum(axis=1)
    venture_position = _positions(venture_order)
    venture_position[~acceptable] = UNRANKED

    mentor_order = np.argsort(-table.total.T, axis=1, kind="stable").astype(np.int32)
    mentor_position = _positions(mentor_order)
    return Preferences(venture_order, lengths, venture_position, mentor_position)


def _positions(order: np.ndarray) -> np.ndarray:
    positions = np.empty_like(order)
    places = np.broadcast_to(np.arange(order.shape[1], dtype=order.dtype), order.shape)
    np.put_along_axis(positions, order, places, axis=1)
    return positions
