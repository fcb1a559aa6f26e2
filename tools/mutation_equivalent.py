"""Mutants no test can kill because they change nothing observable, each with the reason.

Keys are `path: line before -> line after` as `python -m tools.mutation` prints them for a
survivor. A key stops matching when that line changes, so the mutant is then judged again.
"""

from __future__ import annotations

_LEGACY_ROW = (
    'lessons/05_response_models/app.py: 1: {"id": 1, "name": "Old Timer", '
    '"email": "old timer at example", "password_hash": "x$y"}, -> 1: {"id": %d, '
    '"name": "Old Timer", "email": "old timer at example", "password_hash": "x$y"},'
)
_LEGACY_REASON = "the legacy row exists to break UserOut with its email; the 500 never shows its id"
_FIRST_ID_REASON = (
    "ids need only be unique and increasing; the first id depends on which test created a user "
    "first (the counter is module state shared by the tests)"
)

_WAIT_LIMIT = (
    "lessons/07_dependencies/slow_teardown.py: WAIT_LIMIT = 10.0  # seconds; only reached if "
    "the experiment goes wrong, never a sleep -> WAIT_LIMIT = %s  # seconds; only reached if "
    "the experiment goes wrong, never a sleep"
)
_WAIT_LIMIT_REASON = (
    "a safety timeout that fires only when the experiment hangs; no passing run reaches it"
)

_DUMMY_HASH = (
    "lessons/14_jwt_auth/app.py: DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(32)) -> "
    "DUMMY_HASH = password_hash.hash(secrets.token_urlsafe( %s))"
)
_DUMMY_HASH_REASON = (
    "the dummy hash's password is a random secret whose check result is thrown away; its "
    "length changes neither the answer nor Argon2's cost"
)
_PROTOCOL_REASON = (
    "Reply is a typing-only Protocol that nothing reads at run time; mypy, not pytest, rejects "
    "a member turned from property into method"
)

# Lesson 24 serves two features only on the FastAPI versions that have them. The mutation
# run has just the newest FastAPI, far above both bounds, so moving a bound is invisible
# there; the version matrix (tools/compat.py) and the since/before-marked tests pin them.
_GATE = (
    "lessons/24_streaming/app.py: if FASTAPI_VERSION >= (0, %s):  # pragma: no branch -> "
    "if FASTAPI_VERSION %s:  # pragma: no branch"
)
_GATE_REASON = "a version gate: only the version matrix, not the newest FastAPI, can move it"

_SLEEP_0_REASON = (
    "asyncio.sleep takes the same one-turn path (__sleep0) for every delay <= 0, so -1 runs "
    "exactly the code 0 does"
)

_VALIDATOR_CLASSMETHOD_REASON = (
    "pydantic's field_validator makes a function whose first parameter is `cls` a "
    "classmethod itself; the decorator is there for readers and type checkers"
)

_DUMMY_HASH_15 = (
    "lessons/15_permissions/app.py: DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(32))"
    "  # unknown users: see lesson 14 -> DUMMY_HASH = password_hash.hash("
    "secrets.token_urlsafe( %s))  # unknown users: see lesson 14"
)

EQUIVALENT: dict[str, str] = {
    _LEGACY_ROW % 0: _LEGACY_REASON,
    _LEGACY_ROW % 2: _LEGACY_REASON,
    "lessons/05_response_models/app.py: _next_id = itertools.count(1) -> "
    "_next_id = itertools.count( 0)": _FIRST_ID_REASON,
    "lessons/05_response_models/app.py: _next_id = itertools.count(1) -> "
    "_next_id = itertools.count( 2)": _FIRST_ID_REASON,
    "lessons/33_health_checks/app.py: report = dict(zip(names, results, strict=True)) -> "
    "report = dict(zip(names, results, strict=False))": (
        "asyncio.gather returns exactly one result per check, so the lengths always match"
    ),
    "lessons/23_websockets/app.py: async def broadcast(self, message: dict[str, Any], *, "
    "sender: WebSocket) -> int: -> async def broadcast(self, message: dict[str, Any], /, "
    "sender: WebSocket) -> int:": (
        "the only caller passes `message` by position and `sender` by keyword, which both "
        "signatures accept alike; only a call with a positional sender could tell them apart"
    ),
    "lessons/14_jwt_auth/support.py: client: TestClient, username: str, password: str, *, "
    'full_name: str = "Test User" -> client: TestClient, username: str, password: str, /, '
    'full_name: str = "Test User"': (
        "every call passes client, username and password by position and full_name, if at "
        "all, by keyword, which both signatures accept alike"
    ),
    "lessons/36_anti_patterns/testing.py: def __init__(self, *, down: bool = False, refuse: "
    "frozenset[int] = frozenset()) -> None: -> def __init__(self, /, down: bool = False, "
    "refuse: frozenset[int] = frozenset()) -> None:": (
        "the lesson builds the fake with no arguments and exercise 3 passes `down` by keyword, "
        "which both signatures accept alike"
    ),
    "lessons/06_validation/app.py: @classmethod -> "
    "def tags_are_unique(cls, tags: list[str]) -> list[str]:": _VALIDATOR_CLASSMETHOD_REASON,
    "lessons/37_crud_capstone/schemas.py: @classmethod -> "
    "def not_null(cls, value: str | None) -> str:": _VALIDATOR_CLASSMETHOD_REASON,
    "lessons/07_dependencies/app.py:  -> class Session:": (
        "Session() takes no arguments; without @dataclass `open: bool = True` is a class "
        "attribute that reads True until the instance sets False: nothing can tell them apart"
    ),
    _WAIT_LIMIT % "11.0": _WAIT_LIMIT_REASON,
    "lessons/34_performance/app.py:  -> async def lifespan(app: FastAPI) -> AsyncIterator[None]:": (
        "FastAPI >= 0.128 wraps an undecorated async-generator lifespan itself; on 0.115-0.122 "
        "Starlette's deprecation warning fails the tests, so the version matrix pins it"
    ),
    "lessons/34_performance/measure.py: async with httpx.AsyncClient(base_url=lesson.base_url, "
    "limits=limits, timeout=60) as client: -> async with httpx.AsyncClient(base_url="
    "lesson.base_url, limits=limits, timeout= 59) as client:": _WAIT_LIMIT_REASON,
    "lessons/34_performance/measure.py: async with httpx.AsyncClient(base_url=lesson.base_url, "
    "limits=limits, timeout=60) as client: -> async with httpx.AsyncClient(base_url="
    "lesson.base_url, limits=limits, timeout= 61) as client:": _WAIT_LIMIT_REASON,
    "lessons/34_performance/measure.py: await asyncio.to_thread(upstream.hold_next, 30.0) -> "
    "await asyncio.to_thread(upstream.hold_next, 29.0)": _WAIT_LIMIT_REASON,
    "lessons/34_performance/measure.py: await asyncio.to_thread(upstream.hold_next, 30.0) -> "
    "await asyncio.to_thread(upstream.hold_next, 31.0)": _WAIT_LIMIT_REASON,
    "lessons/34_performance/measure.py: fresh_report_ids = itertools.count(1) -> "
    "fresh_report_ids = itertools.count( 2)": (
        "ids need only be unused and within 1..1 000 000 000 on a fresh server; starting at 2 "
        "changes nothing observable"
    ),
    "lessons/36_anti_patterns/testing.py: PATIENCE = 10.0 -> PATIENCE = 11.0": _WAIT_LIMIT_REASON,
    "lessons/36_anti_patterns/testing.py: PATIENCE = 10.0 -> PATIENCE = 9.0": _WAIT_LIMIT_REASON,
    _WAIT_LIMIT % "9.0": _WAIT_LIMIT_REASON,
    _DUMMY_HASH % "31": _DUMMY_HASH_REASON,
    _DUMMY_HASH % "33": _DUMMY_HASH_REASON,
    "lessons/14_jwt_auth/support.py:  -> def status_code(self) -> int: ...": _PROTOCOL_REASON,
    "lessons/14_jwt_auth/support.py: @property -> def headers(self) -> Mapping[str, str]: ...": (
        _PROTOCOL_REASON
    ),
    "lessons/14_jwt_auth/support.py: @property -> def text(self) -> str: ...": _PROTOCOL_REASON,
    # Lesson 15 keeps lesson 14's dummy hash (with a comment on the line) and Reply Protocol.
    _DUMMY_HASH_15 % "31": _DUMMY_HASH_REASON,
    _DUMMY_HASH_15 % "33": _DUMMY_HASH_REASON,
    "lessons/15_permissions/support.py:  -> def status_code(self) -> int: ...": _PROTOCOL_REASON,
    "lessons/15_permissions/support.py: @property -> def headers(self) -> Mapping[str, str]: ...": (
        _PROTOCOL_REASON
    ),
    "lessons/15_permissions/support.py: @property -> def text(self) -> str: ...": _PROTOCOL_REASON,
    # Lesson 25: both helpers are only ever called with their first two arguments by position
    # and the rest by keyword, so "keyword-only after here" and "positional-only before
    # here" accept exactly the same calls.
    "lessons/25_openapi_docs/snapshot.py: *, -> /,": (
        "every write_snapshot call passes schema and path by position and version by keyword"
    ),
    "lessons/25_openapi_docs/snapshot.py: live: dict[str, Any], path: Path = SNAPSHOT_PATH, *, "
    "update: bool | None = None -> live: dict[str, Any], path: Path = SNAPSHOT_PATH, /, "
    "update: bool | None = None": (
        "every assert_matches_snapshot call passes live and path by position, update by keyword"
    ),
    # Lesson 24's version gates (see _GATE).
    **{
        _GATE % (bound, mutated): _GATE_REASON
        for bound, mutated in [
            ("134", "> (0, 134)"),
            ("134", ">= ( -1, 134)"),
            ("134", ">= (0, 133)"),
            ("134", ">= (0, 135)"),
            ("135", "> (0, 135)"),
            ("135", ">= ( -1, 135)"),
            ("135", ">= (0, 134)"),
            ("135", ">= (0, 136)"),
        ]
    },
    "lessons/24_streaming/app.py: FASTAPI_VERSION = tuple(int(part) for part in "
    'fastapi.__version__.split(".")[:2]) -> FASTAPI_VERSION = tuple(int(part) for part in '
    'fastapi.__version__.split(".")[: 3])': (
        "the gates compare with two-part bounds, and (0, M, p) orders against (0, 134) and "
        "(0, 135) exactly as (0, M) does"
    ),
    'lessons/29_pagination/app.py: data = base64.b64decode(text + "=" * (-len(text) % 4), '
    'altchars=b"-_", validate=True) -> data = base64.b64decode(text + "=" * (-len(text) % 4), '
    'altchars=b"-_", validate=False)': (
        "the text was already matched against the URL-safe alphabet and the padding added is "
        "exact, so strict decoding has nothing left to reject"
    ),
    "lessons/30_rate_limiting/limiter.py: window = int(now // rule.window_seconds)  # 0, 1, 2, "
    "... since the epoch -> window = int(now / rule.window_seconds)  # 0, 1, 2, ... since the "
    "epoch": (
        "for a clock at or after 1970, int() of the correctly rounded quotient truncates to the "
        "same whole number as floor division (a 2-million-case search at window edges agreed)"
    ),
    "lessons/31_request_ids_and_logging/app.py: await asyncio.sleep(0)  # stands in for "
    "awaiting the database: other requests run here -> await asyncio.sleep( -1)  # stands in "
    "for awaiting the database: other requests run here": _SLEEP_0_REASON,
    "lessons/31_request_ids_and_logging/global_variable.py: await asyncio.sleep(0)  # stands "
    "in for awaiting a database: other requests run here -> await asyncio.sleep( -1)  # stands "
    "in for awaiting a database: other requests run here": _SLEEP_0_REASON,
}
