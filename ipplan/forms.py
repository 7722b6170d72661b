"""Form rendering with Designsystemet markup (templates/forms, templates/django/forms)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class DesignsystemetRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
