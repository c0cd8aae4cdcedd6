"""A urllib3 pool that honours the TLS and proxy settings of a client Configuration."""

from __future__ import annotations

import ipaddress
import ssl
import urllib.request
from urllib.parse import urlsplit

import urllib3


def make_pool(configuration):
    """PoolManager (or ProxyManager) with CA, client cert, SNI and no automatic retries."""
    verify = bool(getattr(configuration, "verify_ssl", True))
    kwargs = {"cert_reqs": ssl.CERT_REQUIRED if verify else ssl.CERT_NONE, "retries": False}
    for attr, key in (("ssl_ca_cert", "ca_certs"), ("cert_file", "cert_file"), ("key_file", "key_file")):
        value = getattr(configuration, attr, None)
        if value:
            kwargs[key] = value
    if not verify:
        kwargs["assert_hostname"] = False
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    server_name = getattr(configuration, "tls_server_name", None)
    if server_name:
        kwargs["server_hostname"] = server_name
    proxy = getattr(configuration, "proxy", None) or env_proxy(configuration.host)
    if proxy:
        return urllib3.ProxyManager(proxy, **kwargs)
    return urllib3.PoolManager(**kwargs)


def env_proxy(host_url: str) -> str | None:
    """HTTPS_PROXY / HTTP_PROXY as kubectl uses them; NO_PROXY and loopback bypass them."""
    parts = urlsplit(host_url or "")
    hostname = parts.hostname or ""
    if not hostname or _is_loopback(hostname) or urllib.request.proxy_bypass(hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme or "https")


def _is_loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False
