"""Serve the web page with waitress, a production WSGI server that also runs on Windows."""

from __future__ import annotations

import gc
import ipaddress
import logging
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from visitprep.errors import VisitprepError
from visitprep.web.app import MB, Settings, create_app

LOCAL = "127.0.0.1"
THREADS = 4
# One program on this computer must not lock a patient out of the page: a client has
# REQUEST_SECONDS to send a whole request once it starts one (or to start one at all), and
# holds at most CLIENT_CONNECTIONS connections at once. Past that, a new connection from the
# same address closes that client's oldest one that is not being answered, so a browser's
# new request always gets in, while connections that hold half-sent headers are dropped.
REQUEST_SECONDS = 10
CLIENT_CONNECTIONS = 32
CONNECTION_LIMIT = 256
OPTIONS: dict[str, Any] = {
    "threads": THREADS, "ident": "visitprep", "expose_tracebacks": False,
    # Uploads are refused above their own limits by the app, with a message; this
    # only stops a runaway request before it reaches the app.
    "max_request_body_size": 16 * MB, "clear_untrusted_proxy_headers": True,
    "channel_timeout": 3 * REQUEST_SECONDS, "cleanup_interval": 1,
    "connection_limit": CONNECTION_LIMIT,
}


class ServeError(VisitprepError):
    """The server cannot start (the port is taken, the address is not this computer's)."""


def host_values(host: str, port: int) -> tuple[str, ...]:
    """The Host header values a browser sends for this address: checked on every request."""
    values = [f"{host}:{port}"]
    if host == LOCAL:
        values.append(f"localhost:{port}")
    if ":" in host:  # IPv6 literals are bracketed in URLs
        values = [f"[{host}]:{port}"]
    return tuple(values)


def url_host(host: str) -> str:
    """The address as written in a URL."""
    return f"[{host}]" if ":" in host else host


def check_address(host: str) -> None:
    """Refuse an address that is not a plain IP address (names can be re-pointed).

    Raises:
        ServeError: Naming the address and what to give instead.
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ServeError(f"--host '{host}' is not an IP address",
                         hint="Give an address such as 127.0.0.1 (this computer only, the "
                         "default) or this computer's address on the network.") from None


def serve(settings: Settings, host: str, port: int, *, open_browser: bool,
          on_ready: Callable[[str], None], fallback_port: bool = False) -> None:
    """Serve until Ctrl-C (KeyboardInterrupt is raised to the caller after a clean stop).

    Args:
        settings: What to serve; its accepted Host values are set here.
        host: The address to listen on.
        port: The port; 0 picks a free one.
        open_browser: Open the default browser on the page once it is served.
        on_ready: Called with the page's address once the server listens.
        fallback_port: When the port is taken, take any free one instead of failing.

    Raises:
        ServeError: When the server cannot listen there.
    """
    from waitress.server import create_server

    check_address(host)
    # waitress warns "Task queue depth is N" when requests wait for a thread: normal for
    # a moment under load, and nothing the person at the terminal can act on.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = create_app(settings)
    options = OPTIONS
    try:
        server = create_server(app, host=host, port=port, **options)
    except OSError as exc:
        if not fallback_port:
            raise ServeError(f"cannot listen on {host} port {port} ({exc.strerror})",
                             hint="Another program may be using it. Try another port, "
                             "for example --port 8766, or --port 0 for any free port.") \
                from None
        try:
            server = create_server(app, host=host, port=0, **options)
        except OSError as again:
            raise ServeError(f"cannot listen on {host} ({again.strerror})") from None
    guard(server)
    effective = int(getattr(server, "effective_port", port))
    settings.hosts = host_values(host, effective)
    if ipaddress.ip_address(host).is_unspecified:  # 0.0.0.0 or ::, every address
        settings.any_address_port = effective
    url = f"http://{url_host(host)}:{effective}/"
    on_ready(url)
    if open_browser:
        # Some browsers block until they exit: never hold up the server for them.
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    stop = threading.Event()
    threading.Thread(target=_expire_results, args=(app, stop), daemon=True).start()
    # What is loaded by now (the bank, the app, reportlab) lives as long as the server:
    # the garbage collector need not walk it again on every full collection.
    gc.collect()
    gc.freeze()
    try:
        server.run()
    finally:
        stop.set()
        server.close()


def guard(server: Any) -> None:
    """Bound how long a client may take to send a request, and how many connections one
    client holds (see REQUEST_SECONDS and CLIENT_CONNECTIONS): waitress's own limits are
    for the whole server (100 connections), so 100 half-sent requests would lock everyone
    out for two minutes."""
    base = type(server)

    class Guarded(base):  # type: ignore[valid-type,misc]
        def handle_accept(self) -> None:
            super().handle_accept()
            _evict(self)

        def maintenance(self, now: float) -> None:
            super().maintenance(now)
            _close_slow(self, now)

    server.__class__ = Guarded


def _busy(channel: Any) -> bool:
    """A request of this connection is being answered (or its answer is being sent)."""
    return bool(channel.requests) or bool(getattr(channel, "total_outbufs_len", 0))


def _close_slow(server: Any, now: float) -> None:
    """Close each connection that has taken more than REQUEST_SECONDS over its request.

    Runs while the loop gathers what to watch: a socket is marked to close, never closed
    here (the loop may already be about to wait on it)."""
    for channel in list(server.active_channels.values()):
        if _busy(channel):
            channel.__dict__.pop("vp_waiting", None)
            continue
        parser = channel.request
        waiting = channel.__dict__.get("vp_waiting")
        if waiting is None or waiting[0] is not parser:
            # A new request has started (or the connection is new, or was just answered).
            started = channel.creation_time if waiting is None else now
            channel.vp_waiting = (parser, started)
        elif parser is not None and now - waiting[1] > REQUEST_SECONDS:
            channel.will_close = True  # closed by the loop, as waitress closes idle ones


def _evict(server: Any) -> None:
    """Keep each client within CLIENT_CONNECTIONS, and the server below its limit, by
    closing the oldest connections that are not being answered."""
    channels = sorted(server.active_channels.values(), key=lambda c: c.creation_time)
    by_client: dict[Any, list[Any]] = {}
    for channel in channels:
        address = channel.addr[0] if isinstance(channel.addr, tuple) else channel.addr
        by_client.setdefault(address, []).append(channel)
    closing: list[Any] = []
    for own in by_client.values():
        idle = [c for c in own if not _busy(c)]
        closing += idle[:max(0, len(own) - CLIENT_CONNECTIONS)]
    left = [c for c in channels if c not in closing]
    spare = len(left) - (CONNECTION_LIMIT - 1)
    if spare > 0:
        closing += [c for c in left if not _busy(c)][:spare]
    for channel in closing:
        channel.will_close = True


def _expire_results(app: Any, stop: threading.Event, every: float = 60.0) -> None:
    """Drop results past their time each minute, so an idle server gives the memory back."""
    results = app.extensions["visitprep_results"]
    while not stop.wait(min(every, results.keep_seconds / 2)):
        results.expire()
