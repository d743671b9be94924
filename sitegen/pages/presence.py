"""The person beyond the pages, as pages show it: the printable business
card's context (`/card/`, `/fr/card/`), and what a page's head says of its
generated social image (URL, alt text, size). The files themselves, the
vCard and the drawn images, are outputs (`outputs/vcard.py`,
`outputs/social_images.py`); the card's words are interface strings
(the theme's `i18n/<lang>.yml`, keys `card_*`, `social_*`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ..settings.i18n import Strings

if TYPE_CHECKING:
    from ..site.sitemodel import Site
    from ..sources.models import Post

SOCIAL_SIZE = (1200, 630)
QR_ERROR = "m"
QR_BORDER = 4


@dataclass(frozen=True)
class CardView:
    """`card` in card.html: the profile as a business card, in one language."""

    name: str
    job_title: str
    headline: str
    email: str | None
    location: str | None
    photo: str | None
    photo_alt: str
    home_url: str
    """Absolute URL of the home page in the page's language (what the QR code holds)."""
    site_host: str
    """The site's address as people type it: `ada.example`."""
    vcard_url: str
    qr_svg: Markup
    """Inline SVG of the QR code (safe markup)."""
    labels: dict[str, str]
    """`title`, `download`, `print`, `qr`, `email`, `web`."""


def card_heading(t: Strings) -> str:
    return t("card_title")


def card_description(site: "Site", lang: str, t: Strings) -> str:
    job = site.profile.job_title[lang]
    return t("card_description", name=site.profile.name, job=f", {job}" if job else "")


def card_view(site: "Site", lang: str, t: Strings) -> CardView:
    profile, urls = site.profile, site.urls
    home = urls.absolute(urls.home(lang))
    labels = {"title": t("card_title"), "download": t("card_download"),
              "print": t("card_print"), "qr": t("card_qr", url=home),
              "email": t("card_email"), "web": t("card_web")}
    return CardView(
        name=profile.name, job_title=profile.job_title[lang] or "", headline=profile.headline[lang] or "",
        email=profile.email, location=profile.location,
        photo=urls.resolve(profile.photo, "/") if profile.photo else None,
        photo_alt=profile.photo_alt[lang] or "",
        home_url=home, site_host=site_host(site), vcard_url=urls.vcard(),
        qr_svg=Markup(qr_svg(home, labels["qr"])), labels=labels,
    )


def site_host(site: "Site") -> str:
    parts = urlsplit(site.settings.base_url)
    return parts.netloc or site.settings.base_url


def qr_code(url: str) -> Any:
    """A regular QR code (never a Micro QR, which phones do not read)."""
    import segno

    return segno.make_qr(url, error=QR_ERROR)


def qr_svg(url: str, label: str) -> str:
    """Inline SVG (no XML declaration, sized by CSS through its viewBox)."""
    svg = qr_code(url).svg_inline(scale=1, border=QR_BORDER, omitsize=True, dark="#000", light="#fff",
                                  svgclass="qr", lineclass="qr-modules")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def split_name(name: str) -> tuple[str, str]:
    """(given, family): the first word, then the rest ("Jean-Pierre", "de la Fontaine")."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[0], " ".join(words[1:])


@dataclass(frozen=True)
class SocialImage:
    url: str
    """Absolute URL."""
    alt: str
    width: int = SOCIAL_SIZE[0]
    height: int = SOCIAL_SIZE[1]
    type: str = "image/png"


def language_social_image(site: "Site", lang: str, t: Strings) -> SocialImage:
    """The generated image of a language (the person's name and job), for a
    page with no image of its own."""
    profile = site.profile
    job = profile.job_title[lang] or ""
    alt = t("social_image_alt", name=profile.name, job=job) if job else profile.name
    return SocialImage(site.urls.absolute(site.urls.social(lang)), alt)


def post_social_image(site: "Site", post: "Post", t: Strings) -> SocialImage:
    """The generated image of one post (its title), when `post_social_images` is on."""
    alt = t("social_post_image_alt", title=post.title, name=site.profile.name)
    return SocialImage(site.urls.absolute(site.urls.post_social(post)), alt)
