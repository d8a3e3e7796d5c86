"""Build the static site: python build.py [--output DIR] [--content DIR] [--base-url URL]."""
from portal.cli import build

if __name__ == "__main__":
    build(prog_name="build.py")
