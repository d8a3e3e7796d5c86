"""The files a pull request changed, so that a problem between two files lands on the changed one."""
from __future__ import annotations

import subprocess
from pathlib import Path


class ChangesUnknown(Exception):
    """git could not say what changed; the message says what to do."""


def _git(folder: Path, *args: str) -> list[str]:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
    except OSError:
        raise ChangesUnknown("git is not installed; install it, or leave out --changed-from") from None
    if done.returncode:
        raise ChangesUnknown(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed")
    return [line for line in done.stdout.splitlines() if line]


def changed_files(folder: str | Path, ref: str) -> set[Path]:
    """Resolved paths of the files changed since `ref` (REF...HEAD), changed in the work tree, or untracked.

    `folder` is any folder inside the repository (the content folder).
    """
    folder = Path(folder)
    try:
        top = Path(_git(folder, "rev-parse", "--show-toplevel")[0])
    except ChangesUnknown:
        raise ChangesUnknown(f"{folder} is not in a git repository; leave out --changed-from") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ChangesUnknown:
        raise ChangesUnknown(f"there is no commit '{ref}' in this repository: give a branch, tag or commit "
                             "(in GitHub Actions, check out with fetch-depth: 0 so the base branch is there)") from None
    names = _git(top, "diff", "--name-only", f"{ref}...HEAD")
    names += _git(top, "diff", "--name-only", "HEAD")  # edited but not committed yet
    names += _git(top, "ls-files", "--others", "--exclude-standard")
    return {(top / name).resolve() for name in names}
