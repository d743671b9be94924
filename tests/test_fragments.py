"""`{% cache %}` in templates: a piece rendered once per key and build, reused
where the key comes back, never shared between two blocks."""

from __future__ import annotations

from pathlib import Path

from conftest import run_sitegen

PAGE = """{% extends "base.html" %}
{% block content %}
{% for n in [1, 2, 1] %}{% cache lang, n %}<i>{{ n }}-{{ loop.index }}</i>{% endcache %}{% endfor %}
{% cache lang, 1 %}<b>another block</b>{% endcache %}
{% for n in [1, 2] %}{% cache lang, n %}<u>{{ n }}{% cache lang, 1 %}<s>{{ n }}</s>{% endcache %}</u>{% endcache %}{% endfor %} {% cache lang, 1 %}A{% endcache %}|{% cache lang, 1 %}B{% endcache %}
{% endblock %}
"""


def test_a_piece_is_reused_for_its_key_and_kept_apart_from_other_blocks(mini_site: Path):
    template = mini_site / "themes/default/templates/page.html"
    template.parent.mkdir(parents=True)
    template.write_text(PAGE, encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    html = (mini_site / "public/contact/index.html").read_text(encoding="utf-8")
    # The third item has the first one's key: its piece is the first one's, loop index included.
    assert "<i>1-1</i><i>2-2</i><i>1-1</i>" in html
    assert "<b>another block</b>" in html
    # Blocks on one line, nested or side by side, are still apart (the inner key repeats: its piece too).
    assert "<u>1<s>1</s></u><u>2<s>1</s></u> A|B" in html
    french = (mini_site / "public/fr/contact/index.html").read_text(encoding="utf-8")
    assert "<i>1-1</i><i>2-2</i><i>1-1</i>" in french and "<b>another block</b>" in french
