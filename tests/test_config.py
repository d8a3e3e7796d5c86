"""Settings are declared once, checked together at start-up, and all documented."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from portal.cli import main
from portal.config import SETTINGS, StartupError, load_settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_defaults_load():
    values = load_settings({}, environ={})
    assert values["PORTAL_LANGUAGES"] == ("en", "es", "zh", "vi", "ar") and values["PORTAL_BASE_URL"] == "/"


def test_environment_is_read():
    values = load_settings({}, environ={"PORTAL_BASE_URL": "/clinic-portal", "PORTAL_LANGUAGES": "en, es"})
    assert values["PORTAL_BASE_URL"] == "/clinic-portal/" and values["PORTAL_LANGUAGES"] == ("en", "es")


def test_every_bad_setting_is_reported_at_once():
    with pytest.raises(StartupError) as caught:
        load_settings({"PORTAL_LANGUAGES": "es en", "PORTAL_BASE_URL": "not a url", "PORTAL_COLOUR": "red",
                       "PORTAL_GUIDE_LIST_PAGE_SIZE": "abc", "PORTAL_DIRECTORY_PAGE_SIZE": "0"}, environ={})
    message = str(caught.value)
    assert "PORTAL_GUIDE_LIST_PAGE_SIZE: 'abc' is not a whole number 1 or more; write one, like 100" in message
    assert "PORTAL_DIRECTORY_PAGE_SIZE: '0' is not a whole number 1 or more" in message
    assert "invalid literal" not in message
    assert "PORTAL_LANGUAGES: English ('en') must come first" in message
    assert "PORTAL_BASE_URL: 'not a url' is not a base URL" in message
    assert "PORTAL_COLOUR: not a setting" in message


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_every_setting_is_documented(setting):
    assert f"`{setting}`" in README


def _commands(group: click.Group, prefix: str = "portal"):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


@pytest.mark.parametrize("name, command", list(_commands(main)))
def test_every_command_and_option_is_documented(name, command):
    assert f"`{name}" in README, f"{name} is not in the README"
    for param in command.params:
        for option in param.opts:
            if option.startswith("--"):
                assert re.search(rf"{re.escape(option)}\b", README), f"{name} {option} is not in the README"


def test_the_default_rate_limits_are_ones_the_limiter_reads():
    """They are let through without parsing at start-up (importing `limits` is the slow part), so this checks them."""
    from limits import parse_many

    from portal.config import API_RATE_LIMIT, PUBLIC_RATE_LIMIT

    assert [str(limit) for limit in parse_many(PUBLIC_RATE_LIMIT)] == ["30 per 1 minute", "300 per 1 hour"]
    assert [str(limit) for limit in parse_many(API_RATE_LIMIT)] == ["600 per 1 minute"]
    values = load_settings({}, environ={})
    assert values["PORTAL_PUBLIC_RATE_LIMIT"] == PUBLIC_RATE_LIMIT and values["PORTAL_API_RATE_LIMIT"] == API_RATE_LIMIT
    with pytest.raises(StartupError, match="PORTAL_API_RATE_LIMIT: '600 a minute' is not a rate limit"):
        load_settings({"PORTAL_API_RATE_LIMIT": "600 a minute"}, environ={})


def test_settings_read_again_import_no_jwt_without_cds_issuers():
    """create_app reads the settings it is given again; with no CDS issuers that must not import PyJWT (60 ms)."""
    import subprocess
    import sys

    code = ("import sys; from portal.config import load_settings; load_settings(load_settings({}, environ={}), "
            "environ={}); print('jwt' in sys.modules, 'limits' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent.parent)
    assert done.stdout.split() == ["False", "False"]
