"""Forms of the governance cadence: HTTP input only; the services check the rules."""

import datetime

from django import forms
from django.utils import timezone

from apps.core.forms import StyledFormMixin
from apps.projects.choices import Role

from .choices import ReviewKind

DATE = {"type": "date"}
ISO = "%Y-%m-%d"  # what <input type="date"> reads


class SeriesForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=ReviewKind.choices)
    title = forms.CharField(max_length=200)
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    chair_role = forms.ChoiceField(label="Chair role", choices=Role.choices)
    attendee_roles = forms.MultipleChoiceField(
        label="Attendee roles", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label="First meeting", widget=forms.DateInput(attrs=DATE, format=ISO))
    rule = forms.CharField(
        label="Recurrence rule (RFC 5545)",
        required=False,
        max_length=200,
        help_text="E.g. FREQ=WEEKLY;BYDAY=MO or FREQ=MONTHLY;BYDAY=1TU. Empty: the kind's cadence counted from the "
        "first meeting (a month is a calendar month). Ad hoc reviews have none.",
    )
    lead_days = forms.IntegerField(
        label="Remind this many days before",
        min_value=0,
        max_value=60,
        required=False,
        help_text="Empty: the kind's default.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        for name in ("attendee_roles",):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class RecordForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label="Held on", widget=forms.DateInput(attrs=DATE, format=ISO))
    chair = forms.ModelChoiceField(queryset=None, required=False, empty_label="— Not named —")
    attendees = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    decisions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text="One decision per line. Decisions are kept as recorded; they cannot be edited later.",
    )
    reviewed_risks = forms.TypedMultipleChoiceField(
        label="Risks reviewed, no change",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each ticked risk is marked reviewed in the register, as “Reviewed, no change” does.",
    )

    def __init__(self, *args, members, risk_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members
        self.fields["attendees"].queryset = members
        self.fields["reviewed_risks"].choices = risk_choices
        for name in ("attendees", "reviewed_risks"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("decisions", "").splitlines() if line.strip()]


class ActionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Action", max_length=300)
    owner = forms.ModelChoiceField(queryset=None)
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs=DATE, format=ISO))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        self.fields["owner"].empty_label = "— Choose a member —"


class BaseActionFormSet(forms.BaseFormSet):
    """Blank rows are skipped; a row with any field filled must be complete."""

    def actions(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.has_changed() and form.cleaned_data]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=3, max_num=20)


class DecisionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class ScheduleForm(StyledFormMixin, forms.Form):
    scheduled_on = forms.DateField(label="Date", widget=forms.DateInput(attrs=DATE, format=ISO))

    def clean_scheduled_on(self):
        day = self.cleaned_data["scheduled_on"]
        if day < timezone.localdate() - datetime.timedelta(days=365):
            raise forms.ValidationError("Pick a date within the last year or ahead.")
        return day
