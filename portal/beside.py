"""Work run in a thread beside the build's next step: the link check beside the search index.

Pagefind runs as a subprocess on about one core of two, and the build's thread only waits for it.
The link check (portal.sitecheck) reads and parses the pages, which needs nothing of the index, so
the build starts it in a thread first and hands it the index's files when Pagefind is done; the
check waits for them only where it needs them (see `check_site`'s `later`).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable


class Beside:
    """`work(wait)` run in a thread from `start()`; `wait()` returns what the caller hands over with `give`,
    once it does. Leaving the `with` block gives None if nothing was given (the caller failed), and waits
    for the thread to end: none is left running."""

    def __init__(self, work: Callable[[Callable[[], Any]], Any]):
        self._work, self._value, self._given = work, None, threading.Event()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="beside")
        self._future = None

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc) -> None:
        self.give(None)
        self._pool.shutdown(wait=True)

    def start(self) -> None:
        """Start the work (once)."""
        if self._future is None:
            self._future = self._pool.submit(self._work, self.wait)

    def wait(self) -> Any:
        self._given.wait()
        return self._value

    def give(self, value: Any) -> None:
        """Hand the work what it waits for (the first value given counts)."""
        if not self._given.is_set():
            self._value = value
            self._given.set()

    def result(self) -> Any:
        """The work's result, once it is done (its exception is raised here); None if it was not started."""
        return self._future.result() if self._future is not None else None
