"""Matching speed and quality, against a naive baseline measured in the same run.

    python benchmarks/matching_benchmark.py [--cohorts 60x25,300x120,300x120:2-4,2000x800] [--repeat 3]

Prints one JSON object. Every figure comes from this run on this machine. Cohorts are synthetic, from
a fixed seed (`--seed`), shaped like the movement: people in the countries where platform co-ops are,
speaking their languages (English often as well), the shared topic taxonomy, sectors such as ride-hailing
and food delivery, capacities 1–4 (":2-4" after a size changes them; at 300x120 with 1–4 there are about
as many places as ventures, so the default run adds 300x120:2-4 with room to spare). Four in five
ventures rank 3–5 mentors, picked the way founders browse a mentor directory: mentors who speak their
language and work on their needs, with a taste for well-known names and a good deal of noise.

Per cohort, best of `--repeat` runs each:
- seconds.scoring: every venture × mentor score and the hard-rule masks (`score`);
- seconds.optimal, seconds.stable: each solver alone, on that score table;
- seconds.greedy_baseline: best pair first (the naive baseline), on the same table;
- seconds.match_optimal, seconds.match_stable: `match` end to end (scoring, solver, metrics,
  explanations, hard-rule check, input hash);
- metrics: `metrics.py` figures for each assignment, the baseline's included.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mentorship.matching import Mentor, Preference, Venture, Weights, match, score, solvers  # noqa: E402
from mentorship.matching.metrics import run_metrics  # noqa: E402

REFERENCE_DATE = datetime.date(2026, 11, 22)

# country: (time zone, languages, relative number of people)
COUNTRIES = {
    "US": ("America/New_York", ["en"], 14),
    "US-west": ("America/Los_Angeles", ["en", "es"], 6),
    "GB": ("Europe/London", ["en"], 12),
    "ES": ("Europe/Madrid", ["es", "ca"], 8),
    "FR": ("Europe/Paris", ["fr"], 8),
    "DE": ("Europe/Berlin", ["de"], 7),
    "IT": ("Europe/Rome", ["it"], 5),
    "NL": ("Europe/Amsterdam", ["nl"], 3),
    "BE": ("Europe/Brussels", ["fr", "nl"], 3),
    "CA": ("America/Toronto", ["en", "fr"], 5),
    "BR": ("America/Sao_Paulo", ["pt"], 5),
    "AR": ("America/Argentina/Buenos_Aires", ["es"], 4),
    "MX": ("America/Mexico_City", ["es"], 3),
    "CO": ("America/Bogota", ["es"], 2),
    "IN": ("Asia/Kolkata", ["hi", "en"], 5),
    "KE": ("Africa/Nairobi", ["sw", "en"], 3),
    "ZA": ("Africa/Johannesburg", ["en", "af"], 2),
    "NG": ("Africa/Lagos", ["en", "yo"], 2),
    "AU": ("Australia/Sydney", ["en"], 3),
    "JP": ("Asia/Tokyo", ["ja"], 2),
    "KR": ("Asia/Seoul", ["ko"], 1),
    "NZ": ("Pacific/Auckland", ["en"], 1),
}
TOPICS = {
    # topic: (popularity, phrases mentors use, phrases founders use)
    "funding": (5, ["raised community shares", "grant applications", "investor relations with co-op funds"],
                ["we need funding", "looking for seed money and community shares", "grants or loans"]),
    "governance and decision-making": (5, ["wrote bylaws", "member voting and sociocracy", "boards"],
                                       ["how should members vote", "our bylaws", "decision-making"]),
    "legal structure": (4, ["incorporated multi-stakeholder co-ops", "legal forms and registration"],
                        ["which legal form", "registering our co-operative", "legal structure"]),
    "technology": (4, ["built the mobile app", "platform engineering and cloud hosting", "open source"],
                   ["our app needs a backend", "choosing open source software", "mobile app for workers"]),
    "finance": (3, ["accounting for worker co-ops", "cash flow and pricing", "patronage dividends"],
                ["cash flow forecasts", "pricing our service", "bookkeeping"]),
    "marketing and members": (3, ["member recruitment campaigns", "marketing to customers", "newsletters"],
                              ["finding our first members", "marketing on a shoestring", "growing"]),
    "community": (2, ["community organising", "neighbourhood assemblies"],
                  ["building a community around us", "organising drivers and riders"]),
    "exit to community": (1, ["led an exit to community", "converted a startup to user ownership"],
                          ["convert our startup to a co-op", "exit to community"]),
}  # fmt: skip
SECTORS = {
    "ride-hailing": "drivers and passengers",
    "food delivery": "couriers and restaurants",
    "freelancing": "freelancers and clients",
    "music streaming": "musicians and listeners",
    "care work": "care workers and families",
    "housing": "tenants and homes",
    "data co-ops": "members' data",
    "cleaning": "cleaners and households",
}
STAGES = ["idea", "planning", "launch", "growth"]


def synthetic_cohort(n_ventures: int, n_mentors: int, seed: int, capacities: tuple[int, int] = (1, 4)):
    rng = np.random.default_rng(seed)
    countries = list(COUNTRIES)
    country_weights = np.array([COUNTRIES[c][2] for c in countries], dtype=float)
    country_weights /= country_weights.sum()
    topics = list(TOPICS)
    topic_weights = np.array([TOPICS[t][0] for t in topics], dtype=float)
    topic_weights /= topic_weights.sum()
    sectors = list(SECTORS)
    coop_pool = [f"coop-{n}" for n in range(max(40, n_mentors // 2))]

    def languages_of(country: str, english: float) -> set[str]:
        spoken = set(COUNTRIES[country][1][: 1 + int(rng.random() < 0.5)])
        if rng.random() < english:
            spoken.add("en")
        return spoken

    mentors = []
    popularity = rng.beta(1.5, 6.0, n_mentors)  # 0–1, most unknown, a few well-known names
    for j in range(n_mentors):
        country = countries[rng.choice(len(countries), p=country_weights)]
        mine = list(rng.choice(topics, size=rng.integers(2, 5), replace=False, p=topic_weights))
        my_sectors = list(rng.choice(sectors, size=rng.integers(1, 3), replace=False))
        phrases = [str(rng.choice(TOPICS[t][1])) for t in mine] + [
            f"worked with {SECTORS[s]}" for s in my_sectors
        ]
        mentors.append(
            Mentor(
                id=j,
                name=f"Mentor {j}",
                languages=languages_of(country, english=0.7),
                timezone=COUNTRIES[country][0],
                capacity=int(rng.integers(capacities[0], capacities[1] + 1)),
                topics=set(mine),
                sectors=set(my_sectors),
                stages=set(rng.choice(STAGES, size=rng.integers(0, 3), replace=False)),
                expertise_text="; ".join(phrases) + ".",
                home_coop_id=str(rng.choice(coop_pool)) if rng.random() < 0.8 else None,
            )
        )

    ventures = []
    for i in range(n_ventures):
        country = countries[rng.choice(len(countries), p=country_weights)]
        needs = list(rng.choice(topics, size=rng.integers(1, 4), replace=False, p=topic_weights))
        sector = str(rng.choice(sectors))
        statement = ", ".join(str(rng.choice(TOPICS[t][2])) for t in needs)
        ventures.append(
            dict(
                id=f"v{i:05d}",
                name=f"Venture {i}",
                languages=languages_of(country, english=0.5),
                timezone=COUNTRIES[country][0],
                needs=set(needs),
                need_statement=f"A platform for {SECTORS[sector]}: {statement}.",
                stage=str(rng.choice(STAGES)),
                sector=sector,
                founder_coop_ids={
                    str(c) for c in rng.choice(coop_pool, size=rng.integers(0, 3), replace=False)
                },
            )
        )

    # Founders rank mentors they can talk to and who work on their needs, with noise and a taste for fame.
    table = score(mentors, [Venture(**v) for v in ventures], Weights(reference_date=REFERENCE_DATE))
    perceived = (
        table.criteria["topic"]
        + 0.5 * table.criteria["sector"]
        + 0.5 * popularity[None, :]
        + rng.normal(0, 0.35, table.total.shape)
    )
    perceived[~table.allowed] = -np.inf
    ranked = np.argsort(-perceived, axis=1)[:, :5]
    result = []
    for i, venture in enumerate(ventures):
        if rng.random() < 0.8:
            k = int(rng.integers(3, 6))
            chosen = [j for j in ranked[i, :k].tolist() if np.isfinite(perceived[i, j])]
            venture["preferences"] = [Preference(j, "works on what we need") for j in chosen]
        result.append(Venture(**venture))
    return mentors, result


def best_time(function, repeat: int):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return round(best, 4), value


def run(cohort: str, seed: int, repeat: int) -> dict:
    size, _, capacity_range = cohort.partition(":")
    n_ventures, n_mentors = map(int, size.split("x"))
    capacities = tuple(map(int, (capacity_range or "1-4").split("-")))
    mentors, ventures = synthetic_cohort(n_ventures, n_mentors, seed, capacities)
    weights = Weights(reference_date=REFERENCE_DATE)
    seconds, metrics = {}, {}
    seconds["scoring"], table = best_time(lambda: score(mentors, ventures, weights), repeat)
    assignments = {}
    for name, solve in (
        ("optimal", solvers.optimal),
        ("stable", solvers.stable),
        ("greedy_baseline", solvers.greedy),
    ):
        seconds[name], assignments[name] = best_time(lambda solve=solve: solve(table, 0.0), repeat)
        metrics[name] = run_metrics(table, assignments[name])
    for algorithm in ("optimal", "stable"):
        seconds[f"match_{algorithm}"], result = best_time(
            lambda algorithm=algorithm: match(mentors, ventures, weights, algorithm=algorithm), repeat
        )
        assert result.metrics == metrics[algorithm]
    return {
        "cohort": cohort,
        "ventures": n_ventures,
        "capacities": f"{capacities[0]}-{capacities[1]}",
        "mentors": n_mentors,
        "places": int(sum(m.capacity for m in mentors)),
        "allowed_pairs_share": round(float(table.allowed.mean()), 4),
        "ventures_with_preferences": sum(1 for v in ventures if v.preferences),
        "seconds": seconds,
        "metrics": metrics,
        "optimal_total_over_greedy_total": round(
            metrics["optimal"]["total_score"] / metrics["greedy_baseline"]["total_score"], 4
        ),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cohorts",
        default="60x25,300x120,300x120:2-4,2000x800",
        help="VENTURESxMENTORS[:MIN-MAX capacities, default 1-4], comma-separated",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is reported")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    cohorts = [run(cohort, seed=args.seed, repeat=args.repeat) for cohort in args.cohorts.split(",")]
    by_size = {c["cohort"]: c for c in cohorts}
    targets = {}
    if "2000x800" in by_size:
        big = by_size["2000x800"]["seconds"]
        targets["2000x800_optimal_within_1s"] = big["optimal"] <= 1.0
        targets["2000x800_stable_within_1s"] = big["stable"] <= 1.0
    for name in ("300x120", "300x120:2-4"):
        if name in by_size:
            mid = by_size[name]["metrics"]["optimal"]
            targets[f"{name}_enough_places"] = by_size[name]["places"] >= by_size[name]["ventures"]
            targets[f"{name}_optimal_matches_all"] = mid["share_matched"] == 1.0
            targets[f"{name}_optimal_matches_all_matchable"] = mid["share_of_matchable_matched"] == 1.0
            targets[f"{name}_optimal_mean_rank_at_most_2.1"] = (mid["mean_rank"] or 99) <= 2.1
            targets[f"{name}_optimal_top3_at_least_85pc"] = (mid["top3_share"] or 0) >= 0.85
    targets["stable_never_blocked"] = all(c["metrics"]["stable"]["blocking_pairs"] == 0 for c in cohorts)
    report = {
        "benchmark": "matching",
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "cpus": os.cpu_count(),
        },
        "seed": args.seed,
        "reference_date": REFERENCE_DATE.isoformat(),
        "repeat": args.repeat,
        "cohorts": cohorts,
        "targets": targets,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
