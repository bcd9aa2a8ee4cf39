"""Matching mentors with ventures: plain Python (numpy, scipy), no Django, so it can be tested alone.

    from mentorship.matching import Mentor, Venture, Weights, match
    result = match(mentors, ventures, Weights(reference_date=cohort_start), algorithm="stable")

Inputs are dataclasses (`models.py`). A pair is only ever proposed when it keeps the hard rules
(`rules.py`); it is scored 0–1 on weighted criteria (`scoring.py`), assigned by a solver (`solvers.py`),
explained in words (`explain.py`) and the run is measured (`metrics.py`).
"""

from .engine import ENGINE_VERSION, input_hash, match
from .models import CRITERIA, MAX_PREFERENCES, MatchResult, Mentor, Preference, Proposal, Venture, Weights
from .rules import RuleBroken, check_assignment, is_allowed, rule_breaks
from .scoring import ScoreTable, score
from .solvers import SOLVERS

ALGORITHMS = tuple(SOLVERS)

__all__ = [
    "ALGORITHMS",
    "CRITERIA",
    "ENGINE_VERSION",
    "MAX_PREFERENCES",
    "MatchResult",
    "Mentor",
    "Preference",
    "Proposal",
    "RuleBroken",
    "ScoreTable",
    "Venture",
    "Weights",
    "check_assignment",
    "input_hash",
    "is_allowed",
    "match",
    "rule_breaks",
    "score",
]
