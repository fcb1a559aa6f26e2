"""Bound the graceful shutdown below Docker's kill deadline.

`docker stop` sends SIGTERM, waits 10 seconds, then sends SIGKILL. Uvicorn by default waits
for in-flight requests for ever, so a stuck request ends in a SIGKILL: no lifespan shutdown,
no final log lines. In the Dockerfile's CMD, add Uvicorn's option that cancels requests
still running after a few seconds, with a value that leaves time to finish cleanly.
"""

from uvicorn.main import main as uvicorn_cli

from ..conftest import image_command

HINT = (
    "Run `uvicorn --help` and look for an option about the graceful shutdown timeout. "
    "Its value must be a whole number of seconds, more than 0 and less than 10."
)

DOCKER_STOP_GRACE_SECONDS = 10  # `docker stop`'s default --time


def test_the_image_command_bounds_the_graceful_shutdown() -> None:
    """CMD sets Uvicorn's graceful-shutdown timeout to more than 0 and under Docker's 10 s."""
    program, *arguments = image_command()
    # Parse the command the way the uvicorn program will (this also rejects a misspelt
    # option), without running anything.
    context = uvicorn_cli.make_context(program, list(arguments))
    timeout = context.params["timeout_graceful_shutdown"]
    assert timeout is not None, "no graceful-shutdown timeout: Uvicorn waits for ever"
    assert 0 < timeout < DOCKER_STOP_GRACE_SECONDS, f"{timeout} s"
