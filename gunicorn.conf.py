"""gunicorn settings: ``gunicorn -c gunicorn.conf.py`` (``make run`` uses it).

The app is loaded once in the master (``preload_app``) and the workers are forked from it:
- content, quizzes and the database are checked before any worker exists; a problem prints its
  ``path:line`` messages and the server exits non-zero (no worker restart loop, no open port);
- every worker serves the same version of the course.  Content is read at start only: after
  changing it, restart the server (``systemctl restart …``, or stop and start).  A HUP does not
  reload a preloaded app.
"""

import os

wsgi_app = "wsgi:app"
preload_app = True
bind = os.environ.get("COURSEWARE_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("COURSEWARE_WORKER_TIMEOUT", "30"))
graceful_timeout = 10
accesslog = None  # the app logs every request itself (method, route, status, duration, user, request id)
errorlog = "-"
