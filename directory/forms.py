"""The editors' entry form: what an editor changes, importers leave alone."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .fields import LIST_FIELDS, SCALAR_FIELDS, SOURCED_FIELDS
from .text import editor_safe_html, html_to_text

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
        # The stored values, to tell a real change from a form round trip (an empty Draftail
        # description or a JSON list comes back "changed" although its value is the same).
        self._stored = {name: getattr(self.instance, name, None) for name in SCALAR_FIELDS | LIST_FIELDS}
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
            if name in self._stored and _same(getattr(instance, name, None), self._stored[name]):
                continue
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


def _same(value, stored) -> bool:
    if value == stored:
        return True
    # An empty rich-text field comes back from Draftail as an empty paragraph.
    if isinstance(value, str) and isinstance(stored, str) and "<" in value + stored:
        return not html_to_text(value) and not html_to_text(stored)
    return False


def _as_form_value(field, value):
    """A bound field's value as a browser would post it."""
    widget = field.widget.__class__.__name__
    if widget == "DraftailRichTextArea":
        return field.widget.format_value(editor_safe_html(value) if isinstance(value, str) else value)
    if field.__class__.__name__ == "JSONField" and isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return [str(getattr(v, "pk", v)) for v in value]
    if hasattr(value, "pk"):
        return str(value.pk)
    return value


def _form_data(form) -> dict:
    """Everything an unchanged edit form would post, its inline formsets included."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if name == "tags":
            data[name] = ", ".join(getattr(t, "name", str(t)) for t in value)
        else:
            data[name] = _as_form_value(field, value)
    for formset in getattr(form, "formsets", {}).values():
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for child in formset.forms:
            for name, field in child.fields.items():
                value = child[name].value()
                if value is not None:
                    data[f"{child.prefix}-{name}"] = _as_form_value(field, value)
    return data


def apply_editor_changes(entry, user, changes: dict, publish: bool = True):
    """Write `changes` ({field: value}) to an entry through the editors' own form, so they are
    validated and locked against importers exactly as an editor's edit would be.

    Saves a revision by `user` and publishes it when `publish` is set. Returns the bound form;
    when it is not valid nothing was saved and its errors say why.
    """
    form_class = type(entry).get_edit_handler().get_form_class()
    blank = form_class(instance=entry, for_user=user)
    data = _form_data(blank)
    for name, value in changes.items():
        if name not in blank.fields:
            continue
        field = blank.fields[name]
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
        elif field.widget.__class__.__name__ == "DraftailRichTextArea":
            data[name] = field.widget.format_value(value)
        else:
            data[name] = "" if value is None else value
    form = form_class(data, instance=entry, for_user=user)
    if not form.is_valid():
        return form
    instance = form.save(commit=False)
    revision = instance.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return form
