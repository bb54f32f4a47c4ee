"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

import sys

from courseware.app import ConfigError, create_app
from courseware.core.errors import ContentError

try:
    app = create_app()
except ContentError as exc:
    print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
    print(f"courseware: the content has {len(exc.problems)} problem(s); not starting.", file=sys.stderr)
    raise SystemExit(1) from None
except ConfigError as exc:
    print(f"courseware: {exc}", file=sys.stderr)
    raise SystemExit(1) from None
