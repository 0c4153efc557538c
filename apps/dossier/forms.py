from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import StyledFormMixin
from apps.core.uploads import check_upload

from .registry import dossier_sections
from .services import MAX_MANIFEST_BYTES, parse_manifest


class DossierRequestForm(StyledFormMixin, forms.Form):
    sections = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="The executive summary is always included.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(section.key, section.title) for section in dossier_sections()]
        self.fields["sections"].initial = [section.key for section in dossier_sections()]


class ManifestVerifyForm(StyledFormMixin, forms.Form):
    """A manifest, uploaded (the .json the portal offered) or pasted (copied out of the PDF's attachment)."""

    file = forms.FileField(required=False, label="Manifest file (.json)")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=MAX_MANIFEST_BYTES,
        label="…or paste the manifest",
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text", "").strip()
        if not upload and not text:
            raise ValidationError("Upload the manifest file or paste its text.")
        field = "file" if upload else "text"
        try:
            if upload:
                if check_upload(upload, field="file").extension != "json":
                    raise ValidationError("A manifest is a .json file.")
                upload.seek(0)
                raw = upload.read(MAX_MANIFEST_BYTES + 1)
            else:
                raw = text
            cleaned["manifest"] = parse_manifest(raw)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
        return cleaned
