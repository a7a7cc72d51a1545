"""Form widgets shared by the apps."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A drop-down of hundreds of choices (every owner of an action, every
    open action a reviewed one may be superseded by), written in one pass.
    Django's Select renders each <option> through its own template, which
    for 500 owners costs more than the page's queries. The markup is the
    same, option groups included."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        parts = []
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{_escaped(key)}">')
                parts.extend(self._option(k, text, chosen) for k, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(key, label, chosen))
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe("".join(parts))
        )

    def _option(self, key, label, chosen: set[str]) -> str:
        # As Select: one option selected at most, the first with the value.
        selected = str(key) in chosen
        if selected and not self.allow_multiple_selected:
            chosen.clear()
        return (
            f'<option value="{_escaped(key)}"{" selected" if selected else ""}>'
            f"{_escaped(label)}</option>"
        )


class OnePassInput(forms.widgets.Input):
    """An <input> written in one pass, with the markup of Django's input.html
    and attrs.html (attributes in their order, True ones bare, False ones
    left out). Django renders each through two templates, which for a
    filter form of a dozen fields costs more than one of the page's queries."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<input type="{_escaped(widget["type"])}" name="{_escaped(name)}"']
        if widget["value"] is not None:
            parts.append(f' value="{_escaped(widget["value"])}"')
        for key, attr in widget["attrs"].items():
            if attr is True:
                parts.append(f" {_escaped(key)}")
            elif attr is not False:
                parts.append(f' {_escaped(key)}="{_escaped(attr)}"')
        parts.append(">")
        return mark_safe("".join(parts))


class OnePassTextInput(OnePassInput, forms.TextInput):
    pass


class OnePassDateInput(OnePassInput, forms.DateInput):
    pass


class OnePassCheckbox(OnePassInput, forms.CheckboxInput):
    pass


def _escaped(value) -> str:
    """conditional_escape without its lazy-string wrapper and SafeString per
    call, which for hundreds of options cost more than the rest of the page's
    form: HTML already marked safe as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class ReadyChoices(BaseChoiceIterator):
    """Choices already as Django keeps them ((value, label), or (group,
    [(value, label), …])), handed to a field as they are. A list would be
    checked and copied again by the field and by its widget, for each form:
    on a review screen, 150 forms of 180 choices each."""

    def __init__(self, choices: list):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)
