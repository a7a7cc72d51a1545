"""The search box and its filters."""

from django import forms

from meetings.models import Committee


class SearchForm(forms.Form):
    """The search box and its filters (all in the query string)."""

    q = forms.CharField(label="Search for", required=False, max_length=200, strip=True)
    kind = forms.ChoiceField(label="Kind", required=False)
    committee = forms.ModelChoiceField(
        label="Committee",
        queryset=Committee.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="All committees",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, kinds: dict[str, str], committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *kinds.items()]
        self.fields["committee"].queryset = committees

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range is before its start.")
        return data
