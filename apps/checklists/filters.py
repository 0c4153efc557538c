"""Filters of a checklist's items, shared by the checklist page and the API."""

from django import forms

from apps.core.forms import StyledFormMixin
from apps.projects.choices import Stage

from .choices import Requirement, ResponseStatus

OWNER_CHOICES = [("", "Anyone"), ("me", "Me"), ("none", "Nobody yet")]


class ItemFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(required=False, label="Search")
    stage = forms.ChoiceField(required=False, choices=[("", "All stages"), *Stage.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ResponseStatus.choices])
    requirement = forms.ChoiceField(required=False, choices=[("", "Any requirement"), *Requirement.choices])
    owner = forms.ChoiceField(required=False, choices=OWNER_CHOICES)

    def filters(self) -> dict:
        """The valid, non-empty filters (invalid values are ignored rather than failing the page)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
