"""Lesson 30 claims: X-Forwarded-For is believed only when a configured proxy sends it."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.types import Message

from lessons.testkit import http_scope, serve

from .app import LOGIN_LIMIT, SEARCH_LIMIT, app, create_app
from .conftest import FakeClock
from .limiter import MemoryStore, client_address

PROXY = "10.0.0.2"  # our reverse proxy: the only peer whose X-Forwarded-For we believe
INNER_PROXY = "10.0.0.3"  # a second proxy of ours, in front of PROXY
TRUSTED = (PROXY, INNER_PROXY)
WRONG_PASSWORD = {"username": "alice", "password": "guess"}


@pytest.fixture
def behind_proxy(clock: FakeClock) -> FastAPI:
    return create_app(store=MemoryStore(), clock=clock, trusted_proxies=TRUSTED)


def whoami(client: TestClient, forwarded_for: str | None = None) -> str:
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    response = client.get("/whoami", headers=headers)
    assert response.status_code == 200
    client_address: str = response.json()["client"]
    return client_address


def test_forwarded_for_from_an_untrusted_peer_is_ignored(behind_proxy: FastAPI) -> None:
    """A client talking to the app directly cannot dodge the limit with a new X-Forwarded-For."""
    with TestClient(behind_proxy, client=("203.0.113.7", 50000)) as direct:
        assert whoami(direct, "198.51.100.1") == "203.0.113.7"
        statuses = [
            direct.post(
                "/login", json=WRONG_PASSWORD, headers={"X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
            for n in range(LOGIN_LIMIT.limit + 1)
        ]
    assert statuses == [401] * LOGIN_LIMIT.limit + [429], "a fresh fake address every time"


def test_behind_the_trusted_proxy_each_real_client_has_its_own_budget(
    behind_proxy: FastAPI,
) -> None:
    """From the proxy, the forwarded address is the client: one is limited, another is not."""
    with TestClient(behind_proxy, client=(PROXY, 50000)) as proxy:
        assert whoami(proxy, "198.51.100.1") == "198.51.100.1"

        def attempt(real_client: str) -> int:
            headers = {"X-Forwarded-For": real_client}
            return proxy.post("/login", json=WRONG_PASSWORD, headers=headers).status_code

        statuses = [attempt("198.51.100.1") for _ in range(LOGIN_LIMIT.limit + 1)]
        assert statuses == [401] * LOGIN_LIMIT.limit + [429]
        assert attempt("198.51.100.2") == 401, "the proxy itself is not one shared bucket"


def test_fake_hops_prepended_by_the_client_are_skipped(behind_proxy: FastAPI) -> None:
    """Only the proxy-appended (rightmost) entry counts; a client's own entries are ignored."""
    with TestClient(behind_proxy, client=(PROXY, 50000)) as proxy:
        # The client sent "X-Forwarded-For: <anything>"; our proxy appended the real address.
        for fake in ("1.1.1.1", "10.0.0.2", "127.0.0.1, 8.8.8.8", "not-an-ip"):
            assert whoami(proxy, f"{fake}, 198.51.100.1") == "198.51.100.1", fake
        statuses = [
            proxy.post(
                "/login",
                json=WRONG_PASSWORD,
                headers={"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.1"},
            ).status_code
            for n in range(LOGIN_LIMIT.limit + 1)
        ]
    assert statuses[-1] == 429, "rotating the left-hand entries does not give a fresh budget"


def test_chains_of_trusted_proxies_and_repeated_headers_are_followed(
    behind_proxy: FastAPI,
) -> None:
    """Trusted hops are skipped from the right; several header lines count as one list."""
    with TestClient(behind_proxy, client=(PROXY, 50000)) as proxy:
        assert whoami(proxy, f"198.51.100.1, {INNER_PROXY}") == "198.51.100.1"
        two_lines = [("X-Forwarded-For", "192.0.2.9"), ("X-Forwarded-For", "198.51.100.1")]
        assert proxy.get("/whoami", headers=two_lines).json() == {"client": "198.51.100.1"}
        # Spellings of one IPv6 address are one client.
        assert whoami(proxy, "2001:DB8:0:0::1") == whoami(proxy, "2001:db8::1") == "2001:db8::1"
        # No header, or nothing but our own proxies in it: the proxy's address is all we know.
        assert whoami(proxy) == PROXY
        assert whoami(proxy, INNER_PROXY) == PROXY


def test_an_entry_that_is_not_an_address_stops_the_walk(behind_proxy: FastAPI) -> None:
    """An unreadable entry where our proxy should have written an address: believe none of it."""
    with TestClient(behind_proxy, client=(PROXY, 50000)) as proxy:
        for broken in ("not-an-ip", "1.2.3.4:443", ""):
            # The real-looking address LEFT of the broken entry came from the client's side.
            assert whoami(proxy, f"198.51.100.1, {broken}") == PROXY, broken
            assert whoami(proxy, f"198.51.100.1, {broken}, {INNER_PROXY}") == PROXY, broken
    trusted = frozenset(TRUSTED)
    assert client_address(PROXY, ["198.51.100.1", "garbage"], trusted) == PROXY


def test_a_request_without_a_peer_address_is_counted_as_unknown(
    runner: asyncio.Runner, clock: FakeClock
) -> None:
    """No peer address (a Unix socket, some ASGI servers): all such requests share "unknown"."""
    assert client_address(None, ["198.51.100.1"], frozenset(TRUSTED)) == "unknown"
    no_peer = create_app(store=MemoryStore(), clock=clock, trusted_proxies=TRUSTED)
    [identity] = raw_get(runner, no_peer, ["/whoami"], None, [])
    assert identity == {"status": 200, "json": {"client": "unknown"}}


def test_the_default_app_trusts_no_proxy() -> None:
    """Until TRUSTED_PROXIES is set, every X-Forwarded-For is ignored."""
    assert app.state.trusted_proxies == frozenset()
    with TestClient(app, client=("10.0.0.2", 50000)) as client:
        assert whoami(client, "198.51.100.1") == "10.0.0.2"


# --- Hostile headers, sent as raw ASGI so every byte arrives exactly as generated ------------
hostile_app = create_app(store=MemoryStore(), clock=lambda: 0.0, trusted_proxies=TRUSTED)


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    """One event loop (and thread pool) for every Hypothesis example: cheaper than a new one."""
    with asyncio.Runner() as loop_runner:
        yield loop_runner


def raw_get(
    runner: asyncio.Runner,
    app: FastAPI,
    paths: list[str],
    peer: str | None,
    headers: list[tuple[bytes, bytes]],
) -> list[Message]:
    """GET each path with a hand-built ASGI scope; return each status and JSON body."""

    async def get(path: str) -> Message:
        scope = http_scope(
            path,
            query_string=b"q=mug",
            headers=[(b"host", b"testserver"), *headers],
            client=(peer or "unused", 50000),
        )
        if peer is None:
            scope["client"] = None  # the ASGI spec allows a server to know no peer
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        await app(scope, receive, send)
        body = b"".join(message.get("body", b"") for message in sent[1:])
        return {"status": sent[0]["status"], "json": json.loads(body)}

    async def get_all() -> list[Message]:
        return [await get(path) for path in paths]

    return runner.run(get_all())


forwarded_values = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.one_of(
            st.ip_addresses().map(str),
            st.sampled_from(TRUSTED),
            st.text(alphabet=st.characters(max_codepoint=255), max_size=30),
            st.sampled_from(["", " ", "[::1]:80", "1.2.3.4:443", "unknown", "::ffff:1.2.3.4"]),
        ),
        max_size=8,
    ).map(lambda hops: ",".join(hops).encode("latin-1")),
)


@given(headers=st.lists(forwarded_values, min_size=1, max_size=3), peer=st.sampled_from(TRUSTED))
def test_hostile_forwarded_for_never_causes_a_500(
    runner: asyncio.Runner, headers: list[bytes], peer: str
) -> None:
    """Hypothesis: any X-Forwarded-For bytes from the proxy give 200 and a real address."""
    raw = [(b"x-forwarded-for", value) for value in headers]
    identity, search = raw_get(runner, hostile_app, ["/whoami", "/search"], peer, raw)
    assert identity["status"] == 200
    assert search["status"] in (200, 429), "counted (and maybe limited), never a 500"

    client_address = identity["json"]["client"]
    if client_address != peer:
        # Otherwise it must be an address (never raw text from the header) that is not one
        # of our proxies and that some entry of the header names.
        address = ipaddress.ip_address(client_address)
        assert client_address not in TRUSTED
        entries = b",".join(headers).decode("latin-1").split(",")
        named = set()
        for entry in entries:
            with contextlib.suppress(ValueError):
                named.add(ipaddress.ip_address(entry.strip()))
        assert address in named, f"{client_address} is not in {headers!r}"


# --- Uvicorn has its own proxy-header handling, on by default --------------------------------
def test_uvicorn_by_default_believes_forwarded_for_from_loopback() -> None:
    """Uvicorn's default config rewrites the peer from X-Forwarded-For sent by 127.0.0.1."""
    # Config.load() builds exactly the ASGI stack `uvicorn app` would serve (log_config=None:
    # leave this process's logging alone). Driven in-process, from a loopback peer.
    config = uvicorn.Config(app, log_config=None)
    config.load()
    assert config.proxy_headers, "proxy headers are on unless --no-proxy-headers is given"
    with TestClient(config.loaded_app, client=("127.0.0.1", 50000)) as loopback:
        # ProxyHeadersMiddleware replaced the peer address with the header's value before
        # the app saw the request: the app's own TRUSTED_PROXIES rule never got a say.
        assert whoami(loopback, "198.51.100.7") == "198.51.100.7"


def test_real_uvicorn_with_no_proxy_headers_leaves_the_decision_to_the_app() -> None:
    """The README's command (`--no-proxy-headers`) serves the app; a spoofed header is ignored."""
    with serve("lessons.30_rate_limiting.app:app", "--no-proxy-headers") as server:
        spoofed = {"X-Forwarded-For": "198.51.100.7"}
        seen = httpx.get(f"{server.base_url}/whoami", headers=spoofed).json()
        search = httpx.get(f"{server.base_url}/search", params={"q": "mug"})
    assert seen == {"client": "127.0.0.1"}, "the app trusts no proxy, so the peer counts"
    assert search.status_code == 200
    assert search.headers["X-RateLimit-Remaining"] == str(SEARCH_LIMIT.limit - 1)
