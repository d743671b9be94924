"""Generate a realistic bilingual sitegen site of N posts, for benchmarks.

    python benchmarks/corpus.py DIR --posts 4000 [--seed 0]

`generate(root, posts, seed)` writes `site.yml`, `content/profile.yml`, three
talks, two workshops, two expertise areas, a contact page in both languages,
a profile photo and `posts` Markdown post files (~2.3 KB each):

- N counts post *files* (each is one post page): ~40 % of them are translated
  pairs (`name.md` + `name.fr.md`, a few with their own French `slug`), the
  rest are single-language posts (about two thirds English, one third French)
  carrying an `abstract` for the other language;
- bodies have h2/h3 headings, paragraphs with emphasis and inline code, bullet
  and numbered lists, fenced code (python or bash) in some, a table in some,
  and links to other posts (`/posts/<slug>/`, `/fr/posts/<slug>/`);
- 30 tags (some with accents: `écoles`, `accessibilité`), 1–4 per post, with
  a skewed popularity as on real blogs;
- series of 3–5 posts for ~5 % of the posts;
- dates spread over the ten years before 2026-11-01 (date-only or with a time
  and offset), some with `updated` or `aliases`.

The output depends only on (posts, seed): the same arguments give the same
bytes. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import struct
import sys
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

FIRST_DAY = datetime(2016, 11, 1)
LAST_DAY = datetime(2026, 10, 31, 18, 0)   # every post is before 2026-11-01
PAIR_SHARE = 0.40      # share of post files that belong to a translated pair
SERIES_SHARE = 0.05    # share of post files that belong to a series
EN_SINGLE_SHARE = 0.65 # of the single-language posts, those in English
TARGET_BYTES = 2250    # mean size of a post file

# 30 tags; weights give a few popular tags and a long tail.
TAGS = [
    "testing", "python", "accessibility", "continuous-integration", "tests", "accessibilité",
    "écoles", "intégration-continue", "javascript", "forms", "performance", "security",
    "qualité", "devops", "documentation", "indépendance", "typescript", "databases",
    "code-review", "refactoring", "sécurité", "formation", "open-source", "architecture",
    "containers", "observability", "données", "teaching", "éthique", "freelancing",
]
TAG_WEIGHTS = [1.0 / (i + 1) ** 0.8 for i in range(len(TAGS))]

# --------------------------------------------------------------------- words

EN = {
    "subjects": ["the team", "our build", "a small test suite", "the release process", "every developer",
                 "the product owner", "a screen reader user", "the staging server", "this checklist",
                 "the nightly job", "a good error message", "the audit", "the new form", "our pipeline",
                 "the database migration", "a keyboard user", "the code review", "the style guide",
                 "a flaky test", "the client", "the school", "the design system", "the API",
                 "the dashboard", "a junior developer", "the on-call engineer", "the project manager"],
    "verbs": ["catches", "slows down", "documents", "replaces", "hides", "reveals", "simplifies",
              "breaks", "protects", "measures", "explains", "ignores", "improves", "checks",
              "duplicates", "speeds up", "questions", "needs", "deserves", "changes"],
    "objects": ["flaky tests", "the deployment pipeline", "keyboard navigation", "database migrations",
                "the error messages", "every pull request", "the colour contrast", "the test data",
                "the release notes", "slow queries", "focus order", "the logging setup",
                "integration tests", "the onboarding guide", "a race condition", "the time zone handling",
                "the caching layer", "the invoice rounding", "the landing page", "form labels",
                "the build cache", "the coverage report", "the alt texts", "the retry logic"],
    "tails": ["before anyone notices", "on every push", "in less than ten minutes", "when the load grows",
              "for everyone who uses it", "long before the release", "without anyone asking",
              "in production", "on a Friday afternoon", "after the third incident", "during the audit",
              "within a single sprint", "for a fraction of the cost", "more often than we think", "", "", ""],
    "connectors": ["", "", "", "In practice, ", "Most of the time, ", "On one project, ", "However, ",
                   "Surprisingly, ", "In my experience, ", "Last year, ", "Sooner or later, ", "Of course, ",
                   "On a good day, ", "Too often, "],
    "headings": ["Why it matters", "What we measured", "A simple checklist", "Lessons learned",
                 "Where to start", "The usual objections", "What changed", "Numbers from the field",
                 "A worked example", "Common mistakes", "Tools I use", "The hard part", "Before and after",
                 "What I would do differently", "Going further", "The setup", "Results",
                 "Questions from the audience", "Trade-offs", "Making it stick"],
    "subheadings": ["The quick fix", "The lasting fix", "Edge cases", "On small teams", "On large teams",
                    "With legacy code", "In the browser", "On the server", "Cost", "Risks"],
    "items": ["write the test before the fix", "run the suite in random order", "keep the pipeline under ten minutes",
              "label every form field", "check the contrast of every state", "review one screen per day",
              "measure before optimising", "log the request identifier", "pin the dependencies",
              "delete tests nobody understands", "pair with the person who maintains it",
              "record the decision and its date", "test with a real screen reader", "document the rollback",
              "ask what the user was trying to do", "freeze the clock in tests", "keep fixtures small",
              "read the error message aloud", "budget time for maintenance", "automate the boring check"],
    "link_intros": ["I wrote about this in", "See also", "This follows", "More details in",
                    "A related story:", "Compare with"],
    "other_lang": " (in French)",
    "titles_a": ["Flaky tests", "Accessible forms", "Continuous integration", "Code review", "Test data",
                 "Error messages", "Keyboard navigation", "Database migrations", "Release notes", "Pair testing",
                 "Performance budgets", "Logging", "Onboarding", "Legacy code", "Contrast checks",
                 "Screen readers", "Property-based testing", "Small teams", "Audits", "Refactoring",
                 "Teaching tests", "Freelance pricing", "Time zones", "Retries", "Caching"],
    "titles_b": ["are a product bug", "without the drama", "for small teams", "in practice",
                 "that pay for themselves", "done right", "in ten minutes a day", "for beginners",
                 "after ten years", "revisited", "the boring way", "that people read", "under pressure",
                 "on a budget", "in schools", "with Python", "in the browser", "explained to managers"],
    "summary": ["A practical look at {t} and what it changes for the team: “{title}”.",
                "“{title}”: what I learned about {t} on recent engagements, with examples.",
                "Three habits around {t} that save time every week ({title}).",
                "How to get started with {t} without rewriting everything — “{title}”."],
    "subtitles": ["a checklist", "three questions", "notes from an audit", "what the numbers say",
                  "a case study", "lessons from a school", "a short guide", "the long version",
                  "five mistakes", "a retrospective", "what I tell clients", "a field report",
                  "the cheap version", "a second look", "an interview", "questions and answers"],
    "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"],
    "abstract": "Summary in English of a post written in French: {t}.",
    "table": [["Check", "Before", "After"], ["Step", "Minutes", "Notes"], ["Page", "Errors", "Fixed"]],
    "rows": ["Login form", "Checkout", "Search", "Home page", "Invoices", "Settings", "Sign-up", "Reports"],
    "notes": ["done", "partial", "planned", "n/a"],
    "series": ["step by step", "a field guide", "from scratch", "in practice", "for beginners"],
    "edit": "Edit: a reader pointed out a typo, now fixed.",
}

FR = {
    "subjects": ["l’équipe", "notre build", "une petite suite de tests", "le processus de livraison",
                 "chaque développeuse", "la responsable produit", "une personne qui utilise un lecteur d’écran",
                 "le serveur de recette", "cette liste de contrôle", "la tâche de nuit", "un bon message d’erreur",
                 "l’audit", "le nouveau formulaire", "notre pipeline", "la migration de base de données",
                 "la revue de code", "le guide de style", "un test instable", "le client", "l’école",
                 "le système de design", "l’API", "le tableau de bord", "un développeur débutant"],
    "verbs": ["détecte", "ralentit", "documente", "remplace", "cache", "révèle", "simplifie", "casse",
              "protège", "mesure", "explique", "ignore", "améliore", "vérifie", "accélère", "change"],
    "objects": ["les tests instables", "le pipeline de déploiement", "la navigation au clavier",
                "les migrations", "les messages d’erreur", "chaque demande de fusion", "le contraste des couleurs",
                "les données de test", "les notes de version", "les requêtes lentes", "l’ordre de tabulation",
                "la journalisation", "les tests d’intégration", "le guide d’accueil", "une situation de concurrence",
                "la gestion des fuseaux horaires", "le cache", "l’arrondi des factures", "la page d’accueil",
                "les étiquettes de formulaire", "le rapport de couverture", "les textes alternatifs"],
    "tails": ["avant que quiconque ne s’en aperçoive", "à chaque envoi", "en moins de dix minutes",
              "quand la charge augmente", "pour toutes les personnes qui s’en servent", "bien avant la livraison",
              "sans que personne ne le demande", "en production", "un vendredi après-midi",
              "après le troisième incident", "pendant l’audit", "en un seul sprint", "pour une fraction du coût",
              "plus souvent qu’on ne le croit", "", "", ""],
    "connectors": ["", "", "", "En pratique, ", "La plupart du temps, ", "Sur un projet, ", "Pourtant, ",
                   "Étonnamment, ", "D’après mon expérience, ", "L’an dernier, ", "Tôt ou tard, ",
                   "Bien sûr, ", "Trop souvent, "],
    "headings": ["Pourquoi c’est important", "Ce que nous avons mesuré", "Une liste simple",
                 "Les leçons à retenir", "Par où commencer", "Les objections habituelles", "Ce qui a changé",
                 "Des chiffres de terrain", "Un exemple concret", "Les erreurs fréquentes", "Mes outils",
                 "La partie difficile", "Avant, après", "Ce que je ferais autrement", "Pour aller plus loin",
                 "La mise en place", "Résultats", "Questions du public", "Compromis", "Faire durer"],
    "subheadings": ["La correction rapide", "La correction durable", "Cas limites", "Dans une petite équipe",
                    "Dans une grande équipe", "Avec du code ancien", "Dans le navigateur", "Sur le serveur",
                    "Coût", "Risques"],
    "items": ["écrire le test avant la correction", "lancer la suite dans un ordre aléatoire",
              "garder le pipeline sous les dix minutes", "étiqueter chaque champ de formulaire",
              "vérifier le contraste de chaque état", "relire un écran par jour", "mesurer avant d’optimiser",
              "journaliser l’identifiant de requête", "figer les versions des dépendances",
              "supprimer les tests que personne ne comprend", "travailler en binôme avec la personne qui maintient",
              "noter la décision et sa date", "tester avec un vrai lecteur d’écran", "documenter le retour arrière",
              "demander ce que la personne essayait de faire", "figer l’horloge dans les tests",
              "garder des jeux de données petits", "lire le message d’erreur à voix haute",
              "prévoir du temps pour la maintenance", "automatiser la vérification ennuyeuse"],
    "link_intros": ["J’en parlais dans", "Voir aussi", "Suite de", "Plus de détails dans",
                    "Une histoire voisine :", "À comparer avec"],
    "other_lang": " (en anglais)",
    "titles_a": ["Tests instables", "Formulaires accessibles", "Intégration continue", "Revue de code",
                 "Données de test", "Messages d’erreur", "Navigation au clavier", "Migrations",
                 "Notes de version", "Tests en binôme", "Budgets de performance", "Journalisation",
                 "Accueil des nouveaux", "Code ancien", "Contrastes", "Lecteurs d’écran",
                 "Tests par propriétés", "Petites équipes", "Audits", "Refactorisation", "Enseigner les tests",
                 "Tarifs d’indépendante", "Fuseaux horaires", "Relances", "Écoles et numérique"],
    "titles_b": ["sont des bugs produit", "sans drame", "pour les petites équipes", "en pratique",
                 "qui se remboursent", "bien faits", "en dix minutes par jour", "pour débuter",
                 "après dix ans", "revisités", "à l’ancienne", "que l’on lit", "sous pression",
                 "à petit budget", "à l’école", "avec Python", "dans le navigateur", "expliqués aux managers"],
    "summary": ["Un regard pratique sur {t} et ce que cela change pour l’équipe : « {title} ».",
                "« {title} » : ce que j’ai appris sur {t} lors de missions récentes, exemples à l’appui.",
                "Trois habitudes autour de {t} qui font gagner du temps chaque semaine ({title}).",
                "Comment démarrer avec {t} sans tout réécrire — « {title} »."],
    "subtitles": ["une liste de contrôle", "trois questions", "notes d’audit", "ce que disent les chiffres",
                  "une étude de cas", "leçons d’une école", "un guide court", "la version longue",
                  "cinq erreurs", "une rétrospective", "ce que je dis aux clients", "un retour de terrain",
                  "la version économique", "un second regard", "un entretien", "questions et réponses"],
    "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
               "octobre", "novembre", "décembre"],
    "abstract": "Résumé en français d’un article écrit en anglais : {t}.",
    "table": [["Contrôle", "Avant", "Après"], ["Étape", "Minutes", "Notes"], ["Page", "Erreurs", "Corrigées"]],
    "rows": ["Connexion", "Paiement", "Recherche", "Accueil", "Factures", "Réglages", "Inscription", "Rapports"],
    "notes": ["fait", "partiel", "prévu", "s.o."],
    "series": ["pas à pas", "guide de terrain", "depuis zéro", "en pratique", "pour débuter"],
    "edit": "Mise à jour : une lectrice a signalé une coquille, corrigée depuis.",
}
WORDS = {"en": EN, "fr": FR}

PYTHON_SNIPPETS = [
    '''from datetime import datetime, timezone


def test_{name}_is_overdue_after_thirty_days(freezer):
    freezer.move_to("2024-03-01T12:00:00Z")
    {name} = make_{name}(issued=datetime(2024, 1, 30, tzinfo=timezone.utc))
    assert {name}.is_overdue()
''',
    '''import pytest


@pytest.mark.parametrize("value, expected", [(0, "zero"), (1, "one"), ({n}, "many")])
def test_{name}_label(value, expected):
    assert {name}_label(value) == expected
''',
    '''def retry_{name}(call, attempts={n}):
    """Retry `call`, but log every failure instead of hiding it."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except TimeoutError as exc:
            log.warning("attempt %d of %d failed: %s", attempt, attempts, exc)
    raise RuntimeError("{name}: giving up")
''',
    '''class {Name}Repository:
    def __init__(self, db):
        self.db = db

    def recent(self, limit={n}):
        return self.db.execute(
            "SELECT * FROM {name} ORDER BY created DESC LIMIT ?", (limit,)
        ).fetchall()
''',
]

BASH_SNIPPETS = [
    '''$ pip install pytest-repeat pytest-randomly
$ pytest tests/test_{name}.py --count={n} -x -p randomly
''',
    '''#!/bin/sh
set -eu
for f in $(git diff --name-only origin/main -- '*.py'); do
  ruff check "$f"
done
pytest -q tests/{name}
''',
    '''$ npx @axe-core/cli https://staging.example/{name} --exit
$ pa11y --runner axe --threshold {n} https://staging.example/{name}
''',
    '''docker compose up -d db
export DATABASE_URL=postgres://test@localhost:5432/{name}
pytest -q -m integration --maxfail={n}
''',
]
CODE_NAMES = ["invoice", "order", "booking", "ticket", "report", "account", "session", "payment", "lesson", "pupil"]


# --------------------------------------------------------------------- model

@dataclass
class Post:
    index: int
    date: datetime
    with_time: bool
    kind: str                      # "pair", "en" or "fr"
    slug: str
    fr_slug: str                   # URL name of the French version ("" when there is none)
    title: dict[str, str]
    tags: list[str]
    name: str = ""                 # file name without .md / .fr.md
    series: tuple[str, str] | None = None   # (English name, French name)
    summary: bool = True
    updated: datetime | None = None
    aliases: list[str] = field(default_factory=list)
    links: list[int] = field(default_factory=list)

    @property
    def langs(self) -> list[str]:
        return ["en", "fr"] if self.kind == "pair" else [self.kind]

    def url(self, lang: str) -> str:
        return f"/posts/{self.slug}/" if lang == "en" else f"/fr/posts/{self.fr_slug}/"


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-': stable under python-slugify."""
    text = unicodedata.normalize("NFKD", text.replace("’", " ")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    used.add(candidate)
    return candidate


def _title(rng: random.Random, lang: str, used: set[str], when: datetime) -> str:
    """A title not used yet in `lang` (the check audits unique titles)."""
    w = WORDS[lang]
    title = ""
    for attempt in range(8):
        title = f"{rng.choice(w['titles_a'])} {rng.choice(w['titles_b'])}"
        if attempt >= 2 or rng.random() < 0.3:
            title += f": {rng.choice(w['subtitles'])}"
        if title not in used:
            break
    else:
        title += f" ({w['months'][when.month - 1]} {when.year})"
        n = 2
        while title in used:
            title, n = re.sub(r"( #\d+)?$", f" #{n}", title, count=1), n + 1
    used.add(title)
    return title


def topic_of(title: str, lang: str) -> str:
    """The subject part of a generated title, for summaries: 'flaky tests'."""
    for topic in WORDS[lang]["titles_a"]:
        if title.startswith(topic):
            return topic.lower()
    return title.lower()


def plan_posts(count: int, seed: int) -> list[Post]:
    """Who is what: languages, dates, slugs, titles, tags, series, links."""
    rng = random.Random(seed)
    pairs = round(count * PAIR_SHARE / 2)
    singles = count - 2 * pairs
    en_singles = round(singles * EN_SINGLE_SHARE)
    kinds = ["pair"] * pairs + ["en"] * en_singles + ["fr"] * (singles - en_singles)
    rng.shuffle(kinds)
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    stamps = sorted(rng.random() * span for _ in kinds)
    used: set[str] = set()
    titles: dict[str, set[str]] = {"en": set(), "fr": set()}
    posts = []
    for i, (kind, stamp) in enumerate(zip(kinds, stamps)):
        when = FIRST_DAY + timedelta(seconds=int(stamp))
        with_time = rng.random() < 0.5
        if with_time:
            when = when.replace(minute=when.minute // 15 * 15, second=0)
        title = {lang: _title(rng, lang, titles[lang], when) for lang in ("en", "fr")}
        slug = unique(slugify(title["fr" if kind == "fr" else "en"]), used)
        fr_slug = ""
        if kind == "fr":
            fr_slug = slug
        elif kind == "pair":
            fr_slug = unique(slugify(title["fr"]), used) if rng.random() < 0.3 else slug
        tags = []
        for _ in range(rng.choice([1, 2, 2, 3, 3, 3, 4])):
            tag = rng.choices(TAGS, TAG_WEIGHTS)[0]
            if tag not in tags:
                tags.append(tag)
        post = Post(i, when, with_time, kind, slug, fr_slug, title, tags, summary=rng.random() < 0.7)
        post.name = f"{when:%Y-%m-%d}-{slug}"
        if rng.random() < 0.08:
            post.updated = min(when + timedelta(days=rng.randint(3, 400)), LAST_DAY)
        if rng.random() < 0.03:
            post.aliases = [f"/{when:%Y/%m}/{slug}.html"]
        posts.append(post)
    _plan_series(posts, count, rng)
    for post in posts:
        # links to 1–3 other posts, mostly older ones (as real blogs link back)
        older = post.index
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            target = rng.randrange(older) if older > 5 and rng.random() < 0.85 else rng.randrange(len(posts))
            if target != post.index and target not in post.links:
                post.links.append(target)
    return posts


def _plan_series(posts: list[Post], count: int, rng: random.Random) -> None:
    """Series of 3–5 posts, all pairs or all English singles, in date order."""
    wanted = round(count * SERIES_SHARE)
    in_series = 0
    used_names: set[str] = set()
    attempts = 0
    while in_series < wanted and attempts < 10 * count + 100:
        attempts += 1
        kind = "pair" if rng.random() < 0.5 else "en"
        size = rng.randint(3, 5)
        start = rng.randrange(len(posts))
        members = [p for p in posts[start:start + 40] if p.kind == kind and p.series is None][:size]
        if len(members) < 3:
            continue
        topic = rng.randrange(len(EN["titles_a"]))
        style = rng.randrange(len(EN["series"]))
        en = f"{EN['titles_a'][topic]}, {EN['series'][style]}"
        fr = f"{FR['titles_a'][topic]}, {FR['series'][style]}"
        year = members[0].date.year
        if en in used_names:
            en, fr = f"{en} ({year})", f"{fr} ({year})"
        if en in used_names:
            continue
        used_names.add(en)
        for member in members:
            member.series = (en, fr)
            in_series += len(member.langs)


# --------------------------------------------------------------------- text

def sentence(rng: random.Random, lang: str) -> str:
    w = WORDS[lang]
    obj = rng.choice(w["objects"])
    roll = rng.random()
    if roll < 0.12:
        obj = f"**{obj}**"
    elif roll < 0.2:
        obj = f"*{obj}*"
    elif roll < 0.26:
        obj = f"{obj} (`{rng.choice(CODE_NAMES)}_{rng.choice(['id', 'at', 'count', 'url'])}`)"
    tail = rng.choice(w["tails"])
    text = f"{rng.choice(w['connectors'])}{rng.choice(w['subjects'])} {rng.choice(w['verbs'])} {obj}"
    text = text + (f" {tail}" if tail else "") + "."
    return text[0].upper() + text[1:]


def wrap(text: str, width: int = 78) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def paragraph(rng: random.Random, lang: str, sentences: int | None = None) -> str:
    return wrap(" ".join(sentence(rng, lang) for _ in range(sentences or rng.randint(2, 4))))


def link_sentence(rng: random.Random, lang: str, post: Post, target: Post) -> str:
    w = WORDS[lang]
    target_lang = lang if lang in target.langs else target.langs[0]
    note = w["other_lang"] if target_lang != lang else ""
    text = f"{rng.choice(w['link_intros'])} [{target.title[target_lang]}]({target.url(target_lang)}){note}."
    return text


def code_block(rng: random.Random) -> str:
    name = rng.choice(CODE_NAMES)
    values = {"name": name, "Name": name.capitalize(), "n": rng.randint(3, 200)}
    if rng.random() < 0.6:
        return "```python\n" + rng.choice(PYTHON_SNIPPETS).format(**values) + "```"
    return "```bash\n" + rng.choice(BASH_SNIPPETS).format(**values) + "```"


def table(rng: random.Random, lang: str) -> str:
    w = WORDS[lang]
    pick = rng.randrange(len(w["table"]))
    head = w["table"][pick]
    lines = ["| " + " | ".join(head) + " |", "|---|---:|---|" if pick == 1 else "|---|---:|---:|"]
    for row in rng.sample(w["rows"], rng.randint(3, 5)):
        a, b = rng.randint(1, 60), rng.randint(0, 40)
        third = rng.choice(w["notes"]) if pick == 1 else str(b)
        lines.append(f"| {row} | {a} | {third} |")
    return "\n".join(lines)


def bullet_list(rng: random.Random, lang: str) -> str:
    items = rng.sample(WORDS[lang]["items"], rng.randint(3, 6))
    if rng.random() < 0.3:
        return "\n".join(f"{i}. {item[0].upper()}{item[1:]}." for i, item in enumerate(items, 1))
    return "\n".join(f"- {item};" if i < len(items) - 1 else f"- {item}." for i, item in enumerate(items))


def body_plan(rng: random.Random, post: Post, header_bytes: int) -> list[tuple[str, int]]:
    """The blocks of a body, (kind, seed): rendered the same way in both languages."""
    # French text comes out ~18 % longer than English for the same plan
    scale = {"en": 1.03, "pair": 0.95, "fr": 0.87}[post.kind]
    target = max(1400, int(rng.gauss(TARGET_BYTES, 250) * scale)) - header_bytes
    has_code = rng.random() < 0.35
    has_table = rng.random() < 0.2
    blocks: list[tuple[str, int]] = [("para", rng.randrange(1 << 30))]
    extras = (["code"] if has_code else []) + (["table"] if has_table else [])
    rng.shuffle(extras)
    links = list(post.links)
    size = 260
    section = 0
    while size < target - 250 or extras:
        section += 1
        blocks.append(("h2", rng.randrange(1 << 30)))
        blocks.append(("para", rng.randrange(1 << 30)))
        size += 300
        roll = rng.random()
        if extras and (roll < 0.6 or size > target - 400):
            kind = extras.pop()
            blocks.append((kind, rng.randrange(1 << 30)))
            size += 260 if kind == "code" else 150
        elif roll < 0.8:
            blocks.append(("list", rng.randrange(1 << 30)))
            size += 170
        if section % 2 == 0 and rng.random() < 0.5 and size < target - 400:
            blocks.append(("h3", rng.randrange(1 << 30)))
            blocks.append(("para", rng.randrange(1 << 30)))
            size += 280
        if links and rng.random() < 0.5:
            blocks.append(("link", links.pop()))
            size += 90
    for target_index in links:
        blocks.append(("link", target_index))
    blocks.append(("para", rng.randrange(1 << 30)))
    return blocks


def render_body(plan: list[tuple[str, int]], lang: str, post: Post, posts: list[Post]) -> str:
    w = WORDS[lang]
    out = []
    for kind, value in plan:
        rng = random.Random(value * 2 + (lang == "fr"))
        if kind == "para":
            out.append(paragraph(rng, lang))
        elif kind == "h2":
            out.append("## " + rng.choice(w["headings"]))
        elif kind == "h3":
            out.append("### " + rng.choice(w["subheadings"]))
        elif kind == "list":
            out.append(bullet_list(rng, lang))
        elif kind == "code":
            out.append(code_block(random.Random(value)))   # the same code in both languages
        elif kind == "table":
            out.append(table(random.Random(value), lang))
        elif kind == "link":
            out.append(wrap(link_sentence(random.Random(value + post.index), lang, post, posts[value])))
    return "\n\n".join(out) + "\n"


def yaml_str(text: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON is YAML)."""
    if re.fullmatch(r"[A-Za-zÀ-ÿ’][^:#\[\]{}&*!|>'\"%@`,]*", text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def fmt_date(when: datetime, with_time: bool) -> str:
    if not with_time:
        return f"{when:%Y-%m-%d}"
    offset = "+02:00" if 4 <= when.month <= 10 else "+01:00"
    return f"{when:%Y-%m-%dT%H:%M:%S}{offset}"


def front_matter(post: Post, lang: str, rng: random.Random) -> str:
    w = WORDS[lang]
    lines = ["---", f"title: {yaml_str(post.title[lang])}", f"date: {fmt_date(post.date, post.with_time)}"]
    if post.updated:
        lines.append(f"updated: {post.updated:%Y-%m-%d}")
    if lang == "fr" and post.kind == "pair" and post.fr_slug != post.slug:
        lines.append(f"slug: {post.fr_slug}")
    lines.append("tags: [" + ", ".join(post.tags) + "]")
    if post.series:
        lines.append(f"series: {yaml_str(post.series[0 if lang == 'en' else 1])}")
    topic = topic_of(post.title[lang], lang)
    if post.summary:
        lines.append("summary: " + yaml_str(rng.choice(w["summary"]).format(t=topic, title=post.title[lang])))
    if post.kind != "pair":
        other = "fr" if lang == "en" else "en"
        abstract = WORDS[other]["abstract"].format(t=post.title[lang])
        lines.append(f"abstract: {{{other}: {json.dumps(abstract, ensure_ascii=False)}}}")
    if post.aliases and lang == "en":
        lines.append("aliases: [" + ", ".join(post.aliases) + "]")
    lines.append("---")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------- site files

SITE_YML = """\
# Benchmark corpus generated by benchmarks/corpus.py ({posts} posts, seed {seed}).
title: {{en: Alex Martin Consulting, fr: Alex Martin Conseil}}
tagline:
  en: Software quality, accessibility and teaching, in English and French
  fr: Qualité logicielle, accessibilité et formation, en français et en anglais
base_url: https://bench.example
languages:
  - {{code: en, name: English, locale: en_GB}}
  - {{code: fr, name: Français, locale: fr_FR}}
theme: default
posts_per_page: 10
feed:
  items: 20
  full_content: true
timezone: Europe/Paris
"""

PROFILE_YML = """\
name: Alex Martin
photo: /img/alex.png
photo_alt:
  en: Alex Martin’s avatar, a teal square
  fr: Avatar d’Alex Martin, un carré bleu canard
job_title:
  en: Independent software quality and accessibility consultant
  fr: Consultant indépendant en qualité logicielle et accessibilité
headline:
  en: I help product teams and schools ship software that works for everyone.
  fr: J’aide les équipes produit et les écoles à livrer des logiciels qui fonctionnent pour tout le monde.
bio:
  en: |
    Ten years of **testing** and **accessibility** work, first as a developer,
    then as a test lead, and since 2016 as an independent consultant.

    I audit, coach and write tests alongside the people who maintain them,
    in English and in French, on site or online.
  fr: |
    Dix ans de travail sur les **tests** et l’**accessibilité**, d’abord comme
    développeur, puis comme responsable des tests, et depuis 2016 comme
    consultant indépendant.

    J’audite, je forme et j’écris des tests avec les personnes qui les
    maintiennent, en français et en anglais, sur place ou à distance.
location: Lyon, France
email: bonjour@bench.example
links:
  - {name: Mastodon, url: "https://social.example/@alex"}
  - {name: GitHub, url: "https://github.example/alex-martin"}
languages_spoken:
  en: [French (native), English (fluent)]
  fr: [français (langue maternelle), anglais (courant)]
availability:
  - from: 2026-10-01
    until: 2027-01-31
    note:
      en: Booked until the end of January 2027; taking bookings from February.
      fr: Agenda complet jusqu’à fin janvier 2027 ; réservations ouvertes à partir de février.
"""

SERVICE_TEMPLATE = """\
title: {{en: {title_en}, fr: {title_fr}}}
summary:
  en: {summary_en}
  fr: {summary_fr}
body:
  en: |
{body_en}
  fr: |
{body_fr}
tags: [{tags}]
weight: {weight}
"""

OFFER_TEMPLATE = """\
duration: {{en: {duration_en}, fr: {duration_fr}}}
audience:
  en: Developers, testers and engineering managers
  fr: Développeurs, testeurs et responsables techniques
formats: [in-person, online]
languages: [en, fr]
outcomes:
  en:
    - A method the team can apply the next day
    - A written summary with priorities
  fr:
    - Une méthode que l’équipe peut appliquer dès le lendemain
    - Une synthèse écrite avec des priorités
pricing:
  en: On request
  fr: Sur demande
expertise: [{expertise}]
sessions:
  - {{date: {past1}, event: {event1}, city: Lyon, url: "https://events.example/{slug}/1"}}
  - {{date: {past2}, event: {event2}, online: true}}
  - {{date: "{future}T10:00:00+01:00", event: {event3}, city: Geneva, url: "https://events.example/{slug}/3"}}
"""

SERVICES = [
    ("expertise", "software-testing", "Software testing", "Tests logiciels",
     "testing, tests, continuous-integration, intégration-continue", None, None),
    ("expertise", "accessibility", "Accessibility", "Accessibilité",
     "accessibility, accessibilité, forms, écoles", None, None),
    ("talks", "flaky-tests-are-bugs", "Your flaky tests are trying to tell you something",
     "Vos tests instables essaient de vous dire quelque chose", "testing, tests", "software-testing",
     ("40 minutes", "40 minutes")),
    ("talks", "accessibility-is-a-testing-problem", "Accessibility is a testing problem",
     "L’accessibilité est un problème de tests", "accessibility, testing", "accessibility, software-testing",
     ("45 minutes", "45 minutes")),
    ("talks", "what-pupils-teach-us", "What pupils teach us about tests",
     "Ce que les élèves nous apprennent sur les tests", "écoles, teaching, formation", "software-testing",
     ("30 minutes", "30 minutes")),
    ("workshops", "tests-that-pay-off", "Tests that pay off", "Des tests qui rapportent",
     "testing, python, continuous-integration", "software-testing", ("One day", "Une journée")),
    ("workshops", "accessibility-for-product-teams", "Accessibility for product teams",
     "L’accessibilité pour les équipes produit", "accessibility, forms", "accessibility",
     ("Two days", "Deux jours")),
]

CONTACT = {
    "contact.md": "---\ntitle: Contact\nsummary: How to reach Alex Martin about an audit, a talk or a workshop.\n---\n"
                  "Write to [bonjour@bench.example](mailto:bonjour@bench.example); I reply within two working\n"
                  "days. Tell me about your team, what you need — a [talk](/talks/), a\n"
                  "[workshop](/workshops/) or an audit — and your dates.\n",
    "contact.fr.md": "---\ntitle: Contact\nsummary: Comment joindre Alex Martin pour un audit, une conférence ou un atelier.\n"
                     "---\nÉcrivez à [bonjour@bench.example](mailto:bonjour@bench.example) ; je réponds sous\n"
                     "deux jours ouvrés. Présentez votre équipe, votre besoin — une\n"
                     "[conférence](/fr/talks/), un [atelier](/fr/workshops/) ou un audit — et vos dates.\n",
}


def indent(text: str, spaces: int = 4) -> str:
    return "\n".join((" " * spaces + line) if line else "" for line in text.splitlines())


def service_yaml(rng: random.Random, index: int, spec: tuple) -> str:
    section, slug, title_en, title_fr, tags, expertise, duration = spec
    body = {}
    for lang in ("en", "fr"):
        parts = [paragraph(rng, lang, 4), "## " + rng.choice(WORDS[lang]["headings"]), bullet_list(rng, lang),
                 paragraph(rng, lang, 3)]
        body[lang] = indent("\n\n".join(parts))
    text = SERVICE_TEMPLATE.format(
        title_en=yaml_str(title_en), title_fr=yaml_str(title_fr),
        summary_en=yaml_str(sentence(rng, "en")), summary_fr=yaml_str(sentence(rng, "fr")),
        body_en=body["en"], body_fr=body["fr"], tags=tags, weight=index + 1)
    if section != "expertise":
        text += OFFER_TEMPLATE.format(
            duration_en=duration[0], duration_fr=duration[1], expertise=expertise, slug=slug,
            past1=f"{2019 + index}-05-14", past2=f"{2021 + index}-11-03", future=f"2027-0{index % 9 + 1}-10",
            event1="Rencontres Qualité", event2="Online Testing Days", event3="Future Conf")
    return text


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def post_files(posts: list[Post], seed: int) -> dict[str, str]:
    """{file name in content/posts: text}."""
    files = {}
    for post in posts:
        rng = random.Random(f"{seed}-post-{post.index}")
        heads = {lang: front_matter(post, lang, rng) for lang in post.langs}
        plan = body_plan(rng, post, len(heads[post.langs[0]].encode()))
        for lang in post.langs:
            name = f"{post.name}.fr.md" if lang == "fr" else f"{post.name}.md"
            files[name] = heads[lang] + render_body(plan, lang, post, posts)
    return files


def generate(root: Path, posts: int, seed: int = 0) -> Path:
    """Write a complete site with `posts` post files into `root`; returns root."""
    root = Path(root)
    content = root / "content"
    for folder in ("posts", "pages", "talks", "workshops", "expertise", "static/img"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (root / "site.yml").write_text(SITE_YML.format(posts=posts, seed=seed), encoding="utf-8")
    (content / "profile.yml").write_text(PROFILE_YML, encoding="utf-8")
    (content / "static/img/alex.png").write_bytes(png(64, 64, (0, 128, 128)))
    for name, text in CONTACT.items():
        (content / "pages" / name).write_text(text, encoding="utf-8")
    rng = random.Random(f"{seed}-services")
    for index, spec in enumerate(SERVICES):
        (content / spec[0] / f"{spec[1]}.yml").write_text(service_yaml(rng, index, spec), encoding="utf-8")
    planned = plan_posts(posts, seed)
    for name, text in post_files(planned, seed).items():
        (content / "posts" / name).write_text(text, encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a bilingual benchmark site for sitegen.")
    parser.add_argument("dir", type=Path, help="the site folder to write (created if missing)")
    parser.add_argument("--posts", type=int, default=1000, help="number of post files (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    if (args.dir / "content" / "posts").exists() and any((args.dir / "content" / "posts").iterdir()):
        parser.error(f"{args.dir}/content/posts is not empty; use a new folder")
    generate(args.dir, args.posts, args.seed)
    files = list((args.dir / "content" / "posts").glob("*.md"))
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} posts ({size / len(files):.0f} bytes on average) into {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
