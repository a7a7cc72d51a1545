"""Comments on circulated draft minutes (issue 19, "Between meetings"):
members comment on an agenda item while the minutes are circulated, and may
propose a wording change, which the secretary accepts into the draft or
declines with a reason. The committee decides whether members see each
other's comments (CommentPolicy)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from meetings.models import AgendaItem, ClaimedEmail, Committee, Person, user_name


class CommentPolicy(models.Model):
    """A committee's choice of who reads comments on its circulated drafts:
    always the secretariat and each comment's author; every member too when
    `visible_to_members`. A committee without a row keeps the default."""

    committee = models.OneToOneField(
        Committee, on_delete=models.CASCADE, primary_key=True, related_name="comment_policy"
    )
    visible_to_members = models.BooleanField(
        default=False,
        help_text="Every member who may read an item sees the comments on it, not only "
        "the secretariat and each comment's author.",
    )

    class Meta:
        verbose_name_plural = "comment policies"

    def __str__(self):
        seen = "all members" if self.visible_to_members else "the secretariat and the author"
        return f"{self.committee.code}: comments seen by {seen}"


class Comment(models.Model):
    """A member's comment on an item of circulated minutes. With a `passage`
    it proposes a wording change: that passage of the item's narrative, as it
    stood, becomes `replacement` if the secretary accepts it. Kept after the
    minutes are approved: the corrections agreed are listed at the meeting
    that approved them."""

    class State(models.TextChoices):
        COMMENT = "comment", "Comment"
        PROPOSED = "proposed", "Suggestion awaiting the secretary"
        ACCEPTED = "accepted", "Suggestion accepted"
        DECLINED = "declined", "Suggestion declined"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="minutes_comments"
    )
    text = models.TextField(blank=True)
    passage = models.TextField(blank=True, help_text="The words of the narrative to change.")
    replacement = models.TextField(blank=True, help_text="What they become.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.COMMENT)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    # When the author was told the decision: set in the transaction that locks
    # the row and sends the email (minutes.comments.send_comment_outcome), so
    # a retried task or a second worker never tells them twice.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="comment_item_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="comment") | ~Q(passage=""),
                name="comment_suggestion_has_passage",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="comment_declined_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_state_display()} by {user_name(self.author)} on item {self.item_id}"

    @property
    def is_suggestion(self) -> bool:
        return self.state != self.State.COMMENT

    @property
    def is_stale(self) -> bool:
        """A suggestion awaiting the secretary whose passage is no longer in
        the item's text (the draft changed since): it cannot be accepted."""
        return self.state == self.State.PROPOSED and self.passage not in self.item.narrative


class BriefEmail(ClaimedEmail):
    """The brief since the last meeting (minutes.brief_email) emailed to one
    reader before a committee's next meeting. Claimed (inserted under the
    unique constraint) before it is sent, so a second run of the day, a
    retried task or the operators' command never sends it twice."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    # The date of the meeting the brief is before: one brief each, however
    # many days the job runs in the window before it.
    meeting_date = models.DateField()
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-meeting_date", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "meeting_date", "recipient"], name="briefemail_once"
            )
        ]

    def __str__(self):
        return f"Brief to {self.recipient} before {self.committee} on {self.meeting_date}"
