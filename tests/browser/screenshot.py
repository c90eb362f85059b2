"""Make docs/screenshot.png (the README picture) from a running Alliance.

    alliance demo --port 8799 &
    .venv/bin/python -m tests.browser.screenshot http://127.0.0.1:8799

Takes the landing page at 1200x800 with Debian's Chromium; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
MAX_BYTES = 200_000


def take(url: str, out: Path, width: int = 1200, height: int = 800) -> int:
    """Save the landing page at ``url`` as a PNG; return its size in bytes."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            response = page.goto(url.rstrip("/") + "/", wait_until="networkidle")
            if response is None or response.status != 200:
                status = response.status if response else "no response"
                raise SystemExit(f"screenshot: {url} answered {status}")
            page.get_by_role("heading", level=1).wait_for()
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), type="png")
        finally:
            browser.close()
    return out.stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    size = take(args.url, args.out)
    sys.stdout.write(f"Wrote {args.out} ({size // 1000} KB)\n")
    if size > MAX_BYTES:
        raise SystemExit(f"screenshot: {args.out} is {size} bytes, over {MAX_BYTES}")


if __name__ == "__main__":
    main()
