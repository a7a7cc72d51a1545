"""A signed-out visitor refused a page is sent to log in, not told "not found".

Members follow links from emails (the circulation email, reminders) while
signed out; they must reach the login page and come back to the page they
asked for (`next=`). The views refuse what a user may not see through the
access helpers, with a 404 (so as never to say whether it exists) or a 403.
For someone who is not signed in this middleware turns either refusal into
the login redirect, once for every view: a view that forgot @login_required
still sends them to log in. Every members-only address so answers an
anonymous visitor the same way whether or not the thing exists, so the
redirect tells them nothing. A signed-in user still gets the 404 or 403.

Public views (the published minutes, /healthz, the calendar feeds, the login
page) are marked with Django's own `login_not_required`: logging in would
change nothing there, so their 404 stays a 404. What the access rule lets
anyone read (published minutes that may go online) is still served to
anyone at the members' addresses too.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404


def is_public(view) -> bool:
    """Marked with `django.contrib.auth.decorators.login_not_required`."""
    return getattr(view, "login_required", True) is False


class LoginToSeeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or is_public(match.func):
            return None
        return redirect_to_login(request.get_full_path())
