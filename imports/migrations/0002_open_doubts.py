"""Minutes imported before doubts were acknowledged one by one, and not yet
published, wait for theirs as new imports do: each counted as open."""

from django.db import migrations


def count_open_doubts(apps, schema_editor):
    ImportedDocument = apps.get_model("imports", "ImportedDocument")
    Meeting = apps.get_model("meetings", "Meeting")
    open_doubts: dict[int, int] = {}
    for meeting_id, flags in ImportedDocument.objects.exclude(
        meeting__status="published"
    ).values_list("meeting_id", "flags"):
        unchecked = [flag for flag in flags if not flag.get("acknowledged_at")]
        open_doubts[meeting_id] = open_doubts.get(meeting_id, 0) + len(unchecked)
    for meeting_id, doubts in open_doubts.items():
        Meeting.objects.filter(pk=meeting_id).update(import_doubts=doubts)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("meetings", "0011_import_doubts"),
    ]

    operations = [migrations.RunPython(count_open_doubts, migrations.RunPython.noop)]
