"""The client address that login throttling counts (``AXES_CLIENT_IP_CALLABLE``).

Behind the documented reverse proxy every request arrives from the proxy's address, so counting REMOTE_ADDR
would let five wrong passwords from anyone lock the real user out. ``X-Forwarded-For`` is believed only when
the direct peer is a trusted proxy (``TRUSTED_PROXIES``), and then only as far as the chain runs through trusted
proxies: the right-most address that is not a trusted proxy is the client. Anything a client writes into the
header itself lies further left and is never reached, so the header cannot be used to rotate addresses.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: Any) -> str | None:
    """REMOTE_ADDR, or behind trusted proxies the first untrusted address from the right of X-Forwarded-For."""
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    hops = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # a malformed entry: stop at the last address we could trust
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
