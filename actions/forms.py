"""Forms parse and validate what the secretary typed; services decide."""

from django import forms

from meetings.models import Committee
from opsg.widgets import LongSelect, ReadyChoices

from .models import Action, FeedToken, OwnerUpdate, Reminder
from .selectors import ReviewRow
from .services import target_too_late

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def check_target_fields(form: forms.Form, which: str, *, raised_on) -> None:
    """The target a form proposes (`which`: "revised", "proposed") is a date
    or words, not both, and not before the action was raised. Every broken
    rule is shown next to its field; the service checks the same again."""
    date = form.cleaned_data.get(f"{which}_target_date")
    note = form.cleaned_data.get(f"{which}_target_note")
    if date and note:
        form.add_error(
            f"{which}_target_note",
            f"Give a {which} target date or words such as “To be determined”, not both.",
        )
    if date and date < raised_on:
        form.add_error(
            f"{which}_target_date",
            f"The {which} target cannot be before the action was raised ({raised_on:%d/%m/%Y}).",
        )
    if too_late := target_too_late(date, f"{which} target"):
        form.add_error(f"{which}_target_date", too_late)


class ReviewForm(forms.Form):
    """One row of the Actions Outstanding review: this meeting's update, the
    status decided, how a closed action ended, and the revised target.

    Prefixed with the action's slug, so every row's fields have their own ids
    and names on the one page. The choice lists are read once per page by the
    view and handed to every row's form."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The owners' updates used to fill the row ("12" or "12,15"): accepted on save.
    owner_update = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    update = forms.CharField(
        label="Update at this meeting",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    status = forms.ChoiceField(
        label="Action status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect(attrs={"class": "review-status"}),
    )
    outcome = forms.ChoiceField(
        label="How it ended",
        choices=Action.Outcome.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "review-outcome"}),
    )
    # Every open action of the committee, on each of a meeting's rows.
    superseded_by = forms.TypedChoiceField(
        label="Superseded by", required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    transferred_to = forms.TypedChoiceField(
        label="Transferred to", required=False, coerce=int, empty_value=None
    )
    revised_target_date = forms.DateField(label="Revised target date", required=False, widget=DATE)
    revised_target_note = forms.CharField(
        label="…or in words", required=False, max_length=200, strip=True
    )

    def __init__(
        self,
        data=None,
        *,
        row: ReviewRow,
        successors: list[Action],
        committees: list[Committee],
        initial_from_update: OwnerUpdate | None = None,
        **kwargs,
    ):
        kwargs.setdefault("prefix", row.slug)
        kwargs.setdefault("initial", initial_for(row, initial_from_update))
        super().__init__(data, **kwargs)
        self.row = row
        self.successors = {a.pk: a for a in successors if a.pk != row.action.pk}
        self.committees = {c.pk: c for c in committees}
        raised_here = [
            a for a in self.successors.values() if a.meeting_number == row.meeting.number
        ]
        others = [a for a in self.successors.values() if a.meeting_number != row.meeting.number]
        groups = [("", "Choose an action…")]
        if raised_here:
            groups.append(
                (f"Raised at {row.meeting}", [(a.pk, a.choice_label) for a in raised_here])
            )
        if others:
            groups.append(("Other actions", [(a.pk, a.choice_label) for a in others]))
        self.fields["superseded_by"].choices = ReadyChoices(groups)
        self.fields["transferred_to"].choices = [("", "Choose a committee…")] + [
            (c.pk, f"{c.code} – {c.name}") for c in committees
        ]
        if row.transferred_in:
            # Its own committee keeps its record; here it can only be done with.
            self.fields["outcome"].choices = [
                (value, label)
                for value, label in Action.Outcome.choices
                if value in (Action.Outcome.COMPLETED, Action.Outcome.ABSORBED)
            ]
        self.fields["revised_target_note"].widget.attrs.update(
            {"list": "target-notes", "placeholder": "To be determined"}
        )

    def clean_owner_update(self) -> list[int]:
        ids = []
        for part in self.cleaned_data["owner_update"].split(","):
            # isdecimal, not isdigit: int() refuses "²", which isdigit accepts.
            if part.strip().isdecimal():
                ids.append(int(part))
        return ids

    def clean(self):
        data = super().clean()
        if data.get("status") == Action.Status.CLOSED:
            outcome = data.get("outcome")
            # A transferred-in action's ending is recorded by its own committee.
            if not outcome and not self.row.transferred_in and "outcome" not in self.errors:
                self.add_error("outcome", "Say how the action ended.")
            if outcome == Action.Outcome.SUPERSEDED and not data.get("superseded_by"):
                self.add_error("superseded_by", "Choose the action that supersedes this one.")
            if outcome == Action.Outcome.TRANSFERRED and not data.get("transferred_to"):
                self.add_error("transferred_to", "Choose the committee it was transferred to.")
        check_target_fields(self, "revised", raised_on=self.row.action.raised_on)
        return data

    def service_arguments(self) -> dict:
        """The cleaned row as keyword arguments of `action_review_record`."""
        data = self.cleaned_data
        closed = data["status"] == Action.Status.CLOSED
        outcome = data.get("outcome") if closed else ""
        pending = {update.pk: update for update in self.row.pending}
        return dict(
            update=data["update"],
            status=data["status"],
            revised_target_date=data["revised_target_date"],
            revised_target_note=data["revised_target_note"],
            outcome=outcome or Action.Outcome.COMPLETED,
            superseded_by=(
                self.successors.get(data["superseded_by"])
                if outcome == Action.Outcome.SUPERSEDED
                else None
            ),
            transferred_to=(
                self.committees.get(data["transferred_to"])
                if outcome == Action.Outcome.TRANSFERRED
                else None
            ),
            expected_version=data["version"],
            # An update someone else has accepted meanwhile is no longer pending: let it be.
            owner_updates=[pending[pk] for pk in data.get("owner_update", []) if pk in pending],
        )


def initial_for(row: ReviewRow, from_update: OwnerUpdate | None = None) -> dict:
    """What the row's form shows before anyone types: this meeting's saved
    review, or a blank one. `from_update` fills it from an owner's update
    (the no-script "Use this update" link)."""
    review, action = row.review, row.action
    initial = {"version": 0, "status": Action.Status.OPEN}
    if review is not None:
        initial.update(
            version=review.version,
            update=review.update,
            status=review.status,
            revised_target_date=review.revised_target_date,
            revised_target_note=review.revised_target_note,
        )
        if review.status == Action.Status.CLOSED and not action.is_open:
            initial.update(
                outcome=action.outcome,
                superseded_by=action.superseded_by_id,
                transferred_to=action.transferred_to_id,
            )
    if from_update is not None:
        initial.update(
            owner_update=from_update.pk,
            update=from_update.text,
            revised_target_date=from_update.proposed_target_date,
            revised_target_note=from_update.proposed_target_note,
        )
    return initial


class OwnerUpdateForm(forms.Form):
    """An owner's update before the meeting, and the target they propose."""

    text = forms.CharField(
        label="Your update",
        strip=True,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the update you want the meeting to hear."},
    )
    proposed_target_date = forms.DateField(
        label="Proposed new target date", required=False, widget=DATE
    )
    proposed_target_note = forms.CharField(
        label="…or in words", required=False, max_length=200, strip=True
    )

    def __init__(self, data=None, *, action: Action, **kwargs):
        super().__init__(data, **kwargs)
        self.action = action
        self.fields["proposed_target_note"].widget.attrs.update(
            {"list": "target-notes", "placeholder": "To be determined"}
        )

    def clean(self):
        data = super().clean()
        check_target_fields(self, "proposed", raised_on=self.action.raised_on)
        return data


class FeedForm(forms.Form):
    """Which calendar feed to make: the meetings of one of the user's
    committees, or the target dates of their own and their organisation's
    actions. One field: a radio button for each feed the user may make."""

    feed = forms.ChoiceField(
        label="What the feed shows",
        widget=forms.RadioSelect,
        initial="actions",
        error_messages={"required": "Choose what the feed shows."},
    )

    def __init__(self, data=None, *, committees: list[Committee], **kwargs):
        super().__init__(data, **kwargs)
        self.committees = {f"meetings-{c.pk}": c for c in committees}
        self.fields["feed"].choices = [("actions", "Target dates of my actions")] + [
            (key, f"Meetings of {c.code}") for key, c in self.committees.items()
        ]

    def service_arguments(self) -> dict:
        choice = self.cleaned_data["feed"]
        if choice == "actions":
            return {"kind": FeedToken.Kind.ACTIONS, "committee": None}
        return {"kind": FeedToken.Kind.MEETINGS, "committee": self.committees[choice]}


class ReminderRunForm(forms.Form):
    """The staff page's choice of day and state (?day=2026-11-23&state=failed)."""

    day = forms.DateField(label="Day", required=False, widget=DATE, input_formats=["%Y-%m-%d"])
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Every reminder"), *Reminder.State.choices],
    )
