"""Random but realistic mentors and ventures for the matching tests (always from a seeded `random.Random`)."""

from __future__ import annotations

import dataclasses
import random

from mentorship.matching import Mentor, Preference, Venture

TOPICS = [
    "funding",
    "governance and decision-making",
    "legal structure",
    "technology",
    "finance",
    "marketing and members",
    "community",
    "exit to community",
]
SECTORS = ["ride-hailing", "food delivery", "freelancing", "music streaming", "care work", "housing"]
STAGES = ["idea", "planning", "launch", "growth"]
ZONES = [
    "Europe/Paris",
    "Europe/London",
    "Europe/Madrid",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Australia/Sydney",
]
LANGUAGES = ["en", "fr", "es", "de", "pt", "sw"]
COOPS = [f"coop-{n}" for n in range(1, 9)]

EXPERTISE = [
    "I drafted the bylaws and member voting rules of a riders' cooperative.",
    "Raised community shares and a loan from a co-operative bank for our platform.",
    "Built the mobile app and cloud infrastructure of a drivers' co-op.",
    "Ran member recruitment campaigns and a newsletter for a music streaming co-op.",
    "Set up sociocracy circles and consent decision-making in a freelancers' co-op.",
    "Accountant for worker co-ops: budgets, cash flow, patronage dividends.",
    "Led an exit to community: the founders sold the platform to its users.",
]
NEEDS = [
    "We need help writing our bylaws and deciding how members vote.",
    "Looking for funding: community shares, grants or a loan.",
    "Our app needs a reliable backend and a mobile client for couriers.",
    "How do we find our first thousand members and keep them engaged?",
    "We want to convert our startup into a co-op owned by its users.",
    "Help with cash flow forecasts and pricing for our care workers' platform.",
]


def random_mentor(rng: random.Random, mentor_id, max_capacity: int = 3) -> Mentor:
    languages = {"en"} if rng.random() < 0.6 else set()
    languages |= set(rng.sample(LANGUAGES, rng.randint(1, 2)))
    return Mentor(
        id=mentor_id,
        name=f"Mentor {mentor_id}",
        languages=languages,
        timezone=rng.choice(ZONES),
        capacity=rng.randint(0 if rng.random() < 0.1 else 1, max_capacity),
        topics=set(rng.sample(TOPICS, rng.randint(1, 4))),
        sectors=set(rng.sample(SECTORS, rng.randint(0, 2))),
        stages=set(rng.sample(STAGES, rng.randint(0, 2))),
        expertise_text=" ".join(rng.sample(EXPERTISE, rng.randint(1, 2))),
        home_coop_id=rng.choice([None, *COOPS]),
        excluded_venture_ids=set(),
    )


def random_venture(rng: random.Random, venture_id, mentor_ids, preferences: bool = True) -> Venture:
    ranked = rng.sample(mentor_ids, min(len(mentor_ids), rng.randint(0, 5))) if preferences else []
    return Venture(
        id=venture_id,
        name=f"Venture {venture_id}",
        languages=set(rng.sample(LANGUAGES, rng.randint(1, 2))),
        timezone=rng.choice(ZONES),
        needs=set(rng.sample(TOPICS, rng.randint(0, 3))),
        need_statement=" ".join(rng.sample(NEEDS, rng.randint(0, 2))),
        stage=rng.choice(["", *STAGES]),
        sector=rng.choice(["", *SECTORS]),
        founder_coop_ids=set(rng.sample(COOPS, rng.randint(0, 2))),
        excluded_mentor_ids={rng.choice(mentor_ids)} if mentor_ids and rng.random() < 0.15 else set(),
        preferences=[Preference(m, f"reason {n}") for n, m in enumerate(ranked, start=1)],
    )


def random_instance(rng: random.Random, n_ventures: int, n_mentors: int, max_capacity: int = 3):
    """Mentor ids are ints and venture ids zero-padded strings, so sorting by id keeps their order."""
    mentors = [random_mentor(rng, j, max_capacity) for j in range(n_mentors)]
    ids = [m.id for m in mentors]
    ventures = [random_venture(rng, f"v{i:03d}", ids) for i in range(n_ventures)]
    venture_ids = [v.id for v in ventures]
    # A few mentors exclude a venture themselves.
    mentors = [
        dataclasses.replace(m, excluded_venture_ids={rng.choice(venture_ids)})
        if venture_ids and rng.random() < 0.15
        else m
        for m in mentors
    ]
    return mentors, ventures
