"""The HTML catalog in headless Chromium: it loads cleanly, searches, filters, and fits a phone.

Chromium is Debian's package (``.ci/run`` installs it when missing), driven by Playwright
without a browser download of its own. Screenshots are saved in each test's tmp_path.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openedx_events.catalog import build_catalog, write_catalog

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",  # Chromium's sandbox refuses to run as root
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no internet; nothing may be fetched
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"
ROUTE = {"event_key_field": "enrollment.course.course_key", "enabled": True}
CONFIG = {
    ENROLLMENT: {"learning-course-enrollment": ROUTE},
    "org.openedx.learning.course.unenrollment.completed.v1": {"learning-course-enrollment": ROUTE},
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog's site, with two events routed to one topic."""
    out = tmp_path_factory.mktemp("site")
    write_catalog(build_catalog(producer_config=CONFIG), "html", out)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless system Chromium with a fresh profile."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (browser tests only)

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


class Page:
    """A browser tab that records console errors, uncaught exceptions and network requests."""

    def __init__(self, context: Any, width: int = 1280, height: int = 900) -> None:
        self.tab = context.new_page()
        self.tab.set_viewport_size({"width": width, "height": height})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.tab.on("console", self._console)
        self.tab.on("pageerror", lambda error: self.errors.append(f"exception: {error}"))
        self.tab.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def open(self, site: Path, relative: str) -> None:
        self.tab.goto((site / relative).as_uri())
        self.tab.wait_for_load_state("load")

    def visible_events(self) -> list[str]:
        return list(
            self.tab.eval_on_selector_all(
                "#events > .event:not([hidden]) .event-type",
                "nodes => nodes.map(n => n.textContent)",
            )
        )


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    """A fresh desktop-sized tab."""
    tab = Page(browser)
    try:
        yield tab
    finally:
        tab.tab.close()


def test_the_catalog_loads_with_no_console_error_and_no_network(
    page: Page, site: Path, tmp_path: Path
) -> None:
    """Every event shown, nothing logged, every request a file of the site."""
    page.open(site, "index.html")
    assert page.tab.inner_text("#count") == "75 of 75 events"
    assert len(page.visible_events()) == 75
    page.tab.screenshot(path=str(tmp_path / "index.png"))
    assert page.errors == []
    assert page.requests
    assert all(url.startswith(site.as_uri()) for url in page.requests), page.requests


def test_searching_narrows_the_list(page: Page, site: Path, tmp_path: Path) -> None:
    """Words match the type, signal, description and field paths; all words must match."""
    page.open(site, "index.html")
    page.tab.fill("#search", "enrollment")
    narrowed = page.visible_events()
    assert 1 < len(narrowed) < 75
    assert ENROLLMENT in narrowed
    page.tab.fill("#search", "enrollment created")
    assert ENROLLMENT in page.visible_events()
    assert len(page.visible_events()) < len(narrowed)
    page.tab.fill("#search", "pii.username")  # a field path, not in any type or description
    assert ENROLLMENT in page.visible_events()
    page.tab.fill("#search", "no-such-event-anywhere")
    assert page.visible_events() == []
    assert page.tab.is_visible("#empty")
    assert page.tab.inner_text("#count") == "0 of 75 events"
    page.tab.screenshot(path=str(tmp_path / "search.png"))
    assert page.errors == []


def test_filters_by_subdomain_deprecation_and_topic(page: Page, site: Path) -> None:
    """Each filter keeps the events it names; a reload keeps the filter (in the address)."""
    page.open(site, "index.html")
    page.tab.select_option("#subdomain", "analytics")
    assert page.visible_events() == ["org.openedx.analytics.tracking.event.emitted.v1"]
    page.tab.select_option("#subdomain", "")
    page.tab.select_option("#deprecation", "deprecated")
    assert page.visible_events() == ["org.openedx.content_authoring.content.object.tags.changed.v1"]
    page.tab.select_option("#deprecation", "current")
    assert len(page.visible_events()) == 74
    page.tab.select_option("#deprecation", "")
    page.tab.select_option("#topic", "learning-course-enrollment")
    assert sorted(page.visible_events()) == [
        ENROLLMENT,
        "org.openedx.learning.course.unenrollment.completed.v1",
    ]
    page.tab.select_option("#topic", "-")
    assert len(page.visible_events()) == 73
    assert page.errors == []


def test_an_events_detail_shows_its_fields_schema_and_sample(
    page: Page, site: Path, tmp_path: Path
) -> None:
    """Following an event from the index opens its page with every section filled."""
    page.open(site, "index.html")
    page.tab.fill("#search", "COURSE_ENROLLMENT_CREATED")
    page.tab.click(f"#events > .event:not([hidden]) a[href='events/{ENROLLMENT}.html']")
    page.tab.wait_for_load_state("load")
    assert page.tab.url.endswith(f"events/{ENROLLMENT}.html")
    fields = page.tab.inner_text("#fields table")
    for name in ("enrollment", "username", "course_key", "CourseKey"):
        assert name in fields
    assert '"name": "CloudEvent"' in page.tab.inner_text("#schema pre")
    sample = page.tab.inner_text("#sample pre")
    assert f'"type": "{ENROLLMENT}"' in sample
    assert '"course_key": "course-v1:' in sample
    assert "learning-course-enrollment" in page.tab.inner_text("#topics")
    page.tab.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    assert page.errors == []


@pytest.mark.parametrize(
    "relative",
    ["index.html", f"events/{ENROLLMENT}.html",
     "events/org.openedx.learning.discussions.configuration.changed.v1.html"],
)  # fmt: skip
def test_nothing_overflows_a_390_px_screen(
    browser: Any, site: Path, tmp_path: Path, relative: str
) -> None:
    """On a phone-sized viewport the page is never wider than the screen."""
    phone = Page(browser, width=390, height=844)
    try:
        phone.open(site, relative)
        widths = phone.tab.evaluate(
            "() => [document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
        )
        phone.tab.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
        assert widths[0] <= widths[2], widths
        assert widths[1] <= widths[2], widths
        assert phone.errors == []
    finally:
        phone.tab.close()
