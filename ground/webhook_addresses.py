"""Where webhooks may be sent. An endpoint on loopback, a private network, link-local
(cloud metadata) or another reserved range would let an admin make the server call inside
its own network, so those are refused unless `webhook_allow_private_urls` is on. Checked
when an endpoint is registered and again at each attempt, which then connects to the very
address that was checked (`pinned`): a name that resolves elsewhere a moment later (DNS
rebinding) cannot send the request inside."""

import ipaddress
import socket
from urllib.parse import urlsplit

from anyio import to_thread


class AddressRefused(ValueError):
    """The URL cannot be used as a webhook endpoint; the message says why."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> tuple[str, int]:
    """The host and port of a well-formed http(s) URL, or AddressRefused."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced or invalid [IPv6] host
        raise AddressRefused("Must be an http:// or https:// URL with a host.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("Must be an http:// or https:// URL with a host.")
    if parts.username or parts.password:
        raise AddressRefused("Must not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("Has an invalid port.") from None
    # What the HTTP client itself cannot send to ("999.1.1.1", the A-label "xn--zz", which
    # only decoding the host finds out) is refused here, not found out at every delivery.
    # httpx is imported here, not at start-up, where it cost a web process 0.3 s.
    import httpx

    try:
        httpx.URL(url).host  # noqa: B018 (decoded for its errors)
    except (httpx.InvalidURL, UnicodeError):
        raise AddressRefused("Has an invalid host name or address.") from None
    return parts.hostname, port


async def check_destination(url: str, allow_private: bool, *, must_resolve: bool) -> list[str]:
    """The public addresses the URL's host resolves to, or AddressRefused if any is not
    public. A name that does not resolve is refused only when `must_resolve` (at delivery;
    at registration the production DNS may know it). With `allow_private`, nothing is
    resolved and the list is empty."""
    host, port = check_url(url)
    if allow_private:
        return []
    try:
        addresses = [ipaddress.ip_address(host).compressed]
    except ValueError:
        try:
            found = await to_thread.run_sync(
                lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            )
        except OSError:
            if must_resolve:
                raise AddressRefused(f"The host {host!r} does not resolve.") from None
            return []
        addresses = [str(info[4][0]) for info in found]
    if not all(_public(address) for address in addresses):
        raise AddressRefused(
            "Points to a loopback, private or reserved address; webhooks go to public "
            "addresses only."
        )
    return addresses


def pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL aimed at `address` itself, with the Host header and the TLS server name of
    the original host, so the receiver and its certificate see the name they expect."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    headers = {"host": parts.netloc.rpartition("@")[2]}
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return parts._replace(netloc=netloc).geturl(), headers, extensions
