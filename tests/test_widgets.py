"""opsg.widgets.LongSelect writes the markup Django's Select writes, and the
one-pass inputs what Django's inputs write."""

import datetime
import re

from django import forms
from django.utils.safestring import mark_safe

from opsg.widgets import (
    LongSelect,
    OnePassCheckbox,
    OnePassDateInput,
    OnePassTextInput,
    ReadyChoices,
)

CHOICES = [("", "Any owner"), ("org-1", "A & <B>"), ("person-2", "Ann Ash (DCC)")]


class Both(forms.Form):
    fast = forms.ChoiceField(choices=CHOICES, widget=LongSelect, required=False)
    usual = forms.ChoiceField(choices=CHOICES, required=False)


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def fast_as_usual(form) -> str:
    """The LongSelect's markup, having checked it is the Select's (whitespace
    between tags aside, each field's name standing as X)."""
    fast = squeezed(str(form["fast"])).replace("fast", "X")
    assert fast == squeezed(str(form["usual"])).replace("usual", "X")
    return fast


def test_long_select_writes_what_select_writes():
    fast = fast_as_usual(Both({"fast": "person-2", "usual": "person-2"}, prefix=""))
    assert '<option value="person-2" selected>Ann Ash (DCC)</option>' in fast
    assert "A &amp; &lt;B&gt;" in fast


def test_an_invalid_choice_keeps_the_error_attributes():
    form = Both({"fast": "nobody", "usual": "nobody"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["fast"])


def test_a_label_marked_safe_is_not_escaped_twice():
    choices = [("a", mark_safe("<b>A</b>")), ("b", "B & C")]
    markup = LongSelect(choices=choices).render("owner", "a")
    assert '<option value="a" selected><b>A</b></option>' in markup
    assert '<option value="b">B &amp; C</option>' in markup


GROUPED = [
    ("", "Choose an action…"),
    ("Raised at OPSG 25", [(7, "OPSG 25/01 – Ann & <Bo>"), (8, "OPSG 25/02 – Next")]),
    ("Other actions", [(3, "OPSG 24/01 – Old")]),
]


class Grouped(forms.Form):
    fast = forms.TypedChoiceField(
        choices=GROUPED, widget=LongSelect, required=False, coerce=int, empty_value=None
    )
    usual = forms.TypedChoiceField(choices=GROUPED, required=False, coerce=int, empty_value=None)


def test_option_groups_are_written_as_select_writes_them():
    for data in ({"fast": "8", "usual": "8"}, {}, {"fast": "3", "usual": "3"}):
        form = Grouped(data or None, initial={"fast": None, "usual": None}, prefix="")
        fast = fast_as_usual(form)
    assert '<optgroup label="Raised at OPSG 25">' in fast
    assert "Ann &amp; &lt;Bo&gt;" in fast


def test_ready_choices_validate_and_render_as_a_list_does():
    form = Grouped({"fast": "8", "usual": "8"}, prefix="")
    form.fields["fast"].choices = ReadyChoices(GROUPED)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["fast"] == 8
    assert '<option value="8" selected>OPSG 25/02 – Next</option>' in str(form["fast"])
    refused = Grouped({"fast": "99"}, prefix="")
    refused.fields["fast"].choices = ReadyChoices(GROUPED)
    assert "fast" in refused.errors


class Inputs(forms.Form):
    words = forms.CharField(
        required=False, widget=OnePassTextInput(attrs={"placeholder": "e.g. <OPSG> 25"})
    )
    words_usual = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"placeholder": "e.g. <OPSG> 25"})
    )
    count = forms.IntegerField(
        min_value=0, widget=OnePassTextInput(attrs={"inputmode": "numeric", "size": 4})
    )
    count_usual = forms.IntegerField(
        min_value=0, widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4})
    )
    when = forms.DateField(
        required=False, widget=OnePassDateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    when_usual = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    tick = forms.BooleanField(required=False, widget=OnePassCheckbox)
    tick_usual = forms.BooleanField(required=False)


def test_one_pass_inputs_write_what_django_inputs_write():
    for data in (
        None,
        {"words": 'A & "B"', "count": "abc", "when": "2026-02-30", "tick": "on"},
        {"words": "", "count": "-3", "when": "2026-11-23", "tick": ""},
    ):
        if data is not None:
            data = {**data, **{f"{name}_usual": value for name, value in data.items()}}
        day = datetime.date(2026, 11, 23)
        form = Inputs(data, initial={"when": day, "when_usual": day}, prefix="")
        form.is_valid()
        for name in ("words", "count", "when", "tick"):
            fast = str(form[name]).replace(f'"{name}"', '"X"').replace(f"id_{name}", "id_X")
            usual = str(form[f"{name}_usual"])
            usual = usual.replace(f'"{name}_usual"', '"X"').replace(f"id_{name}_usual", "id_X")
            assert fast == usual, (data, name)
    assert 'aria-invalid="true"' in str(form["count"])
