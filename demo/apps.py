from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: OPSG meeting 25 loaded through the importer, with its
    logins (`manage.py load_demo`, run by `make run`)."""

    name = "demo"
    verbose_name = "Demo"
