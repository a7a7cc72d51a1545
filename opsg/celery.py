"""The Celery application. Configuration comes from Django settings
(CELERY_* names); with REDIS_URL unset tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsg.settings")

app = Celery("opsg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Project-wide tasks that live outside the apps.
app.conf.imports = ("opsg.tasks",)
