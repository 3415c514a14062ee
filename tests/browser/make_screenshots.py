"""The README's screenshots (docs/screenshots/*.png), taken by the browser tests.

Run ``.venv/bin/python tests/browser/make_screenshots.py`` to regenerate them: it runs
the browser tests with ``GONGKAI_WRITE_SCREENSHOTS=1``, and each test saves its picture
at the step it shows (the form filled in, the "why this date" box, the dashboard, the
published report). In an ordinary test run ``readme_shot`` does nothing, so the
committed pictures only change when someone asks for it.

Pictures are taken at device scale 1 and limited to the first screen or to a clip from
the top of the page down to the part shown, which keeps each PNG under ``MAX_BYTES``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
MAX_BYTES = 300 * 1024
# name → the test that takes it (for the script below).
README_SHOTS = {
    "apply-phone": "tests/browser/test_citizen.py",
    "apply-desktop": "tests/browser/test_citizen.py",
    "case-why-this-date": "tests/browser/test_clerk.py",
    "dashboard": "tests/browser/test_supervisor.py",
    "report": "tests/browser/test_supervisor.py",
}


def writing_screenshots() -> bool:
    return os.environ.get("GONGKAI_WRITE_SCREENSHOTS") == "1"


def readme_shot(page, name: str, *, clip: dict | None = None) -> None:
    """Save ``docs/screenshots/<name>.png`` when GONGKAI_WRITE_SCREENSHOTS=1: the
    viewport (``full_page=False``), or the ``clip`` rectangle (see ``down_to``)."""
    if not writing_screenshots():
        return
    if name not in README_SHOTS:
        raise ValueError(f"not a README screenshot: {name}")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = DOCS_SCREENSHOTS / f"{name}.png"
    # A clip is in page coordinates and may reach below the first screen.
    page.screenshot(path=str(path), full_page=clip is not None, clip=clip)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise AssertionError(f"{path.name} is {size} bytes, over {MAX_BYTES}")


def down_to(page, selector: str, *, margin: int = 16) -> dict[str, float]:
    """A clip from the top of the page to the bottom of the last ``selector`` element."""
    bottom = page.locator(selector).last.evaluate(
        "el => el.getBoundingClientRect().bottom + window.scrollY"
    )
    width = page.viewport_size["width"]
    return {"x": 0, "y": 0, "width": width, "height": bottom + margin}


def main() -> int:
    """Run the tests that take the README's screenshots, with writing switched on."""
    files = sorted(set(README_SHOTS.values()))
    env = {**os.environ, "GONGKAI_WRITE_SCREENSHOTS": "1"}
    command = [sys.executable, "-m", "pytest", "-q", *files]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    for name in README_SHOTS:
        path = DOCS_SCREENSHOTS / f"{name}.png"
        state = f"{path.stat().st_size} bytes" if path.exists() else "missing"
        print(f"{path.relative_to(ROOT)}: {state}")  # noqa: T201
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
