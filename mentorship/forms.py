"""Forms of the public mentorship pages: sign-up consent, mentor profiles, applications, and the
small forms on a person's own page (answers to proposals, meetings, status changes, feedback)."""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import Entry
from directory.taxonomies import Activity, Topic

from .models import MAX_PREFERENCES, Consent, Feedback, Meeting, MentorProfile, Mentorship, Stage, Venture

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,4})?$")


def timezone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


class LanguagesField(forms.CharField):
    """Language codes typed as "en, fr, sv", stored as a list."""

    default_error_messages = {
        "invalid_code": _("“%(code)s” is not a language code. Use codes such as en, fr, sv, pt-br."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("Language codes separated by commas, e.g. en, fr, sv."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        codes = []
        for part in re.split(r"[,\s;]+", text or ""):
            code = part.strip().lower().replace("_", "-")
            if not code:
                continue
            if not LANGUAGE_CODE.match(code):
                raise ValidationError(
                    self.error_messages["invalid_code"], code="invalid_code", params={"code": part}
                )
            if code not in codes:
                codes.append(code)
        return codes


class ConsentSignupForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): the consent is required and recorded."""

    consent = forms.BooleanField(
        label=_(
            "I agree that the portal keeps the information I give for mentorship programmes, shows it to "
            "the programmes' staff and to the people I am matched with, and lists me publicly only if I "
            "choose so."
        ),
        help_text=_(
            "You can download your data or delete your account at any time from your mentorship page."
        ),
        error_messages={"required": _("Please agree to how your data is used to create an account.")},
    )

    def signup(self, request, user):
        Consent.objects.create(user=user, purpose="mentorship", version=settings.PORTAL_CONSENT_VERSION)


class HomeCoopField(forms.CharField):
    """A published directory entry, given by its name (or by its address's last part when names repeat)."""

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        published = Entry.objects.published()
        slug = text.rstrip("/").rsplit("/", 1)[-1]
        entry = published.filter(slug=slug).first()
        if entry:
            return entry
        matches = list(published.filter(name__iexact=text)[:2])
        if not matches:
            raise ValidationError(
                _("No co-op called “%(name)s” is in the directory. Check the spelling, or leave it empty."),
                params={"name": text},
            )
        if len(matches) > 1:
            raise ValidationError(
                _(
                    "Several co-ops are called “%(name)s”. Type the last part of its directory address "
                    "instead (/directory/…/)."
                ),
                params={"name": text},
            )
        return matches[0]

    def prepare_value(self, value):
        if isinstance(value, Entry):
            return value.name
        if isinstance(value, int):
            entry = Entry.objects.filter(pk=value).first()
            return entry.name if entry else ""
        return value


class MentorProfileForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages you can mentor in"))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    stages = forms.MultipleChoiceField(
        label=_("Stages you prefer"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if any stage suits you."),
    )
    home_coop = HomeCoopField(
        label=_("Your home co-op"),
        required=False,
        help_text=_(
            "Its name as in the directory. Mentors are never matched with their own co-op's ventures."
        ),
    )

    class Meta:
        model = MentorProfile
        fields = [
            "display_name",
            "home_coop",
            "topics",
            "sectors",
            "stages",
            "languages",
            "timezone",
            "capacity",
            "hours_per_month",
            "available",
            "available_until",
            "expertise",
            "bio",
            "is_public",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "sectors": forms.SelectMultiple(attrs={"size": 8}),
            "available_until": forms.DateInput(attrs={"type": "date"}),
            "expertise": forms.Textarea(attrs={"rows": 5}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.order_by("name")
        self.fields["sectors"].queryset = Activity.objects.order_by("name")
        self.fields["sectors"].required = False

    def clean_languages(self):
        languages = self.cleaned_data["languages"]
        if not languages:
            raise ValidationError(_("Give at least one language you can mentor in."))
        return languages


class VentureForm(forms.ModelForm):
    """A founder edits their venture between applications: what programme staff and matching read."""

    name = forms.CharField(label=_("Name of the venture"), max_length=200)
    need_statement = forms.CharField(
        label=_("Your needs in your own words"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    languages = LanguagesField(label=_("Languages you work in"))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Venture
        fields = ["name", "needs", "need_statement", "stage", "sector", "languages", "timezone", "website"]
        labels = {"needs": _("What you need help with"), "sector": _("Sector")}
        widgets = {"needs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = Topic.objects.order_by("name")
        self.fields["sector"].queryset = Activity.objects.order_by("name")


class VentureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ApplicationForm(forms.Form):
    """A venture (new, or one of the founder's own) applies to a cohort with up to five ranked mentors."""

    venture = VentureChoiceField(
        label=_("Venture"),
        queryset=Venture.objects.none(),
        required=False,
        empty_label=_("A new venture"),
        help_text=_("Apply with a venture you already registered, or describe a new one below."),
    )
    name = forms.CharField(label=_("Name of the venture"), max_length=200, required=False)
    needs = forms.ModelMultipleChoiceField(
        label=_("What you need help with"),
        queryset=Topic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    need_statement = forms.CharField(
        label=_("Your needs in your own words"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Activity.objects.none(), required=False)
    languages = LanguagesField(label=_("Languages you work in"))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    motivation = forms.CharField(
        label=_("Why this programme"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, user, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.cohort = cohort
        self.fields["venture"].queryset = Venture.objects.filter(founders=user).order_by("name")
        self.fields["needs"].queryset = Topic.objects.order_by("name")
        self.fields["sector"].queryset = Activity.objects.order_by("name")
        # Only mentors who chose to appear publicly are named to applicants: the cohort's private mentors
        # are matched by staff, never shown to whoever opens the form.
        mentors = cohort.mentors.listed().order_by("display_name")
        for rank in range(1, MAX_PREFERENCES + 1):
            self.fields[f"mentor_{rank}"] = forms.ModelChoiceField(
                label=_("Mentor, choice %(rank)s") % {"rank": rank},
                queryset=mentors,
                required=False,
                empty_label=_("(none)"),
            )
            self.fields[f"reason_{rank}"] = forms.CharField(
                label=_("Why this mentor, choice %(rank)s") % {"rank": rank}, max_length=500, required=False
            )

    @property
    def preference_rows(self):
        return [(self[f"mentor_{rank}"], self[f"reason_{rank}"]) for rank in range(1, MAX_PREFERENCES + 1)]

    def clean(self):
        data = super().clean()
        venture = data.get("venture")
        if venture is None and not (data.get("name") or "").strip():
            self.add_error("name", _("Give your new venture a name, or choose one of your ventures."))
        if venture is not None and venture.applications.filter(cohort=self.cohort).exists():
            self.add_error(
                "venture", _("%(venture)s has already applied to this cohort.") % {"venture": venture}
            )
        if not self.cohort.is_open():
            raise ValidationError(_("This cohort no longer takes applications."))

        chosen = []
        gap_at = None
        for rank in range(1, MAX_PREFERENCES + 1):
            mentor = data.get(f"mentor_{rank}")
            reason = (data.get(f"reason_{rank}") or "").strip()
            if mentor is None:
                if reason:
                    self.add_error(f"mentor_{rank}", _("Choose the mentor this reason is for."))
                if gap_at is None:
                    gap_at = rank
                continue
            if gap_at is not None:
                self.add_error(
                    f"mentor_{rank}",
                    _("Rank your mentors without gaps: choice %(gap)s is empty.") % {"gap": gap_at},
                )
            if mentor in chosen:
                self.add_error(
                    f"mentor_{rank}", _("%(mentor)s is already one of your choices.") % {"mentor": mentor}
                )
            chosen.append(mentor)
        data["preferences"] = [
            (rank, data[f"mentor_{rank}"], (data.get(f"reason_{rank}") or "").strip())
            for rank in range(1, MAX_PREFERENCES + 1)
            if data.get(f"mentor_{rank}") is not None
        ]
        return data


class ProposalAnswerForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    note = forms.CharField(
        label=_("A note for the programme's staff (optional)"), required=False, max_length=2000
    )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "duration_minutes", "topics", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "topics": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.order_by("name")


STATUS_ACTIONS = {
    Mentorship.Status.ACTIVE: _("Resume"),
    Mentorship.Status.ON_HOLD: _("Put on hold"),
    Mentorship.Status.COMPLETED: _("Complete"),
    Mentorship.Status.CANCELLED: _("Cancel"),
}


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Change to"))
    comment = forms.CharField(label=_("Why (optional)"), required=False, max_length=2000)

    def __init__(self, *args, mentorship, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Mentorship.TRANSITIONS.get(mentorship.status, set())
        self.fields["to_status"].choices = [
            (status.value, label) for status, label in STATUS_ACTIONS.items() if status in allowed
        ]


SCALE = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=Feedback._meta.get_field("rating").verbose_name,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=Feedback._meta.get_field("usefulness").verbose_name,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=Feedback._meta.get_field("would_recommend").verbose_name,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    topics_helped = forms.ModelMultipleChoiceField(
        label=_("Topics it helped with"),
        queryset=Topic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment (anonymous)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics_helped"].queryset = Topic.objects.order_by("name")


class DeleteAccountForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            field = self.fields["confirmation"]
            field.label = _("Type your e-mail address to confirm")
            field.widget = forms.EmailInput(attrs={"autocomplete": "off"})

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise ValidationError(_("That is not your password."))
        elif value.strip().lower() != (self.user.email or "").strip().lower():
            raise ValidationError(_("That is not the e-mail address of your account."))
        return value
