"""Project tooling that is not part of any lesson: CI reports and quality checks."""
