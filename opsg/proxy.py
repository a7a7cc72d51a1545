"""The address a request came from, for login throttling (django-axes calls
`client_ip` through AXES_CLIENT_IP_CALLABLE)."""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, unless it is one of TRUSTED_PROXIES (with BEHIND_PROXY):
    then X-Forwarded-For is read from its end, where each trusted proxy
    appended the address it saw, back to the first address that is not a
    trusted proxy. Entries before that one were written by the client and
    could be anything, so a client can neither pick the address it is
    throttled under nor put someone else's there. A request from anywhere
    else has its header ignored: it did not come through the proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    peer = _address(remote or "")
    if not settings.BEHIND_PROXY or peer is None or not _trusted(peer):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Unreadable: not something a proxy of ours wrote. Like nginx's
            # real_ip, keep the connection's own address.
            return remote
        client = address
        if not _trusted(address):
            break
    # Every entry a trusted proxy's (or none): the earliest is the client, as
    # for a request the TLS terminator itself makes.
    return str(client)
