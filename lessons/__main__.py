"""`python -m lessons`: see lessons/cli.py."""

from lessons.cli import main

if __name__ == "__main__":  # Uvicorn's reloader re-imports this module in a child process
    raise SystemExit(main())
