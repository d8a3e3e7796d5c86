"""Shared fixtures: a copy of the small valid library, the app, a client and a CLI runner."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal import create_app

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A writable copy of the small valid content library."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture
def app(content_dir):
    return create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CLINIC_PHONE": "(951) 555-0100",
                       "PORTAL_CLINIC_NAME": "Riverside Clinic"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()
