"""Hard rules: a pair that breaks one is never proposed, whatever its score.

- a shared language;
- capacity: a mentor with no places gets no venture, and no mentor gets more ventures than places;
- no conflict of interest: the mentor's home co-op is not the venture's own or a founder's co-op,
  and neither side has excluded the other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .models import Id, Mentor, Venture

NO_LANGUAGE = "no shared language"
NO_PLACES = "the mentor has no places"
SAME_COOP = "the mentor belongs to the venture's or a founder's co-op"
EXCLUDED = "one side has excluded the other"


class RuleBroken(AssertionError):
    """A result broke a hard rule: a bug in the engine, never a property of the input."""


def rule_breaks(mentor: Mentor, venture: Venture) -> list[str]:
    """The hard rules this pair breaks, in words; empty when the pair is allowed."""
    breaks = []
    if not mentor.languages & venture.languages:
        breaks.append(NO_LANGUAGE)
    if mentor.capacity <= 0:
        breaks.append(NO_PLACES)
    if mentor.home_coop_id is not None and mentor.home_coop_id in venture.coop_ids:
        breaks.append(SAME_COOP)
    if venture.id in mentor.excluded_venture_ids or mentor.id in venture.excluded_mentor_ids:
        breaks.append(EXCLUDED)
    return breaks


def is_allowed(mentor: Mentor, venture: Venture) -> bool:
    return not rule_breaks(mentor, venture)


@dataclass(frozen=True)
class RuleMasks:
    """The rules over every venture (rows) × mentor (columns) pair at once."""

    shared_language: np.ndarray
    has_places: np.ndarray
    conflict: np.ndarray

    @property
    def allowed(self) -> np.ndarray:
        return self.shared_language & self.has_places[None, :] & ~self.conflict


def rule_masks(mentors: Sequence[Mentor], ventures: Sequence[Venture]) -> RuleMasks:
    languages = sorted(set().union(*(m.languages for m in mentors), *(v.languages for v in ventures)))
    column = {code: i for i, code in enumerate(languages)}
    venture_languages = np.zeros((len(ventures), len(languages)), dtype=np.float32)
    mentor_languages = np.zeros((len(mentors), len(languages)), dtype=np.float32)
    for i, venture in enumerate(ventures):
        venture_languages[i, [column[c] for c in venture.languages]] = 1
    for j, mentor in enumerate(mentors):
        mentor_languages[j, [column[c] for c in mentor.languages]] = 1
    shared_language = (venture_languages @ mentor_languages.T) > 0

    has_places = np.array([m.capacity > 0 for m in mentors], dtype=bool)

    # Conflicts are rare: mark them one by one rather than comparing every pair.
    conflict = np.zeros((len(ventures), len(mentors)), dtype=bool)
    ventures_of_coop: dict[Id, list[int]] = defaultdict(list)
    venture_index = {v.id: i for i, v in enumerate(ventures)}
    mentor_index = {m.id: j for j, m in enumerate(mentors)}
    for i, venture in enumerate(ventures):
        for coop in venture.coop_ids:
            ventures_of_coop[coop].append(i)
        for mentor_id in venture.excluded_mentor_ids:
            if mentor_id in mentor_index:
                conflict[i, mentor_index[mentor_id]] = True
    for j, mentor in enumerate(mentors):
        if mentor.home_coop_id is not None:
            conflict[ventures_of_coop.get(mentor.home_coop_id, []), j] = True
        for venture_id in mentor.excluded_venture_ids:
            if venture_id in venture_index:
                conflict[venture_index[venture_id], j] = True
    return RuleMasks(shared_language, has_places, conflict)


def check_assignment(
    mentors: Sequence[Mentor], ventures: Sequence[Venture], pairs: Iterable[tuple[Id, Id]]
) -> None:
    """Raise `RuleBroken` unless every (venture id, mentor id) pair keeps every hard rule."""
    mentor_by_id = {m.id: m for m in mentors}
    venture_by_id = {v.id: v for v in ventures}
    pairs = list(pairs)
    problems = []
    for venture_id, count in Counter(v for v, _ in pairs).items():
        if count > 1:
            problems.append(f"venture {venture_id!r} has {count} mentors")
    for mentor_id, count in Counter(m for _, m in pairs).items():
        if count > mentor_by_id[mentor_id].capacity:
            capacity = mentor_by_id[mentor_id].capacity
            problems.append(f"mentor {mentor_id!r} has {count} ventures for {capacity} places")
    for venture_id, mentor_id in pairs:
        for rule in rule_breaks(mentor_by_id[mentor_id], venture_by_id[venture_id]):
            problems.append(f"venture {venture_id!r} with mentor {mentor_id!r}: {rule}")
    if problems:
        raise RuleBroken("; ".join(problems))
