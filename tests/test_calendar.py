"""Calendars: /events.ics, /fr/events.ics and each upcoming session's own file.

Built through the real CLI, read back with the `icalendar` library and the
pages with BeautifulSoup: what a person wrote in a talk's sessions, and what
their calendar application will be told.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from bs4 import BeautifulSoup
from icalendar import Calendar

from conftest import run_sitegen
from treediff import differing_files

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc

TALK = """\
title: {en: Tests that pay, fr: Des tests rentables}
summary: {en: Why tests pay for themselves., fr: Pourquoi les tests se remboursent.}
tags: [testing]
expertise: [testing]
sessions:
  - {date: 2025-05-14, event: Past Conf, city: Lyon}
  - {date: "2027-03-14T09:30:00", event: Paris Tests, city: Paris, url: "https://paris-tests.example"}
  - {date: "2027-06-10T14:00:00", end: "2027-06-10T15:30:00", event: Summer Days, city: Lyon, online: true}
  - {date: 2027-05-20, event: DevDays, city: Bordeaux}
  - {date: 2027-09-01, end: 2027-09-02, event: Two Days, city: Nantes}
  - {date: "2027-03-25T10:30:00+01:00", event: Online Days, online: true}
"""

DRAFT = """\
title: {en: Secret talk, fr: Conférence secrète}
summary: {en: Not yet., fr: Pas encore.}
draft: true
sessions:
  - {date: 2027-04-01, event: Hidden Conf, city: Paris}
"""

# What a person wrote (the session's event) → DTSTART, its TZID, DTEND, LOCATION in en and fr.
SESSIONS = [
    ("Paris Tests", datetime(2027, 3, 14, 9, 30, tzinfo=PARIS), "Europe/Paris", None, "Paris", "Paris"),
    ("Summer Days", datetime(2027, 6, 10, 14, 0, tzinfo=PARIS), "Europe/Paris",
     datetime(2027, 6, 10, 15, 30, tzinfo=PARIS), "Lyon and online", "Lyon et en ligne"),
    ("DevDays", date(2027, 5, 20), None, date(2027, 5, 21), "Bordeaux", "Bordeaux"),
    ("Two Days", date(2027, 9, 1), None, date(2027, 9, 3), "Nantes", "Nantes"),
    ("Online Days", datetime(2027, 3, 25, 9, 30, tzinfo=UTC), None, None, "Online", "En ligne"),
]


def epoch(moment: datetime) -> str:
    return str(int(moment.timestamp()))


BEFORE = epoch(datetime(2027, 3, 1, 12, tzinfo=UTC))
AFTER_PARIS_TESTS = epoch(datetime(2027, 3, 15, 12, tzinfo=UTC))


@pytest.fixture
def site(mini_site: Path) -> Path:
    settings = mini_site / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "timezone: Europe/Paris\n", encoding="utf-8")
    (mini_site / "content/talks/test-talk.yml").write_text(TALK, encoding="utf-8")
    (mini_site / "content/talks/secret.yml").write_text(DRAFT, encoding="utf-8")
    return mini_site


def build(site: Path, now: str = BEFORE, *args: str) -> Path:
    result = run_sitegen("build", *args, cwd=site, env={"SOURCE_DATE_EPOCH": now})
    assert result.returncode == 0, result.stderr
    return Path(args[args.index("--output") + 1]) if "--output" in args else site / "public"


def read(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events(calendar: Calendar) -> dict[str, object]:
    """Events by their event name (what follows the title in the summary)."""
    return {str(e["SUMMARY"]).split(" (", 1)[1].rstrip(")"): e for e in calendar.walk("VEVENT")}


def test_every_upcoming_session_of_every_talk_and_workshop_and_nothing_else(site: Path):
    out = build(site)
    english, french = read(out / "events.ics"), read(out / "fr/events.ics")
    assert set(events(english)) == {name for name, *_ in SESSIONS} | {"Client day"}  # the workshop's
    # Past sessions and draft talks stay out; both languages list the same events, under the same UIDs.
    assert {str(e["UID"]) for e in english.walk("VEVENT")} == {str(e["UID"]) for e in french.walk("VEVENT")}
    assert str(english["X-WR-CALNAME"]) == "Ada Test: talks and workshops"
    assert str(french["X-WR-CALNAME"]) == "Ada Test : conférences et ateliers"
    paris_en, paris_fr = events(english)["Paris Tests"], events(french)["Paris Tests"]
    assert str(paris_en["SUMMARY"]) == "Tests that pay (Paris Tests)"
    assert str(paris_fr["SUMMARY"]) == "Des tests rentables (Paris Tests)"
    assert str(paris_en["URL"]) == "https://ada.example/talks/test-talk/"
    assert str(paris_fr["URL"]) == "https://ada.example/fr/talks/test-talk/"
    assert "Why tests pay for themselves." in str(paris_en["DESCRIPTION"])
    assert "https://paris-tests.example" in str(paris_en["DESCRIPTION"])
    assert not list((out / "talks/secret").glob("*.ics")) and not (out / "talks/secret").exists()


@pytest.mark.parametrize("name, start, tzid, end, location_en, location_fr", SESSIONS)
def test_what_was_written_is_what_the_calendar_says(site: Path, name, start, tzid, end, location_en, location_fr):
    out = build(site)
    english, french = read(out / "events.ics"), read(out / "fr/events.ics")
    event = events(english)[name]
    assert event.decoded("DTSTART") == start and type(event.decoded("DTSTART")) is type(start)
    assert event["DTSTART"].params.get("TZID") == tzid
    if isinstance(start, date) and not isinstance(start, datetime):
        assert event["DTSTART"].params.get("VALUE") == "DATE"  # an all-day event
    assert (event.decoded("DTEND") if "DTEND" in event else None) == end
    assert str(event["LOCATION"]) == location_en
    assert str(events(french)[name]["LOCATION"]) == location_fr
    if tzid:
        # The VTIMEZONE itself says the right offset (read from the file, not from the tz database).
        zone = next(z for z in english.walk("VTIMEZONE") if str(z["TZID"]) == tzid).to_tz()
        assert start.replace(tzinfo=zone).utcoffset() == start.utcoffset()


def test_same_inputs_same_bytes_and_uids_survive_edits(site: Path, tmp_path: Path):
    first = build(site, BEFORE, "--output", str(tmp_path / "one"))
    second = build(site, BEFORE, "--output", str(tmp_path / "two"))
    ics = sorted(p.relative_to(first).as_posix() for p in first.rglob("*.ics"))
    assert len(ics) == 2 * 7  # two feeds and six upcoming sessions, in two languages
    assert [(first / p).read_bytes() for p in ics] == [(second / p).read_bytes() for p in ics]
    uids = {str(e["UID"]) for e in read(first / "events.ics").walk("VEVENT")}
    assert all(uid.endswith("@ada.example") for uid in uids)
    # No `updated` in the talk: DTSTAMP is SOURCE_DATE_EPOCH, never the clock.
    stamps = {e.decoded("DTSTAMP") for e in read(first / "events.ics").walk("VEVENT")}
    assert stamps == {datetime.fromtimestamp(int(BEFORE), tz=UTC)}
    talk = site / "content/talks/test-talk.yml"
    talk.write_text(talk.read_text(encoding="utf-8").replace("Tests that pay", "Tests that pay off"), encoding="utf-8")
    edited = read(build(site, BEFORE, "--output", str(tmp_path / "three")) / "events.ics")
    assert {str(e["UID"]) for e in edited.walk("VEVENT")} == uids
    assert str(events(edited)["Paris Tests"]["SUMMARY"]) == "Tests that pay off (Paris Tests)"


def add_links(page: Path) -> dict[str, str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {a.get_text(" ", strip=True): a["href"] for a in soup.select("a.add-to-calendar")}


@pytest.mark.parametrize("lang, prefix", [("en", ""), ("fr", "/fr")])
def test_pages_link_the_calendars_and_each_session_its_own_file(site: Path, lang: str, prefix: str):
    out = build(site)
    for page in (f"{prefix}/", f"{prefix}/talks/test-talk/", f"{prefix}/workshops/test-workshop/"):
        soup = BeautifulSoup((out / page.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert [l["href"] for l in soup.find_all("link", type="text/calendar")] == [f"{prefix}/events.ics"], page
        assert soup.select_one(f'p.calendar-link a[href="{prefix}/events.ics"]'), page
    links = add_links(out / prefix.lstrip("/") / "talks/test-talk/index.html")
    label = "Add to calendar" if lang == "en" else "Ajouter à l’agenda"
    assert set(links) == {f"{label} ({name})" for name, *_ in SESSIONS}  # none for the past session
    feed_uids = {str(e["SUMMARY"]): str(e["UID"]) for e in read(out / prefix.lstrip("/") / "events.ics").walk("VEVENT")}
    for href in links.values():
        assert href.startswith(f"{prefix}/talks/test-talk/") and href.endswith(".ics")
        single = read(out / href.lstrip("/"))
        [event] = single.walk("VEVENT")
        assert feed_uids[str(event["SUMMARY"])] == str(event["UID"])
        assert "X-WR-CALNAME" not in single  # imported into a calendar, not offered as a new one


@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_the_home_pages_upcoming_block_offers_the_same_files_as_the_service_pages(site: Path, prefix: str):
    out = build(site)
    on_home = set(add_links(out / prefix.lstrip("/") / "index.html").values())
    on_services = {href for page in ("talks/test-talk", "workshops/test-workshop")
                   for href in add_links(out / prefix.lstrip("/") / page / "index.html").values()}
    assert on_home and on_home == on_services
    assert all((out / href.lstrip("/")).is_file() for href in on_home)


def test_check_is_clean_and_the_sitemap_has_no_calendars(site: Path):
    out = build(site)
    result = run_sitegen("check", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ".ics" not in result.stdout and "error:" not in result.stdout
    assert ".ics" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def fresh_build(site: Path, now: str) -> Path:
    """The same sources built from nothing, in another folder."""
    clean = site.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    return build(clean, now)


def test_time_passing_a_session_takes_it_out_of_the_calendars(site: Path):
    build(site, BEFORE)
    out = build(site, AFTER_PARIS_TESTS)  # through the cache on disk, as the next CI run would
    assert "Paris Tests" not in events(read(out / "events.ics"))
    assert not [p for p in out.rglob("*.ics") if "paris-tests" in p.name]
    assert not any("Paris Tests" in label for label in add_links(out / "talks/test-talk/index.html"))
    assert differing_files(fresh_build(site, AFTER_PARIS_TESTS), out) == []


def test_an_edited_session_is_rewritten_by_an_incremental_build(site: Path):
    build(site, BEFORE)
    talk = site / "content/talks/test-talk.yml"
    talk.write_text(talk.read_text(encoding="utf-8").replace("city: Bordeaux", "city: Pau"), encoding="utf-8")
    out = build(site, BEFORE)
    assert str(events(read(out / "fr/events.ics"))["DevDays"]["LOCATION"]) == "Pau"
    assert differing_files(fresh_build(site, BEFORE), out) == []


def test_a_session_too_far_ahead_for_a_time_zone_is_written_in_utc(site: Path):
    talk = site / "content/talks/test-talk.yml"
    talk.write_text(TALK + '  - {date: "9999-12-30T09:00:00", event: Far Away, city: Paris}\n', encoding="utf-8")
    found = events(read(build(site) / "events.ics"))
    assert found["Far Away"].decoded("DTSTART") == datetime(9999, 12, 30, 8, 0, tzinfo=UTC)
    assert found["Paris Tests"].decoded("DTSTART") == datetime(2027, 3, 14, 9, 30, tzinfo=PARIS)  # the same moment


@pytest.mark.parametrize("written, file_name", [
    ('"Conf; A, B \\\\ C"', "2027-07-01-conf-a-b-c.ics"),
    ('"???"', "2027-07-01-session.ics"),
    ('"<script>alert(1)</script> Días"', "2027-07-01-script-alert-1-script-dias.ics"),
])
def test_any_event_name_round_trips_and_names_a_file(site: Path, written: str, file_name: str):
    talk = site / "content/talks/test-talk.yml"
    talk.write_text(TALK + f"  - {{date: 2027-07-01, event: {written}, city: Lyon}}\n", encoding="utf-8")
    out = build(site)
    event_name = str(next(e["SUMMARY"] for e in read(out / "events.ics").walk("VEVENT")
                          if e.decoded("DTSTART") == date(2027, 7, 1)))
    assert event_name == f"Tests that pay ({yaml.safe_load(written)})"
    [single] = read(out / "talks/test-talk" / file_name).walk("VEVENT")
    assert str(single["SUMMARY"]) == event_name
    assert "<script>" not in (out / "talks/test-talk/index.html").read_text(encoding="utf-8")
