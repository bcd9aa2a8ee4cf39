"""The public forms: a new co-op, or a change to an entry. Every field is checked; nothing is trusted."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory.text import html_to_text, strip_control, validate_web_url

# The entry fields a submitter may propose, in the order the forms and the editors' review show them.
ENTRY_FIELDS = [
    "name",
    "website",
    "summary",
    "description",
    "text_language",
    "country",
    "locality",
    "founded_year",
]
CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone"]
# Each contact field has a public/private choice, off (private) unless the submitter ticks it.
PUBLIC_FLAGS = {name: f"{name}_public" for name in CONTACT_FIELDS}
PROPOSED_FIELDS = ENTRY_FIELDS + CONTACT_FIELDS + list(PUBLIC_FLAGS.values())

# Filled only by robots: a submission with it is thanked and thrown away.
HONEYPOT = "homepage"

phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-/]{5,40}$", _("Enter a phone number with digits, spaces and an optional leading +.")
)


class PlainTextField(forms.CharField):
    """Text from the public without control characters: a one-line field has none, a multi-line one
    keeps its newlines and tabs (the models strip them too; stripping here keeps them out of the
    submission editors review, and a stray NUL is dropped instead of refusing the form)."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return strip_control(value, multiline=self.multiline).strip() if value else value


def language_choices():
    return [("", _("Not sure"))] + [(code, name) for code, name in settings.LANGUAGES]


class EntryFieldsForm(forms.Form):
    name = PlainTextField(label=_("Name of the co-op"), max_length=255)
    website = forms.URLField(
        label=_("Website"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
    )
    summary = PlainTextField(
        label=_("Summary"),
        max_length=500,
        required=False,
        help_text=_("One or two sentences: what it does and for whom."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = PlainTextField(
        multiline=True,
        label=_("Description"),
        max_length=5000,
        required=False,
        help_text=_("Plain text; leave a blank line between paragraphs."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    text_language = forms.ChoiceField(
        label=_("Language of the summary and description"), required=False, choices=language_choices
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=lambda: [("", "—")] + list(countries)
    )
    locality = PlainTextField(label=_("Town or city"), max_length=200, required=False)
    founded_year = forms.IntegerField(label=_("Year founded"), required=False, min_value=1700, max_value=2100)

    contact_name = PlainTextField(label=_("Contact name"), max_length=200, required=False)
    contact_name_public = forms.BooleanField(
        label=_("Show the contact name on the public page"), required=False
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_email_public = forms.BooleanField(
        label=_("Show the contact email on the public page"), required=False
    )
    contact_phone = PlainTextField(
        label=_("Contact phone"), max_length=50, required=False, validators=[phone_validator]
    )
    contact_phone_public = forms.BooleanField(
        label=_("Show the contact phone on the public page"), required=False
    )

    def about_fields(self):
        return [self[name] for name in ENTRY_FIELDS]

    def contact_fields(self):
        """(value, public flag) bound-field pairs."""
        return [(self[name], self[flag]) for name, flag in PUBLIC_FLAGS.items()]


class SubmitterForm(forms.Form):
    message = PlainTextField(
        multiline=True,
        label=_("Anything the editors should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submitter_name = PlainTextField(label=_("Your name"), max_length=200)
    submitter_email = forms.EmailField(
        label=_("Your email"), help_text=_("Only the editors see it, to ask you about this submission.")
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the editors may contact me about this submission and publish the co-op's "
            "details I marked as public."
        ),
        error_messages={"required": _("Please tick this box so we can process your submission.")},
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class NewEntryForm(EntryFieldsForm, SubmitterForm):
    """ "Add my co-op"."""


class ChangeForm(EntryFieldsForm, SubmitterForm):
    """ "Suggest a change to this entry": the public facts come pre-filled; contact fields start empty
    (an entry's private contact details are never put in a public page)."""

    message = PlainTextField(
        multiline=True,
        label=_("What should change, and how do you know?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, entry, **kwargs):
        self.entry = entry
        initial = {name: getattr(entry, name) for name in ENTRY_FIELDS}
        initial["description"] = html_to_text(entry.description) if entry.description else ""
        initial["country"] = entry.country.code if entry.country else ""
        for name, flag in PUBLIC_FLAGS.items():
            if getattr(entry, flag) and getattr(entry, name):
                # Shown publicly already, so it may be shown here too.
                initial[name] = getattr(entry, name)
                initial[flag] = True
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changes() and not cleaned.get("message"):
            raise forms.ValidationError(
                _("Nothing was changed. Edit a field or tell the editors what to fix.")
            )
        return cleaned

    def changes(self) -> dict:
        """The proposed fields that differ from the entry as the form showed it."""
        proposed = proposed_fields(self.cleaned_data)
        changed = {}
        for name in ENTRY_FIELDS:
            if (proposed[name] or None) != (self.initial.get(name) or None):
                changed[name] = proposed[name]
        for name, flag in PUBLIC_FLAGS.items():
            value, public, shown = proposed[name], proposed[flag], bool(self.initial.get(flag))
            if value:
                # An empty contact field means "no change": the form never shows private values.
                if value != self.initial.get(name):
                    changed[name] = value
                if public != shown or name in changed:
                    changed[flag] = public
            elif shown:
                changed[flag] = False  # a shown value was cleared: stop showing it
        return changed


def proposed_fields(cleaned: dict) -> dict:
    """The entry's fields from a valid form, as JSON-ready values."""
    data = {}
    for name in PROPOSED_FIELDS:
        value = cleaned.get(name)
        if name in PUBLIC_FLAGS.values():
            value = bool(value)
        elif value is None:
            value = None if name == "founded_year" else ""
        data[name] = value
    return data
