"""Serve Ralph's LRS API (file-system backend) on HOST PORT, for the tests; run with .venv-ralph's Python.

Ralph 5.1's file-system LRS backend writes its one file (``fs_lrs.jsonl``) with the 'create' operation, so
its second write of statements fails with "already exists and overwrite is not allowed" (a 500).  An LRS
keeps statements coming, so here it appends: the one change made to Ralph.  uvicorn runs in this process,
without the reloader ``ralph runserver`` starts (which watches the working directory).
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402 - after the backend is told to append

uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="info")
