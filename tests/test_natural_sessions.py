"""Sessions as people write them (SPEC §2): what a person wrote in a talk's
`sessions:` → what the built pages show and say in JSON-LD.

Every row becomes its own talk in one copy of the mini site, built once
through the real CLI with "today" fixed at 2026-11-18 (conftest) and the
site's time zone Europe/Paris.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_sitegen
from sitecheck import head_info, parse_html

ONLINE = {"@type": "VirtualLocation", "url": "https://ev.example"}
LYON = {"@type": "Place", "name": "Conf", "address": {"@type": "PostalAddress", "addressLocality": "Lyon"}}
MODE = "https://schema.org/{}EventAttendanceMode"

# (id, what a person wrote, what the English page shows, Event keys in JSON-LD)
PLACES = [
    ("city online", "city: online", "Conf · Online", {"location": ONLINE, "eventAttendanceMode": MODE.format("Online")}),
    ("city Online", "city: Online", "Conf · Online", {"location": ONLINE, "eventAttendanceMode": MODE.format("Online")}),
    ("city en ligne", "city: en ligne", "Conf · Online", {"location": ONLINE, "eventAttendanceMode": MODE.format("Online")}),
    ("online true", "online: true", "Conf · Online", {"location": ONLINE, "eventAttendanceMode": MODE.format("Online")}),
    ("hybrid", "city: Lyon, online: true", "Conf · Lyon and online",
     {"location": [LYON, ONLINE], "eventAttendanceMode": MODE.format("Mixed")}),
    ("in person", "city: Lyon", "Conf · Lyon", {"location": LYON, "eventAttendanceMode": MODE.format("Offline")}),
]

# (id, what a person wrote, <time datetime> values, text shown, Event dates in JSON-LD)
TIMES = [
    ("date only", "date: 2099-03-04", ["2099-03-04"], "4 March 2099 ·", {"startDate": "2099-03-04"}),
    ("time in the site's zone, winter", 'date: "2099-03-04T14:00:00"', ["2099-03-04T14:00:00+01:00"],
     "4 March 2099, 14:00 CET", {"startDate": "2099-03-04T14:00:00+01:00"}),
    ("time in the site's zone, summer", 'date: "2099-07-04T14:00:00"', ["2099-07-04T14:00:00+02:00"],
     "4 July 2099, 14:00 CEST", {"startDate": "2099-07-04T14:00:00+02:00"}),
    ("the zone's own offset", 'date: "2099-03-04T14:00:00+01:00"', ["2099-03-04T14:00:00+01:00"],
     "4 March 2099, 14:00 CET", {"startDate": "2099-03-04T14:00:00+01:00"}),
    ("another offset", 'date: "2099-03-04T14:00:00-05:00"', ["2099-03-04T14:00:00-05:00"],
     "4 March 2099, 14:00 UTC-05:00", {"startDate": "2099-03-04T14:00:00-05:00"}),
    ("two days", "date: 2099-03-04, end: 2099-03-05", ["2099-03-04", "2099-03-05"],
     "4 March 2099 – 5 March 2099", {"startDate": "2099-03-04", "endDate": "2099-03-05"}),
    ("an afternoon", 'date: "2099-03-04T14:00:00", end: "2099-03-04T15:30:00"',
     ["2099-03-04T14:00:00+01:00", "2099-03-04T15:30:00+01:00"], "4 March 2099, 14:00 CET – 15:30 CET",
     {"startDate": "2099-03-04T14:00:00+01:00", "endDate": "2099-03-04T15:30:00+01:00"}),
    ("today, date only: still upcoming", "date: 2026-11-18", ["2026-11-18"], "18 November 2026 ·",
     {"startDate": "2026-11-18"}),
]


def talk(title: str, *sessions: str) -> str:
    lines = "".join(f"  - {{{s}}}\n" for s in sessions)
    return f"title: {json.dumps(title)}\nsummary: A talk.\ntags: [testing]\nsessions:\n{lines}"


CASES = {f"place-{i}": talk(row[0], f"date: 2099-01-10, event: Conf, url: 'https://ev.example', {row[1]}")
         for i, row in enumerate(PLACES)}
CASES |= {f"time-{i}": talk(row[0], f"{row[1]}, event: Conf, city: Lyon") for i, row in enumerate(TIMES)}
CASES["materials"] = talk(
    "Materials",
    "date: 2024-05-02, event: OldConf, city: Lyon, slides: /slides/deck.pdf, video: 'https://video.example/old'",
    "date: 2099-05-02, event: NewConf, city: Lyon, video: 'https://video.example/new'")
CASES["order"] = talk("Order", "date: 2020-01-01, event: P2020, city: A", "date: 2099-05-01, event: U2099b, city: B",
                      "date: 2021-01-01, event: P2021, city: C", "date: 2099-01-01, event: U2099a, city: D")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("sessions") / "site"
    shutil.copytree(FIXTURES / "mini", site)
    (site / "site.yml").write_text((site / "site.yml").read_text() + "timezone: Europe/Paris\n")
    (site / "content/static/slides").mkdir()
    (site / "content/static/slides/deck.pdf").write_bytes(b"%PDF-1.4\n")
    for name, text in CASES.items():
        (site / f"content/talks/{name}.yml").write_text(text, encoding="utf-8")
    result = run_sitegen("build", "--strict", cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "public"


def page(out: Path, url: str):
    return parse_html(out / url.lstrip("/") / "index.html")


def text_of(element) -> str:
    """Its text, less a session's "add to calendar" link (tests/test_calendar.py covers that)."""
    text = " ".join("".join(element.itertext()).split())
    return re.sub(r" · (Add to calendar|Ajouter à l’agenda)( \([^)]*\))?", "", text)


def sections(root) -> dict[str, list]:
    """`upcoming` / `past` → the <li> of each session list."""
    return {cls.split()[-1]: list(section.iter("li")) for section in root.iter("section")
            if "sessions" in (cls := section.get("class") or "")}


def events(root) -> list[dict]:
    return [n for n in head_info(root)["jsonld"][0]["@graph"] if n["@type"] == "Event"]


@pytest.mark.parametrize("i", range(len(PLACES)), ids=[row[0] for row in PLACES])
def test_where_a_session_is(out: Path, i: int):
    _, _, shown, jsonld = PLACES[i]
    root = page(out, f"/talks/place-{i}/")
    [item] = sections(root)["upcoming"]
    assert text_of(item).endswith(shown)
    [event] = events(root)
    assert {k: event[k] for k in jsonld} == jsonld
    assert "online" not in str(event["location"]).replace("ev.example", "").lower()  # never a Place called "online"


@pytest.mark.parametrize("i", range(len(TIMES)), ids=[row[0] for row in TIMES])
def test_when_a_session_is(out: Path, i: int):
    _, _, datetimes, shown, jsonld = TIMES[i]
    root = page(out, f"/talks/time-{i}/")
    [item] = sections(root)["upcoming"]
    assert [t.get("datetime") for t in item.iter("time")] == datetimes
    assert shown in text_of(item)
    [event] = events(root)
    assert {k: event[k] for k in ("startDate", "endDate") if k in event} == jsonld
    if "T" not in datetimes[0]:  # no invented midnight anywhere
        assert "00:00" not in text_of(item) and "T00:00" not in str(event)


def test_french_page_shows_the_zone_and_the_places_in_french(out: Path):
    assert "4 mars 2099, 14:00 CET" in text_of(page(out, f"/fr/talks/time-{1}/"))
    hybrid = next(i for i, row in enumerate(PLACES) if row[0] == "hybrid")
    assert text_of(sections(page(out, f"/fr/talks/place-{hybrid}/"))["upcoming"][0]).endswith("Lyon et en ligne")


def test_upcoming_soonest_first_and_past_newest_first(out: Path):
    found = sections(page(out, "/talks/order/"))
    assert [text_of(li).split(" · ")[1] for li in found["upcoming"]] == ["U2099a", "U2099b"]
    assert [text_of(li).split(" · ")[1] for li in found["past"]] == ["P2021", "P2020"]


@pytest.mark.parametrize("url, slides, video", [
    ("/talks/materials/", "Slides", "Video"),
    ("/fr/talks/materials/", "Diapositives", "Vidéo"),
])
def test_a_session_links_its_slides_and_recording(out: Path, url: str, slides: str, video: str):
    root = page(out, url)
    [past] = sections(root)["past"]
    links = {a.text: a.get("href") for a in past.iter("a")}
    assert links[slides] == "/slides/deck.pdf" and links[video] == "https://video.example/old"
    graph = head_info(root)["jsonld"][0]["@graph"]
    service = next(n for n in graph if n["@type"] == "Service")
    assert {(w["@type"], w["url"]) for w in service["subjectOf"]} == {
        ("CreativeWork", "https://video.example/old"),
        ("PresentationDigitalDocument", "https://ada.example/slides/deck.pdf")}
    [event] = events(root)  # the past session is not an Event; the upcoming one carries its recording
    assert event["recordedIn"] == {"@type": "CreativeWork", "name": event["name"], "url": "https://video.example/new"}
    assert "VideoObject" not in str(graph)  # Google requires thumbnailUrl and uploadDate, which we lack


def test_home_lists_the_upcoming_sessions_of_every_talk_and_workshop(out: Path):
    block = next(s for s in page(out, "/").iter("section") if "home-upcoming" in (s.get("class") or ""))
    items = list(block.iter("li"))
    starts = [li.find("time").get("datetime")[:10] for li in items]
    assert starts == sorted(starts) and starts[0] == "2026-11-18"
    assert not any(s < "2026-11-18" for s in starts)  # nothing past
    links = {a.get("href") for li in items for a in li.iter("a")}
    assert {"/talks/order/", "/talks/materials/", "/workshops/test-workshop/"} <= links
    order = [text_of(li) for li in items if "Order" in text_of(li)]
    assert [t.split(" · ")[2] for t in order] == ["U2099a", "U2099b"]
    fr = next(s for s in page(out, "/fr/").iter("section") if "home-upcoming" in (s.get("class") or ""))
    assert "/fr/talks/order/" in {a.get("href") for a in fr.iter("a")}


def test_a_naive_time_is_utc_without_a_timezone_key(mini_site: Path):
    (mini_site / "content/talks/test-talk.yml").write_text(
        talk("UTC", 'date: "2099-03-04T14:00:00", event: Conf, city: Lyon'), encoding="utf-8")
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    root = page(mini_site / "public", "/talks/test-talk/")
    assert "14:00 UTC" in text_of(root)
    assert events(root)[0]["startDate"] == "2099-03-04T14:00:00+00:00"


@pytest.mark.parametrize("session, status, message", [
    ("date: 2099-03-05, end: 2099-03-04, event: Conf", 1,
     "content/talks/test-talk.yml:5: sessions.0.end: '2099-03-04' is before the session's date"),
    ("date: 2099-03-05, event: Conf, city: online, online: false", 1,
     "content/talks/test-talk.yml:5: sessions.0: city 'online' says online but online is false"),
    ("date: 2099-03-05, event: Conf, slide: /x.pdf", 0,
     "content/talks/test-talk.yml:5: sessions[0]: unknown key `slide`: did you mean `slides`? (ignored)"),
])
def test_session_mistakes_name_the_line(mini_site: Path, session: str, status: int, message: str):
    (mini_site / "content/talks/test-talk.yml").write_text(talk("Oops", session), encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == status and message in result.stderr, result.stderr
    if status == 0:
        assert run_sitegen("build", "--strict", cwd=mini_site).returncode == 1


def test_rebuild_moves_a_session_to_the_past_when_its_day_is_over(mini_site: Path):
    """The incremental build re-renders the home and the talk page when only the clock moved."""
    (mini_site / "content/talks/test-talk.yml").write_text(
        talk("Clock", "date: 2026-11-18, event: TodayConf, city: Lyon"), encoding="utf-8")
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    out = mini_site / "public"
    assert "TodayConf" in text_of(page(out, "/")) and "upcoming" in sections(page(out, "/talks/test-talk/"))
    next_day = str(1795000000 + 86400)  # 2026-11-19, the cache of the first build in place
    assert run_sitegen("build", cwd=mini_site, env={"SOURCE_DATE_EPOCH": next_day}).returncode == 0
    assert "TodayConf" not in text_of(page(out, "/"))
    assert list(sections(page(out, "/talks/test-talk/"))) == ["past"]
