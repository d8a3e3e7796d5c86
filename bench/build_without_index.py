"""python bench/build_without_index.py [build.py's options]: the clean build with its search-index step
left out, for bench/pelican.py's "portal without index" figure (Pelican makes no search index).

Everything else runs as `python build.py` runs it: reading, rendering, the link check, publishing.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import portal.build  # noqa: E402

# No Pagefind files, none replaced, no index state to keep; and the build's check that the search page has
# its index files is left out with the index.
portal.build.index = lambda *args, **kwargs: (set(), [], None)
portal.build.check_index = lambda *args, **kwargs: []

if __name__ == "__main__":
    from portal.cli import build

    build(prog_name="build_without_index.py")
