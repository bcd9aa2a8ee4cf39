"""Incubator programmes that match mentors from established co-ops with founders of new platform co-ops.

The matching itself is plain Python in `mentorship.matching`; these models hold the people, the
programmes, every match run with its proposals, and the mentorships that follow. The workflow that moves
them between states lives in `mentorship.services`, so that the admin, the public views and the
management commands all go through the same rules.

Every text field of every model is declared once: in `PERSONAL_FIELDS` (what a person wrote, or
what names them: anonymised when they delete their account, see `mentorship.privacy`), in
`NON_PERSONAL_FIELDS`, or (feedback) in `ANONYMOUS_FIELDS`. A test fails on a text field left out.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.models import ClusterableModel
from wagtail.search import index

from directory.taxonomies import Activity, Topic

MAX_PREFERENCES = 5


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone such as Europe/Paris."), params={"value": value}
        )


def _timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(zoneinfo.available_timezones())
    return _TIMEZONES


_TIMEZONES: frozenset[str] | None = None


def validate_languages(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and 2 <= len(v) <= 8 for v in value):
        raise ValidationError(_("Languages are a list of language codes such as en, fr, sv."))


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNING = "planning", _("Planning")
    LAUNCH = "launch", _("Launching")
    GROWTH = "growth", _("Growing")


class Incubator(index.Indexed, ClusterableModel):
    """An organisation that runs mentorship programmes, e.g. Start.coop. Its staff are one Wagtail group."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    entry = models.ForeignKey(
        "directory.Entry",
        verbose_name=_("directory entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incubators",
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email for programmes"), blank=True)
    staff_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("staff group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incubator",
        help_text=_("Members of this group manage this incubator's programmes and see its people."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    PERSONAL_FIELDS = ()
    NON_PERSONAL_FIELDS = ("name", "slug", "description", "website", "contact_email")

    class Meta:
        ordering = ["name"]
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")

    def __str__(self):
        return self.name


class ProgrammeQuerySet(models.QuerySet):
    def public(self):
        """Programmes whose staff have put them on the site."""
        return self.filter(is_public=True)


class Programme(models.Model):
    """A recurring mentorship programme of an incubator, with its matching settings."""

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="programmes")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    is_public = models.BooleanField(
        _("shown on the site"),
        default=True,
        help_text=_(
            "Untick while you prepare the programme: its page, its cohorts and their application "
            "forms stay hidden from the public."
        ),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="programmes")
    max_mentees_per_mentor = models.PositiveSmallIntegerField(
        _("maximum mentees per mentor"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    proposal_expiry_days = models.PositiveSmallIntegerField(
        _("days a mentor has to answer a proposal"), default=14, validators=[MinValueValidator(1)]
    )
    # Matching settings: relative weights of the criteria (see mentorship.matching.Weights).
    weight_topic = models.FloatField(_("weight: topics"), default=0.30, validators=[MinValueValidator(0)])
    weight_text = models.FloatField(
        _("weight: need and expertise texts"), default=0.15, validators=[MinValueValidator(0)]
    )
    weight_timezone = models.FloatField(
        _("weight: time zones"), default=0.15, validators=[MinValueValidator(0)]
    )
    weight_sector = models.FloatField(_("weight: sector"), default=0.10, validators=[MinValueValidator(0)])
    weight_stage = models.FloatField(_("weight: stage"), default=0.05, validators=[MinValueValidator(0)])
    weight_preference = models.FloatField(
        _("weight: founders' preferences"), default=0.25, validators=[MinValueValidator(0)]
    )
    min_score = models.FloatField(
        _("minimum score"),
        default=0.0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Pairs scoring below this are never proposed."),
    )

    objects = ProgrammeQuerySet.as_manager()

    PERSONAL_FIELDS = ()
    NON_PERSONAL_FIELDS = ("title", "slug", "summary", "description")

    class Meta:
        ordering = ["incubator__name", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title

    def weights(self, **overrides):
        from mentorship.matching import Weights

        values = {
            "topic": self.weight_topic,
            "text": self.weight_text,
            "timezone": self.weight_timezone,
            "sector": self.weight_sector,
            "stage": self.weight_stage,
            "preference": self.weight_preference,
        }
        values.update(overrides)
        return Weights(**values)


class CohortQuerySet(models.QuerySet):
    def open_for_applications(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=Cohort.Status.OPEN, programme__is_public=True).filter(
            Q(applications_close__isnull=True) | Q(applications_close__gte=today)
        )

    def for_user(self, user):
        """The cohorts a staff user may manage: all for superusers, else their incubators' own."""
        if user.is_superuser:
            return self
        return self.filter(programme__incubator__staff_group__in=user.groups.all())


class Cohort(models.Model):
    """One intake of a programme: founders apply, are matched with mentors, then work together."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200, help_text=_("For example “Spring 2027”."))
    slug = models.SlugField(_("slug"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    applications_open = models.DateField(
        pgettext_lazy("the date a cohort starts taking applications", "applications open"),
        null=True,
        blank=True,
    )
    applications_close = models.DateField(_("applications close"), null=True, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    max_ventures = models.PositiveSmallIntegerField(_("places for ventures"), null=True, blank=True)
    mentors = models.ManyToManyField(
        "MentorProfile",
        verbose_name=_("mentors"),
        blank=True,
        related_name="cohorts",
        help_text=_("The mentors taking part in this cohort."),
    )

    objects = CohortQuerySet.as_manager()

    PERSONAL_FIELDS = ()
    NON_PERSONAL_FIELDS = ("name", "slug", "status")

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [models.UniqueConstraint(fields=["programme", "slug"], name="unique_cohort_slug")]

    def __str__(self):
        return f"{self.programme} — {self.name}"

    def clean(self):
        if (
            self.applications_open
            and self.applications_close
            and self.applications_close < self.applications_open
        ):
            raise ValidationError({"applications_close": _("Applications cannot close before they open.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A cohort cannot end before it starts.")})

    @property
    def incubator(self):
        return self.programme.incubator

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and (
            self.applications_close is None or self.applications_close >= today
        )


class Person(models.Model):
    """What mentor profiles and ventures share: languages and a time zone."""

    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_("Language codes, e.g. en, fr, sv."),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("An IANA time zone such as Europe/Paris."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class MentorProfileQuerySet(models.QuerySet):
    def listed(self):
        """Mentors who chose to appear in the public mentor directory."""
        return self.filter(is_public=True, user__isnull=False, user__is_active=True)


class MentorProfile(Person):
    """An experienced co-operator who offers time to founders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor_profile",
    )
    display_name = models.CharField(_("name shown"), max_length=200)
    home_coop = models.ForeignKey(
        "directory.Entry",
        verbose_name=_("home co-op"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("expertise"), blank=True, related_name="mentors")
    sectors = models.ManyToManyField(Activity, verbose_name=_("sectors"), blank=True, related_name="mentors")
    stages = models.JSONField(
        _("stages preferred"),
        default=list,
        blank=True,
        help_text=_("Venture stages this mentor prefers; empty means any."),
    )
    expertise = models.TextField(_("expertise in your own words"), blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("ventures at a time"), default=1, validators=[MaxValueValidator(20)]
    )
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month"), default=4, validators=[MaxValueValidator(200)]
    )
    available = models.BooleanField(_("available for new ventures"), default=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    is_public = models.BooleanField(
        _("list me in the public mentor directory"),
        default=False,
        help_text=_("Shows your name, expertise, languages and home co-op. Nothing else is public."),
    )
    excluded_ventures = models.ManyToManyField(
        "Venture",
        verbose_name=_("conflicts of interest"),
        blank=True,
        related_name="excluded_by_mentors",
        help_text=_("Ventures this mentor must not be matched with."),
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MentorProfileQuerySet.as_manager()

    PERSONAL_FIELDS = ("display_name", "expertise", "bio")
    NON_PERSONAL_FIELDS = ("languages", "timezone", "stages")

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")

    def __str__(self):
        return self.display_name

    def slots_for(self, cohort: Cohort) -> int:
        """How many ventures this mentor may take in a cohort: their own limit and the programme's."""
        if not self.available or self.user_id is None:
            return 0
        return min(self.capacity, cohort.programme.max_mentees_per_mentor)

    def load_in(self, cohort: Cohort) -> int:
        return self.mentorships.filter(cohort=cohort, status__in=Mentorship.OPEN_STATUSES).count()


class Venture(Person):
    """A new platform co-op, or a group planning one, looking for mentors."""

    name = models.CharField(_("name"), max_length=200)
    founders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("founders"), blank=True, related_name="ventures"
    )
    needs = models.ManyToManyField(Topic, verbose_name=_("needs"), blank=True, related_name="ventures")
    need_statement = models.TextField(_("what you need help with"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    sector = models.ForeignKey(
        Activity,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ventures",
    )
    entry = models.ForeignKey(
        "directory.Entry",
        verbose_name=_("directory entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ventures",
    )
    founder_coops = models.ManyToManyField(
        "directory.Entry",
        verbose_name=_("co-ops the founders belong to"),
        blank=True,
        related_name="founder_ventures",
        help_text=_("Mentors from these co-ops have a conflict of interest."),
    )
    website = models.URLField(_("website"), blank=True)

    PERSONAL_FIELDS = ("name", "need_statement", "website")
    NON_PERSONAL_FIELDS = ("languages", "timezone", "stage")

    class Meta:
        ordering = ["name"]
        verbose_name = _("venture")
        verbose_name_plural = _("ventures")

    def __str__(self):
        return self.name


class Application(models.Model):
    """A venture's application to a cohort, with up to five ranked mentors."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted into the cohort")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MATCHED = "matched", _("Matched with a mentor")
        MANUAL = "manual", _("Needs manual matching")

    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="applications")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    motivation = models.TextField(_("why this programme"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    PERSONAL_FIELDS = ("motivation",)
    NON_PERSONAL_FIELDS = ("status",)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["venture", "cohort"], name="one_application_per_cohort")
        ]

    def __str__(self):
        return f"{self.venture} → {self.cohort}"

    #: Applications that take part in matching.
    MATCHABLE = (Status.SUBMITTED, Status.ACCEPTED, Status.MANUAL)


class Preference(models.Model):
    """One of the mentors a venture ranked, best first, with the reason it gave."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="preferences")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="preferred_by")
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PREFERENCES)]
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    PERSONAL_FIELDS = ("reason",)
    NON_PERSONAL_FIELDS = ()

    class Meta:
        ordering = ["application", "rank"]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="one_mentor_per_rank"),
            models.UniqueConstraint(fields=["application", "mentor"], name="mentor_ranked_once"),
        ]

    def __str__(self):
        return f"{self.application.venture} #{self.rank}: {self.mentor}"


class MatchRun(models.Model):
    """One run of the matching engine over a cohort: its settings, input hash and metrics."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: staff are reviewing")
        APPROVED = "approved", _("Approved: mentors notified")
        DISCARDED = "discarded", _("Discarded")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    algorithm = models.CharField(_("algorithm"), max_length=20)
    weights = models.JSONField(_("weights"), default=dict)
    min_score = models.FloatField(_("minimum score"), default=0.0)
    input_hash = models.CharField(_("input hash"), max_length=64)
    metrics = models.JSONField(_("metrics"), default=dict)
    unmatched_reasons = models.JSONField(_("why ventures were left unmatched"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    PERSONAL_FIELDS = ()
    # Numbers, settings and fixed sentences keyed by ids; the hash cannot be read back.
    NON_PERSONAL_FIELDS = ("algorithm", "weights", "input_hash", "metrics", "unmatched_reasons", "status")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self):
        return f"{self.cohort} · {self.algorithm} · {self.created_at:%Y-%m-%d %H:%M}"


class Proposal(models.Model):
    """A mentor proposed to a venture, by a match run or by staff, and what became of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to the mentor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    match_run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField(_("score"), null=True, blank=True)
    breakdown = models.JSONField(_("score by criterion"), default=dict, blank=True)
    explanation = models.TextField(_("why this match"), blank=True)
    rank = models.PositiveSmallIntegerField(_("venture's preference rank"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response_note = models.TextField(_("mentor's note"), blank=True)

    # The explanation quotes the venture's reasons and the words its need shares with the expertise.
    PERSONAL_FIELDS = ("explanation", "response_note")
    NON_PERSONAL_FIELDS = ("breakdown", "status")

    class Meta:
        ordering = ["application", "-score"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            # A mentor is proposed to a venture at most once per run.
            models.UniqueConstraint(fields=["match_run", "application", "mentor"], name="one_pair_per_run"),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.application.venture}"

    OPEN_STATUSES = (Status.DRAFT, Status.SENT)

    @property
    def cohort(self):
        return self.application.cohort


class Mentorship(models.Model):
    """A mentor and a venture working together, from an accepted proposal."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="mentorships")
    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="mentorships")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    OPEN_STATUSES = (Status.ACTIVE, Status.ON_HOLD)

    PERSONAL_FIELDS = ()
    NON_PERSONAL_FIELDS = ("status",)

    #: Which status may follow which.
    TRANSITIONS = {
        Status.ACTIVE: {Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED},
        Status.ON_HOLD: {Status.ACTIVE, Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "venture"],
                condition=Q(status__in=["active", "on_hold"]),
                name="one_open_mentorship_per_venture",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} & {self.venture}"

    @cached_property
    def people(self):
        """The accounts taking part: the mentor's and the founders'."""
        users = list(self.venture.founders.all())
        if self.mentor.user_id:
            users.append(self.mentor.user)
        return users


class MentorshipStatusChange(models.Model):
    """The history of a mentorship: who changed its status, when and why."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    PERSONAL_FIELDS = ("comment",)
    NON_PERSONAL_FIELDS = ("from_status", "to_status")

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class Meeting(models.Model):
    """A meeting logged by either side of a mentorship."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS = ("notes",)
    NON_PERSONAL_FIELDS = ()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.mentorship} · {self.held_on}"


class FeedbackRequest(models.Model):
    """Who still owes feedback on an ended mentorship. Kept apart from the answers, which stay anonymous."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        FOUNDER = "founder", _("Founder")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_requests",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    answered = models.BooleanField(default=False)

    PERSONAL_FIELDS = ()
    NON_PERSONAL_FIELDS = ("role",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mentorship", "user"], name="one_request_per_person")]

    def __str__(self):
        return f"{self.mentorship} · {self.role}"


class Feedback(models.Model):
    """An anonymous, structured answer about a mentorship: linked to the cohort and role, not to a person.

    Staff see a cohort's feedback only once `MIN_RESPONSES` answers exist, so no one can be singled out.
    """

    MIN_RESPONSES = 3

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="feedback")
    role = models.CharField(max_length=20, choices=FeedbackRequest.Role.choices)
    rating = models.PositiveSmallIntegerField(
        _("overall, from 1 to 5"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("how useful, from 1 to 5"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField(_("would recommend the programme"))
    topics_helped = models.ManyToManyField(
        Topic, verbose_name=_("topics it helped with"), blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_on = models.DateField(default=timezone.localdate)

    PERSONAL_FIELDS = ()
    NON_PERSONAL_FIELDS = ("role",)
    # Written by a person but stored with no link to them (so deletion cannot find whose it is);
    # names of deleted people are still taken out of it.
    ANONYMOUS_FIELDS = ("comment",)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return f"{self.cohort} · {self.role} · {self.rating}/5"


class Consent(models.Model):
    """What a person agreed to, and when: recorded at sign-up and whenever the terms change."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=50, default="mentorship")
    version = models.CharField(max_length=20)
    given_at = models.DateTimeField(default=timezone.now)

    PERSONAL_FIELDS = ()  # deleted with the account
    NON_PERSONAL_FIELDS = ("purpose", "version")

    class Meta:
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.purpose} {self.version} · {self.given_at:%Y-%m-%d}"
