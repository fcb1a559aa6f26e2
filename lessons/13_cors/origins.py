"""Hypothesis strategies for Origin header values, shared by the lesson's two test modules.

Not part of either app: these are the origins an attacker would try.
"""

import string
from collections.abc import Sequence

from hypothesis import strategies as st

# Characters a header value may carry through every client and server in the tests:
# printable ASCII. (Non-ASCII bytes are sent once, over a real socket, in test_cors.py.)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
URL_CHARS = string.ascii_letters + string.digits + ".-:/@_%"


@st.composite
def near_misses(draw: st.DrawFn, allowed: Sequence[str]) -> str:
    """An allowed origin with a trick applied: the look-alikes a sloppy check lets through."""
    origin = draw(st.sampled_from(list(allowed)))
    scheme, _, host = origin.partition("://")
    other_scheme = "http" if scheme == "https" else "https"
    tricks = [
        f"{origin}.evil.test",  # allowed name as a prefix of the attacker's domain
        f"{scheme}://evil{host}",  # glued prefix: evilapp.example.com
        f"{scheme}://evil.{host}",  # a subdomain nobody listed
        f"{scheme}://{host}@evil.test",  # userinfo: the real host is evil.test
        f"{other_scheme}://{host}",  # other scheme, other origin
        f"{origin}:8443" if host.count(":") == 0 else f"{scheme}://{host}0",  # other port
        f"{origin}/",  # a URL, not an origin
        f"{origin}/evil",
        origin.upper(),  # case variations are different strings
        origin.swapcase(),
        origin.replace(".", "-"),
        f"{origin}%00",
        f"{origin}, https://evil.test",  # two origins in one header
    ]
    trick = draw(st.sampled_from(tricks))
    # Also one random character edit (insert, delete, replace) of the allowed origin.
    position = draw(st.integers(0, len(origin) - 1))
    char = draw(st.sampled_from(URL_CHARS))
    edits = [
        origin[:position] + char + origin[position:],
        origin[:position] + origin[position + 1 :],
        origin[:position] + char + origin[position + 1 :],
    ]
    return draw(st.sampled_from([trick, *edits]))


def hostile_origins(allowed: Sequence[str]) -> st.SearchStrategy[str]:
    """Origins outside `allowed`: near misses, special values, random URLs and junk."""
    candidates = st.one_of(
        near_misses(allowed),
        st.sampled_from(["null", "*", "https://evil.test", "http://localhost", "file://"]),
        st.from_regex(r"https?://[a-z0-9.-]{1,30}(:[0-9]{1,5})?", fullmatch=True),
        HEADER_TEXT,
    )
    # Servers strip surrounding whitespace from header values, so " https://app.example.com"
    # *is* the allowed origin on the wire: leave such values out of "outside the list".
    return candidates.filter(lambda o: o == o.strip() and o not in allowed)
