from django import forms

from apps.core.forms import StyledFormMixin


class DecisionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you reject: the team sees it.",
    )
