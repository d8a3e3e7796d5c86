"""What the site check keeps between builds: each page's scan, and which pages link to which files.

One SQLite file per built site. `pages` holds, for each page that passed the last check, the
file it was read from (inode, size, modification time), and its links, ids and the files those
links resolved to (JSON, compressed); `links` is the reverse index, one row per page and file it
links to, so a rebuild finds the few unchanged pages to check again (those linking to a page that
went, or to an #anchor of a page that changed) without reading the others. A rebuild reads the rows
it needs and rewrites only the rows of the pages it checked, in one transaction.

The state is only ever a shortcut: a file that is missing, damaged, of another version or of
another base path is started afresh, and the check then reads and checks every page. A state that
cannot be written is deleted, so that it never describes a site older than the one published.
"""
from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path
from typing import Callable, Iterable

VERSION = "2"  # of the layout below and of what a scan holds; another makes a new state
_BATCH = 500  # names per query (SQLite allows 32,766 parameters; fewer keep each statement small)
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE pages (rel TEXT PRIMARY KEY, inode INTEGER, size INTEGER, mtime_ns INTEGER, scan BLOB NOT NULL)
    WITHOUT ROWID;
CREATE TABLE links (target TEXT NOT NULL, page TEXT NOT NULL, fragment INTEGER NOT NULL,
                    PRIMARY KEY (target, page)) WITHOUT ROWID;
"""

Scan = tuple[tuple[int, int, int], list[tuple[str, str]], set[str]]  # (identity, links, ids) of one page
Targets = dict[str, bool]  # the files a page links to, each with whether a link to it names an #anchor


class StateError(Exception):
    """The saved state cannot be read; the check starts afresh."""


def _pack(value) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def _unpack(blob: bytes):
    try:
        return json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError, TypeError) as exc:
        raise StateError(f"a saved scan is damaged: {exc}") from None


class ScanState:
    """The saved scans of one site checked under one base path (see the module's docstring)."""

    def __init__(self, path: Path, base_path: str):
        self.path, self.base_path = Path(path), base_path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:  # not a database, or damaged: start afresh
            self._delete()
            self._db = self._open()

    def _delete(self) -> None:
        for path in (self.path, self.path.with_name(self.path.name + "-journal")):  # (a stale journal too)
            path.unlink(missing_ok=True)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)  # transactions are begun explicitly
        try:
            db.execute("PRAGMA cell_size_check = ON")  # more of a damaged file is found damaged, at little cost
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            meta = dict(db.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
            if meta != {"version": VERSION, "base_path": self.base_path} or tables != {"meta", "pages", "links"}:
                self._create(db)
        except BaseException:
            db.close()
            raise
        return db

    def _create(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        for table in ("meta", "pages", "links"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", VERSION), ("base_path", self.base_path)])
        db.execute("COMMIT")

    def reset(self) -> None:
        """Forget every saved scan (the state was found damaged while in use)."""
        self._db.close()
        self._delete()
        self._db = self._open()

    def close(self) -> None:
        self._db.close()

    def _query(self, sql: str, *args):
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"the site check's state {self.path} is damaged: {exc}") from None

    def _batches(self, sql: str, names: Iterable[str]):
        names = sorted(names)
        for start in range(0, len(names), _BATCH):
            batch = names[start:start + _BATCH]
            yield from self._query(sql.format(", ".join("?" * len(batch))), *batch)

    def pages(self) -> set[str]:
        """The pages whose scan is saved."""
        return {row[0] for row in self._query("SELECT rel FROM pages")}

    def scans(self, names: Iterable[str]) -> dict[str, tuple[Scan, Targets]]:
        """The saved scan of each page in `names` that has one, with the files it linked to."""
        found = {}
        for rel, inode, size, mtime_ns, scan in self._batches(
                "SELECT rel, inode, size, mtime_ns, scan FROM pages WHERE rel IN ({})", names):
            try:
                links, ids, targets = _unpack(scan)
                found[rel] = (((inode, size, mtime_ns), [tuple(link) for link in links], set(ids)), dict(targets))
            except (ValueError, TypeError) as exc:
                raise StateError(f"the saved scan of {rel} is damaged: {exc}") from None
        return found

    def linking_to(self, targets: Iterable[str], anchored: Iterable[str]) -> set[str]:
        """The pages that link to a file of `targets`, or to an #anchor of a page of `anchored`."""
        linking = "SELECT page FROM links WHERE target IN ({})"
        return ({row[0] for row in self._batches(linking, targets)}
                | {row[0] for row in self._batches(linking + " AND fragment", anchored)})

    def save(self, scanned: dict[str, tuple[Scan, Targets]], old_targets: dict[str, Targets], gone: set[str],
             confirm: Callable[[], bool] = lambda: True) -> None:
        """Save the scans of the pages checked (`scanned`; `old_targets` has what each linked to before, if
        it was saved) and forget the pages of `gone`, in one transaction. `confirm` is asked once the rows
        are written: False rolls them back (the build failed while they were written)."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            for rel, targets in old_targets.items():
                if rel in gone or (rel in scanned and scanned[rel][1] != targets):
                    db.executemany("DELETE FROM links WHERE target = ? AND page = ?", ((t, rel) for t in targets))
            db.executemany("DELETE FROM pages WHERE rel = ?", ((rel,) for rel in sorted(gone)))
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                           ((rel, *identity, _pack([links, sorted(ids), sorted(targets.items())]))
                            for rel, ((identity, links, ids), targets) in scanned.items()))
            db.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?)",  # in the table's order: faster
                           sorted((target, rel, fragment) for rel, (_scan, targets) in scanned.items()
                                  if old_targets.get(rel) != targets for target, fragment in targets.items()))
            db.execute("COMMIT" if confirm() else "ROLLBACK")
        except sqlite3.DatabaseError:  # (disk full, file damaged): the next check reads every page
            db.close()
            self._delete()
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
