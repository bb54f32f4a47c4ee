"""User Markdown rendered under a deadline, in a helper process that is killed when it runs over.

Python-Markdown is pure Python and some inputs make it slow (quadratic paths keep being found:
unclosed tags, thousands of '[', long runs of '-' lines).  No check on the text can promise a
bound, so a note is rendered in a helper process: past the cap the helper is killed, the note
is refused, and the next render starts a fresh helper.  One helper per serving process, started
on first use (never in a parent that forks workers), reused across renders (~1 ms each).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from .rendering import RenderError, render_user_markdown

START_SECONDS = 30.0  # a fresh interpreter importing Markdown; not part of the cap


class RenderTooSlow(RenderError):
    """The text took longer than the cap to render."""


def _serve(conn: Connection) -> None:
    """The helper's loop: text in, ("ok", html) or ("error", message, line) out."""
    conn.send(("ready",))
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", render_user_markdown(text)))
        except RenderError as exc:
            conn.send(("error", str(exc), exc.line))


class _Helper:
    """The helper process of this process, and the lock that lets one render use it at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None
        self.owner = 0

    def _start(self) -> Connection:
        # spawn, not fork: a fresh interpreter holds no copy of the parent's locks, sockets or pool.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True, name="courseware-render")
        process.start()
        child.close()
        if not parent.poll(START_SECONDS):
            process.kill()
            process.join()
            raise RenderError("the renderer did not start")
        parent.recv()
        self.process, self.conn, self.owner = process, parent, os.getpid()
        return parent

    def stop(self) -> None:
        """Kill the helper (after a render ran over, or at exit)."""
        if self.process is not None and self.owner == os.getpid():
            self.process.kill()
            self.process.join()
        if self.conn is not None:
            self.conn.close()
        self.process, self.conn = None, None

    def render(self, text: str, seconds: float) -> str:
        with self.lock:
            alive = self.process is not None and self.owner == os.getpid() and self.process.is_alive()
            if not alive:
                self.process, self.conn = None, None  # a forked child must not use its parent's helper
            conn = self.conn if alive and self.conn is not None else self._start()
            try:
                conn.send(text)
                ready = conn.poll(seconds)
            except (BrokenPipeError, EOFError, OSError):
                self.stop()
                raise RenderError("the renderer stopped; try again") from None
            if not ready:
                self.stop()
                raise RenderTooSlow(f"it takes longer than {seconds:g} s to render; simplify it")
            reply = conn.recv()
        if reply[0] == "error":
            raise RenderError(reply[1], reply[2])
        return str(reply[1])


_HELPER = _Helper()


def render_user_markdown_capped(text: str, seconds: float) -> str:
    """``render_user_markdown`` that gives up after ``seconds`` (RenderTooSlow), killing the work."""
    return _HELPER.render(text, seconds)
