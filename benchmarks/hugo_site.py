"""The same posts as a sitegen benchmark corpus, as a minimal Hugo site.

`write_hugo_site(site_root, hugo_root)` reads `site_root/content/posts/*.md`
(as written by corpus.py) and writes a Hugo site with:

- the same post files (same names, so `x.md` + `x.fr.md` are translations in
  Hugo too), front matter converted: title, date, tags, summary, slug (the
  URL name sitegen gives the post, so `/posts/<slug>/` links resolve), aliases;
- `config.toml`: English as the default language at `/`, French under `/fr/`,
  10 posts per page, 20 items per RSS feed, the tags taxonomy;
- minimal layouts: baseof, single, list (the 10 newest posts on the home
  page, the paginated blog),
  taxonomy (all tags) and term (posts of a tag); RSS and sitemap are Hugo's
  built-in templates.

Series, abstracts, services and the profile have no Hugo counterpart here:
Hugo renders the posts, their tag pages and feeds, which is what the issue's
reference measurement (Hugo 0.111, 4,000 posts) covers.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import yaml

LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")

CONFIG = """\
baseURL = "https://bench.example/"
title = "Alex Martin Consulting"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = false
timeZone = "Europe/Paris"
paginate = 10
enableRobotsTXT = true

[taxonomies]
  tag = "tags"

[services.rss]
  limit = 20

[languages.en]
  languageName = "English"
  weight = 1

[languages.fr]
  languageName = "Français"
  weight = 2
  title = "Alex Martin Conseil"
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 160 }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav><a href="{{ "posts/" | relLangURL }}">Blog</a> <a href="{{ "tags/" | relLangURL }}">Tags</a>
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>© {{ now.Year }} {{ .Site.Title }}</footer>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Params.tags }} · {{ range . }}<a href="{{ (printf "tags/%s/" (. | urlize)) | relLangURL }}">{{ . }}</a> {{ end }}{{ end }}</p>
{{ .Content }}
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .IsHome }}
<ul>
{{ range first 10 (where .Site.RegularPages "Section" "posts") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}</ul>
{{ else }}
<ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
<p>{{ .Summary | plainify | truncate 200 }}</p></li>
{{ end }}</ul>
{{ if .Paginator.HasPrev }}<a rel="prev" href="{{ .Paginator.Prev.URL }}">Newer</a>{{ end }}
{{ if .Paginator.HasNext }}<a rel="next" href="{{ .Paginator.Next.URL }}">Older</a>{{ end }}
{{ end }}
{{ end }}
"""

TAXONOMY = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
"""

TERM = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
<p>{{ .Summary | plainify | truncate 200 }}</p></li>
{{ end }}</ul>
{{ end }}
"""

LAYOUTS = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": SINGLE,
    "_default/list.html": LIST,
    "_default/taxonomy.html": TAXONOMY,
    "_default/term.html": TERM,
}


def _scalar(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)   # JSON is YAML


def convert_post(text: str, name: str) -> str:
    """sitegen post (YAML front matter + Markdown) → Hugo post."""
    _, head, body = text.split("---\n", 2)
    meta = yaml.safe_load(head) or {}
    stem = name[:-len(".md")]
    stem = stem.rsplit(".", 1)[0] if stem.endswith(".fr") else stem
    slug = meta.get("slug") or LEADING_DATE.sub("", stem)
    out = {"title": str(meta["title"]), "date": meta["date"], "slug": slug}
    if meta.get("updated"):
        out["lastmod"] = meta["updated"]
    if meta.get("tags"):
        out["tags"] = [str(t) for t in meta["tags"]]
    if meta.get("summary"):
        out["summary"] = meta["summary"]
    if meta.get("aliases"):
        out["aliases"] = list(meta["aliases"])
    lines = ["---"] + [f"{key}: {_scalar(value)}" for key, value in out.items()] + ["---"]
    return "\n".join(lines) + "\n" + body


def write_hugo_site(site_root: Path, hugo_root: Path) -> int:
    """Write the Hugo twin of a corpus; returns the number of posts written."""
    posts_dir = hugo_root / "content" / "posts"
    posts_dir.mkdir(parents=True, exist_ok=True)
    (hugo_root / "config.toml").write_text(CONFIG, encoding="utf-8")
    for rel, text in LAYOUTS.items():
        path = hugo_root / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for lang, title in (("", "Blog"), (".fr", "Blog")):
        (posts_dir / f"_index{lang}.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    count = 0
    for source in sorted((Path(site_root) / "content" / "posts").glob("*.md")):
        (posts_dir / source.name).write_text(convert_post(source.read_text(encoding="utf-8"), source.name),
                                             encoding="utf-8")
        count += 1
    return count
