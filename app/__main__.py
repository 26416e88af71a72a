"""`python -m app`: serve the app with gunicorn on PORT (default 5001), as the container does."""

from __future__ import annotations

import sys
from pathlib import Path

from gunicorn.app.wsgiapp import run

from app.settings import ConfigError, Settings


def main() -> None:
    """Check the configuration first, so a bad setting stops start-up with a one-line message."""
    try:
        Settings.from_env()
    except ConfigError as exc:
        sys.exit(f"app: configuration error: {exc}")
    config = Path(__file__).with_name("gunicorn.conf.py")
    sys.argv = ["gunicorn", "--config", str(config), "app.wsgi:app"]
    run()


if __name__ == "__main__":
    main()
