"""User Markdown rendered under a deadline, in a helper process that is killed when it runs over.

Python-Markdown is pure Python and some inputs make it slow (quadratic paths keep being found:
unclosed tags, thousands of '[', long runs of '-' lines).  No check on the text can promise a
bound, so a note is rendered in a helper process: past the cap the helper is killed, the note
is refused, and the next render starts a fresh helper.  One helper per serving process, started
on first use (never in a parent that forks workers), reused across renders (~1 ms each).

The helper is a plain ``python -m courseware.core.render_cap`` speaking length-prefixed JSON on
its stdin and stdout: no multiprocessing, so nothing of the parent (its ``__main__``, locks,
sockets, database pool) is imported or inherited.
"""

from __future__ import annotations

import json
import os
import selectors
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from .rendering import RenderError, render_user_markdown

START_SECONDS = 30.0  # a fresh interpreter importing Markdown; not part of the cap
_HEADER = struct.Struct(">I")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class RenderTooSlow(RenderError):
    """The text took longer than the cap to render."""


def _write(stream: IO[bytes], message: Any) -> None:
    data = json.dumps(message).encode()
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _read(stream: IO[bytes]) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    return json.loads(_read_exactly(stream, size))


def serve(incoming: IO[bytes], outgoing: IO[bytes]) -> None:
    """The helper's loop: text in, ["ok", html] or ["error", message, line] out, until stdin closes."""
    _write(outgoing, ["ready"])
    while True:
        try:
            text = _read(incoming)
        except EOFError:
            return
        try:
            _write(outgoing, ["ok", render_user_markdown(text)])
        except RenderError as exc:
            _write(outgoing, ["error", str(exc), exc.line])


class _Helper:
    """The helper process of this process, and the lock that lets one render use it at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.owner = 0

    def _wait_readable(self, seconds: float) -> bool:
        assert self.process is not None and self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            return bool(selector.select(seconds))

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "courseware.core.render_cap"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env, close_fds=True)
        self.owner = os.getpid()
        try:
            if not self._wait_readable(START_SECONDS) or _read(self.process.stdout) != ["ready"]:  # type: ignore[arg-type]
                raise EOFError
        except (EOFError, ValueError, OSError):
            self.stop()
            raise RenderError("the renderer did not start") from None
        return self.process

    def stop(self) -> None:
        """Kill the helper (after a render ran over, or when it broke)."""
        process, self.process = self.process, None
        if process is not None and self.owner == os.getpid():
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()

    def render(self, text: str, seconds: float) -> str:
        with self.lock:
            if self.process is not None and (self.owner != os.getpid() or self.process.poll() is not None):
                if self.owner == os.getpid():
                    self.stop()
                self.process = None  # a forked child must not use its parent's helper
            process = self.process or self._start()
            try:
                _write(process.stdin, text)  # type: ignore[arg-type]
                ready = self._wait_readable(seconds)
                reply = _read(process.stdout) if ready else None  # type: ignore[arg-type]
            except (EOFError, ValueError, OSError):
                self.stop()
                raise RenderError("the renderer stopped; try again") from None
            if reply is None:
                self.stop()
                raise RenderTooSlow(f"it takes longer than {seconds:g} s to render; simplify it")
        if reply[0] == "error":
            raise RenderError(reply[1], reply[2])
        return str(reply[1])


_HELPER = _Helper()


def render_user_markdown_capped(text: str, seconds: float) -> str:
    """``render_user_markdown`` that gives up after ``seconds`` (RenderTooSlow), killing the work."""
    return _HELPER.render(text, seconds)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
