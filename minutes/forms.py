"""Forms parse and validate what the secretary typed; services decide."""

from django import forms

from actions.services import target_too_late
from meetings.models import (
    AgendaEntry,
    AgendaItem,
    Attendance,
    Classification,
    Decision,
    Meeting,
    Organisation,
    Person,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VersionedForm(forms.Form):
    """Carries the version of the row the form was drawn from (0: a new row)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class MeetingForm(forms.ModelForm):
    next_meeting_date = forms.DateField(required=False, widget=DATE, label="Next meeting")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "number",
            "kind",
            "date",
            "start_time",
            "end_time",
            "location",
            "is_teleconference",
            "classification",
        ]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}
        labels = {"is_teleconference": "Held by teleconference"}

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.fields["classification"].queryset = Classification.objects.order_by(
            "label", "-effective_from"
        )
        if self.instance.pk:
            self.fields["number"].disabled = True
            nxt = self.instance.next_meetings.filter(kind=Meeting.Kind.MAIN).first()
            self.initial.setdefault("next_meeting_date", nxt.date if nxt else None)
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The meeting must end after it starts.")
        nxt, date = data.get("next_meeting_date"), data.get("date")
        if nxt and date and nxt <= date:
            self.add_error("next_meeting_date", "The next meeting comes after this one.")
        return data

    def validate_unique(self):
        # The committee is not a form field; the service checks the number.
        pass


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation})" if obj.organisation_id else obj.name


class AttendanceAddForm(forms.Form):
    section = forms.ChoiceField(choices=Attendance.Section.choices)
    person = PersonChoiceField(
        queryset=Person.objects.select_related("organisation"), required=False
    )
    new_name = forms.CharField(required=False, max_length=200, label="New person's name")
    new_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, label="Organisation"
    )
    category = forms.CharField(required=False, max_length=100)
    represents = forms.CharField(required=False, max_length=100)

    def clean(self):
        data = super().clean()
        typed = " ".join((data.get("new_name") or "").split())
        if not data.get("person") and not typed:
            raise forms.ValidationError(
                "Choose a person from the list, or type a new person's name."
            )
        if not data.get("person"):
            # A name typed as someone known is that person, never a second one.
            known = list(self.fields["person"].queryset.filter(name__iexact=typed)[:2])
            if len(known) > 1:
                raise forms.ValidationError(
                    f"More than one person is called {typed}: choose one from the list."
                )
            data["person"] = known[0] if known else None
            data["new_name"] = typed
        # The page asks for one "category or body represented": a member's
        # category ("Large Supplier"), anyone else's body ("DCC").
        if data.get("section") == Attendance.Section.MEMBER and not data.get("category"):
            data["category"], data["represents"] = data.get("represents", ""), ""
        return data


class AttendanceForm(forms.ModelForm):
    # The line's version when the form was drawn; blank skips the check.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    alternate_for = PersonChoiceField(
        queryset=Person.objects.select_related("organisation"),
        required=False,
        label="Alternate for",
    )

    class Meta:
        model = Attendance
        fields = [
            "section",
            "category",
            "represents",
            "is_alternate",
            "alternate_for",
            "remote",
            "part",
            "items",
            "role",
        ]
        labels = {
            "is_alternate": "Alternate",
            "remote": "Teleconference",
            "part": "Part",
            "items": "Items attended",
            "role": "Role note",
        }

    def _post_clean(self):
        """The line's rules (its fields' and its constraints) are checked
        once, whole, by meetings.services.attendance_update, which saves it:
        not here too, and the line is not changed until then."""

    # The grid's one "category or body" cell: a member's category, anyone
    # else's body represented (the other field is kept as it was).
    body = forms.CharField(required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if "body" in self.data:
            body = data.pop("body", "")
            data["category"], data["represents"] = self.instance.category, self.instance.represents
            if data.get("section") == Attendance.Section.MEMBER:
                data["category"] = body
            else:
                data["represents"] = body
        else:
            data.pop("body", None)
        # Naming whom an alternate stands in for makes them an alternate.
        if data.get("alternate_for"):
            data["is_alternate"] = True
        # An apology carries no marks of presence; items only for part attendance.
        if data.get("section") == Attendance.Section.APOLOGY:
            data.update(is_alternate=False, remote=False, part=False, alternate_for=None)
        if not data.get("part"):
            data["items"] = ""
        return data


class AttendanceMoveForm(forms.Form):
    """Where a dragged person was dropped in their list (0: the top). A drop
    that cannot be read leaves the order alone."""

    position = forms.IntegerField(min_value=0)


class ItemAddForm(forms.Form):
    """A new item's title, no longer than the model keeps (the service
    refuses a blank one, with its own words)."""

    title = forms.CharField(
        required=False, max_length=AgendaItem._meta.get_field("title").max_length
    )


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaItem
        fields = ["title", "narrative", "post_meeting_note", "confidential", "classification"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 8}),
            "post_meeting_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "post_meeting_note": "Post-meeting note",
            "confidential": "Taken in confidence",
            "classification": "Audience",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)


class DecisionForm(VersionedForm):
    verb = forms.ChoiceField(choices=Decision.Verb.choices)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Numbered points, one a line (optional).",
    )

    def clean_points(self):
        return [line.strip() for line in self.cleaned_data["points"].splitlines() if line.strip()]


class ActionForm(VersionedForm):
    """An action raised or edited in the item editor. Its owners are chosen
    from `organisations` and `people`, the lists the editor offers: a save
    checks them without a query, and answers with the same lists."""

    owner_organisations = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Owning organisations"
    )
    owner_people = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Owning people")
    topic = forms.CharField(required=False, max_length=200)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    target_date = forms.DateField(required=False, widget=DATE)
    target_note = forms.CharField(
        required=False, max_length=200, help_text="Instead of a date, e.g. “To be determined”."
    )

    def __init__(self, *args, organisations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {o.pk: o for o in organisations}
        self._people = {p.pk: p for p in people}
        self.fields["owner_organisations"].choices = [(o.pk, o.short_name) for o in organisations]
        self.fields["owner_people"].choices = [(p.pk, p.name) for p in people]

    def clean(self):
        data = super().clean()
        if not data.get("owner_organisations") and not data.get("owner_people"):
            raise forms.ValidationError("Choose at least one owner.")
        if data.get("target_date") and (data.get("target_note") or "").strip():
            self.add_error("target_note", "Give a target date or a note, not both.")
        if too_late := target_too_late(data.get("target_date")):
            self.add_error("target_date", too_late)
        return data

    @property
    def owners(self):
        data = self.cleaned_data
        return [
            *(self._organisations[pk] for pk in data["owner_organisations"]),
            *(self._people[pk] for pk in data["owner_people"]),
        ]


class ApproveForm(forms.Form):
    at_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Approved at meeting",
        help_text="The later meeting whose decision approved these minutes.",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = Meeting.objects.filter(
            committee=meeting.committee, date__gt=meeting.date
        ).select_related("committee")


class ReviseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Reason for the correction"
    )


class PeriodForm(forms.Form):
    """A period of meetings, either end open; read from the query string."""

    date_from = forms.DateField(required=False, widget=DATE, label="Meetings from")
    date_to = forms.DateField(required=False, widget=DATE, label="Meetings until")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The period ends before it starts: swap the two dates.")
        return data


class CommentForm(forms.Form):
    """A comment on an item of circulated minutes, or a suggested change of
    its wording (both, or either): the service decides what is acceptable."""

    # Not stripped: the passage must match the item's text exactly.
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Comment"
    )
    passage = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Words to change",
        help_text="Copied exactly from the item's text.",
    )
    replacement = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Suggested wording",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason for declining")


class CommentPolicyForm(forms.Form):
    visible_to_members = forms.BooleanField(
        required=False, label="Every member may read the comments on items they may read"
    )


# --- the agenda and papers before a meeting -------------------------------------------


class AgendaEntryForm(forms.ModelForm):
    """An item of the agenda: the service checks its number and title."""

    class Meta:
        model = AgendaEntry
        fields = ["number", "title", "purpose", "presenter", "confidential", "classification"]
        labels = {"confidential": "Taken in confidence"}
        widgets = {"number": forms.TextInput(attrs={"size": 5, "inputmode": "decimal"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].required = False
        self.fields["classification"].empty_label = "The meeting's own"
        self.fields["number"].help_text = 'e.g. "3", or "3.1" for a sub-item.'

    def validate_unique(self):
        """The service says whether the number is taken, in words."""


class PaperForm(forms.Form):
    """A paper's file; what it is, and whether it may be kept, the service decides."""

    file = forms.FileField(
        label="Paper (PDF, Word or Excel, at most 20 MB)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.xlsx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    title = forms.CharField(
        required=False,
        max_length=300,
        label="Title",
        help_text="Leave empty to use the file's name.",
    )
