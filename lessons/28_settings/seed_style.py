"""The seed's settings pattern, kept as a counter-example (see README.md, "Seed errata").

It has two problems, each proven by a test:
1. Nothing reads the settings until a request needs them, so a missing value is found at
   the first request (a 500), long after the deploy "succeeded".
2. The secret is a plain `str`, so an endpoint that shows the settings shows the secret.

Serve it with:  uvicorn "lessons.28_settings.seed_style:app"   (starts; /config then fails)
"""

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, FastAPI
from pydantic_settings import BaseSettings


class SeedSettings(BaseSettings):
    # As in the seed: no prefix (reads DATABASE_URL and JWT_SECRET), secrets as plain str.
    database_url: str
    jwt_secret: str


@lru_cache
def get_seed_settings() -> SeedSettings:
    return SeedSettings()


# No lifespan: nothing touches the settings when the app starts.
app = FastAPI(title="Lesson 28: the seed's settings pattern (counter-example)")


@app.get("/config", response_model=None)
def read_config(settings: Annotated[SeedSettings, Depends(get_seed_settings)]) -> SeedSettings:
    return settings
