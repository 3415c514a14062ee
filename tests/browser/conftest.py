"""Real-browser fixtures: Playwright's sync API driving Debian's chromium against
pytest-django's live server.

One browser for the session, a fresh context (cookies, storage, viewport) per page a
test opens. Nothing is frozen in the browser: the server runs on the real clock, so
expected dates are worked out from ``timezone.localdate()`` with the real calendar.

The live server sees only committed data, so the tests are transactional; they are
marked ``serialized_rollback=True`` like the suite's other transactional tests, which
restores the migration-seeded calendar (and letter texts) before each test and leaves
the database as those tests expect it (a plain flush would recreate content types that
a later serialized restore then collides with).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

# Playwright's sync API keeps its asyncio loop registered as running in this thread from
# the browser's start to the end of the session; Django would then refuse every ORM call
# made by a test (SynchronousOnlyOperation), in the browser tests and in the
# transactional tests that pytest-django runs after them. The calls are plainly
# synchronous, so the guard is switched off whenever these tests are collected.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "Browser-pass-2026"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fresh_limits_and_language():
    # The per-address rate limits live in the cache, which outlives a test's database;
    # every browser request comes from 127.0.0.1. The live server's requests also leave
    # their language active in this process.
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable]:
    """``open_page(viewport=DESKTOP, bypass_csp=False)`` → a page in a new context whose
    relative URLs go to the live server."""
    contexts = []

    def opener(*, viewport: dict[str, int] = DESKTOP, bypass_csp: bool = False):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=viewport["width"] < 600,
            has_touch=viewport["width"] < 600,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request) -> Callable:
    """``shot(page, "step")`` saves ``test-artifacts/screenshots/<test>/<nn>-<step>.png``
    (the whole page), numbered in the order taken."""
    folder = ARTEFACTS / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = 0

    def take(page, step: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def staff_login() -> Callable:
    """``staff_login(page, username=..., next_url=...)``: log in through the admin's
    login form (user created with ``PASSWORD``) and land on ``next_url``."""

    def login(page, *, username: str, next_url: str, password: str = PASSWORD) -> None:
        page.goto(f"/admin/login/?next={next_url}")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("input[type=submit]").click()
        page.wait_for_url(f"**{next_url}")

    return login


@pytest.fixture
def pdf_text(tmp_path) -> Callable[[bytes], str]:
    """``pdf_text(content)``: the text of a PDF (poppler's pdftotext) with all white
    space removed, since the layout breaks Chinese lines anywhere."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext not found: apt-get install poppler-utils")

    def extract(content: bytes) -> str:
        source = tmp_path / "downloaded.pdf"
        source.write_bytes(content)
        result = subprocess.run(  # noqa: S603 (a fixed program on our own file)
            [pdftotext, "-enc", "UTF-8", str(source), "-"],
            capture_output=True,
            check=True,
        )
        return "".join(result.stdout.decode("utf-8").split())

    return extract
