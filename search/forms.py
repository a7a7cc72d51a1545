"""The search box and its filters."""

from django import forms

from meetings.models import Committee


class SearchForm(forms.Form):
    """The search box and its filters (all in the query string)."""

    q = forms.CharField(label="Search for", required=False, max_length=200, strip=True)
    kind = forms.ChoiceField(label="Kind", required=False)
    committee = forms.ChoiceField(label="Committee", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, kinds: dict[str, str], committees: list[Committee], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *kinds.items()]
        # The committees read once, as a list: a queryset would be read
        # again to check the choice and to draw the list.
        self.committees = {committee.code: committee for committee in committees}
        self.fields["committee"].choices = [
            ("", "All committees"),
            *((code, str(committee)) for code, committee in self.committees.items()),
        ]

    def clean_committee(self) -> Committee | None:
        return self.committees.get(self.cleaned_data["committee"])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range is before its start.")
        return data
