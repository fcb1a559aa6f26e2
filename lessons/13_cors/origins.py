"""Hypothesis strategies for Origin header values, shared by the lesson's two test modules.

Not part of either app: these are the origins an attacker would try. The plain functions
(`tricks`, `single_edits`, `is_outside`) are tested in test_origins.py, so a slip here
cannot quietly stop the tests from trying an attack.
"""

import string
from collections.abc import Sequence
from functools import partial

from hypothesis import strategies as st

# Characters a header value may carry through every client and server in the tests:
# printable ASCII, the space (0x20) to the tilde (0x7E). (Non-ASCII bytes are sent once,
# over a real socket, in test_cors.py.)
PRINTABLE_ASCII = " " + string.ascii_letters + string.digits + string.punctuation
HEADER_TEXT = st.text(alphabet=PRINTABLE_ASCII)
URL_CHARS = string.ascii_letters + string.digits + ".-:/@_%"


def tricks(origin: str) -> list[str]:
    """The look-alikes of an allowed origin that a sloppy check lets through."""
    scheme, _, host = origin.partition("://")
    other_scheme = "http" if scheme == "https" else "https"
    looks = [
        f"{origin}.evil.test",  # allowed name as a prefix of the attacker's domain
        f"{scheme}://evil{host}",  # glued prefix: evilapp.example.com
        f"{scheme}://evil.{host}",  # a subdomain nobody listed
        f"{scheme}://{host}@evil.test",  # userinfo: the real host is evil.test
        f"{other_scheme}://{host}",  # other scheme, other origin
        f"{origin}0" if ":" in host else f"{origin}:8443",  # other port
        f"{origin}/",  # a URL, not an origin
        f"{origin}/evil",
        origin.upper(),  # case variations are different strings
        origin.swapcase(),
        origin.replace(".", "-"),
        f"{origin}%00",
        f"{origin}, https://evil.test",  # two origins in one header
    ]
    # Some tricks do nothing to some origins ("http://localhost:5173" has no "." to replace).
    return [look for look in looks if look != origin]


def single_edits(origin: str, position: int, char: str) -> list[str]:
    """`char` inserted before `origin[position]`, that character deleted, and replaced."""
    before, after = origin[:position], origin[position + 1 :]
    return [before + char + origin[position:], before + after, before + char + after]


def is_outside(origin: str, allowed: Sequence[str]) -> bool:
    """True for a header value that is not an allowed origin, even once the server strips it.

    Servers strip surrounding whitespace from header values, so " https://app.example.com"
    *is* the allowed origin on the wire: such values are not "outside the list".
    """
    return origin == origin.strip() and origin not in allowed


@st.composite
def near_misses(draw: st.DrawFn, allowed: Sequence[str]) -> str:
    """An allowed origin with a trick or one random character edit applied."""
    origin = draw(st.sampled_from(list(allowed)))
    position = draw(st.sampled_from(range(len(origin))))
    char = draw(st.sampled_from(URL_CHARS))
    return draw(st.sampled_from([*tricks(origin), *single_edits(origin, position, char)]))


def hostile_origins(allowed: Sequence[str]) -> st.SearchStrategy[str]:
    """Origins outside `allowed`: near misses, special values, random URLs and junk."""
    candidates = st.one_of(
        near_misses(allowed),
        st.sampled_from(["null", "*", "https://evil.test", "http://localhost", "file://"]),
        st.from_regex(r"https?://[a-z0-9.-]{1,30}(:[0-9]{1,5})?", fullmatch=True),
        HEADER_TEXT,
    )
    return candidates.filter(partial(is_outside, allowed=tuple(allowed)))
