"""The options table is the one declaration of site.yml's keys: each has a
docstring, the reference documents each, and nothing else lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.settings.options import KNOWN_KEYS, OPTIONS

REFERENCE = Path(__file__).parent.parent / "docs" / "content.md"


@pytest.mark.parametrize("option", OPTIONS, ids=[option.key for option in OPTIONS])
def test_every_key_has_a_docstring_and_a_line_in_the_reference(option):
    assert option.doc.strip().endswith(".")
    assert f"| `{option.key}` |" in REFERENCE.read_text(encoding="utf-8")


def test_the_known_keys_are_the_table():
    assert KNOWN_KEYS == {option.key for option in OPTIONS}
    assert len(KNOWN_KEYS) == len(OPTIONS)  # a key declared twice would be checked twice
