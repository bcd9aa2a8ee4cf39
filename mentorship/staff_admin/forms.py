"""The staff admin's forms: an application with its ranked preferences edited inline, and the forms of
the workflow's own pages (run matching, propose by hand, change a status, import a spreadsheet)."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from mentorship import spreadsheets
from mentorship.matching import ALGORITHMS
from mentorship.models import MAX_PREFERENCES, Application, MentorProfile, Mentorship, Preference
from mentorship.permissions import mentor_choices_for

from .scoping import ScopedForm

# ---------------------------------------------------------------------------------------------------
# Application: ranked preferences edited inline


PreferenceFormSet = forms.inlineformset_factory(
    Application,
    Preference,
    fields=["rank", "mentor", "reason"],
    extra=MAX_PREFERENCES,
    max_num=MAX_PREFERENCES,
    validate_max=True,
    can_delete=True,
)


class ApplicationForm(ScopedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preferences = PreferenceFormSet(
            self.data if self.is_bound else None, instance=self.instance, prefix="preferences"
        )
        mentors = mentor_choices_for(self.for_user) if self.for_user else MentorProfile.objects.none()
        for form in self.preferences.forms:
            form.fields["mentor"].queryset = mentors

    def is_valid(self):
        return super().is_valid() and self.preferences.is_valid()

    def save(self, commit=True):
        application = super().save(commit=commit)
        if commit:
            self.preferences.instance = application
            self.preferences.save()
        return application


class PreferencesPanel(Panel):
    """The venture's ranked mentors, edited in place (an inline formset on a plain foreign key)."""

    class BoundPanel(Panel.BoundPanel):
        def render_html(self, parent_context=None):
            return render_to_string(
                "mentorship/admin/preferences_panel.html",
                {"formset": getattr(self.form, "preferences", None)},
            )


# ---------------------------------------------------------------------------------------------------
# The workflow's own pages


ALGORITHM_LABELS = {
    "optimal": _("Optimal: the highest total score under every mentor's capacity"),
    "stable": _("Stable: founders' ranked choices first, no pair would rather be together"),
}


class RunMatchingForm(forms.Form):
    algorithm = forms.ChoiceField(
        label=_("Algorithm"),
        choices=[(a, ALGORITHM_LABELS.get(a, a)) for a in ALGORITHMS],
        initial="optimal",
        widget=forms.RadioSelect,
    )


class ProposeForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=MentorProfile.objects.none())

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, mentorship, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Mentorship.TRANSITIONS.get(Mentorship.Status(mentorship.status), set())
        self.fields["to_status"].choices = [(s.value, s.label) for s in Mentorship.Status if s in allowed]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"), choices=[("mentors", _("Mentors")), ("ventures", _("Ventures"))]
    )
    file = forms.FileField(label=_("CSV file"))
    mapping_file = forms.FileField(
        label=_("Column mapping (YAML or JSON)"),
        required=False,
        help_text=_("Optional: which column holds which field. Or fill in the columns below."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in sorted(set(spreadsheets.MENTOR_FIELDS) | set(spreadsheets.VENTURE_FIELDS)):
            self.fields[f"column_{field}"] = forms.CharField(
                label=_("Column for “%(field)s”") % {"field": field}, required=False, max_length=200
            )

    def mapping(self):
        data = self.cleaned_data
        if data.get("mapping_file"):
            return spreadsheets.load_mapping(read_upload(data["mapping_file"]))
        columns = {
            name.removeprefix("column_"): value.strip()
            for name, value in data.items()
            if name.startswith("column_") and value and value.strip()
        }
        return spreadsheets.Mapping(columns) if columns else None


def read_upload(upload) -> str:
    raw = upload.read(spreadsheets.MAX_BYTES + 1)
    if len(raw) > spreadsheets.MAX_BYTES:
        raise spreadsheets.StructureError(_("The file is larger than 5 MB."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise spreadsheets.StructureError(
            _("The file is not UTF-8 text: save the sheet as CSV UTF-8.")
        ) from None
