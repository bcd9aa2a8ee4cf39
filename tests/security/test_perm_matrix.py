"""The role × URL matrix, generated from the URLconf: every admin pattern, the public mentorship pages and
the directory's submission pages, for every role, filled with real objects of both incubators.

Two parties, A and B, each an incubator with its staff, a public programme with an open cohort, a hidden
programme with an active cohort, a private mentor, a founder with two ventures, applications, a proposal,
a mentorship, a match run and a feedback request. Everything private of party X carries the marker
`ZQX-...` in its name or text; a draft directory entry carries `ZQDRAFT`. Then, for every role:

- every GET of every pattern (each object parameter filled with A's object, then B's) must not answer
  500 and must not show a marker the role may not see (staff, founder and mentor of X see X's markers;
  editors and moderators see the draft entry; nobody sees the other party's);
- every POST to a pattern that names an object, with the other party's object (every party's for roles
  outside both incubators), must leave the database as it was.

A pattern the walk cannot fill is in `NOT_WALKED` with the reason; a new pattern that is neither walked
nor listed fails `test_every_pattern_is_walked_or_listed`. Counts are printed (`-s`) and kept in
`COUNTS` for the report.
"""

# ruff: noqa: F811  (the fixtures imported below are used as arguments)
from __future__ import annotations

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.forms.models import model_to_dict
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from django.utils import timezone
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.snippets.models import get_snippet_models

from tests.mentorship.conftest import (  # noqa: F401  (fixtures)
    cohort_factory,
    incubator_factory,
    mentor_factory,
    programme_factory,
    superuser,
    topic,
    user_factory,
    venture_factory,
)
from tests.mentorship.people import verify_email

pytestmark = pytest.mark.django_db

PARTIES = ("A", "B")
ROLES = (
    "anonymous",
    "signed_in",
    "founder_a",
    "founder_b",
    "mentor_a",
    "mentor_b",
    "staff_a",
    "staff_b",
    "editor",
    "moderator",
)
DRAFT = "ZQDRAFT"
MARKER = re.compile(r"ZQ(A|B|DRAFT)\b")

#: Patterns (by route) the walk does not request, with the reason. Everything else is requested.
NOT_WALKED = {
    "admin/logout/": "logs the role out half-way through its walk; no data",
    "admin/test404/": "Wagtail's own 404 page; no data",
    "admin/failwhale/": "Wagtail's own 500 page, on purpose",
    "admin/password_reset/confirm/<uidb64>/<token>/": "a token nobody here holds; allauth's own flow",
}

#: A URL parameter → where its value comes from, for the patterns outside the mentorship and snippet
#: namespaces (Wagtail's own objects: no incubator owns them, they are filled with a real object or id).
GENERIC_PARAMETERS = {
    "page_id": "home page",
    "parent_page_id": "home page",
    "parent_id": "home page",
    "page_to_move_id": "home page",
    "destination_id": "home page",
    "viewed_page_id": "home page",
    "page_type_id": "home page",  # wrong kind on purpose: must 404, not 500
    "revision_id": "a revision",
    "revision_id_a": "a revision",
    "revision_id_b": "a revision",
    "image_id": "id 1",
    "document_id": "id 1",
    "user_id": "staff of B",
    "pk": "id 1",
    "id": "id 1",
    "task_id": "id 1",
    "workflow_id": "id 1",
    "collection_id": "id 1",
    "redirect_id": "id 1",
    "site_id": "id 1",
    "app_name": "directory",
    "model_name": "entry",
    "app_label": "directory",
    "content_type_app_name": "directory",
    "content_type_model_name": "entry",
    "action": "delete",
    "filter_spec": "original",
    "signature": "x",
    "lock_id": "1",
    "session_id": "1",
    "locale_code": "en",
    "slug": "entry slug",
    "url": "x",
    "uidb64": "x",
    "token": "x",
    "ct_id": "id 1",
    "instance_id": "id 1",
    "object_id": "id 1",
    "sprite_hash": "x",
    "action_name": "approve",
    "task_state_id": "id 1",
    "workflow_state_id": "id 1",
    "page_pk": "home page",
    "workflow_pk": "id 1",
    "doc_id": "id 1",
    "uploaded_file_id": "id 1",
    "entry_pk": "draft entry",  # importers' "Check website" on an entry
}

COUNTS = {
    "patterns": 0,
    "patterns_walked": 0,
    "patterns_listed": 0,
    "requests": 0,
    "gets": 0,
    "posts": 0,
    "leaks": 0,
    "unauthorised_writes": 0,
    "server_errors": 0,
}


# ---------------------------------------------------------------------------------------------------
# The URLconf


def all_patterns():
    """(route, namespace path, name, [parameter names]) for every URL pattern, recursively."""
    found = []

    def walk(resolver, prefix, namespaces):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern, route, namespaces + ([pattern.namespace] if pattern.namespace else []))
            else:
                found.append((route, tuple(namespaces), pattern.name or "", _parameters(route)))

    walk(get_resolver(), "", [])
    return found


def _parameters(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def _fill(route, values):
    def one(match):
        return str(values[match.group(1)])

    url = re.sub(r"<(?:\w+:)?(\w+)>", one, route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", one, url)
    return "/" + url.replace("^", "").replace("$", "")


def walked_patterns():
    patterns = [p for p in all_patterns() if _in_scope(p[0])]
    return patterns


def _in_scope(route):
    return route.startswith("admin/") or route.startswith("mentorship/") or route.startswith("directory/")


# ---------------------------------------------------------------------------------------------------
# The cast


@pytest.fixture
def world(
    user_factory,
    incubator_factory,
    programme_factory,
    cohort_factory,
    mentor_factory,
    venture_factory,
    superuser,
):
    from directory.models import Entry, Submission
    from mentorship.models import (
        Application,
        Cohort,
        FeedbackRequest,
        MatchRun,
        Meeting,
        Mentorship,
        Preference,
        Proposal,
    )
    from portal.management.commands.setup_portal import Command as SetupPortal

    users = {"superuser": superuser, "signed_in": user_factory("signed-in")}
    editor = users["editor"] = user_factory("editor-person")
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = users["moderator"] = user_factory("moderator-person")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    SetupPortal().grant_editor_groups()
    objects = {}
    for party in PARTIES:
        p = party.lower()
        incubator = incubator_factory(f"Incubator {party}")
        staff = users[f"staff_{p}"] = user_factory(f"staff-{p}")
        staff.groups.add(incubator.staff_group)
        public = programme_factory(incubator, title=f"Open programme {party}", is_public=True)
        hidden = programme_factory(incubator, title=f"ZQ{party} hidden programme", is_public=False)
        cohort = cohort_factory(hidden, name=f"ZQ{party} cohort", status=Cohort.Status.ACTIVE)
        open_cohort = cohort_factory(
            public,
            name=f"Open cohort {party}",
            status=Cohort.Status.OPEN,
            applications_close=timezone.localdate() + datetime.timedelta(days=20),
        )
        mentor_user = users[f"mentor_{p}"] = user_factory(f"mentor-{p}")
        mentor = mentor_factory(f"ZQ{party} mentor", user=mentor_user, cohort=cohort, bio=f"ZQ{party} bio")
        open_cohort.mentors.add(mentor)
        listed = mentor_factory(f"Listed mentor {party}", is_public=True)
        open_cohort.mentors.add(listed)
        founder = users[f"founder_{p}"] = user_factory(f"founder-{p}")
        venture = venture_factory(f"ZQ{party} venture", founders=[founder], need_statement=f"ZQ{party} needs")
        second = venture_factory(f"ZQ{party} second venture", founders=[founder])
        application = Application.objects.create(
            venture=venture, cohort=cohort, motivation=f"ZQ{party} motivation", status="accepted"
        )
        Preference.objects.create(application=application, mentor=mentor, rank=1, reason=f"ZQ{party} reason")
        second_application = Application.objects.create(venture=second, cohort=cohort, status="accepted")
        run = MatchRun.objects.create(cohort=cohort, algorithm="optimal", input_hash="x" * 64)
        now = timezone.now()
        proposal = Proposal.objects.create(
            match_run=run,
            application=second_application,
            mentor=mentor,
            status=Proposal.Status.SENT,
            sent_at=now,
            expires_at=now + datetime.timedelta(days=7),
            score=0.5,
            explanation=f"ZQ{party} explanation",
        )
        mentorship = Mentorship.objects.create(cohort=cohort, mentor=mentor, venture=venture)
        Meeting.objects.create(
            mentorship=mentorship, held_on=timezone.localdate(), duration_minutes=30, notes=f"ZQ{party} notes"
        )
        feedback = FeedbackRequest.objects.create(mentorship=mentorship, user=mentor_user, role="mentor")
        objects[party] = {
            "incubator": incubator,
            "programme": public,
            "hidden_programme": hidden,
            "cohort": cohort,
            "open_cohort": open_cohort,
            "mentorprofile": mentor,
            "venture": venture,
            "application": application,
            "preference": application.preferences.get(),
            "matchrun": run,
            "proposal": proposal,
            "mentorship": mentorship,
            "feedbackrequest": feedback,
            "group": incubator.staff_group,
            "user": staff,
        }
    draft = Entry.objects.create(name=f"{DRAFT} entry", slug="zqdraft-entry", live=False)
    draft.save_revision()
    objects["draft_entry"] = draft
    objects["submission"] = Submission.objects.create(
        kind=Submission.Kind.NEW, entry=draft, entry_name=draft.name, submitter_name="Sub Mitter"
    )
    for user in users.values():
        verify_email(user)
    return {"users": users, "objects": objects}


def allowed_markers(role):
    if role.startswith(("staff_", "founder_", "mentor_")):
        return {role[-1].upper()}
    if role in ("editor", "moderator"):
        return {"DRAFT"}
    return set()


# ---------------------------------------------------------------------------------------------------
# Filling patterns with objects


def _home_page_id():
    from wagtail.models import Page

    return Page.objects.filter(depth=2).values_list("pk", flat=True).first() or 1


def _snippet_model(namespaces, prefix):
    for namespace in namespaces:
        if namespace.startswith(prefix):
            app_model = namespace[len(prefix) :]
            for model in get_snippet_models():
                if f"{model._meta.app_label}_{model._meta.model_name}" == app_model:
                    return model
    return None


def _objects_of(model, world):
    """One object per party for a mentorship model; the directory's own for the others."""
    from directory.models import Entry, Submission

    objects = world["objects"]
    if model._meta.app_label == "mentorship":
        name = model._meta.model_name
        found = []
        for party in PARTIES:
            if name in objects[party]:
                found.append((party, objects[party][name]))
            if name == "programme":
                found.append((party, objects[party]["hidden_programme"]))
            if name == "cohort":
                found.append((party, objects[party]["open_cohort"]))
        return found
    if model is Entry:
        return [("DRAFT", objects["draft_entry"])]
    if model is Submission:
        return [("DRAFT", objects["submission"])]
    instance = model._default_manager.order_by("pk").first()
    return [(None, instance)] if instance is not None else []


MENTORSHIP_ADMIN_MODELS = {
    "cohort": "cohort",
    "run": "matchrun",
    "proposal": "proposal",
    "application": "application",
    "mentorship": "mentorship",
}
MENTORSHIP_PUBLIC_MODELS = {
    "ventures": "venture",
    "proposals": "proposal",
    "mentorships": "mentorship",
    "feedback": "feedbackrequest",
}


def requests_for(pattern, world):
    """[(owner party or None, url)] for one pattern; [] when it cannot be filled (a listed pattern)."""
    route, namespaces, name, parameters = pattern
    objects = world["objects"]
    if not parameters:
        return [(None, _fill(route, {}))]
    if route.startswith("admin/bulk/"):
        return _bulk_requests(route, world)
    if route.startswith("admin/mentorship/"):
        kind = route.split("/")[2]
        key = MENTORSHIP_ADMIN_MODELS[kind]
        return [(party, _fill(route, {"pk": objects[party][key].pk})) for party in PARTIES]
    if route.startswith("mentorship/"):
        return _public_mentorship_requests(route, world)
    model = _snippet_model(namespaces, "wagtailsnippets_") or _snippet_model(
        namespaces, "wagtailsnippetchoosers_"
    )
    if model is not None and set(parameters) <= {"pk", "revision_id"}:
        found = []
        for party, instance in _objects_of(model, world):
            values = {"pk": instance.pk}
            if "revision_id" in parameters:
                revision_id = getattr(instance, "latest_revision_id", None)
                if revision_id is None:
                    continue
                values["revision_id"] = revision_id
            found.append((party, _fill(route, values)))
        return found
    values, owner = {}, None
    for parameter in parameters:
        source = GENERIC_PARAMETERS.get(parameter)
        if source is None:
            return []
        values[parameter] = _generic_value(source, world)
        if source == "draft entry":
            owner = "DRAFT"  # POSTed by the roles that may not see drafts, like the entry's snippet views
    return [(owner, _fill(route, values))]


def _generic_value(source, world):
    if source == "home page":
        return _home_page_id()
    if source == "staff of B":
        return world["users"]["staff_b"].pk
    if source == "a revision":
        from wagtail.models import Revision

        return Revision.objects.values_list("pk", flat=True).first() or 1
    if source == "entry slug":
        return world["objects"]["draft_entry"].slug
    if source == "draft entry":
        return world["objects"]["draft_entry"].pk
    if source == "id 1":
        return 1
    return source


def _bulk_requests(route, world):
    found = []
    for model in get_snippet_models():
        app, name = model._meta.app_label, model._meta.model_name
        for action in bulk_action_registry.get_bulk_actions_for_model(app, name):
            for party, instance in _objects_of(model, world):
                url = _fill(route, {"app_label": app, "model_name": name, "action": action.action_type})
                found.append((party, f"{url}?id={instance.pk}"))
    return found


def _public_mentorship_requests(route, world):
    objects = world["objects"]
    found = []
    for party in PARTIES:
        mine = objects[party]
        if "<slug:cohort_slug>" in route:
            for programme, cohort in (
                (mine["programme"], mine["open_cohort"]),
                (mine["hidden_programme"], mine["cohort"]),
            ):
                found.append((party, _fill(route, {"slug": programme.slug, "cohort_slug": cohort.slug})))
        elif "<slug:slug>" in route:
            for programme in (mine["programme"], mine["hidden_programme"]):
                found.append((party, _fill(route, {"slug": programme.slug})))
        else:
            kind = route.split("/")[2]
            found.append((party, _fill(route, {"pk": mine[MENTORSHIP_PUBLIC_MODELS[kind]].pk})))
    return found


# ---------------------------------------------------------------------------------------------------
# What the database holds


def fingerprint():
    """Every row of every model a role might write to through these URLs."""
    from django.apps import apps

    tables = {}
    for model in apps.get_app_config("mentorship").get_models():
        tables[model._meta.label] = _rows(model)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            tables[through._meta.label] = _rows(through)
    for label in ("directory.Entry", "directory.Submission", "auth.Group", "auth.User"):
        model = apps.get_model(label)
        tables[label] = _rows(model, exclude={"last_login", "updated_at", "latest_revision_created_at"})
    return tables


def _rows(model, exclude=()):
    return [
        {k: v for k, v in row.items() if k not in exclude}
        for row in model._default_manager.order_by("pk").values()
    ]


def post_data(instance, world):
    """The object's own fields with its name changed, and the answers the workflow forms ask for."""
    data = {}
    if instance is not None:
        for key, value in model_to_dict(instance).items():
            if isinstance(value, list):
                value = [getattr(v, "pk", v) for v in value]
            elif hasattr(value, "pk"):
                value = value.pk
            if value is None:
                continue
            data[key] = value if not isinstance(value, (dict,)) else json.dumps(value)
        for key in ("name", "title", "display_name"):
            if key in data:
                data[key] = "ZQOVERWRITTEN"
    data.update(
        {
            "algorithm": "optimal",
            "mentor": world["objects"]["A"]["mentorprofile"].pk,
            "status": "ended",
            "comment": "overwritten",
            "action": "accept",
        }
    )
    return data


# ---------------------------------------------------------------------------------------------------
# The tests


def _walk(client, role, world):
    findings = {"leaks": [], "errors": [], "writes": []}
    patterns = [p for p in walked_patterns() if p[0] not in NOT_WALKED]
    user = world["users"].get(role)
    may_see = allowed_markers(role)
    counts = {"requests": 0, "gets": 0, "posts": 0}

    def login():
        if user is not None:
            client.force_login(user)

    login()
    for pattern in patterns:
        for owner, url in requests_for(pattern, world):
            response = client.get(url)
            counts["gets"] += 1
            _check(role, "GET", url, response, may_see, findings)
            if owner is not None and owner not in may_see:
                instance = _instance_for(url, world)
                before = fingerprint()
                response = client.post(url, post_data(instance, world))
                counts["posts"] += 1
                _check(role, "POST", url, response, may_see, findings)
                if fingerprint() != before:
                    findings["writes"].append((role, url, response.status_code))
                login()
    counts["requests"] = counts["gets"] + counts["posts"]
    return findings, counts


def _instance_for(url, world):
    for party in (*PARTIES,):
        for instance in world["objects"][party].values():
            if re.search(rf"/{instance._meta.model_name}/(?:\w+/)*{instance.pk}/", url) or url.endswith(
                f"?id={instance.pk}"
            ):
                return instance
    return None


def _check(role, method, url, response, may_see, findings):
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if response.status_code >= 500:
        findings["errors"].append((role, method, url, response.status_code))
    seen = set(MARKER.findall(body))
    leaked = seen - may_see
    if leaked:
        findings["leaks"].append((role, method, url, response.status_code, sorted(leaked)))


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reads_or_writes_what_is_not_theirs(client, world, role):
    findings, counts = _walk(client, role, world)
    for key in ("requests", "gets", "posts"):
        COUNTS[key] += counts[key]
    COUNTS["leaks"] += len(findings["leaks"])
    COUNTS["unauthorised_writes"] += len(findings["writes"])
    COUNTS["server_errors"] += len(findings["errors"])
    print(
        f"\n[perm-matrix] {role}: {json.dumps(counts)} {json.dumps({k: len(v) for k, v in findings.items()})}"
    )
    assert not findings["errors"], f"server errors: {findings['errors'][:20]}"
    assert not findings["leaks"], f"{len(findings['leaks'])} leaks: {findings['leaks'][:20]}"
    assert not findings["writes"], f"unauthorised writes: {findings['writes'][:20]}"


def test_every_pattern_is_walked_or_listed(world):
    """A new admin, mentorship or directory pattern must be filled by the walk or listed with a reason."""
    patterns = walked_patterns()
    unfilled = [p[0] for p in patterns if p[0] not in NOT_WALKED and not requests_for(p, world)]
    stale = sorted(set(NOT_WALKED) - {p[0] for p in patterns})
    COUNTS["patterns"] = len(patterns)
    COUNTS["patterns_listed"] = len([p for p in patterns if p[0] in NOT_WALKED])
    COUNTS["patterns_walked"] = COUNTS["patterns"] - COUNTS["patterns_listed"]
    print(f"\n[perm-matrix] patterns: {json.dumps(COUNTS)}")
    assert not unfilled, f"patterns neither walked nor listed in NOT_WALKED: {unfilled}"
    assert not stale, f"NOT_WALKED lists patterns that are gone: {stale}"
    for kind in ("admin/bulk/", "admin/snippets/choose/", "admin/mentorship/", "mentorship/", "directory/"):
        assert any(p[0].startswith(kind) for p in patterns if p[0] not in NOT_WALKED), kind


def test_the_walk_can_see_a_leak_and_a_write(client, world):
    """Not vacuous: staff of A see A's markers where they belong, and their own bulk delete works."""
    from mentorship.models import Cohort

    client.force_login(world["users"]["staff_a"])
    cohort = world["objects"]["A"]["open_cohort"]
    listing = client.get("/admin/snippets/mentorship/cohort/").content.decode()
    assert "ZQA cohort" in listing
    url = f"/admin/bulk/mentorship/cohort/delete/?id={cohort.pk}"
    assert client.get(url).status_code == 200
    before = fingerprint()
    client.post(url)
    assert fingerprint() != before
    assert not Cohort.objects.filter(pk=cohort.pk).exists()
    assert connection.vendor in ("sqlite", "postgresql")


def test_every_snippet_bulk_action_goes_through_the_policy():
    """Every bulk action registered for a snippet model fetches its objects through the model's policy."""
    from portal.admin_policy import PolicyScopedBulkActionMixin

    actions = 0
    for model in get_snippet_models():
        for action in bulk_action_registry.get_bulk_actions_for_model(
            model._meta.app_label, model._meta.model_name
        ):
            actions += 1
            assert issubclass(action, PolicyScopedBulkActionMixin), (model, action)
    assert actions >= len(get_snippet_models())
