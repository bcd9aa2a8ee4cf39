"""The editors' entry form: what an editor changes, importers leave alone."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .fields import SOURCED_FIELDS

EDITOR = "editor"
ANY_SOURCE = "any"  # unlocked: the next source that lists the field takes it over
# The fields importers write: an editor's change locks them.
IMPORTED_FIELDS = SOURCED_FIELDS


class EntryForm(WagtailAdminModelForm):
    unlock_fields = forms.MultipleChoiceField(
        label=_("Fields locked by editors"),
        help_text=_(
            "Importers never overwrite a field an editor changed. "
            "Tick a field to let its sources update it again."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        origins = getattr(self.instance, "field_origins", None) or {}
        locked = sorted(name for name, origin in origins.items() if origin == EDITOR)
        labels = {name: self.fields[name].label if name in self.fields else name for name in locked}
        if "unlock_fields" in self.fields:
            self.fields["unlock_fields"].choices = [(name, labels[name]) for name in locked]
            if not locked:
                self.fields["unlock_fields"].help_text = _(
                    "None yet. Importers never overwrite a field an editor changed."
                )

    def save(self, commit=True):
        instance = super().save(commit=False)
        origins = dict(instance.field_origins or {})
        for name in self.changed_data:
            if name in IMPORTED_FIELDS:
                origins[name] = EDITOR
        for name in self.cleaned_data.get("unlock_fields") or []:
            if origins.get(name) == EDITOR:
                origins[name] = ANY_SOURCE
        instance.field_origins = origins
        if commit:
            instance.save()
            self.save_m2m()
        return instance
