"""What every directory model shares: text saved clean, whatever writes it."""

from __future__ import annotations

from django.db import models

from ..text import safe_web_url, strip_control, strip_control_deep, validate_web_url


class CleanText:
    """Text is saved without control characters, whatever writes it (an editor's form, a public
    submission accepted, code): one-line fields lose their line breaks, multi-line ones (text and
    rich text) keep newlines and tabs, and the strings inside `text_json_fields` are cleaned too.
    Runs in model validation (so a form's instance, and the revision saved from it, is clean) and
    again on save(). Importers write in bulk past save(): their records are cleaned the same way
    (importers.records)."""

    text_json_fields: tuple[str, ...] = ()

    def strip_control_characters(self):
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname, None)
            if isinstance(field, models.TextField) and isinstance(value, str):
                setattr(self, field.attname, strip_control(value, multiline=True))
            elif isinstance(field, models.CharField) and isinstance(value, str):
                setattr(self, field.attname, strip_control(value))
            elif field.name in self.text_json_fields and value is not None:
                setattr(self, field.attname, strip_control_deep(value))

    def clean(self):
        super().clean()
        self.strip_control_characters()

    def drop_unsafe_addresses(self):
        """Blank an address field that is not a web address: code that saves without validating
        (publishing an old revision, say) must not store one either."""
        for field in self._meta.concrete_fields:
            if validate_web_url in field.validators:
                value = getattr(self, field.attname, None)
                if value and not safe_web_url(value):
                    setattr(self, field.attname, "")

    def save(self, *args, **kwargs):
        self.strip_control_characters()
        self.drop_unsafe_addresses()
        super().save(*args, **kwargs)
