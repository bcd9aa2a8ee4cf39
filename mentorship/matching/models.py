"""What the engine takes in and gives back: plain, immutable dataclasses.

Collections passed in as lists or sets are stored as frozensets and tuples, so inputs can be hashed,
compared and recorded exactly as they were matched.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

Id = int | str

MAX_PREFERENCES = 5
CRITERIA = ("topic", "text", "timezone", "sector", "stage", "preference")


def _labels(values: Iterable[str] | None) -> frozenset[str]:
    if isinstance(values, str):
        values = [values]
    return frozenset(v.strip() for v in values or () if v and v.strip())


def _language_codes(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(v.casefold() for v in _labels(values))


def _ids(values: Iterable[Id] | None) -> frozenset[Id]:
    if isinstance(values, int | str):
        values = [values]
    return frozenset(v for v in values or () if v is not None and v != "")


def id_key(value: Id) -> tuple[str, Id]:
    """Sort key that orders ids of one type naturally and never compares an int with a str."""
    return (type(value).__name__, value)


@dataclass(frozen=True)
class Mentor:
    id: Id
    name: str
    languages: frozenset[str]
    timezone: str = "UTC"
    capacity: int = 1
    topics: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    #: Stages of venture this mentor prefers to work with; empty means any stage.
    stages: frozenset[str] = frozenset()
    expertise_text: str = ""
    home_coop_id: Id | None = None
    excluded_venture_ids: frozenset[Id] = frozenset()

    def __post_init__(self):
        _set(self, "topics", _labels(self.topics))
        _set(self, "sectors", _labels(self.sectors))
        _set(self, "stages", _labels(self.stages))
        _set(self, "languages", _language_codes(self.languages))
        _set(self, "excluded_venture_ids", _ids(self.excluded_venture_ids))
        _set(self, "expertise_text", self.expertise_text or "")
        try:
            capacity = operator.index(self.capacity)
        except TypeError:
            capacity = -1
        if isinstance(self.capacity, bool) or capacity < 0:
            raise ValueError(f"mentor {self.id!r}: capacity must be ≥ 0, not {self.capacity!r}")
        _set(self, "capacity", capacity)


@dataclass(frozen=True)
class Preference:
    """One of a venture's ranked mentors; the rank is its position in `Venture.preferences`."""

    mentor_id: Id
    reason: str = ""


@dataclass(frozen=True)
class Venture:
    id: Id
    name: str
    languages: frozenset[str]
    timezone: str = "UTC"
    needs: frozenset[str] = frozenset()
    need_statement: str = ""
    stage: str = ""
    sector: str = ""
    #: The venture's own directory entry, when it has one.
    coop_id: Id | None = None
    #: Co-ops the founders belong to: a mentor from one of them has a conflict of interest.
    founder_coop_ids: frozenset[Id] = frozenset()
    excluded_mentor_ids: frozenset[Id] = frozenset()
    #: Up to five mentors, best first: `Preference`s, `(mentor_id, reason)` pairs or bare mentor ids.
    preferences: tuple[Preference, ...] = ()

    def __post_init__(self):
        _set(self, "needs", _labels(self.needs))
        _set(self, "languages", _language_codes(self.languages))
        _set(self, "founder_coop_ids", _ids(self.founder_coop_ids))
        _set(self, "excluded_mentor_ids", _ids(self.excluded_mentor_ids))
        _set(self, "need_statement", self.need_statement or "")
        _set(self, "stage", (self.stage or "").strip())
        _set(self, "sector", (self.sector or "").strip())
        preferences = tuple(_preference(p) for p in self.preferences or ())
        if len(preferences) > MAX_PREFERENCES:
            raise ValueError(f"venture {self.id!r}: at most {MAX_PREFERENCES} preferences")
        if len({p.mentor_id for p in preferences}) != len(preferences):
            raise ValueError(f"venture {self.id!r}: a mentor is ranked twice")
        _set(self, "preferences", preferences)

    @property
    def coop_ids(self) -> frozenset[Id]:
        """Every co-op whose people may not mentor this venture."""
        return self.founder_coop_ids | ({self.coop_id} if self.coop_id is not None else frozenset())

    def preference_rank(self, mentor_id: Id) -> int | None:
        for rank, preference in enumerate(self.preferences, start=1):
            if preference.mentor_id == mentor_id:
                return rank
        return None


@dataclass(frozen=True)
class Weights:
    """A programme's matching settings. Criterion weights are relative: they need not sum to 1."""

    topic: float = 0.30
    text: float = 0.15
    timezone: float = 0.15
    sector: float = 0.10
    stage: float = 0.05
    #: Being one of the venture's ranked mentors: 1st choice counts fully, 5th a fifth.
    preference: float = 0.25
    #: Local working hours, used for the time zone overlap.
    work_start: float = 9.0
    work_end: float = 18.0
    #: The day whose UTC offsets (summer or winter time) are used; `match` fills in today when unset.
    reference_date: datetime.date | None = None

    def __post_init__(self):
        values = [getattr(self, name) for name in CRITERIA]
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise ValueError("criterion weights must be ≥ 0 and not all 0")
        if not 0 <= self.work_start < self.work_end <= 24:
            raise ValueError("working hours must satisfy 0 ≤ work_start < work_end ≤ 24")

    def of(self, criterion: str) -> float:
        return float(getattr(self, criterion))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reference_date"] = self.reference_date.isoformat() if self.reference_date else None
        return data


@dataclass(frozen=True)
class Proposal:
    venture_id: Id
    mentor_id: Id
    #: 0–1: the weighted mean of the criteria that apply to this venture.
    score: float
    #: criterion → 0–1; a criterion that cannot apply (e.g. no need statement) is left out.
    breakdown: Mapping[str, float]
    explanation: str
    #: The mentor's place in the venture's preferences (1 = first choice), or None.
    rank: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "venture_id": self.venture_id,
            "mentor_id": self.mentor_id,
            "score": self.score,
            "breakdown": dict(self.breakdown),
            "explanation": self.explanation,
            "rank": self.rank,
        }


@dataclass(frozen=True)
class MatchResult:
    proposals: tuple[Proposal, ...]
    unmatched: tuple[Id, ...]
    metrics: Mapping[str, Any]
    algorithm: str
    #: sha256 of the canonical inputs (people, weights, algorithm, minimum score, engine version).
    input_hash: str
    #: venture id → why no mentor was proposed, in words.
    unmatched_reasons: Mapping[Id, str] = field(default_factory=dict)
    #: The settings used, with the reference date filled in.
    weights: Weights | None = None
    min_score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "input_hash": self.input_hash,
            "weights": self.weights.as_dict() if self.weights else None,
            "min_score": self.min_score,
            "metrics": dict(self.metrics),
            "proposals": [p.as_dict() for p in self.proposals],
            "unmatched": list(self.unmatched),
            "unmatched_reasons": [[k, v] for k, v in self.unmatched_reasons.items()],
        }


def _set(instance: Any, name: str, value: Any) -> None:
    object.__setattr__(instance, name, value)


def _preference(value: Preference | tuple | Id) -> Preference:
    if isinstance(value, Preference):
        return value
    if isinstance(value, tuple):
        return Preference(*value)
    return Preference(value)
