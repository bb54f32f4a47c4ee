"""The WSGI entry point for gunicorn: ``gunicorn -c gunicorn.conf.py`` (which names ``wsgi:app``).

Built once, in gunicorn's master (``preload_app``): bad content, a missing or unmigrated database
stop the server with their messages and exit 1, instead of workers failing to boot in a loop.
"""

from courseware.app import create_app_or_exit

app = create_app_or_exit(serve=True)
