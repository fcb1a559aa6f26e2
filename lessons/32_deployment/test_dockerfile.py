"""Lesson 32 claims: the Dockerfile follows the advice (slim, pinned, no secrets, non-root)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import socket
import subprocess
import sys
from pathlib import Path

from lessons.testkit import REPO_ROOT, Server

from .conftest import exec_form, image_command, read_dockerfile

LESSON = Path(__file__).parent
INSTRUCTIONS = read_dockerfile()
PORT_IN_IMAGE = "8000"
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL", re.IGNORECASE)


def arguments_of(keyword: str) -> list[str]:
    return [i.arguments for i in INSTRUCTIONS if i.keyword == keyword]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # how pip compares distribution names


def test_base_image_is_slim_and_pinned_to_an_exact_python_release() -> None:
    """One FROM: a -slim Python image with a full X.Y.Z tag (or a digest), never `latest`."""
    (base,) = arguments_of("FROM")
    pinned = re.fullmatch(r"python:\d+\.\d+\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", base)
    assert pinned, f"{base!r}: pin an exact slim tag such as python:3.12.11-slim-bookworm"


def test_the_container_runs_as_a_non_root_user() -> None:
    """The last USER before CMD is neither root nor UID 0."""
    keywords = [i.keyword for i in INSTRUCTIONS]
    users = arguments_of("USER")
    assert users, "without USER the process runs as root"
    assert users[-1].partition(":")[0] not in ("root", "0"), users[-1]
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert last_user < keywords.index("CMD"), "USER must come before CMD"


def test_no_secret_or_stray_file_is_baked_into_the_image() -> None:
    """No secret-looking ENV/ARG; COPY names existing files one by one, never `.` or `.env`."""
    for keyword in ("ENV", "ARG"):
        for arguments in arguments_of(keyword):
            names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", arguments) or [arguments]
            assert not any(SECRET_NAME.search(n) for n in names), f"{keyword} {arguments}"
    assert not arguments_of("ADD"), "ADD can fetch URLs and unpack archives: use COPY"
    for arguments in arguments_of("COPY"):
        *sources, _destination = arguments.split()
        for source in sources:
            assert source not in (".", "./", "*"), f"COPY {source} copies the whole directory"
            assert ".env" not in source, f"COPY {source} bakes an env file into the image"
            assert (REPO_ROOT / source).is_file(), f"COPY {source}: no such file"


def test_dependencies_install_without_a_pip_cache() -> None:
    """pip installs the pinned requirements with --no-cache-dir (no cache left in a layer)."""
    installs = [run for run in arguments_of("RUN") if "pip install" in run]
    assert installs, "the image installs its requirements"
    for run in installs:
        assert "--no-cache-dir" in run, run
        assert "-r /tmp/requirements.txt" in run, "installs the pinned file, not ad-hoc names"


def test_requirements_pin_every_third_party_import_of_the_app() -> None:
    """requirements.txt pins (==) every distribution app.py imports, plus Uvicorn."""
    lines = (LESSON / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]
    pinned = {}
    for pin in pins:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\d+(\.\d+)*)", pin.strip())
        assert found, f"{pin!r} is not pinned to one exact version"
        pinned[normalise(found.group(1))] = found.group(2)

    tree = ast.parse((LESSON / "app.py").read_text(encoding="utf-8"))
    modules = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    modules |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    top_level = {module.partition(".")[0] for module in modules} - set(sys.stdlib_module_names)
    owners = importlib.metadata.packages_distributions()
    needed = {normalise(owners[module][0]) for module in top_level} | {image_command()[0]}
    assert {"fastapi", "uvicorn"} <= needed, "the scan must find the app's own imports"
    assert needed <= set(pinned), f"not pinned: {sorted(needed - set(pinned))}"


def test_the_command_is_exec_form_serves_the_lesson_app_and_never_reloads() -> None:
    """CMD is a JSON list running uvicorn on the app, on the EXPOSEd port, without --reload."""
    command = image_command()
    assert command[:2] == ["uvicorn", "lessons.32_deployment.app:app"]
    assert "--reload" not in command, "--reload watches files: development only"
    assert command[command.index("--host") + 1] == "0.0.0.0", "reachable from outside"
    assert command[command.index("--port") + 1] == PORT_IN_IMAGE
    assert arguments_of("EXPOSE") == [PORT_IN_IMAGE]
    assert not arguments_of("ENTRYPOINT"), "an ENTRYPOINT would wrap the command"


def run_healthcheck(url: str) -> int:
    """Run the image's HEALTHCHECK command here, aimed at `url` instead of port 8000."""
    (healthcheck,) = arguments_of("HEALTHCHECK")
    options, _, command = healthcheck.partition(" CMD ")
    assert "--timeout=" in options, "a hanging probe must count as a failure"
    assert "--interval=" in options, options
    program, *arguments = exec_form(command)
    assert program == "python"
    image_url = f"http://127.0.0.1:{PORT_IN_IMAGE}/health"
    assert any(image_url in argument for argument in arguments), "it probes /health"
    arguments = [argument.replace(image_url, url) for argument in arguments]
    return subprocess.run([sys.executable, *arguments], capture_output=True, timeout=60).returncode


def test_the_healthcheck_passes_on_a_live_server_and_fails_when_nothing_listens(
    default_server: Server,
) -> None:
    """The HEALTHCHECK command exits 0 against the running app, non-zero against a dead port."""
    assert run_healthcheck(f"{default_server.base_url}/health") == 0
    with socket.socket() as bound_not_listening:  # holds a port that refuses connections
        bound_not_listening.bind(("127.0.0.1", 0))
        dead = bound_not_listening.getsockname()[1]
        assert run_healthcheck(f"http://127.0.0.1:{dead}/health") != 0
