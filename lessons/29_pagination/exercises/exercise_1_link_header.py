"""Link header: tell clients where the next offset page is.

In `app.py`, make `GET /offset/products` send an RFC 8288 `Link` header pointing at the next
page, `<URL>; rel="next"`, where URL is the same request with `page` one higher (keep every
other query parameter). The last page, and any page past it, sends no `Link` header. The JSON
body must not change (the lesson's tests compare whole bodies).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from ..support import catalog, client

HINT = (
    "Add a `response: Response` parameter to the handler and set response.headers['Link']. "
    "`request.url.include_query_params(page=...)` rebuilds the URL with one parameter changed."
)

NAMES = [f"P{number}" for number in range(1, 48)]  # 47 rows: pages of 20 are 20, 20, 7
LINK = re.compile(r'<(?P<url>[^>]+)>; rel="next"')


def test_link_header_points_at_the_next_page() -> None:
    """Page 1 of 3 sends Link: <...?page=2&limit=20>; rel="next"."""
    with catalog(NAMES):
        response = client.get("/offset/products", params={"page": 1, "limit": 20})
    match = LINK.fullmatch(response.headers.get("link", ""))
    assert match, f"no rel=next Link header: {response.headers.get('link')!r}"
    url = urlsplit(match["url"])
    assert url.path == "/offset/products"
    assert parse_qs(url.query) == {"page": ["2"], "limit": ["20"]}


def test_link_header_stops_at_the_last_page() -> None:
    """Page 2 of 3 links to page 3; page 3 and page 4 have no next page, so no Link header."""
    with catalog(NAMES):
        middle = client.get("/offset/products", params={"page": 2, "limit": 20})
        last = client.get("/offset/products", params={"page": 3, "limit": 20})
        beyond = client.get("/offset/products", params={"page": 4, "limit": 20})
    assert "page=3" in middle.headers.get("link", ""), "page 2 must link to page 3"
    assert "link" not in last.headers
    assert "link" not in beyond.headers
