"""The shared form styling: every widget gets the Bootstrap class of its kind."""

import re

from django import forms

from apps.core.forms import StyledFormMixin


class _Form(StyledFormMixin, forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField()
    sections = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    decision = forms.ChoiceField(choices=[("go", "Go"), ("no", "No-Go")], widget=forms.RadioSelect)


def test_tick_boxes_and_radio_buttons_are_styled_as_checks_not_text_boxes():
    html = str(_Form()["sections"]) + str(_Form()["decision"])
    styled = re.findall(r'<input type="(?:checkbox|radio)"[^>]*class="form-check-input"', html)
    assert len(styled) == 4  # each of the four choices
    assert "form-control" not in html


def test_text_inputs_selects_and_single_check_boxes_keep_their_classes():
    form = _Form()
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.fields["kind"].widget.attrs["class"] == "form-select"
    assert form.fields["agree"].widget.attrs["class"] == "form-check-input"
