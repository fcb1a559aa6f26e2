"""The news both SSE endpoints send: (id, event type, text). Item 3 spans several lines."""

NEWS = [
    (1, "headline", "Streaming lesson published"),
    (2, "headline", "SSE explained"),
    (3, "quote", "first line\nsecond line\nthird line"),
    (4, "headline", "That is all for today"),
]
