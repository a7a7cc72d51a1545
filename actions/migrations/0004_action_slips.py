"""Store each action's slips (times and days) on the action, so the log can
filter, sort and count by them without reading every action's reviews; work
them out for the actions already recorded; index them for the log."""

from django.db import migrations, models

BATCH = 1000


# A frozen copy of the rule as it stood when this migration was written
# (ActionReview.slip_days and .slipped, summed by actions.services.slip_summary).
# A migration must not import app code that may change after it; a test
# (tests/actions/test_slips.py) checks this copy and the service agree.
def review_slip(last_date, revised_date, revised_note, status):
    """(slipped?, days) of one review."""
    days = max(0, (revised_date - last_date).days) if last_date and revised_date else 0
    slipped = days > 0 or bool(
        status == "open" and revised_note and revised_note.upper() != "N/A"
    )
    return slipped, days


def backfill_slips(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    ActionReview = apps.get_model("actions", "ActionReview")
    figures = {}
    rows = (
        ActionReview.objects.order_by()
        .values_list(
            "action_id", "last_target_date", "revised_target_date", "revised_target_note", "status"
        )
        .iterator(chunk_size=BATCH)
    )
    for action_id, last_date, revised_date, revised_note, status in rows:
        slipped, days = review_slip(last_date, revised_date, revised_note, status)
        times_so_far, days_so_far = figures.get(action_id, (0, 0))
        figures[action_id] = (times_so_far + int(slipped), days_so_far + days)
    # Every action starts at 0 (the columns' default): only those that slipped change.
    changed = [
        Action(pk=pk, times_slipped=times, days_slipped=days)
        for pk, (times, days) in figures.items()
        if times or days
    ]
    Action.objects.bulk_update(changed, ["times_slipped", "days_slipped"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("actions", "0003_feed_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="times_slipped",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="action",
            name="days_slipped",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(backfill_slips, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="action",
            name="action_status_target",
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["status", "target_date", "times_slipped"], name="action_status_target_slips"
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["status", "times_slipped"], name="action_status_slips"),
        ),
    ]
