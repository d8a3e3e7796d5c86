"""Read content files once per change: results cached on disk by content hash, misses read in parallel.

A cache entry is keyed by the file's bytes, where it lives, and a fingerprint of the code and
libraries that read it, so changing either reads the file again. Results with errors are not
cached (some depend on today's date), so a broken file is always read afresh.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path

from portal.i18n import TRANSLATIONS
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


class ContentCache:
    """Pickled FileRead results in a folder, one file per key; a missing folder means no cache."""

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder else None
        self._index: dict | None = None  # file path -> (mtime_ns, size, inode, key), like make's quick check
        self._index_changed = False

    def key(self, task: tuple) -> str:
        """The cache key of a file: its bytes hashed, unless its size and time show it unchanged."""
        kind, slug, lang, file, rel = task
        stat = os.stat(file)
        identity = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        index = self._load_index()
        name = os.path.abspath(file)
        known = index.get(name)
        if known and known[:3] == identity and known[4] == code_fingerprint():
            return known[3]
        data = Path(file).read_bytes()
        key = hashlib.sha256(f"{code_fingerprint()}|{kind}|{slug}|{lang}|{rel}|".encode() + data).hexdigest()
        if self.folder is not None:
            index[name] = (*identity, key, code_fingerprint())
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

    def get(self, key: str) -> FileRead | None:
        if self.folder is None:
            return None
        try:
            return pickle.loads((self.folder / key[:2] / key).read_bytes())
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None

    def put(self, key: str, result: FileRead, data: bytes | None = None) -> None:
        """Keep a result (`data`: the result already pickled, if it is at hand)."""
        if self.folder is None or result.errors:
            return
        target = self.folder / key[:2] / key
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data if data is not None else pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(target)  # readers never see half a file


def _read(task: tuple, key: str) -> FileRead:
    kind, slug, lang, file, rel = task
    result = read_resource(file, rel) if kind == "resource" else read_page(kind, slug, lang, file, rel)
    if result.item is not None and kind != "resource":
        result.item.digest = key
    return result


def _read_pickled(job: tuple) -> bytes:
    """In a worker: read one file; the result is pickled once, for the parent and for the cache."""
    return pickle.dumps(_read(*job), protocol=pickle.HIGHEST_PROTOCOL)


def read_files(tasks: list[tuple], cache: ContentCache, workers: int | None = None, progress=None) -> list[FileRead]:
    """Read every (kind, slug, lang, file, rel) task, from the cache where its bytes are unchanged.

    `kind` is condition, medication or resource (whose `lang` is empty).
    """
    results: list[FileRead | None] = [None] * len(tasks)
    misses: list[tuple[int, str]] = []
    collecting = gc.isenabled()
    gc.disable()  # unpickling thousands of objects makes the cyclic GC run over and over (3x slower)
    try:
        for index, task in enumerate(tasks):
            key = cache.key(task)
            results[index] = cache.get(key)
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
        cache.put(key, result, data)
    cache.save_index()
    return results
