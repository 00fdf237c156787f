"""An access token for a dashboard served beyond this machine.

``scs-sim dashboard --token TOKEN`` (or ``SCS_SIM_TOKEN``) makes the server answer only
requests that carry the token: the first as ``?token=TOKEN`` in the address, after which
the browser keeps it in a cookie for the page's scripts and its websocket. Anything else
gets ``401`` (HTTP) or a refused websocket, before Solara sees it, so no page and no model
is made for it. :class:`TokenGate` is a plain ASGI middleware; :func:`install` puts it in
front of Solara's Starlette app.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

TOKEN_ENV = "SCS_SIM_TOKEN"
"""Environment variable holding the token (``scs-sim dashboard --token`` sets it)."""

COOKIE = "scs_sim_token"
"""Cookie the browser keeps the token in after its first request."""

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{8,200}")
"""A token: 8 to 200 characters that need no escaping in an address."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REFUSAL = (
    b"scs-sim dashboard: this server needs its access token. Open the address that "
    b"scs-sim dashboard printed, ending in ?token=...\n"
)


def valid_token(token: str) -> bool:
    """Whether ``token`` can be used (see :data:`TOKEN_PATTERN`)."""
    return bool(TOKEN_PATTERN.fullmatch(token))


def _cookie(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def _same(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


class TokenGate:
    """ASGI middleware: HTTP requests and websockets must carry ``token``.

    Args:
        app: The application behind the gate.
        token: The access token.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        in_query = _same(query.get("token", [None])[0], self.token)
        if not (in_query or _same(_cookie(scope.get("headers", [])), self.token)):
            await self._refuse(scope, send)
            return
        if in_query and scope["type"] == "http":
            send = self._setting_cookie(send)
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # policy violation
            return
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(REFUSAL)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": REFUSAL})

    def _setting_cookie(self, send: Send) -> Send:
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        return with_cookie


def install(token: str) -> None:
    """Put a :class:`TokenGate` in front of Solara's server app (in this process)."""
    from solara.server import starlette as server

    app = server.app
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    if not isinstance(app.middleware_stack, TokenGate):
        app.middleware_stack = TokenGate(app.middleware_stack, token)
