"""Query-string filters of the action log. Every filter and the sort live in
the query string, so a view of the log can be bookmarked and shared, and the
exports read the same string as the page.

The queryset given to `ActionLogFilter` must carry the annotations of
`selectors.log_annotations` (days_overdue) and the reader's
view of each action (actions.known: known_status, known_target_date,
known_times_slipped), which filters and sorts read; several sorts use
them."""

import datetime
import functools
import re

import django_filters
from django import forms
from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator

from meetings.access import committee_codes, committees_where
from meetings.models import Committee, CommitteeRole, Organisation, Person
from meetings.selectors import committees_for_user
from opsg.widgets import (
    LongSelect,
    OnePassCheckbox,
    OnePassDateInput,
    OnePassTextInput,
    ReadyChoices,
)
from opsg.workdays import add_working_days

from .models import OWNER_NAME, Action, ActionOwner

# The form's fields are written in one pass (opsg.widgets), as Django would write them.
DATE = OnePassDateInput(attrs={"type": "date"}, format="%Y-%m-%d")

STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]

# Natural reference order: OPSG 24/02 before 24/10 before 25/01, and a
# meeting's ordinary actions before its confidential session's (45/CONF 01).
REFERENCE_ORDER = ("committee__code", "meeting_number", "confidential", "sequence")

SORTS = {
    "reference": "Reference",
    "target": "Target date",
    "raised": "Date raised",
    "owner": "Owner",
    "overdue": "Days overdue",
    "slips": "Times slipped",
}
SORT_CHOICES = [
    choice
    for key, label in SORTS.items()
    for choice in ((key, f"{label}, ascending"), (f"-{key}", f"{label}, descending"))
]

# Enough for a year of working days; more is a typing slip, not a question.
MAX_WORKING_DAYS = 260


class WholeNumberField(forms.IntegerField):
    """Typed in a text box: a number box cannot show back the "abc" it was
    given, so the user would not see what the error is about."""

    widget = OnePassTextInput(attrs={"inputmode": "numeric", "size": 4})


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter would take "1.5")."""

    field_class = WholeNumberField


MEETING_RE = re.compile(r"^\s*(?P<code>[A-Za-z][A-Za-z0-9]*)[\s_-]*(?P<number>\d+)\s*$")


class MeetingField(forms.CharField):
    """A meeting as the minutes name it, "OPSG 25" (or opsg-25, OPSG_25):
    typed, not picked from a list of every meeting there has been."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MEETING_RE.match(value)
        if not match:
            raise forms.ValidationError(
                "Give the meeting as its committee and number, e.g. OPSG 25.", code="invalid"
            )
        return match["code"].upper(), int(match["number"])


class MeetingFilter(django_filters.Filter):
    field_class = MeetingField


class ActionLogFilter(django_filters.FilterSet):
    # By code, among the user's committees: read as a list of codes (not a
    # queryset the drop-down reads through a cursor and the choice is
    # checked against again).
    committee = django_filters.ChoiceFilter(
        choices=[],
        method="filter_committee",
        empty_label="All committees",
        label="Committee",
        widget=LongSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label=None, widget=LongSelect
    )
    owner = django_filters.ChoiceFilter(
        choices=[],
        method="filter_owner",
        empty_label="Any owner",
        label="Owner",
        widget=LongSelect,
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", widget=OnePassCheckbox, label="Overdue only"
    )
    due_within = IntegerFilter(
        method="filter_due_within",
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        label="Due within (working days)",
    )
    meeting = MeetingFilter(
        method="filter_meeting",
        label="Raised at meeting",
        widget=OnePassTextInput(attrs={"placeholder": "e.g. OPSG 25"}),
    )
    raised_after = django_filters.DateFilter(
        field_name="raised_on", lookup_expr="gte", widget=DATE, label="Raised from"
    )
    raised_before = django_filters.DateFilter(
        field_name="raised_on", lookup_expr="lte", widget=DATE, label="Raised until"
    )
    due_after = django_filters.DateFilter(
        field_name="known_target_date", lookup_expr="gte", widget=DATE, label="Due from"
    )
    due_before = django_filters.DateFilter(
        field_name="known_target_date", lookup_expr="lte", widget=DATE, label="Due until"
    )
    slipped = IntegerFilter(
        field_name="known_times_slipped",
        lookup_expr="gte",
        min_value=0,
        label="Slipped at least (times)",
    )
    q = django_filters.CharFilter(
        method="filter_text", label="Reference or words", widget=OnePassTextInput
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_by", empty_label=None, label="Sort by", widget=LongSelect
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, data=None, *args, today: datetime.date | None = None, **kwargs):
        if data is not None:
            data = data.copy()
            # The question members come with is "what is still outstanding?".
            if not data.get("status"):
                data["status"] = "open"
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()
        self._committees: dict[str, int] | None = None

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # Read when the drop-down is written or a committee is asked for.
            form.fields["committee"].choices = CallableChoiceIterator(self._committee_choices)
            # The owners (hundreds) given to the form's own field, once the
            # form has copied its fields (not copied along with them), as
            # they are (not checked again each time they are read).
            form.fields["owner"].choices = ReadyChoices(owner_choices())
        return self._form

    # --- filters -------------------------------------------------------------

    def _committee_choices(self) -> list[tuple[str, str]]:
        """The user's committees by code, read with their roles (no query of
        its own for a member)."""
        if self._committees is None:
            self._committees = committee_codes(self.request.user)
        return [(code, code) for code in self._committees]

    def filter_committee(self, queryset, name, value):
        self._committee_choices()
        return queryset.filter(committee_id=self._committees[value])

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(known_status=value)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owned_by(value, self.request.user))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(known_status=Action.Status.OPEN, known_target_date__lt=self.today)

    def filter_due_within(self, queryset, name, value):
        # Working days as the committee counts them: weekends and England's
        # bank holidays left out.
        return queryset.filter(
            known_status=Action.Status.OPEN,
            known_target_date__gte=self.today,
            known_target_date__lte=add_working_days(self.today, value),
        )

    def filter_meeting(self, queryset, name, value):
        # By the number in the reference, so actions older than the meetings
        # kept here (OPSG 11/02, raised at OPSG 11) are found too.
        code, number = value
        return queryset.filter(committee__code__iexact=code, meeting_number=number)

    def filter_text(self, queryset, name, value):
        """Whole words of the text or topic ("SSI" is not in "possible"),
        or the start of a reference or of a word in it ("OPSG 2", "24/0",
        "CONF"). Letters' case aside; spaces as typed or not."""
        words = value.split()
        if not words:
            return queryset
        phrase = r"\s+".join(re.escape(word) for word in words)
        # \W and (^|…) read alike in PostgreSQL's regular expressions and Python's (SQLite).
        whole, start = rf"(^|\W){phrase}(\W|$)", rf"(^|\W){phrase}"
        return queryset.filter(
            Q(reference__iregex=start) | Q(text__iregex=whole) | Q(topic__iregex=whole)
        )

    def sort_by(self, queryset, name, value):
        key = value.lstrip("-")
        descending = value.startswith("-")
        if key == "owner":
            queryset = queryset.annotate(first_owner=first_owner())
        return queryset.order_by(*sort_order(key, descending))

    def filter_queryset(self, queryset):
        # Reference order unless the sort says otherwise (a sort replaces it).
        return super().filter_queryset(queryset.order_by(*REFERENCE_ORDER))

    # --- what the page says about the filter -----------------------------------

    @property
    def cleaned(self) -> dict:
        """The values that were read (an unreadable one is left out)."""
        self.form.is_valid()  # validated once, then cached by the form
        return getattr(self.form, "cleaned_data", {})

    @property
    def is_mine(self) -> bool:
        return self.cleaned.get("owner") == "mine"

    @property
    def current_sort(self) -> str:
        return self.cleaned.get("sort") or "reference"


def sort_order(key: str, descending: bool) -> list:
    """ORDER BY for a sort key; ties are broken by the reference, ascending."""

    def field(expression):
        expression = F(expression)
        # Actions with a note instead of a date ("To be determined") go last either way.
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    if key == "reference":
        return [f"-{f}" if descending else f for f in REFERENCE_ORDER]
    column = {
        "target": "known_target_date",
        "raised": "raised_on",
        "owner": "first_owner",
        "overdue": "days_overdue",
        "slips": "known_times_slipped",
    }[key]
    return [field(column), *REFERENCE_ORDER]


def first_owner() -> Subquery:
    """The name of the action's first owner, to sort by owner: worked out
    for that sort alone."""
    return Subquery(
        ActionOwner.objects.filter(action=OuterRef("pk"))
        .order_by("order", "pk")
        .annotate(name=OWNER_NAME)
        .values("name")[:1],
        output_field=CharField(),
    )


def owner_choices() -> list[tuple[str, str]]:
    """Everyone who owns an action: organisations first, then people (one
    query, each half a probe of the owners' index per organisation or
    person, read as plain values: there may be hundreds)."""
    choices = [("mine", "Mine and my organisation's")]
    with connection.cursor() as cursor:
        cursor.execute(*_owners_sql())
        for kind, pk, label, organisation in cursor.fetchall():
            if kind == 0:
                choices.append((f"org-{pk}", label))
            else:
                choices.append(
                    (f"person-{pk}", f"{label} ({organisation})" if organisation else label)
                )
    return choices


@functools.cache
def _owners_sql() -> tuple[str, tuple]:
    """The owners' query, compiled once a process: it names no user and no
    day, and building and compiling it again for every page of the log took
    the database's time to run it, twice over."""
    organisations = (
        Organisation.objects.filter(Exists(ActionOwner.objects.filter(organisation=OuterRef("pk"))))
        .annotate(kind=Value(0), label=F("short_name"), of=Value(None, output_field=CharField()))
        .order_by()
        .values_list("kind", "pk", "label", "of")
    )
    people = (
        Person.objects.filter(Exists(ActionOwner.objects.filter(person=OuterRef("pk"))))
        .annotate(kind=Value(1), label=F("name"), of=F("organisation__short_name"))
        .order_by()
        .values_list("kind", "pk", "label", "of")
    )
    owners = organisations.union(people, all=True).order_by("kind", "label")
    return owners.query.sql_with_params()


def owned_by(value: str, user) -> Q:
    """Actions owned by org-<id>, person-<id>, or "mine": the signed-in person's
    own, their organisation's and those of a group of a committee's members
    they sit on. A subquery, so an action owned twice over (by the person
    and by their organisation) is listed once."""
    if value == "mine":
        if not user.is_authenticated:
            return Q(pk__in=[])
        # The signed-in person and their organisation, asked inside the
        # query rather than read first. A user who is no one's person owns
        # nothing, and sits on no committee (roles are a person's).
        theirs = Person.objects.filter(user=user)
        mine = Q(person__in=theirs.values("pk")) | Q(organisation__in=theirs.values("organisation"))
        # A group of a committee's members ("OPSG members") owns for each of them.
        sits_on = committees_where(user, set(CommitteeRole.Role) - {CommitteeRole.Role.OBSERVER})
        mine |= Q(organisation__members_of__in=sits_on)
        # The actions they own, not an EXISTS asked of each action: in the
        # access rule it is asked only of what the user's roles do not show
        # them, but the planner costed an EXISTS per row and so read the open
        # actions from the whole table rather than from their own index;
        # this it hashes once when asked at all.
        return Q(pk__in=ActionOwner.objects.filter(mine).values("action"))
    owners = ActionOwner.objects.filter(action=OuterRef("pk"))
    kind, _, pk = value.partition("-")
    if kind == "org":
        return Q(Exists(owners.filter(organisation_id=int(pk))))
    return Q(Exists(owners.filter(person_id=int(pk))))


class OwnersSummaryFilter(django_filters.FilterSet):
    """The owners summary narrows to one committee, nothing else."""

    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.none(), to_field_name="code", empty_label="All committees"
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committees = committees_for_user(self.request.user)
        self.filters["committee"].queryset = committees.order_by("code")
