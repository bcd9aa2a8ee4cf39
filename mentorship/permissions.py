"""Who may see and manage what in the mentorship admin: one place for every rule.

- Superusers see everything.
- Incubator staff (members of `Incubator.staff_group`) see their incubator, its programmes, cohorts,
  applications, match runs, proposals and mentorships, and only the mentors and ventures taking part in
  those cohorts.
- Everyone else, directory editors included, sees nothing here unless a superuser grants it.

The admin views, the services and the permission tests all ask these functions. Wagtail asks them too:
`IncubatorScopedPolicy` is the registered permission policy of every mentorship model, so Wagtail's own
views (edit, inspect, history, usage, delete, bulk actions, choosers, listing buttons) check a user's
Django permission *and* that the object is inside the user's incubators.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from mentorship.models import (
    Application,
    Cohort,
    Feedback,
    FeedbackRequest,
    Incubator,
    MatchRun,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatusChange,
    Preference,
    Programme,
    Proposal,
    Venture,
)

#: model → the lookup from it to its incubator
INCUBATOR_PATH = {
    Incubator: "",
    Programme: "incubator",
    Cohort: "programme__incubator",
    Application: "cohort__programme__incubator",
    Preference: "application__cohort__programme__incubator",
    MatchRun: "cohort__programme__incubator",
    Proposal: "application__cohort__programme__incubator",
    Mentorship: "cohort__programme__incubator",
    MentorshipStatusChange: "mentorship__cohort__programme__incubator",
    Meeting: "mentorship__cohort__programme__incubator",
    FeedbackRequest: "mentorship__cohort__programme__incubator",
    Feedback: "cohort__programme__incubator",
}

#: What an incubator's staff group may do, per model. No `add` on runs, proposals and mentorships: they
#: are made by the workflow. No `delete` on mentors and ventures: they may take part elsewhere too.
STAFF_PERMISSIONS = {
    "incubator": ("view", "change"),
    "programme": ("add", "change", "delete", "view"),
    "cohort": ("add", "change", "delete", "view"),
    "mentorprofile": ("add", "change", "view"),
    "venture": ("add", "change", "view"),
    "application": ("add", "change", "delete", "view"),
    "preference": ("add", "change", "delete", "view"),
    "matchrun": ("change", "view"),
    "proposal": ("change", "view"),
    "mentorship": ("change", "view"),
    "mentorshipstatuschange": ("view",),
    "meeting": ("add", "change", "view"),
}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def incubators_for(user):
    """The incubators whose staff the user is (all of them for a superuser)."""
    if not _active(user):
        return Incubator.objects.none()
    if user.is_superuser:
        return Incubator.objects.all()
    return Incubator.objects.filter(staff_group__in=user.groups.all())


def is_mentorship_staff(user) -> bool:
    return _active(user) and (user.is_superuser or incubators_for(user).exists())


def _scoped(user, model):
    queryset = model._default_manager.all()
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    path = INCUBATOR_PATH[model]
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: incubators_for(user).values("pk")})


def programmes_for(user):
    return _scoped(user, Programme)


def cohorts_for(user):
    return _scoped(user, Cohort)


def applications_for(user):
    return _scoped(user, Application)


def match_runs_for(user):
    return _scoped(user, MatchRun)


def proposals_for(user):
    return _scoped(user, Proposal)


def mentorships_for(user):
    return _scoped(user, Mentorship)


def mentors_for(user):
    """Mentors in in the user's cohorts: as a cohort's mentor, or through a proposal or mentorship."""
    if not _active(user):
        return MentorProfile.objects.none()
    if user.is_superuser:
        return MentorProfile.objects.all()
    return mentors_in(cohorts_for(user))


def ventures_for(user):
    """Ventures that applied to one of the user's cohorts."""
    if not _active(user):
        return Venture.objects.none()
    if user.is_superuser:
        return Venture.objects.all()
    return ventures_in(cohorts_for(user))


def mentors_in(cohorts):
    """Mentors taking part in these cohorts: in the pool, or through a proposal or mentorship."""
    cohorts = cohorts.values("pk")
    return MentorProfile.objects.filter(
        Q(cohorts__in=cohorts)
        | Q(mentorships__cohort__in=cohorts)
        | Q(proposals__application__cohort__in=cohorts)
    ).distinct()


def ventures_in(cohorts):
    return Venture.objects.filter(applications__cohort__in=cohorts.values("pk")).distinct()


def queryset_for(user, model):
    """Every instance of a mentorship model the user may see in the admin."""
    if model is MentorProfile:
        return mentors_for(user)
    if model is Venture:
        return ventures_for(user)
    if model in INCUBATOR_PATH:
        return _scoped(user, model)
    raise ValueError(f"{model.__name__} is not a mentorship model")


def can_manage(user, obj) -> bool:
    """Whether the user may see and manage this object in the mentorship admin."""
    if obj is None or obj.pk is None:
        return False
    return queryset_for(user, type(obj)).filter(pk=obj.pk).exists()


def programme_choices_for(user):
    """Programmes a chooser may offer: the user's own and those shown on the site (never others' hidden)."""
    if _active(user) and user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(Q(pk__in=programmes_for(user).values("pk")) | Q(is_public=True))


def chooser_queryset_for(user, *, model):
    """What a chooser (modal, results, "chosen") may name: page editors choose among public programmes and
    mentors, staff among their own rows too; nobody sees another incubator's hidden rows."""
    if model is MentorProfile:
        return mentor_choices_for(user)
    if model is Programme:
        return programme_choices_for(user)
    return queryset_for(user, model)


def mentor_choices_for(user):
    """Mentors staff may add to a cohort: those already in their cohorts and those listed publicly."""
    if _active(user) and user.is_superuser:
        return MentorProfile.objects.all()
    return MentorProfile.objects.filter(
        Q(pk__in=mentors_for(user).values("pk")) | Q(pk__in=MentorProfile.objects.listed().values("pk"))
    )


def ensure_incubator_group(incubator: Incubator) -> Group:
    """The incubator's staff group, created when missing, with admin access and the permissions it needs."""
    group = incubator.staff_group
    if group is None:
        name = f"{incubator.name} staff"[:150]
        group, _created = Group.objects.get_or_create(name=name)
        incubator.staff_group = group
        incubator.save(update_fields=["staff_group"])
    wanted = Q(content_type__app_label="wagtailadmin", codename="access_admin")
    for model_name, actions in STAFF_PERMISSIONS.items():
        wanted |= Q(
            content_type__app_label="mentorship",
            content_type__model=model_name,
            codename__in=[f"{action}_{model_name}" for action in actions],
        )
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


class IncubatorScopedPolicy(ModelPermissionPolicy):
    """Django's model permissions, limited to the rows `queryset_for` gives the user.

    Registered for every mentorship model (see `register_policies`), so any Wagtail view that asks the
    policy about an instance, or for the instances a user may act on, gets the incubator's scope without
    knowing about incubators.
    """

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and can_manage(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and can_manage(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return queryset_for(user, self.model)


#: Every model the mentorship admin shows, all scoped by incubator.
SCOPED_MODELS = (*INCUBATOR_PATH, MentorProfile, Venture)


def register_policies():
    """Make `IncubatorScopedPolicy` the permission policy Wagtail uses for every mentorship model."""
    for model in SCOPED_MODELS:
        if not isinstance(policy_registry.get_by_type(model, fallback=False), IncubatorScopedPolicy):
            register_permission_policy(model, IncubatorScopedPolicy(model), exact_class=True)
