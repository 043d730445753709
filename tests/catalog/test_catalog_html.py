"""The HTML catalog is a static site: plain files, relative links, nothing from the network."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from openedx_events.catalog import build_catalog, write_catalog

ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"
CONFIG = {
    ENROLLMENT: {
        "learning-course-enrollment": {
            "event_key_field": "enrollment.course.course_key",
            "enabled": True,
        }
    }
}


class _Links(HTMLParser):
    """Every URL a page loads (scripts, styles, images) or links to, and the event items."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.items: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.loads.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.loads.append(values["href"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "li" and values.get("class") == "event":
            self.items.append(values)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the whole catalog, with one route configured."""
    out = tmp_path_factory.mktemp("site")
    write_catalog(build_catalog(producer_config=CONFIG), "html", out)
    return out


def test_the_site_is_an_index_a_page_per_event_and_its_assets(site: Path) -> None:
    """index.html, 75 event pages, one script and one style sheet."""
    pages = sorted(path.name for path in (site / "events").iterdir())
    assert len(pages) == 75
    assert f"{ENROLLMENT}.html" in pages
    assert sorted(path.name for path in (site / "assets").iterdir()) == [
        "catalog.css",
        "catalog.js",
    ]


def test_pages_load_only_files_of_the_site(site: Path) -> None:
    """Every script and style is a relative path to a file that exists; so is every link."""
    for page in [site / "index.html", *(site / "events").iterdir()]:
        parsed = _parse(page)
        assert parsed.loads, page
        for url in parsed.loads:
            assert "://" not in url, (page, url)
            assert not url.startswith("//"), (page, url)
            assert (page.parent / url).resolve().is_file(), (page, url)
        for url in parsed.links:
            if "://" in url:
                continue  # a reference in an event's text, followed only when clicked
            target = url.split("?")[0].split("#")[0]
            assert (page.parent / target).resolve().is_file(), (page, url)
    assert "fetch(" not in (site / "assets" / "catalog.js").read_text("utf-8")
    assert "@import" not in (site / "assets" / "catalog.css").read_text("utf-8")


def test_the_index_lists_every_event_with_its_filter_data(site: Path) -> None:
    """75 items, with subdomain, deprecation, topics and search text as data attributes."""
    items = _parse(site / "index.html").items
    assert len(items) == 75
    by_search = {item["data-search"]: item for item in items}
    (enrollment,) = [
        item for text, item in by_search.items() if (text or "").startswith(ENROLLMENT)
    ]
    assert enrollment["data-subdomain"] == "learning"
    assert json.loads(enrollment["data-topics"] or "") == ["learning-course-enrollment"]
    assert "enrollment.user.pii.username" in (enrollment["data-search"] or "")
    assert sum(item["data-deprecated"] == "true" for item in items) == 1


def test_an_event_page_shows_fields_schema_sample_topics_and_history(site: Path) -> None:
    """The detail of one event, all of it in the page's markup."""
    text = (site / "events" / f"{ENROLLMENT}.html").read_text("utf-8")
    for section in ("overview", "topics", "fields", "schema", "sample", "history"):
        assert f'<section id="{section}">' in text
    assert "COURSE_ENROLLMENT_CREATED" in text
    assert 'title="enrollment.user.pii.username"' in text
    assert "&quot;CourseEnrollmentData&quot;" in text  # in the Avro schema
    assert "&quot;specversion&quot;: &quot;1.0&quot;" in text  # the sample CloudEvent
    assert "<code>learning-course-enrollment</code>" in text
    assert re.search(r"openedx_events/<wbr>learning/<wbr>signals\.py</code> \(line \d+\)", text)


def test_a_build_is_reproducible(tmp_path: Path) -> None:
    """Two builds of the same code write the same bytes."""
    catalog = build_catalog(producer_config=CONFIG)
    first = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in write_catalog(catalog, "html", tmp_path / "a")
    }
    again = build_catalog(producer_config=CONFIG)
    second = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in write_catalog(again, "html", tmp_path / "b")
    }
    assert first == second


def test_warnings_render_their_rst_markup(site: Path) -> None:
    """The deprecation warning's ``**DEPRECATED**`` is bold, not asterisks."""
    page = site / "events" / "org.openedx.content_authoring.content.object.tags.changed.v1.html"
    text = page.read_text("utf-8")
    assert "<strong>DEPRECATED</strong> please use CONTENT_OBJECT_ASSOCIATIONS_CHANGED" in text
    assert "**" not in text
