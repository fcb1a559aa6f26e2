"""fastapi-lessons: one numbered folder per FastAPI topic, each proven by its tests."""
