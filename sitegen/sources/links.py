"""Profile links as people write them: a plain URL (`https://github.com/jane`),
a host without its scheme (`github.com/jane`), a fediverse handle
(`@jane@mastodon.social`) or a `{name, url}` mapping. A link without a name
takes the name of the service its host belongs to ("GitHub"), else the bare
host name; a `/@user` address on a host that is not a known platform is a
Mastodon (fediverse) profile and gives the `fediverse:creator` handle.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# The host's own label (`github` in `www.github.com`, `fr.linkedin.com` or the
# example site's `github.example`) → the service's name.
SERVICES = {
    "github": "GitHub", "gitlab": "GitLab", "codeberg": "Codeberg", "bitbucket": "Bitbucket",
    "linkedin": "LinkedIn", "xing": "XING", "malt": "Malt", "twitter": "X", "youtube": "YouTube",
    "bsky": "Bluesky", "stackoverflow": "Stack Overflow", "stackexchange": "Stack Exchange",
    "instagram": "Instagram", "facebook": "Facebook", "threads": "Threads", "tiktok": "TikTok",
    "medium": "Medium", "substack": "Substack", "vimeo": "Vimeo", "twitch": "Twitch",
    "speakerdeck": "Speaker Deck", "slideshare": "SlideShare", "sessionize": "Sessionize",
    "researchgate": "ResearchGate", "orcid": "ORCID", "keybase": "Keybase", "flickr": "Flickr",
    "pinterest": "Pinterest", "reddit": "Reddit", "telegram": "Telegram", "mastodon": "Mastodon",
    "pixelfed": "Pixelfed", "calendly": "Calendly", "behance": "Behance", "dribbble": "Dribbble",
}
# Hosts too short or too shared to be told by their label alone.
HOSTS = {"x.com": "X", "youtu.be": "YouTube", "dev.to": "DEV", "t.me": "Telegram", "wa.me": "WhatsApp",
         "scholar.google.com": "Google Scholar", "bsky.app": "Bluesky"}
# Personal sites hosted under a platform's domain: the site, not the platform.
PERSONAL_HOSTING = ("github.io", "gitlab.io", "codeberg.page", "netlify.app", "pages.dev", "vercel.app")
# Second-level labels of country domains (`co.uk`): the service's label is the one before.
SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu"}
FEDIVERSE_PATH = re.compile(r"^/@([A-Za-z0-9_.-]+)/?$")
HANDLE = re.compile(r"^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")
EMAIL = re.compile(r"[^@\s/:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
BARE_HOST = re.compile(r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(/|$)")


def written_url(value: str) -> str:
    """The address a person meant: `github.com/jane` → `https://github.com/jane`,
    `@jane@mastodon.social` → `https://mastodon.social/@jane`, `jane@jane.example`
    → `mailto:jane@jane.example`; anything else as written."""
    # Kept as written otherwise, spaces included: check_link names them.
    text = value.strip()
    handle = HANDLE.match(text)
    if handle and text.startswith("@"):
        return f"https://{handle.group(2).lower()}/@{handle.group(1)}"
    if BARE_HOST.match(text) and "@" not in text.split("/")[0]:
        return "https://" + text
    if EMAIL.fullmatch(text):
        return "mailto:" + text
    return value


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed address: named after itself
        return ""
    return host.removeprefix("www.").removeprefix("m.")


def _service(host: str) -> str | None:
    if host in HOSTS:
        return HOSTS[host]
    if host.endswith(PERSONAL_HOSTING):
        return None
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2:
        labels = labels[:-1]
    return SERVICES.get(labels[-2]) if len(labels) >= 2 else None


def fediverse_handle(url: str) -> str | None:
    """`https://social.example/@jane` → `@jane@social.example`; None for any
    other address (a YouTube or Medium `/@name` is not a fediverse account)."""
    host = _host(url)
    match = FEDIVERSE_PATH.match(urlsplit(url).path) if host else None
    if not match or urlsplit(url).scheme not in ("http", "https"):
        return None
    if _service(host) not in (None, "Mastodon", "Pixelfed"):
        return None
    return f"@{match.group(1)}@{host}"


def link_name(url: str) -> str:
    """The name shown for a link written without one."""
    host = _host(url)
    if not host:  # mailto:, tel:, a site path
        return re.sub(r"^(mailto|tel):", "", url)
    if fediverse_handle(url) and _service(host) is None:
        return "Mastodon"
    return _service(host) or host
