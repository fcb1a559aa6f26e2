"""Lesson 13 claims about the attacker's origins themselves: each trick is what it says."""

from .app import ALLOWED_ORIGINS
from .origins import PRINTABLE_ASCII, is_outside, single_edits, tricks


def test_each_trick_changes_the_origin_the_way_its_comment_says() -> None:
    """The look-alikes the tests send: prefix, subdomain, userinfo, scheme, port, path, case."""
    assert tricks("https://app.example.com") == [
        "https://app.example.com.evil.test",
        "https://evilapp.example.com",
        "https://evil.app.example.com",
        "https://app.example.com@evil.test",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://app.example.com/",
        "https://app.example.com/evil",
        "HTTPS://APP.EXAMPLE.COM",
        "HTTPS://APP.EXAMPLE.COM",
        "https://app-example-com",
        "https://app.example.com%00",
        "https://app.example.com, https://evil.test",
    ]
    port_tricks = tricks("http://localhost:5173")
    assert "https://localhost:5173" in port_tricks, "the other scheme of an http origin"
    assert "http://localhost:51730" in port_tricks, "an origin with a port gets another port"
    assert not any(t.endswith(":5173:8443") for t in port_tricks), "a port is not appended twice"


def test_no_trick_is_an_allowed_origin() -> None:
    """Every look-alike of every allowed origin really is outside the allow-list."""
    for origin in ALLOWED_ORIGINS:
        for trick in tricks(origin):
            assert is_outside(trick, ALLOWED_ORIGINS), f"{trick!r} is not an attack"


def test_single_edits_insert_delete_and_replace_one_character() -> None:
    """At position 8 of `https://ab.c`: insert before "a", delete "a", replace "a"."""
    assert single_edits("https://ab.c", 8, "X") == [
        "https://Xab.c",
        "https://b.c",
        "https://Xb.c",
    ]
    assert single_edits("ab", 1, "X") == ["aXb", "a", "aX"], "an edit at the last character"


def test_allowed_or_whitespace_padded_origins_are_not_outside_the_list() -> None:
    """Servers strip header whitespace, so a padded allowed origin is not a hostile one."""
    allowed = ["https://app.example.com"]
    assert is_outside("https://evil.test", allowed) is True
    assert is_outside("https://app.example.com", allowed) is False
    assert is_outside(" https://app.example.com", allowed) is False
    assert is_outside("https://evil.test ", allowed) is False, "padded values are left out"


def test_junk_header_text_is_exactly_printable_ascii() -> None:
    """Random junk uses every printable ASCII character, space (0x20) to tilde (0x7E)."""
    assert sorted(PRINTABLE_ASCII) == [chr(code) for code in range(0x20, 0x7F)]
