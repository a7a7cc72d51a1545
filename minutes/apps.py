from django.apps import AppConfig


class MinutesConfig(AppConfig):
    """The minutes as their readers and writers meet them: the document
    (page, PDF, JSON, the version kept during a correction), the editor and
    its writes to items and decisions, the lifecycle's pages, the register
    of decisions and the public pages. It stands on meetings, actions and
    incidents, and nothing below it calls back."""

    name = "minutes"
    verbose_name = "Minutes"
