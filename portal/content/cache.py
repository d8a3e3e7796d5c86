"""Read content files once per change: results cached on disk by content hash, misses read in parallel.

A cache entry is keyed by the file's bytes, where it lives, and a fingerprint of the code and
libraries that read it, so changing either reads the file again. Results with errors are not
cached (some depend on today's date), so a broken file is always read afresh.

Each result is kept whole in a file named after its key, and its head (portal.content.heads) in
the index beside the file's size and time: a load reads the one index file and unpickles the
heads, and a page's whole entry only when its model or sections are used (the pages that are
rendered again). A missing or damaged head costs reading the whole entry; a missing or damaged
entry, reading the content file again.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from functools import cache, partial
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path

from portal.i18n import TRANSLATIONS
from portal.content.errors import ContentError, ContentErrors
from portal.content.heads import from_head, head_of
from portal.content.pages import FileRead, read_page, read_resource
from portal.content.readability import load_textstat

PARALLEL_THRESHOLD = 64  # fewer misses than this are read in-process: workers cost more to start


@cache
def code_fingerprint() -> str:
    """Hash of the content layer's own files and the versions of the libraries it renders with."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in (sorted(here.glob("*.py")) + sorted(here.glob("*.txt")) + sorted(here.glob("*.yaml"))
                 + sorted(TRANSLATIONS.glob("*/sections.yaml"))):
        digest.update(str(path.relative_to(here.parent.parent)).encode() + path.read_bytes())
    for package in ("markdown", "nh3", "pydantic", "textstat", "PyYAML"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


def content_key(task: tuple, data: bytes) -> str:
    """The cache key of a file whose bytes are `data`."""
    kind, slug, lang, _file, rel = task
    return hashlib.sha256(f"{code_fingerprint()}|{kind}|{slug}|{lang}|{rel}|".encode() + data).hexdigest()


class ContentCache:
    """Pickled FileRead results in a folder, one file per key, and an index of the content files with
    their keys and heads; a missing folder means no cache."""

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder else None
        # file path -> (mtime_ns, size, inode, key, code fingerprint, head or None): make's quick check, and
        # the result's head (portal.content.heads), kept while the file's key is the same.
        self._index: dict | None = None
        self._index_changed = False

    def key(self, task: tuple) -> str:
        """The cache key of a file: its bytes hashed, unless its size and time show it unchanged."""
        file = task[3]
        stat = os.stat(file)
        identity = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        index = self._load_index()
        name = os.path.abspath(file)
        known = index.get(name)
        if known and known[:3] == identity and known[4] == code_fingerprint():
            return known[3]
        key = content_key(task, Path(file).read_bytes())
        if self.folder is not None:
            head = known[5] if known and known[3] == key and len(known) > 5 else None  # touched, not changed
            index[name] = (*identity, key, code_fingerprint(), head)
            self._index_changed = True
        return key

    def _load_index(self) -> dict:
        if self._index is None:
            self._index = {}
            if self.folder is not None:
                try:
                    self._index = pickle.loads((self.folder / "index.pickle").read_bytes())
                except (OSError, pickle.PickleError, EOFError, ValueError):
                    pass
        return self._index

    def save_index(self) -> None:
        if self.folder is None or not self._index_changed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f"index.pickle.{os.getpid()}.tmp"
        temporary.write_bytes(pickle.dumps(self._index, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(self.folder / "index.pickle")
        self._index_changed = False

    def get(self, key: str, task: tuple | None = None) -> FileRead | None:
        """The result cached under `key`: from the head the index keeps for `task`'s file if it has one
        (its page then reads the rest when first used), else whole."""
        if self.folder is None:
            return None
        known = self._load_index().get(os.path.abspath(task[3])) if task is not None else None
        if known and len(known) > 5 and known[3] == key and known[5] is not None:
            try:
                return from_head(known[5], partial(self.body, key, task))
            except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError):
                pass  # a damaged head: the whole entry below
        result = self.whole(key)
        if result is not None and task is not None:
            self._remember(task, key, result)
        return result

    def whole(self, key: str) -> FileRead | None:
        """The whole result in the entry file of `key`, or None if it is missing or damaged."""
        if self.folder is None:
            return None
        try:
            return pickle.loads((self.folder / key[:2] / key).read_bytes())
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError,
                IndexError):
            return None

    def body(self, key: str, task: tuple) -> FileRead:
        """The whole result of a page loaded from its head; read from the content file again if its entry
        is gone or damaged (raises ContentErrors if the file changed since it was loaded)."""
        result = self.whole(key)
        if result is not None and result.item is not None:
            return result
        rel = task[4]
        if content_key(task, Path(task[3]).read_bytes()) != key:
            raise ContentErrors([ContentError(rel, 1, "file", "the file changed while the site was being built",
                                              "build the site again")])
        result = _read(task, key)
        if result.item is None or result.errors:
            raise ContentErrors(result.errors)  # the same bytes, read on another day (a review came due)
        self.put(key, result)
        return result

    def put(self, key: str, result: FileRead, data: bytes | None = None, task: tuple | None = None) -> None:
        """Keep a result (`data`: the result already pickled, if it is at hand), and its head for `task`'s file."""
        if self.folder is None or result.errors:
            return
        target = self.folder / key[:2] / key
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data if data is not None else pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(target)  # readers never see half a file
        if task is not None:
            self._remember(task, key, result)

    def _remember(self, task: tuple, key: str, result: FileRead) -> None:
        """Keep the head of `result` in the index entry of `task`'s file (whose key is `key`)."""
        name = os.path.abspath(task[3])
        known = self._load_index().get(name)
        if known and known[3] == key and not result.errors and result.item is not None:
            self._index[name] = (*known[:5], head_of(result))
            self._index_changed = True


def _read(task: tuple, key: str) -> FileRead:
    kind, slug, lang, file, rel = task
    file = Path(file)
    result = read_resource(file, rel) if kind == "resource" else read_page(kind, slug, lang, file, rel)
    if result.item is not None and kind != "resource":
        result.item.digest = key
    return result


def _read_pickled(job: tuple) -> bytes:
    """In a worker: read one file; the result is pickled once, for the parent and for the cache."""
    return pickle.dumps(_read(*job), protocol=pickle.HIGHEST_PROTOCOL)


def read_files(tasks: list[tuple], cache: ContentCache, workers: int | None = None, progress=None) -> list[FileRead]:
    """Read every (kind, slug, lang, file, rel) task (`file` a Path or a path as a string), from the cache
    where its bytes are unchanged.

    `kind` is condition, medication or resource (whose `lang` is empty).
    """
    results: list[FileRead | None] = [None] * len(tasks)
    misses: list[tuple[int, str]] = []
    collecting = gc.isenabled()
    gc.disable()  # unpickling thousands of objects makes the cyclic GC run over and over (3x slower)
    try:
        for index, task in enumerate(tasks):
            key = cache.key(task)
            results[index] = cache.get(key, task)
            if results[index] is None:
                misses.append((index, key))
    finally:
        gc.freeze()  # the library lives as long as the process: keep the collector off it
        if collecting:
            gc.enable()
    workers = workers or os.cpu_count() or 1
    if progress and misses:
        progress(f"  reading {len(misses)} new or changed of {len(tasks)} content files")
    jobs = [(tasks[index], key) for index, key in misses]
    pickled: list[bytes | None] = [None] * len(jobs)
    if workers > 1 and len(misses) >= PARALLEL_THRESHOLD:
        load_textstat()  # once, before the workers fork, not once in each
        # The first file of each kind is read here, so what reading one loads the first time (vocabularies,
        # Markdown set-ups, pydantic's validators) is loaded once, before the workers fork.
        first = {}
        for number, (task, _) in enumerate(jobs):
            first.setdefault(task[0], number)
        fresh: list[FileRead | None] = [_read(*jobs[number]) if number in first.values() else None
                                        for number in range(len(jobs))]
        rest = [number for number, result in enumerate(fresh) if result is None]
        gc.disable()  # the results come back pickled: see above
        try:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                for number, data in zip(rest, pool.map(_read_pickled, [jobs[n] for n in rest], chunksize=16)):
                    fresh[number], pickled[number] = pickle.loads(data), data
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
    else:
        fresh = [_read(*job) for job in jobs]
    for (index, key), result, data in zip(misses, fresh, pickled):
        results[index] = result
        cache.put(key, result, data, tasks[index])
    cache.save_index()
    return results
