from django import forms

from .models import IncidentReview

PUBLISH_CHOICES = [("", "Not decided"), ("yes", "Yes"), ("no", "No")]


class IncidentReviewForm(forms.Form):
    """ "This item reviews INC…": the incident, what the committee made of
    it, and which of the item's decisions and actions are about it."""

    reference = forms.CharField(label="Incident number", max_length=40)
    outcome = forms.CharField(
        label="What the committee noted", required=False, widget=forms.Textarea
    )
    publish_report = forms.ChoiceField(
        label="Review report to be published", choices=PUBLISH_CHOICES, required=False
    )
    amendments = forms.CharField(
        label="Amendments asked for", required=False, widget=forms.Textarea
    )
    decisions = forms.ModelMultipleChoiceField(queryset=None, required=False)
    actions = forms.ModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"].queryset = item.decisions.all()
        self.fields["actions"].queryset = item.actions.all()

    def clean_publish_report(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["publish_report"])


def publish_value(review: IncidentReview | None) -> str:
    if review is None or review.publish_report is None:
        return ""
    return "yes" if review.publish_report else "no"
