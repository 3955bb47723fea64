"""README.md keeps the promises new contributors rely on: the two commands and one row per setting."""

import re

from tests.config.helpers import BASE_DIR
from tests.config.test_stack import env_names_read_by_settings

README = (BASE_DIR / "README.md").read_text()


def test_readme_names_the_two_commands():
    assert "make run" in README
    assert "make test" in README
    assert "docker compose up" in README
    assert "make bench" in README


def test_readme_has_a_row_for_every_environment_variable_settings_read():
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", README, re.MULTILINE))
    missing = sorted(env_names_read_by_settings() - rows)
    assert missing == [], f"add these to the settings table in README.md: {missing}"
