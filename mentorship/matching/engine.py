"""The one entry point: `match(mentors, ventures, weights, algorithm, min_score) -> MatchResult`."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import rules
from .explain import explain
from .metrics import run_metrics
from .models import MatchResult, Mentor, Proposal, Venture, Weights, id_key
from .scoring import ScoreTable, score
from .solvers import SOLVERS, UNMATCHED

#: Part of every input hash: bump it when a change to the engine changes results for the same inputs.
ENGINE_VERSION = "1"


def match(
    mentors: Sequence[Mentor],
    ventures: Sequence[Venture],
    weights: Weights | None = None,
    algorithm: str = "optimal",
    min_score: float = 0.0,
) -> MatchResult:
    """Propose at most one mentor per venture, keeping every hard rule, with metrics and explanations.

    The result does not depend on the order of the inputs: people are sorted by id first.
    """
    if algorithm not in SOLVERS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose from {', '.join(SOLVERS)}")
    if not 0.0 <= min_score <= 1.0:
        raise ValueError("min_score must be between 0 and 1")
    weights = weights or Weights()
    if weights.reference_date is None:
        weights = dataclasses.replace(weights, reference_date=datetime.date.today())
    mentors = sorted(mentors, key=lambda m: id_key(m.id))
    ventures = sorted(ventures, key=lambda v: id_key(v.id))

    table = score(mentors, ventures, weights)
    assignment = SOLVERS[algorithm](table, min_score)
    metrics = run_metrics(table, assignment, min_score)

    proposals = []
    for i in np.flatnonzero(assignment != UNMATCHED).tolist():
        j = int(assignment[i])
        proposals.append(
            Proposal(
                venture_id=ventures[i].id,
                mentor_id=mentors[j].id,
                score=float(table.total[i, j]),
                breakdown=table.breakdown(i, j),
                explanation=explain(table.facts(i, j)),
                rank=int(table.preference_rank[i, j]) or None,
            )
        )
    rules.check_assignment(mentors, ventures, [(p.venture_id, p.mentor_id) for p in proposals])
    unmatched_rows = np.flatnonzero(assignment == UNMATCHED).tolist()
    return MatchResult(
        proposals=tuple(proposals),
        unmatched=tuple(ventures[i].id for i in unmatched_rows),
        metrics=metrics,
        algorithm=algorithm,
        input_hash=input_hash(mentors, ventures, weights, algorithm, min_score),
        unmatched_reasons={ventures[i].id: why_unmatched(table, i, min_score) for i in unmatched_rows},
        weights=weights,
        min_score=min_score,
    )


def why_unmatched(table: ScoreTable, i: int, min_score: float) -> str:
    masks = table.rules
    speaks = masks.shared_language[i]
    if not speaks.any():
        return "no mentor shares a language with the venture"
    if not (speaks & masks.has_places).any():
        return "no mentor who shares a language has places"
    if not masks.allowed[i].any():
        return "every mentor who shares a language and has places has a conflict of interest"
    if not table.acceptable(min_score)[i].any():
        return f"no allowed mentor scores {min_score:g} or more"
    return "the places of every suitable mentor went to other ventures"


def input_hash(
    mentors: Sequence[Mentor], ventures: Sequence[Venture], weights: Weights, algorithm: str, min_score: float
) -> str:
    """sha256 of the inputs in a canonical form: the same people and settings always give the same hash."""
    payload = {
        "engine": ENGINE_VERSION,
        "algorithm": algorithm,
        "min_score": float(min_score),
        "weights": weights.as_dict(),
        "mentors": sorted((_canonical(m) for m in mentors), key=lambda d: id_key(d["id"])),
        "ventures": sorted((_canonical(v) for v in ventures), key=lambda d: id_key(d["id"])),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(person: Mentor | Venture) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in dataclasses.fields(person):
        value = getattr(person, field.name)
        if isinstance(value, frozenset):
            value = sorted(value, key=id_key)
        elif field.name == "preferences":
            value = [[p.mentor_id, p.reason] for p in value]
        data[field.name] = value
    return data
