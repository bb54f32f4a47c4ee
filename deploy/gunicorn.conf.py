"""gunicorn settings for one app server of several behind nginx (``deploy/nginx-courseware.conf``).

The project's own ``gunicorn.conf.py`` (preloaded app, start-up checks, workers, timeout) plus what a server behind a
reverse proxy needs.  Run one per port, e.g. ``COURSEWARE_BIND=127.0.0.1:5001 gunicorn -c deploy/gunicorn.conf.py``
(``courseware-web@5001.service`` does this).  Every instance shares the database and Redis
(``COURSEWARE_REDIS_URL``: sign-in throttles); pages cached per process are keyed by versions kept in the database,
so any instance may serve any request (no sticky sessions).
"""

import os
import runpy
from pathlib import Path

_base = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in _base.items() if not name.startswith("_")})

# nginx on this host is the one proxy: believe its X-Forwarded-* (the app's COURSEWARE_TRUSTED_PROXIES=1 too).
forwarded_allow_ips = os.environ.get("COURSEWARE_PROXY_IPS", "127.0.0.1")
