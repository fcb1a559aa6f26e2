"""Lesson 32 claims: a real Uvicorn, configured by environment, behind a proxy and a prefix."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from lessons.testkit import Server, serve

from .app import Settings, create_app

APP = "lessons.32_deployment.app:app"
PROXY = "10.0.0.2"  # the reverse proxy's address in the configured deployment
PREFIX = "/api"  # the path the proxy serves the app under (and strips before forwarding)
FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

# Everything the configured server needs comes from the environment, none from arguments:
# DEPLOY_* for the app (its Settings), UVICORN_* and FORWARDED_ALLOW_IPS for Uvicorn.
CONFIGURED_ENV = {
    "DEPLOY_ENVIRONMENT": "staging",
    "UVICORN_ROOT_PATH": PREFIX,
    "FORWARDED_ALLOW_IPS": PROXY,
}


@pytest.fixture(scope="module")
def configured_server() -> Iterator[Server]:
    """The same command, configured only through CONFIGURED_ENV."""
    with serve(APP, env=CONFIGURED_ENV) as server:
        yield server


def info(server: Server, path: str = "/info", **headers: str) -> dict[str, object]:
    response = httpx.get(f"{server.base_url}{path}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_image_command_serves_the_app_from_one_process(default_server: Server) -> None:
    """The Dockerfile's CMD runs a Uvicorn that answers /health and /info itself."""
    health = httpx.get(f"{default_server.base_url}/health")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert health.headers["server"] == "uvicorn"
    assert info(default_server) == {
        "pid": default_server.process.pid,  # one process: it serves the requests itself
        "environment": "development",
        "client": "127.0.0.1",
        "scheme": "http",
        "root_path": "",
        "self_url": f"{default_server.base_url}/info",
    }


def test_environment_variables_configure_both_the_app_and_uvicorn(
    configured_server: Server,
) -> None:
    """DEPLOY_ENVIRONMENT reaches the app's settings; UVICORN_ROOT_PATH reaches Uvicorn."""
    seen = info(configured_server)
    assert seen["environment"] == "staging"
    assert seen["root_path"] == PREFIX
    assert seen["pid"] == configured_server.process.pid


def test_uvicorn_reads_its_own_defaults_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unset: trust loopback proxies, one worker; FORWARDED_ALLOW_IPS/WEB_CONCURRENCY change it."""
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = uvicorn.Config(APP)
    assert (config.forwarded_allow_ips, config.workers) == ("127.0.0.1,::1", 1)

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", PROXY)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")  # what `--workers 3` would set
    config = uvicorn.Config(APP)
    assert (config.forwarded_allow_ips, config.workers) == (PROXY, 3)


# --- Proxy headers ---------------------------------------------------------------------------
def test_uvicorn_believes_forwarded_headers_from_loopback_by_default(
    default_server: Server,
) -> None:
    """With no setting, X-Forwarded-For/-Proto from 127.0.0.1 replace the peer and scheme."""
    seen = info(default_server, **FORWARDED)
    assert seen["client"] == "203.0.113.9", "the header's address, not the real peer"
    assert seen["scheme"] == "https"
    assert seen["self_url"] == f"{default_server.base_url.replace('http', 'https', 1)}/info"


def test_forwarded_headers_from_a_peer_not_allowed_are_ignored(
    configured_server: Server,
) -> None:
    """With FORWARDED_ALLOW_IPS=10.0.0.2, the same headers from 127.0.0.1 change nothing."""
    seen = info(configured_server, **FORWARDED)
    assert seen["client"] == "127.0.0.1", "the real peer: it is not the allowed proxy"
    assert seen["scheme"] == "http"


trusted_networks = "10.0.0.0/8"
# Config.load() wraps the app exactly as `uvicorn --forwarded-allow-ips 10.0.0.0/8` would
# (ProxyHeadersMiddleware outside the app); log_config=None leaves pytest's logging alone.
proxied = uvicorn.Config(
    create_app(Settings()), forwarded_allow_ips=trusted_networks, log_config=None
)
proxied.load()
peers = st.one_of(st.ip_addresses(v=4), st.ip_addresses(network=trusted_networks))
outside = st.ip_addresses(v=4).filter(lambda a: a not in ipaddress.ip_network(trusted_networks))


@given(peer=peers, real_client=outside)
def test_forwarded_headers_are_believed_exactly_from_allowed_networks(
    peer: ipaddress.IPv4Address, real_client: ipaddress.IPv4Address
) -> None:
    """Hypothesis: the app sees the forwarded client and scheme iff the peer is allowed."""
    allowed = peer in ipaddress.ip_network(trusted_networks)  # the oracle: ipaddress
    client = TestClient(proxied.loaded_app, client=(str(peer), 50000))
    headers = {"X-Forwarded-For": str(real_client), "X-Forwarded-Proto": "https"}
    seen = client.get("/info", headers=headers).json()
    assert seen["client"] == str(real_client if allowed else peer)
    assert seen["scheme"] == ("https" if allowed else "http")


# --- root_path: serving behind a path prefix -------------------------------------------------
def test_root_path_puts_the_prefix_into_links_openapi_and_docs(
    configured_server: Server, default_server: Server
) -> None:
    """Behind /api, links, OpenAPI `servers` and the docs page point at /api/...; unset, not."""
    base = configured_server.base_url
    assert info(configured_server)["self_url"] == f"{base}{PREFIX}/info"
    schema = httpx.get(f"{base}/openapi.json").json()
    assert schema["servers"] == [{"url": PREFIX}]
    docs = httpx.get(f"{base}/docs")
    assert f"'{PREFIX}/openapi.json'" in docs.text, "Swagger UI must fetch the prefixed schema"

    plain = default_server.base_url
    assert info(default_server)["self_url"] == f"{plain}/info"
    assert "servers" not in httpx.get(f"{plain}/openapi.json").json()
    assert "'/openapi.json'" in httpx.get(f"{plain}/docs").text


def test_with_root_path_the_proxy_must_strip_the_prefix(configured_server: Server) -> None:
    """Uvicorn's root path expects /info from the proxy; an unstripped /api/info is a 404."""
    base = configured_server.base_url
    assert httpx.get(f"{base}/info").status_code == 200
    unstripped = httpx.get(f"{base}{PREFIX}/info")
    assert (unstripped.status_code, unstripped.json()) == (404, {"detail": "Not Found"})


def app_with_fastapi_root_path() -> FastAPI:
    """The other way to set a prefix: FastAPI's own `root_path` parameter."""
    application = FastAPI(root_path=PREFIX)

    @application.get("/where")
    def where(request: Request) -> dict[str, str]:
        return {"self_url": str(request.url_for("where"))}

    return application


@pytest.mark.fastapi(before="0.146")
def test_before_0_146_fastapi_root_path_serves_the_path_with_and_without_prefix() -> None:
    """FastAPI(root_path=...) prefixes links and answers /where and /api/where alike."""
    client = TestClient(app_with_fastapi_root_path())
    for path in ("/where", f"{PREFIX}/where"):  # a proxy that strips, one that does not
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json() == {"self_url": f"http://testserver{PREFIX}/where"}, path
    assert client.get("/openapi.json").json()["servers"] == [{"url": PREFIX}]


@pytest.mark.fastapi(since="0.146")
def test_from_0_146_fastapi_root_path_parameter_is_deprecated() -> None:
    """FastAPI(root_path=...) warns: configure the server's root path (--root-path) instead."""
    with pytest.warns(UserWarning, match="`root_path` parameter is deprecated"):
        app_with_fastapi_root_path()
