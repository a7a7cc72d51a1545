"""Form widgets shared by the apps."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A drop-down of hundreds of choices (every owner of an action), written
    in one pass. Django's Select renders each <option> through its own
    template, which for 500 owners costs more than the page's queries. Flat
    choices only; the markup is the same."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{_escaped(key)}"{" selected" if str(key) in chosen else ""}>'
            f"{_escaped(label)}</option>"
            for key, label in self.choices
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe(options)
        )


def _escaped(value) -> str:
    """conditional_escape without its lazy-string wrapper and SafeString per
    call, which for hundreds of options cost more than the rest of the page's
    form: HTML already marked safe as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
