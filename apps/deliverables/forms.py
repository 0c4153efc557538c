"""Forms: HTTP input to service arguments; the rules live in services."""

from django import forms

from apps.core.forms import StyledFormMixin
from apps.projects.forms import MemberChoiceField

from .choices import DeliverableStatus


class DeliverableInlineForm(forms.Form):
    status = forms.ChoiceField(choices=DeliverableStatus.choices, required=False)
    owner = MemberChoiceField(queryset=None, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class _ProjectDeliverableFields(forms.Form):
    owner = MemberChoiceField(queryset=None, required=False, empty_label="— nobody yet —")
    status = forms.ChoiceField(choices=DeliverableStatus.choices)
    link = forms.CharField(required=False, max_length=500, widget=forms.URLInput, help_text="Where the document lives.")
    last_updated_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Last updated",
        help_text="Leave as is to date a change of status or link today.",
    )
    file = forms.FileField(
        required=False, label="Upload the document", help_text="PDF, Office, images or text; up to 10 MB."
    )

    def __init__(self, *args, members, can_manage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        if not can_manage:
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = "A Product Owner or Product Manager reassigns deliverables."


class ProjectDeliverableForm(StyledFormMixin, _ProjectDeliverableFields):
    """A project deliverable's owner, status, link or file (member choices set by the base class)."""
