"""How well each mentor suits each venture: a 0–1 score per pair, with its per-criterion breakdown.

Criteria, each 0–1:

- topic: the share of the venture's needs the mentor works on;
- text: TF-IDF cosine similarity of the need statement and the mentor's expertise;
- timezone: working hours in common, as a share of a working day;
- sector: 1 when the mentor knows the venture's sector;
- stage: 1 when the venture's stage is one the mentor prefers, 0 when not, ½ when the mentor has no
  preference;
- preference: being one of the venture's ranked mentors, 1 for the first choice down to ⅕ for the fifth.

The score is the weighted mean of the criteria that apply to the venture: one without a need statement,
needs, sector, stage or preferences is scored on the rest, so its scores stay on the same 0–1 scale.
Everything is computed over whole venture × mentor matrices at once (numpy), not pair by pair.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from . import text_similarity, working_hours
from .explain import PairFacts
from .models import CRITERIA, MAX_PREFERENCES, Id, Mentor, Venture, Weights
from .rules import RuleMasks, rule_masks

NEUTRAL_STAGE = 0.5
#: Scores are compared with the minimum score with this much slack, so rounding never drops a pair.
SCORE_TOLERANCE = 1e-12


@dataclass
class ScoreTable:
    """Scores of every venture (rows) with every mentor (columns), in the order given."""

    mentors: tuple[Mentor, ...]
    ventures: tuple[Venture, ...]
    weights: Weights
    reference_date: datetime.date
    #: criterion → venture × mentor matrix of 0–1 scores
    criteria: dict[str, np.ndarray]
    #: criterion → per venture, whether the criterion applies
    applies: dict[str, np.ndarray]
    total: np.ndarray
    rules: RuleMasks
    #: venture × mentor: the mentor's place in the venture's preferences, 0 when not ranked
    preference_rank: np.ndarray

    @property
    def allowed(self) -> np.ndarray:
        return self.rules.allowed

    def acceptable(self, min_score: float = 0.0) -> np.ndarray:
        """Pairs that keep every hard rule and score at least `min_score`."""
        return self.rules.allowed & (self.total >= min_score - SCORE_TOLERANCE)

    @property
    def capacities(self) -> np.ndarray:
        return np.array([m.capacity for m in self.mentors], dtype=np.int64)

    def mentor_index(self) -> dict[Id, int]:
        return {m.id: j for j, m in enumerate(self.mentors)}

    def venture_index(self) -> dict[Id, int]:
        return {v.id: i for i, v in enumerate(self.ventures)}

    def breakdown(self, i: int, j: int) -> dict[str, float]:
        return {c: float(self.criteria[c][i, j]) for c in CRITERIA if self.applies[c][i]}

    def facts(self, i: int, j: int) -> PairFacts:
        venture, mentor = self.ventures[i], self.mentors[j]
        rank = int(self.preference_rank[i, j]) or None
        day, weights = self.reference_date, self.weights
        return PairFacts(
            shared_topics=sorted(venture.needs & mentor.topics),
            missing_topics=sorted(venture.needs - mentor.topics),
            shared_languages=sorted(venture.languages & mentor.languages),
            hours_apart=working_hours.hours_apart(venture.timezone, mentor.timezone, day),
            common_hours=working_hours.common_hours(
                venture.timezone, mentor.timezone, day, weights.work_start, weights.work_end
            ),
            working_day=weights.work_end - weights.work_start,
            shared_sector=venture.sector if venture.sector in mentor.sectors else None,
            preferred_stage=venture.stage if venture.stage in mentor.stages else None,
            shared_words=text_similarity.shared_words(venture.need_statement, mentor.expertise_text),
            rank=rank,
            reason=venture.preferences[rank - 1].reason if rank else "",
        )


def score(
    mentors: Sequence[Mentor],
    ventures: Sequence[Venture],
    weights: Weights | None = None,
    reference_date: datetime.date | None = None,
) -> ScoreTable:
    weights = weights or Weights()
    day = reference_date or weights.reference_date or datetime.date.today()
    mentors, ventures = tuple(mentors), tuple(ventures)
    _check_ids(mentors, "mentor")
    _check_ids(ventures, "venture")

    preference_rank = _preference_ranks(mentors, ventures)
    scored = {
        "topic": _topic(mentors, ventures),
        "text": _text(mentors, ventures),
        "timezone": _timezone(mentors, ventures, weights, day),
        "sector": _holds([v.sector for v in ventures], [m.sectors for m in mentors]),
        "stage": _stage(mentors, ventures),
        "preference": (
            np.where(preference_rank > 0, (MAX_PREFERENCES + 1 - preference_rank) / MAX_PREFERENCES, 0.0),
            (preference_rank > 0).any(axis=1),
        ),
    }
    criteria = {c: scored[c][0] for c in CRITERIA}
    applies = {c: scored[c][1] for c in CRITERIA}

    weighted = np.zeros((len(ventures), len(mentors)))
    weight_sum = np.zeros(len(ventures))
    for criterion in CRITERIA:
        w = weights.of(criterion) * applies[criterion]
        weighted += w[:, None] * criteria[criterion]
        weight_sum += w
    total = np.clip(weighted / np.where(weight_sum > 0, weight_sum, 1)[:, None], 0.0, 1.0)

    return ScoreTable(
        mentors=mentors,
        ventures=ventures,
        weights=weights,
        reference_date=day,
        criteria=criteria,
        applies=applies,
        total=total,
        rules=rule_masks(mentors, ventures),
        preference_rank=preference_rank,
    )


# Each criterion: a venture × mentor matrix of 0–1 scores, and per venture whether it applies.
Scored = tuple[np.ndarray, np.ndarray]


def _topic(mentors: Sequence[Mentor], ventures: Sequence[Venture]) -> Scored:
    topics = _index([*(t for m in mentors for t in m.topics), *(t for v in ventures for t in v.needs)])
    needs = _membership([v.needs for v in ventures], topics)
    offered = _membership([m.topics for m in mentors], topics)
    need_counts = needs.sum(axis=1)
    return (needs @ offered.T) / np.maximum(need_counts, 1)[:, None], need_counts > 0


def _text(mentors: Sequence[Mentor], ventures: Sequence[Venture]) -> Scored:
    similarity = text_similarity.similarity_matrix(
        [v.need_statement for v in ventures], [m.expertise_text for m in mentors]
    )
    has_statement = np.array([bool(text_similarity.words(v.need_statement)) for v in ventures], dtype=bool)
    return similarity, has_statement


def _timezone(
    mentors: Sequence[Mentor], ventures: Sequence[Venture], weights: Weights, day: datetime.date
) -> Scored:
    # Few distinct zones: compute zone × zone, then spread over people.
    for timezone in {p.timezone for p in (*mentors, *ventures)}:
        working_hours.check_timezone(timezone)
    venture_zones = _index(v.timezone for v in ventures)
    mentor_zones = _index(m.timezone for m in mentors)
    common = working_hours.common_hours_matrix(
        list(venture_zones), list(mentor_zones), day, weights.work_start, weights.work_end
    )
    share = common / (weights.work_end - weights.work_start)
    rows = np.array([venture_zones[v.timezone] for v in ventures], dtype=np.int64)
    columns = np.array([mentor_zones[m.timezone] for m in mentors], dtype=np.int64)
    return share[np.ix_(rows, columns)], np.ones(len(ventures), dtype=bool)


def _stage(mentors: Sequence[Mentor], ventures: Sequence[Venture]) -> Scored:
    preferred, has_stage = _holds([v.stage for v in ventures], [m.stages for m in mentors])
    no_preference = np.array([not m.stages for m in mentors], dtype=bool)
    return np.where(no_preference[None, :], NEUTRAL_STAGE, preferred), has_stage


def _preference_ranks(mentors: Sequence[Mentor], ventures: Sequence[Venture]) -> np.ndarray:
    """venture × mentor: the mentor's rank in the venture's preferences, 0 when not ranked."""
    mentor_index = {m.id: j for j, m in enumerate(mentors)}
    ranks = np.zeros((len(ventures), len(mentors)), dtype=np.int8)
    for i, venture in enumerate(ventures):
        for rank, preference in enumerate(venture.preferences, start=1):
            if preference.mentor_id in mentor_index:  # a mentor outside this run is ignored
                ranks[i, mentor_index[preference.mentor_id]] = rank
    return ranks


def _check_ids(people: Sequence[Mentor | Venture], kind: str) -> None:
    seen: set[Id] = set()
    for person in people:
        if person.id in seen:
            raise ValueError(f"two {kind}s have the id {person.id!r}")
        seen.add(person.id)


def _index(labels: Iterable[str]) -> dict[str, int]:
    """Each distinct label → its column, in sorted order."""
    return {label: i for i, label in enumerate(sorted(set(labels)))}


def _membership(sets: Sequence[frozenset[str]], index: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), len(index)))
    for row, labels in enumerate(sets):
        matrix[row, [index[label] for label in labels]] = 1
    return matrix


def _holds(values: Sequence[str], sets: Sequence[frozenset[str]]) -> Scored:
    """values[i] ∈ sets[j] for every (i, j), and whether values[i] is set at all."""
    index = _index([*(v for v in values if v), *(label for s in sets for label in s)])
    members = _membership(sets, index)  # mentors × labels
    present = np.array([bool(v) for v in values], dtype=bool)
    columns = np.array([index[v] if v else 0 for v in values], dtype=np.int64)
    if not index:
        return np.zeros((len(values), len(sets))), present
    held = members[:, columns].T * present[:, None]
    return held, present
