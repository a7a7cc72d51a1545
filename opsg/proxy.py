"""The address a request came from, for login throttling (django-axes calls
`client_ip` through AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind the one trusted reverse proxy (BEHIND_PROXY) the
    last X-Forwarded-For entry: the address the proxy itself saw and appended.
    Entries before it were sent by the client and could be anything, so a
    client cannot pick the address it is throttled under."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_PROXY:
        return remote
    last_hop = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last_hop))
    except ValueError:
        # No header (a request that bypassed the proxy, such as the health probe)
        # or a malformed one: the connection's own address.
        return remote
