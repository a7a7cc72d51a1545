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
    decisions = forms.TypedMultipleChoiceField(coerce=int, required=False)
    actions = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, item, **kwargs):
        """The choices are the item's decisions and actions as the item holds
        them (prefetched, the same rows its form shows): no query of its own."""
        super().__init__(*args, **kwargs)
        self._offered = {
            "decisions": {d.pk: d for d in item.decisions.all()},
            "actions": {a.pk: a for a in item.actions.all()},
        }
        for name, rows in self._offered.items():
            self.fields[name].choices = [(pk, str(row)) for pk, row in rows.items()]

    def clean_decisions(self):
        return [self._offered["decisions"][pk] for pk in self.cleaned_data["decisions"]]

    def clean_actions(self):
        return [self._offered["actions"][pk] for pk in self.cleaned_data["actions"]]

    def clean_publish_report(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["publish_report"])


def publish_value(review: IncidentReview | None) -> str:
    if review is None or review.publish_report is None:
        return ""
    return "yes" if review.publish_report else "no"
