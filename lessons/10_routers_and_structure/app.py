"""Lesson 10: assemble the `shop` package's routers into one application.

Serve it with:  uvicorn "lessons.10_routers_and_structure.app:app" --reload
"""

from fastapi import FastAPI

from .shop.routers import admin, items

# The include prefix comes on top of each router's own: "/api/v1" + "/items" + "/{item_id}".
API_PREFIX = "/api/v1"


def create_app(*, redirect_slashes: bool = True) -> FastAPI:
    """Build the app. A factory lets tests build variants (here: without slash redirects)."""
    # redirect_slashes is a setting of the app's own router: included routers' routes are
    # copied into it, so an APIRouter's redirect_slashes has no effect once included.
    app = FastAPI(title="Lesson 10: routers and structure", redirect_slashes=redirect_slashes)
    app.include_router(items.router, prefix=API_PREFIX)
    app.include_router(admin.router, prefix=API_PREFIX)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}  # an app-level route: no prefix, no tag, no admin key

    return app


app = create_app()
