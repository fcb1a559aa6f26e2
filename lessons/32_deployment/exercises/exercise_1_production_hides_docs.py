"""Hide the API docs in production.

In app.py, make `create_app` switch off Swagger UI (/docs), ReDoc (/redoc) and the schema
(/openapi.json) when `settings.environment` is "production", and keep all three in
development and staging. The same image then serves docs on staging and none to the public.
"""

from fastapi.testclient import TestClient

from ..app import Settings, create_app

HINT = (
    "FastAPI(...) takes docs_url, redoc_url and openapi_url; None switches each one off. "
    "Decide them from the settings create_app receives."
)

DOC_PAGES = ("/docs", "/redoc", "/openapi.json")


def test_only_production_hides_the_docs_and_the_schema() -> None:
    """In production /docs, /redoc and /openapi.json are 404; elsewhere they answer 200."""
    production = TestClient(create_app(Settings(environment="production")))
    for page in DOC_PAGES:
        assert production.get(page).status_code == 404, f"{page} is public in production"
    assert production.get("/health").json() == {"status": "ok"}, "the API itself still works"

    for environment in ("development", "staging"):
        client = TestClient(create_app(Settings(environment=environment)))
        for page in DOC_PAGES:
            assert client.get(page).status_code == 200, f"{page} in {environment}"
