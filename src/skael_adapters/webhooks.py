"""Webhook delivery over HTTP: HMAC-signed, retried with jittered exponential back-off.

Each request is ``POST <url>`` with the JSON body and two headers:

    X-Skael-Timestamp: <unix seconds>
    X-Skael-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed by the secret>

A receiver recomputes the signature with its search's ``webhook_secret`` and refuses a
timestamp too far from its clock (replays). A 2xx answer is delivered; 408, 429, 5xx
and connection errors are retried (stamina) within ``deadline`` seconds; any other
answer is final. Addresses of this machine and private networks are refused unless
``allow_private`` (a person's URL must not reach Skael's own network): an address given
as such, and a host name any of whose addresses is one (resolved before the request; a
name whose answer changes between that check and the connection is not caught).
Redirects are not followed. A URL httpx cannot call (a host name that is not valid
IDNA, a port out of range, a control character) is an error of that delivery, never
an exception.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx
import stamina

from skael_core.ports import Clock, WebhookSender

SIGNATURE = "X-Skael-Signature"
TIMESTAMP = "X-Skael-Timestamp"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Skael-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class _Retry(Exception):
    """An attempt worth another."""


Resolver = Callable[[str, int], Awaitable[list[str]]]
"""The addresses of a host name (and port), as text."""


async def resolve(host: str, port: int) -> list[str]:
    """The host's addresses from the system's resolver; none if it has no answer."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [str(info[4][0]).split("%", 1)[0] for info in found]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _closed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``address`` belongs to this machine, a private or shared network (such as
    100.64.0.0/10, where some clouds keep their metadata service) or no network: any
    address that is not global. An IPv6 address that carries an IPv4 one (mapped,
    6to4, Teredo, NAT64) is judged by that one too."""
    if isinstance(address, ipaddress.IPv6Address):
        inner: list[ipaddress.IPv4Address] = []
        if address.ipv4_mapped is not None:
            inner.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            inner.append(address.sixtofour)
        if address.teredo is not None:
            inner.extend(address.teredo)
        if address in _NAT64:
            inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_site_local or any(_closed(a) for a in inner):
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


async def _private(url: str, resolver: Resolver) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")  # "127.0.0.1." and "localhost." too
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return _closed(ipaddress.ip_address(host))
    except ValueError:
        pass
    port = parts.port or (443 if parts.scheme == "https" else 80)
    # a name with no answer is let through: the request fails and says so
    return any(_closed(ipaddress.ip_address(a)) for a in await resolver(host, port))


class HttpWebhookSender(WebhookSender):
    def __init__(
        self,
        client: httpx.AsyncClient,
        clock: Clock,
        *,
        attempts: int = 4,
        deadline: float = 30.0,
        wait_initial: float = 0.5,
        wait_max: float = 8.0,
        allow_private: bool = False,
        resolver: Resolver = resolve,
    ) -> None:
        """``client`` is shared and owned by the caller; ``resolver`` gives a host name's
        addresses for the private-network check."""
        self._client = client
        self._clock = clock
        self._attempts = attempts
        self._deadline = deadline
        self._wait_initial = wait_initial
        self._wait_max = wait_max
        self._allow_private = allow_private
        self._resolver = resolver

    async def send(self, url: str, secret: str, body: bytes) -> str | None:
        try:
            urlsplit(url).port  # noqa: B018  (raises for a port not a number up to 65535)
            if not self._allow_private and await _private(url, self._resolver):
                return "the webhook URL is an address of a private network"
        except (ValueError, UnicodeError) as error:  # a port that is not a number, ...
            return f"the webhook URL cannot be called: {error}"
        timestamp = str(int(self._clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP: timestamp,
            SIGNATURE: signature(secret, timestamp, body),
        }
        last = "no attempt made"
        try:
            async with asyncio.timeout(self._deadline):
                async for attempt in stamina.retry_context(
                    on=_Retry,
                    attempts=self._attempts,
                    timeout=None,
                    wait_initial=self._wait_initial,
                    wait_max=self._wait_max,
                ):
                    with attempt:
                        last = await self._post(url, body, headers)
                        return None
        except _Retry as failure:
            return f"{failure} (after {self._attempts} attempts)"
        except TimeoutError:
            return f"no delivery within {self._deadline:g} s ({last})"
        except _Final as failure:
            return str(failure)
        return last  # pragma: no cover  (stamina ends with an outcome)

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> str:
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise _Retry(f"connection failed: {type(exc).__name__}") from exc
        except (ValueError, UnicodeError, httpx.InvalidURL) as exc:  # IDNA, found late
            raise _Final(f"the webhook URL cannot be called: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return "delivered"
        if status in (408, 429) or status >= 500:
            raise _Retry(f"HTTP {status}")
        raise _Final(f"the receiver answered HTTP {status}")


class _Final(Exception):
    """An answer not worth another attempt."""
