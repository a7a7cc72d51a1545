from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Committees and meetings"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
