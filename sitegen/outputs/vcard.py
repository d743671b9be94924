"""The profile as a vCard (`/contact.vcf`), for address books."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..pages.presence import split_name

if TYPE_CHECKING:
    from ..site.sitemodel import Site


def vcard(site: "Site") -> bytes:
    """The profile as a vCard 3.0 (the version every address book reads),
    in the default language."""
    import vobject

    profile, urls, lang = site.profile, site.urls, site.settings.default_lang
    card = vobject.vCard()
    card.add("fn").value = profile.name
    given, family = split_name(profile.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if profile.job_title[lang]:
        card.add("title").value = profile.job_title[lang]
    if profile.email:
        email = card.add("email")
        email.value = profile.email
        email.type_param = "INTERNET"
    card.add("url").value = urls.absolute(urls.home(lang))
    for _, url in profile.links:
        card.add("url").value = url
    if profile.location:
        card.add("adr").value = vobject.vcard.Address(city=profile.location)
    if profile.photo:
        photo = card.add("photo")
        photo.value = urls.absolute(urls.resolve(profile.photo, "/"))
        photo.value_param = "URI"
    for name, url in profile.links:
        social = card.add("x-socialprofile")
        social.value = url
        social.type_param = re.sub(r"[^a-z0-9-]", "", name.lower()) or "other"
    if profile.headline[lang]:
        card.add("note").value = profile.headline[lang]
    card.add("uid").value = urls.absolute("/") + "#person"
    return card.serialize().encode("utf-8")
