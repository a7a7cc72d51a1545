from django.core.management.base import BaseCommand

from minutes.comments import send_comment_outcome
from minutes.models import Comment


class Command(BaseCommand):
    help = (
        "Email each commenter whose suggestion was accepted or declined and who has not "
        "been told yet (the worker does it at once; this is for when it could not)."
    )

    def handle(self, *args, **options):
        owed = Comment.objects.filter(
            state__in=[Comment.State.ACCEPTED, Comment.State.DECLINED], notified_at__isnull=True
        ).values_list("pk", flat=True)
        sent = sum(send_comment_outcome(pk) for pk in list(owed))
        self.stdout.write(f"{sent} email{'s' * (sent != 1)} sent.")
