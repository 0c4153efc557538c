"""Forms: they translate HTTP input to service arguments; the rules live in services."""

from django import forms

from apps.core.forms import StyledFormMixin
from apps.projects.forms import MemberChoiceField

from .choices import EvidenceKind, ResponseStatus

# Forms whose choices depend on the project set them in a plain base class; StyledFormMixin styles the result.


class _TemplateApplyFields(forms.Form):
    template = forms.ModelChoiceField(queryset=None, label="Template", empty_label="Choose a template…")

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda t: (
            f"{t.current_version.name} (v{t.current_version.number}, {t.get_origin_display().lower()})"
        )


class TemplateApplyForm(StyledFormMixin, _TemplateApplyFields):
    pass


class TemplateUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Template file (YAML)",
        help_text="Same format as the portal's library (docs/checklist-templates.md). A changed file with an "
        "existing key becomes that template's next version.",
    )


class ItemInlineForm(forms.Form):
    """The quick edits of a checklist row: status, owner and (for not applicable) a justification."""

    status = forms.ChoiceField(choices=ResponseStatus.choices, required=False)
    owner = MemberChoiceField(queryset=None, required=False)
    justification = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class _ItemResponseFields(forms.Form):
    status = forms.ChoiceField(choices=ResponseStatus.choices)
    owner = MemberChoiceField(queryset=None, required=False, empty_label="— nobody yet —")
    justification = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the item is not applicable: why it does not apply to this project.",
    )
    selected_options = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Answer")

    def __init__(self, *args, item, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        if item.is_select:
            self.fields["selected_options"].choices = [(o["key"], o["label"]) for o in item.options]
            self.fields["selected_options"].help_text = (
                "Choose exactly one." if item.kind == "single_select" else "Choose every option that applies."
            )
        else:
            del self.fields["selected_options"]


class ItemResponseForm(StyledFormMixin, _ItemResponseFields):
    pass


class EvidenceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=EvidenceKind.choices, widget=forms.HiddenInput)
    url = forms.CharField(required=False, max_length=500, label="Link", widget=forms.URLInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")
    file = forms.FileField(required=False, label="File")


class CommentForm(StyledFormMixin, forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Comment", max_length=5000)


class ReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(required=False, max_length=2000, label="Review note (optional)")
