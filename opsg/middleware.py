"""Two rules every request and response passes, whichever view answers:
a NUL character is refused before anything reads it, and nothing private
is kept by a browser's or a proxy's cache."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBadRequest

NUL = "\x00"

# Pages anyone may read, the same for everyone who is not signed in: these
# may be cached as their views (or WhiteNoise, for static files) say.
PUBLIC_PREFIXES = ("/published/", "/healthz", settings.STATIC_URL)
PRIVATE = "private, no-store"


def _carries_nul(request: HttpRequest) -> bool:
    """A NUL in the path, a query or form field's name or value, or a
    cookie. An uploaded file's content is not looked at: a .docx or .pdf is
    binary and full of NULs (and Django drops them from its name)."""
    if NUL in request.path_info:
        return True
    fields = [request.GET]
    if request.method == "POST":
        fields.append(request.POST)
    for data in fields:
        for name, values in data.lists():
            if NUL in name or any(NUL in value for value in values):
                return True
    return any(NUL in name or NUL in value for name, value in request.COOKIES.items())


def refuse_nul(get_response):
    """400 for a request carrying a NUL character. No field here has a use
    for one, and PostgreSQL refuses it in text, so a NUL that reached a query
    or a save would be a 500 (or, in a lookup, a crash half-way through a
    page). Answered before the session or the login is read: a NUL in the
    session cookie would otherwise reach the database there."""

    def middleware(request):
        if _carries_nul(request):
            return HttpResponseBadRequest(
                "Bad request: the address, a form field or a cookie contained a NUL character "
                "(%00), which nothing here accepts.\n",
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware


def private_by_default(get_response):
    """Cache-Control: private, no-store on every response a view did not
    give a Cache-Control of its own (the calendar feeds do), except on the
    public pages; and on every response to a signed-in user, whatever the
    view said. Private by default, so a new page cannot leak through a
    shared cache because someone forgot a decorator: the minutes a member
    reads, the exports and the forms (with their CSRF token) are for that
    member only, and "no-store" keeps them off a shared computer's disk too.
    Signed-in users are never cached: every page shows their name, and a
    public page read while signed in must not be stored under the public
    address."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE
        elif not request.path_info.startswith(PUBLIC_PREFIXES) and not response.has_header(
            "Cache-Control"
        ):
            response["Cache-Control"] = PRIVATE
        return response

    return middleware
