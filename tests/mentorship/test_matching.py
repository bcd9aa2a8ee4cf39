"""The matching engine: hard rules, scores, both solvers against brute force and stability, explanations.

Property-style checks run over many random instances drawn from a fixed seed (hypothesis is not
installed); the rules and stability are re-checked here with plain loops, independently of the engine.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from mentorship.matching import (
    Mentor,
    Preference,
    RuleBroken,
    Venture,
    Weights,
    check_assignment,
    input_hash,
    match,
    score,
    solvers,
)
from mentorship.matching.explain import PairFacts, explain
from mentorship.matching.metrics import blocking_pairs, run_metrics
from mentorship.matching.text_similarity import similarity_matrix
from mentorship.matching.working_hours import common_hours, hours_apart

from .factories import random_instance

WINTER = datetime.date(2026, 1, 15)
WEIGHTS = Weights(reference_date=WINTER)
REPO = Path(__file__).resolve().parents[2]


def allowed_by_hand(mentor: Mentor, venture: Venture) -> bool:
    founders = set(venture.founder_coop_ids) | ({venture.coop_id} if venture.coop_id is not None else set())
    return (
        bool(set(mentor.languages) & set(venture.languages))
        and mentor.capacity > 0
        and (mentor.home_coop_id is None or mentor.home_coop_id not in founders)
        and venture.id not in mentor.excluded_venture_ids
        and mentor.id not in venture.excluded_mentor_ids
    )


def assert_keeps_hard_rules(result, mentors, ventures):
    mentor_by_id = {m.id: m for m in mentors}
    venture_by_id = {v.id: v for v in ventures}
    venture_counts = Counter(p.venture_id for p in result.proposals)
    assert all(count == 1 for count in venture_counts.values())
    for mentor_id, count in Counter(p.mentor_id for p in result.proposals).items():
        assert count <= mentor_by_id[mentor_id].capacity
    for proposal in result.proposals:
        assert allowed_by_hand(mentor_by_id[proposal.mentor_id], venture_by_id[proposal.venture_id])
        assert 0.0 <= proposal.score <= 1.0
    assert set(venture_counts) | set(result.unmatched) == set(venture_by_id)
    assert not set(venture_counts) & set(result.unmatched)
    assert result.metrics["mentors_over_capacity"] == 0


def total_score(table, assignment) -> float:
    return sum(table.total[i, j] for i, j in enumerate(assignment) if j >= 0)


def brute_force_best(table, min_score: float) -> float:
    """Best total over every assignment of each venture to a mentor or to nobody."""
    acceptable = table.acceptable(min_score)
    n_ventures, n_mentors = acceptable.shape
    capacity = [m.capacity for m in table.mentors]
    choices = [[-1, *(j for j in range(n_mentors) if acceptable[i, j])] for i in range(n_ventures)]
    best = 0.0
    for assignment in itertools.product(*choices):
        load = Counter(j for j in assignment if j >= 0)
        if all(load[j] <= capacity[j] for j in load):
            best = max(best, total_score(table, assignment))
    return best


def naive_blocking_pairs(table, assignment, min_score: float) -> list[tuple[int, int]]:
    """Blocking pairs with plain loops, from the documented preferences."""
    acceptable = table.acceptable(min_score)
    n_ventures, n_mentors = acceptable.shape
    venture_lists = []
    for i in range(n_ventures):
        ranked = sorted((r, j) for j, r in enumerate(table.preference_rank[i]) if r > 0 and acceptable[i, j])
        ranked_ids = [j for _, j in ranked]
        rest = sorted(
            (j for j in range(n_mentors) if acceptable[i, j] and j not in ranked_ids),
            key=lambda j: (-table.total[i, j], j),
        )
        venture_lists.append(ranked_ids + rest)
    mentor_lists = [
        sorted(range(n_ventures), key=lambda i: (-table.total[i, j], i)) for j in range(n_mentors)
    ]
    held = {j: [i for i, m in enumerate(assignment) if m == j] for j in range(n_mentors)}
    pairs = []
    for i, j in zip(*np.nonzero(acceptable), strict=True):
        current = assignment[i]
        venture_wants = current < 0 or venture_lists[i].index(j) < venture_lists[i].index(current)
        order = mentor_lists[j]
        mentor_wants = len(held[j]) < table.mentors[j].capacity or any(
            order.index(i) < order.index(k) for k in held[j]
        )
        if venture_wants and mentor_wants:
            pairs.append((int(i), int(j)))
    return pairs


# --- hard rules and capacity ---------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["optimal", "stable"])
def test_every_result_keeps_the_hard_rules(algorithm):
    rng = random.Random(20261122)
    for _ in range(60):
        mentors, ventures = random_instance(rng, rng.randint(0, 25), rng.randint(0, 12))
        min_score = rng.choice([0.0, 0.0, 0.3, 0.5])
        result = match(mentors, ventures, WEIGHTS, algorithm=algorithm, min_score=min_score)
        assert_keeps_hard_rules(result, mentors, ventures)
        assert all(p.score >= min_score - 1e-9 for p in result.proposals)


def test_capacity_is_never_exceeded_when_demand_far_outruns_it():
    rng = random.Random(7)
    mentors, ventures = random_instance(rng, 60, 5, max_capacity=2)
    mentors = [
        dataclasses.replace(m, languages={"en"}, home_coop_id=None, excluded_venture_ids=set())
        for m in mentors
    ]
    ventures = [
        dataclasses.replace(v, languages={"en"}, founder_coop_ids=set(), excluded_mentor_ids=set())
        for v in ventures
    ]
    for algorithm in ("optimal", "stable"):
        result = match(mentors, ventures, WEIGHTS, algorithm=algorithm)
        assert_keeps_hard_rules(result, mentors, ventures)
        assert len(result.proposals) == sum(m.capacity for m in mentors)
        assert result.metrics["capacity_used"] == 1.0


def test_a_conflict_of_interest_is_never_proposed_even_when_it_scores_best():
    expert = Mentor(
        1,
        "Ada",
        {"en"},
        "Europe/London",
        capacity=3,
        topics={"governance and decision-making"},
        sectors={"food delivery"},
        home_coop_id="coopcycle",
    )
    other = Mentor(2, "Bea", {"en"}, "Europe/London", capacity=4, topics={"technology"})
    founders_coop = Venture(
        "a",
        "Riders",
        {"en"},
        "Europe/London",
        needs={"governance and decision-making"},
        sector="food delivery",
        founder_coop_ids={"coopcycle"},
    )
    own_entry = dataclasses.replace(founders_coop, id="b", founder_coop_ids=set(), coop_id="coopcycle")
    excluded_by_venture = dataclasses.replace(
        founders_coop, id="c", founder_coop_ids=set(), excluded_mentor_ids={1}
    )
    excluded_by_mentor = dataclasses.replace(founders_coop, id="d", founder_coop_ids=set())
    expert = dataclasses.replace(expert, excluded_venture_ids={"d"})
    fine = dataclasses.replace(founders_coop, id="e", founder_coop_ids={"another-coop"})
    ventures = [founders_coop, own_entry, excluded_by_venture, excluded_by_mentor, fine]
    for algorithm in ("optimal", "stable"):
        result = match([expert, other], ventures, WEIGHTS, algorithm=algorithm)
        mentor_of = {p.venture_id: p.mentor_id for p in result.proposals}
        assert mentor_of == {"a": 2, "b": 2, "c": 2, "d": 2, "e": 1}


def test_no_shared_language_means_unmatched_with_the_reason():
    mentor = Mentor(1, "Jo", {"en"}, "Europe/London", capacity=2)
    venture = Venture("v", "Kooperative", {"de"}, "Europe/Berlin")
    result = match([mentor], [venture], WEIGHTS)
    assert result.proposals == ()
    assert result.unmatched == ("v",)
    assert result.unmatched_reasons == {"v": "no mentor shares a language with the venture"}


def test_check_assignment_reports_broken_rules():
    mentor = Mentor(1, "Jo", {"en"}, capacity=1)
    ventures = [Venture("a", "A", {"en"}), Venture("b", "B", {"fr"})]
    check_assignment([mentor], ventures, [("a", 1)])
    with pytest.raises(RuleBroken, match="2 ventures for 1 places"):
        check_assignment(
            [mentor], [ventures[0], dataclasses.replace(ventures[0], id="c")], [("a", 1), ("c", 1)]
        )
    with pytest.raises(RuleBroken, match="no shared language"):
        check_assignment([mentor], ventures, [("b", 1)])


def test_metrics_refuse_a_mentor_over_capacity():
    mentors = [Mentor(1, "Jo", {"en"}, capacity=1)]
    ventures = [Venture("a", "A", {"en"}), Venture("b", "B", {"en"})]
    table = score(mentors, ventures, WEIGHTS)
    with pytest.raises(RuleBroken, match="over capacity"):
        run_metrics(table, np.array([0, 0]))


# --- solvers -------------------------------------------------------------------------------------


def test_optimal_reaches_the_brute_force_optimum_on_small_instances():
    rng = random.Random(5)
    for _ in range(150):
        mentors, ventures = random_instance(rng, rng.randint(1, 6), rng.randint(1, 3), max_capacity=2)
        min_score = rng.choice([0.0, 0.0, 0.35, 0.5])
        table = score(mentors, ventures, WEIGHTS)
        assignment = solvers.optimal(table, min_score)
        assert total_score(table, assignment) == pytest.approx(brute_force_best(table, min_score), abs=1e-7)
        result = match(mentors, ventures, WEIGHTS, algorithm="optimal", min_score=min_score)
        assert sum(p.score for p in result.proposals) == pytest.approx(
            total_score(table, assignment), abs=1e-9
        )


def test_optimal_with_fewer_places_than_ventures_and_with_many_more():
    rng = random.Random(11)
    for n_ventures, n_mentors, capacity in [(6, 1, 2), (2, 3, 3), (5, 2, 1), (4, 4, 4)]:
        mentors, ventures = random_instance(rng, n_ventures, n_mentors)
        mentors = [dataclasses.replace(m, capacity=capacity) for m in mentors]
        table = score(mentors, ventures, WEIGHTS)
        assignment = solvers.optimal(table)
        assert total_score(table, assignment) == pytest.approx(brute_force_best(table, 0.0), abs=1e-7)


def test_optimal_prefers_matching_everyone_to_one_perfect_pair():
    # Ana suits both; Bo suits only "a", a little. Best total: a-Bo + b-Ana, not a-Ana alone.
    ana = Mentor(1, "Ana", {"en"}, capacity=1, topics={"funding", "technology"})
    bo = Mentor(2, "Bo", {"en"}, capacity=1, topics={"funding"})
    a = Venture("a", "A", {"en"}, needs={"funding", "technology"})
    b = Venture("b", "B", {"en"}, needs={"technology"})
    result = match([ana, bo], [a, b], Weights(reference_date=WINTER, text=0, stage=0))
    assert {(p.venture_id, p.mentor_id) for p in result.proposals} == {("a", 2), ("b", 1)}


def test_min_score_leaves_poor_fits_unmatched():
    mentor = Mentor(1, "Ana", {"en"}, "Europe/London", capacity=2, topics={"funding"})
    good = Venture("good", "Good", {"en"}, "Europe/London", needs={"funding"})
    poor = Venture("poor", "Poor", {"en"}, "Australia/Sydney", needs={"legal structure"})
    for algorithm in ("optimal", "stable"):
        result = match([mentor], [good, poor], WEIGHTS, algorithm=algorithm, min_score=0.5)
        assert [p.venture_id for p in result.proposals] == ["good"]
        assert result.unmatched_reasons == {"poor": "no allowed mentor scores 0.5 or more"}


def test_stable_leaves_no_blocking_pair():
    rng = random.Random(99)
    for _ in range(80):
        mentors, ventures = random_instance(rng, rng.randint(1, 30), rng.randint(1, 10))
        min_score = rng.choice([0.0, 0.0, 0.3])
        table = score(mentors, ventures, WEIGHTS)
        assignment = solvers.stable(table, min_score).tolist()
        assert naive_blocking_pairs(table, assignment, min_score) == []
        assert blocking_pairs(table, np.array(assignment), min_score) == 0


def test_blocking_pair_count_agrees_with_a_plain_loop_on_other_assignments():
    rng = random.Random(3)
    seen_some = False
    for _ in range(40):
        mentors, ventures = random_instance(rng, rng.randint(2, 20), rng.randint(1, 8))
        table = score(mentors, ventures, WEIGHTS)
        for solve in (solvers.optimal, solvers.greedy):
            assignment = solve(table, 0.0)
            expected = naive_blocking_pairs(table, assignment.tolist(), 0.0)
            assert blocking_pairs(table, assignment, 0.0) == len(expected)
            seen_some |= bool(expected)
    assert seen_some  # the check did meet unstable assignments


def test_stable_gives_ventures_their_first_choice_when_mentors_agree():
    mentors = [Mentor(j, f"M{j}", {"en"}, capacity=1, topics={"funding"}) for j in (1, 2, 3)]
    ventures = [
        Venture("a", "A", {"en"}, needs={"funding"}, preferences=[3, 1]),
        Venture("b", "B", {"en"}, needs={"funding"}, preferences=[1, 3]),
        Venture("c", "C", {"en"}, needs={"funding"}, preferences=[2]),
    ]
    result = match(mentors, ventures, WEIGHTS, algorithm="stable")
    assert {p.venture_id: (p.mentor_id, p.rank) for p in result.proposals} == {
        "a": (3, 1),
        "b": (1, 1),
        "c": (2, 1),
    }
    assert result.metrics["first_choice_share"] == 1.0
    assert result.metrics["mean_rank"] == 1.0


def test_stable_runs_without_recursion_on_a_large_cohort():
    rng = random.Random(1)
    mentors, ventures = random_instance(rng, 300, 120, max_capacity=4)
    limit = sys.getrecursionlimit()
    result = match(mentors, ventures, WEIGHTS, algorithm="stable")
    assert sys.getrecursionlimit() == limit
    assert result.metrics["blocking_pairs"] == 0
    assert_keeps_hard_rules(result, mentors, ventures)


def test_greedy_baseline_never_beats_optimal():
    rng = random.Random(17)
    for _ in range(20):
        mentors, ventures = random_instance(rng, rng.randint(5, 40), rng.randint(2, 15))
        table = score(mentors, ventures, WEIGHTS)
        assert total_score(table, solvers.greedy(table)) <= total_score(table, solvers.optimal(table)) + 1e-9


# --- scoring -------------------------------------------------------------------------------------


def test_tfidf_ranks_relevant_expertise_above_unrelated():
    need = "We need help writing bylaws and deciding how our drivers vote as members of the cooperative."
    expertise = [
        "Mobile app developer: React Native, payments and cloud hosting.",
        "I drafted the bylaws and the member voting rules of a drivers' co-operative.",
        "Music producer and sound engineer.",
    ]
    similarity = similarity_matrix([need], expertise)[0]
    assert similarity.argmax() == 1
    assert similarity[1] > 2 * max(similarity[0], similarity[2])
    assert similarity_matrix(["Coopérative"], ["cooperative"])[0, 0] == pytest.approx(1.0)
    assert similarity_matrix([""], ["anything"])[0, 0] == 0.0


def test_working_hours_paris_and_new_york_follow_summer_time():
    # Winter: 6 hours apart, 3 hours in common; in March the US has moved its clocks and Europe not yet.
    assert common_hours("Europe/Paris", "America/New_York", WINTER) == 3.0
    assert hours_apart("Europe/Paris", "America/New_York", WINTER) == 6.0
    march = datetime.date(2026, 3, 20)
    assert common_hours("Europe/Paris", "America/New_York", march) == 4.0
    assert hours_apart("Europe/Paris", "America/New_York", march) == 5.0
    assert common_hours("Europe/Paris", "Europe/Paris", WINTER) == 9.0
    assert common_hours("Europe/Paris", "Asia/Kolkata", WINTER) == pytest.approx(4.5)
    # Across the date line: Auckland's morning is Honolulu's afternoon of the day before.
    assert hours_apart("Pacific/Auckland", "Pacific/Honolulu", WINTER) == 1.0
    assert common_hours("Pacific/Auckland", "Pacific/Honolulu", WINTER) == 8.0

    paris = Venture("v", "Vélo", {"fr", "en"}, "Europe/Paris")
    new_york = Mentor(1, "Sam", {"en"}, "America/New_York")
    table = score([new_york], [paris], WEIGHTS)
    assert table.criteria["timezone"][0, 0] == pytest.approx(3 / 9)


def test_scores_match_a_pair_by_pair_computation():
    rng = random.Random(42)
    mentors, ventures = random_instance(rng, 30, 12)
    weights = WEIGHTS
    table = score(mentors, ventures, weights)
    for i, venture in enumerate(ventures):
        for j, mentor in enumerate(mentors):
            expected = {}
            if venture.needs:
                expected["topic"] = len(venture.needs & mentor.topics) / len(venture.needs)
            if venture.need_statement:
                expected["text"] = table.criteria["text"][i, j]
            expected["timezone"] = common_hours(venture.timezone, mentor.timezone, WINTER) / 9
            if venture.sector:
                expected["sector"] = float(venture.sector in mentor.sectors)
            if venture.stage:
                expected["stage"] = 0.5 if not mentor.stages else float(venture.stage in mentor.stages)
            if venture.preferences:
                rank = venture.preference_rank(mentor.id)
                expected["preference"] = (6 - rank) / 5 if rank else 0.0
            assert table.breakdown(i, j) == pytest.approx(expected)
            total = sum(weights.of(c) * s for c, s in expected.items()) / sum(weights.of(c) for c in expected)
            assert table.total[i, j] == pytest.approx(total)
            assert table.allowed[i, j] == allowed_by_hand(mentor, venture)


def test_weights_change_which_mentor_wins():
    topical = Mentor(1, "Topical", {"en"}, "Asia/Tokyo", topics={"legal structure"})
    nearby = Mentor(2, "Nearby", {"en"}, "Europe/London", topics={"technology"})
    venture = Venture("v", "V", {"en"}, "Europe/London", needs={"legal structure"})
    by_topic = match([topical, nearby], [venture], Weights(reference_date=WINTER, topic=1, timezone=0.1))
    by_time = match([topical, nearby], [venture], Weights(reference_date=WINTER, topic=0.1, timezone=1))
    assert by_topic.proposals[0].mentor_id == 1
    assert by_time.proposals[0].mentor_id == 2
    assert by_topic.input_hash != by_time.input_hash


# --- explanations --------------------------------------------------------------------------------


def test_explanations_name_shared_topics_languages_and_hours():
    mentor = Mentor(
        1,
        "Camille",
        {"fr", "en"},
        "Europe/Paris",
        capacity=1,
        topics={"governance and decision-making", "funding", "technology"},
        sectors={"food delivery"},
        stages={"idea"},
        expertise_text="J'ai rédigé les statuts de CoopCycle et organisé le vote des coursiers.",
    )
    venture = Venture(
        "v",
        "Vélo Solidaire",
        {"fr"},
        "Europe/Lisbon",
        needs={"governance and decision-making", "funding", "legal structure"},
        need_statement="Nous devons écrire nos statuts et organiser le vote des coursiers.",
        stage="idea",
        sector="food delivery",
        preferences=[Preference(1, "Elle connaît CoopCycle")],
    )
    [proposal] = match([mentor], [venture], WEIGHTS).proposals
    text = proposal.explanation
    assert text.startswith(
        "Both work on “funding” and “governance and decision-making” (not on legal structure)"
    )
    assert "both speak French" in text
    assert "1 hour apart, 8 working hours in common" in text
    assert "both mention “statuts”, “vote” and “coursiers”" in text
    assert "both know food delivery" in text
    assert "the venture's 1st choice: “Elle connaît CoopCycle”" in text
    assert proposal.rank == 1
    assert text == match([mentor], [venture], WEIGHTS).proposals[0].explanation  # deterministic


def test_explanation_wording():
    facts = PairFacts(
        shared_topics=["funding", "technology"],
        shared_languages=["es", "en"],
        hours_apart=5.5,
        common_hours=3.5,
    )
    assert explain(facts) == (
        "Both work on funding and technology; both speak English and Spanish; 5½ hours apart, "
        "3½ working hours in common."
    )
    assert explain(PairFacts(missing_topics=["finance"], hours_apart=12, common_hours=0)) == (
        "No shared topics (the venture needs finance); 12 hours apart, no working hours in common."
    )
    assert explain(PairFacts(hours_apart=2, common_hours=7, rank=3)) == (
        "2 hours apart, 7 working hours in common; the venture's 3rd choice."
    )


# --- inputs and reproducibility ------------------------------------------------------------------


def test_results_and_hash_do_not_depend_on_input_order():
    rng = random.Random(8)
    mentors, ventures = random_instance(rng, 25, 10)
    first = match(mentors, ventures, WEIGHTS, algorithm="stable")
    shuffled_mentors, shuffled_ventures = mentors[:], ventures[:]
    rng.shuffle(shuffled_mentors)
    rng.shuffle(shuffled_ventures)
    again = match(shuffled_mentors, shuffled_ventures, WEIGHTS, algorithm="stable")
    assert again.as_dict() == first.as_dict()
    assert len(first.input_hash) == 64
    assert first.input_hash != match(mentors, ventures, WEIGHTS, algorithm="optimal").input_hash
    assert first.input_hash != match(mentors, ventures, WEIGHTS, algorithm="stable", min_score=0.1).input_hash
    changed = [dataclasses.replace(mentors[0], capacity=mentors[0].capacity + 1), *mentors[1:]]
    assert input_hash(changed, ventures, WEIGHTS, "stable", 0.0) != first.input_hash


def test_the_reference_date_is_recorded():
    result = match([Mentor(1, "A", {"en"})], [Venture("v", "V", {"en"})])
    assert result.weights.reference_date is not None
    assert result.as_dict()["weights"]["reference_date"] == result.weights.reference_date.isoformat()


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="at most 5"):
        Venture("v", "V", {"en"}, preferences=[1, 2, 3, 4, 5, 6])
    with pytest.raises(ValueError, match="ranked twice"):
        Venture("v", "V", {"en"}, preferences=[1, 1])
    with pytest.raises(ValueError, match="capacity"):
        Mentor(1, "M", {"en"}, capacity=-1)
    with pytest.raises(ValueError, match="two mentors"):
        match([Mentor(1, "M", {"en"}), Mentor(1, "N", {"en"})], [], WEIGHTS)
    with pytest.raises(ValueError, match="time zone"):
        match([Mentor(1, "M", {"en"}, "Mars/Olympus_Mons")], [], WEIGHTS)
    with pytest.raises(ValueError, match="algorithm"):
        match([], [], WEIGHTS, algorithm="lottery")
    with pytest.raises(ValueError, match="weights"):
        Weights(topic=0, text=0, timezone=0, sector=0, stage=0, preference=0)
    assert Mentor(1, "M", [" EN ", "fr"]).languages == {"en", "fr"}


def test_empty_inputs():
    for algorithm in ("optimal", "stable"):
        result = match([], [], WEIGHTS, algorithm=algorithm)
        assert result.proposals == () and result.unmatched == ()
        result = match([Mentor(1, "M", {"en"})], [], WEIGHTS, algorithm=algorithm)
        assert result.metrics["capacity_used"] == 0.0


def test_the_engine_imports_no_django():
    code = (
        "import sys, mentorship.matching as m; "
        "m.match([m.Mentor(1, 'M', {'en'})], [m.Venture('v', 'V', {'en'})]); "
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'django', 'wagtail'}); "
        "assert not bad, bad"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
