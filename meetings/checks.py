"""System checks of the deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_logins_outside_demo_mode(app_configs=None, **kwargs):
    """A demo login (made by `load_demo`, its password printed by `make run`)
    that can still sign in on a deployment is an open door. Known by its
    name (settings.DEMO_USERNAMES), not by anything an admin may have
    changed since, such as its email address."""
    if settings.DEMO_MODE:
        return []
    from django.contrib.auth import get_user_model

    try:
        users = list(get_user_model().objects.filter(username__in=settings.DEMO_USERNAMES))
    except DatabaseError:
        # No database yet, or not migrated: there is no login to worry about.
        return []
    usable = sorted(user.username for user in users if user.has_usable_password())
    if not usable:
        return []
    return [
        Error(
            f"Demo login(s) {', '.join(usable)} can sign in while DEMO_MODE is off.",
            hint=(
                "They were made by `manage.py load_demo` in demo mode and their password may "
                "be known: delete them, or give them an unusable password, in the admin. "
                "A real user of that name is renamed first."
            ),
            id="meetings.E001",
        )
    ]
