"""`sitegen new`: skeletons for a post, talk, workshop or expertise area.

A skeleton is a draft (`draft: true`) with placeholders in each site
language, so it builds at once and stays off the published site until its
author has filled it in. Placeholders start with a marker ("TO FILL:",
"À COMPLÉTER :") that nobody would publish on purpose, distinct from the
starter's sample texts."""

from __future__ import annotations

from pathlib import Path

from slugify import slugify

from ..settings.config import Settings
from ..errors import UsageError
from ..sources.models import CONTENT_FOLDERS


# Languages we can write placeholders in; other site languages get English.
PLACEHOLDERS = {
    "en": {"mark": "TO FILL:", "post_summary": "one sentence: what the reader learns.",
           "summary": "one or two sentences: the value for the client.",
           "body": "what it is, for whom, and what changes afterwards.", "duration": "how long, e.g. 45 minutes",
           "audience": "who it is for.", "outcome": "what the client takes home.",
           "post_body": "write your post here, then remove the line 'draft: true' above to publish it."},
    "fr": {"mark": "À COMPLÉTER\u00a0:", "post_summary": "une phrase\u00a0: ce que le lecteur apprend.",
           "summary": "une ou deux phrases\u00a0: ce que le client y gagne.",
           "body": "ce que c’est, pour qui, et ce qui change ensuite.", "duration": "la durée, par ex. 45 minutes",
           "audience": "à qui cela s’adresse.", "outcome": "ce que le client en retire.",
           "post_body": "écrivez votre article ici, puis retirez la ligne « draft: true » ci-dessus "
                        "pour le publier."},
    "de": {"mark": "AUSZUFÜLLEN:", "post_summary": "ein Satz: was der Leser erfährt.",
           "summary": "ein oder zwei Sätze: der Nutzen für den Kunden.",
           "body": "was es ist, für wen, und was sich danach ändert.", "duration": "wie lange, z. B. 45 Minuten",
           "audience": "für wen es gedacht ist.", "outcome": "was der Kunde mitnimmt.",
           "post_body": "schreiben Sie hier Ihren Beitrag und löschen Sie dann die Zeile „draft: true“ oben, "
                        "um ihn zu veröffentlichen."},
    "es": {"mark": "POR COMPLETAR:", "post_summary": "una frase: lo que aprende el lector.",
           "summary": "una o dos frases: lo que gana el cliente.",
           "body": "qué es, para quién y qué cambia después.", "duration": "cuánto dura, p. ej. 45 minutos",
           "audience": "a quién va dirigido.", "outcome": "lo que se lleva el cliente.",
           "post_body": "escriba aquí su artículo y luego borre la línea «draft: true» de arriba para publicarlo."},
    "it": {"mark": "DA COMPLETARE:", "post_summary": "una frase: ciò che il lettore impara.",
           "summary": "una o due frasi: il valore per il cliente.",
           "body": "che cos’è, per chi, e che cosa cambia dopo.", "duration": "quanto dura, ad es. 45 minuti",
           "audience": "a chi si rivolge.", "outcome": "ciò che il cliente porta a casa.",
           "post_body": "scrivete qui il vostro articolo, poi togliete la riga «draft: true» qui sopra "
                        "per pubblicarlo."},
}


def placeholder(code: str, key: str) -> str:
    words = PLACEHOLDERS.get(code, PLACEHOLDERS["en"])
    return f"{words['mark']} {words[key]}"


def new_content(settings: Settings, kind: str, title: str, lang: str | None) -> Path:
    lang = lang or settings.default_lang
    if lang not in settings.codes:
        raise UsageError(f"--lang {lang}: not a language of this site ({', '.join(settings.codes)})")
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}; use letters or digits")
    folder = settings.content_dir / CONTENT_FOLDERS[kind]
    if kind == "post":
        # Dated like the starter's posts, so the folder lists them in order.
        suffix = "" if lang == settings.default_lang else f".{lang}"
        day = settings.now.astimezone(settings.timezone).date().isoformat()
        path = folder / f"{day}-{slug}{suffix}.md"
        text = (f"---\ntitle: {quote(title)}\ndate: {day}\ntags: []\n"
                f"summary: {quote(placeholder(lang, 'post_summary'))}\ndraft: true\n---\n\n"
                f"{placeholder(lang, 'post_body')}\n")
    else:
        path = folder / f"{slug}.yml"
        text = service_skeleton(settings, kind, title)
    if path.exists():
        raise UsageError(f"{path.relative_to(settings.root)} already exists; choose another title or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def localized_block(settings: Settings, key: str, value: str | None = None, indent: str = "") -> str:
    """`key:` with one line per language: `value` as given, else that language's placeholder."""
    lines = [f"{indent}{key}:"]
    lines += [f"{indent}  {code}: {quote(value if value is not None else placeholder(code, key))}"
              for code in settings.codes]
    return "\n".join(lines) + "\n"


def service_skeleton(settings: Settings, kind: str, title: str) -> str:
    text = "# A draft: the site shows it once you remove the line 'draft: true'.\ndraft: true\n"
    text += localized_block(settings, "title", title)
    text += localized_block(settings, "summary")
    text += "body:\n" + "".join(f"  {code}: |\n    {placeholder(code, 'body')}\n" for code in settings.codes)
    text += "tags: []\nweight: 10\n"
    if kind != "expertise":
        text += localized_block(settings, "duration")
        text += localized_block(settings, "audience")
        text += "formats: [in person, online]\n"
        text += f"languages: [{', '.join(settings.codes)}]\n"
        text += "outcomes:\n" + "".join(f"  {code}:\n    - {quote(placeholder(code, 'outcome'))}\n"
                                        for code in settings.codes)
        text += "# pricing: {en: On request}\nexpertise: []\nsessions: []\n"
        text += "#  - {date: 2027-03-12, event: Conference name, city: Lyon, url: https://example.org}\n"
    return text
