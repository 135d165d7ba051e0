"""The HTML report in a real browser: headless Chromium renders it, and what it renders
is what the JSON says. Screenshots at a phone's and a desktop's width are saved in the
test's tmp_path for a person to look at.

CI installs Debian's `chromium`; there its absence is a failure. Elsewhere the test is
skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import html
import json
import os
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from termcheck.cli import app

CHROMIUM = Path("/usr/bin/chromium")
PHONE = (390, 844)
DESKTOP = (1280, 900)
# Flags for a quiet, offline, throwaway browser.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# Headless Chromium will not make a window narrower than 500 px, so a phone's width is
# given to an iframe holding the report: the report's media queries see the iframe's
# width. The script is the test's, in the frame around the report; the report has none.
FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
body {{ margin: 0; }} iframe {{ border: 0; display: block; width: {width}px; height: {height}px; }}
</style></head><body><iframe id="report" srcdoc="{page}"></iframe>
<script>
window.addEventListener("load", function () {{
  var frame = document.getElementById("report");
  document.body.setAttribute("data-inner-width", frame.contentWindow.innerWidth);
  document.body.setAttribute("data-scroll-width",
    frame.contentDocument.documentElement.scrollWidth);
  var first = frame.contentDocument.querySelector(".glance-defect + ul a");
  var article = frame.contentDocument.querySelector(".group-defect .property h3");
  if (first) {{
    document.body.setAttribute("data-first-defect-bottom",
      Math.ceil(first.getBoundingClientRect().bottom));
  }}
  if (article) {{
    document.body.setAttribute("data-first-defect-article-top",
      Math.floor(article.getBoundingClientRect().top));
  }}
}});
</script></body></html>
"""


def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing: CI must install it (apt-get install chromium)")
    pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")


def browse(page: Path, profile: Path, size: tuple[int, int], *extra: str) -> str:
    command = [
        str(chromium()),
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
        *extra,
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Rendered(HTMLParser):
    """What the browser's DOM holds: ids with their text, classes counted, body attributes."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.text_of: dict[str, str] = {}
        self.classes: dict[str, int] = {}
        self.body: dict[str, str | None] = {}
        self._inside: str | None = None
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "body":
            self.body = found
        for name in (found.get("class") or "").split():
            self.classes[name] = self.classes.get(name, 0) + 1
        if (found.get("id") or "").startswith("count-"):
            self._inside = str(found["id"])
            self.text_of[self._inside] = ""

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self.text_of[self._inside] += data

    def handle_endtag(self, tag: str) -> None:
        self._inside = None


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    chromium()  # skip or fail before verifying anything
    folder = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(app, ["verify", "--format", "html,json", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    doc = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return folder / "report.ja.html", doc


def test_chromium_renders_the_counts_and_timelines_of_the_json(
    report: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    page, doc = report
    dom = Rendered(browse(page, tmp_path / "profile", DESKTOP, "--dump-dom"))
    summary = doc["summary"]
    assert isinstance(summary, dict)
    for key in ("properties", "proved", "findings", "unmet", "inconclusive", "vacuous"):
        assert dom.text_of[f"count-{key}"] == str(summary[key]), key
    properties = doc["properties"]
    assert isinstance(properties, list)
    customers = sum(
        len(e["counterexample"])
        for e in properties
        if e.get("evidence") is None and isinstance(e["counterexample"], list)
    )
    assert customers >= 9
    # Evidence of a built-in check draws a timeline of its own when it has dated events.
    dated = sum(1 for e in properties if e.get("evidence") and e["evidence"]["events"])
    assert dom.classes["timeline"] == customers + dated
    assert dom.classes["customer"] == customers
    assert dom.classes["property"] == len(properties)


def framed(page: Path, size: tuple[int, int], folder: Path) -> Path:
    """The report in an iframe of the given size (see FRAME)."""
    wrapper = folder / f"framed-{size[0]}.html"
    report_html = html.escape(page.read_text(encoding="utf-8"), quote=True)
    wrapper.write_text(
        FRAME.format(width=size[0], height=size[1], page=report_html), encoding="utf-8"
    )
    return wrapper


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_page_fits_the_window_and_is_photographed(
    report: tuple[Path, dict[str, object]], tmp_path: Path, size: tuple[int, int]
) -> None:
    page, _ = report
    wrapper = framed(page, size, tmp_path)
    dom = Rendered(browse(wrapper, tmp_path / "profile", size, "--dump-dom"))
    assert dom.body["data-inner-width"] == str(size[0])
    # Nothing wider than the window: on a phone the report reads without sideways scrolling.
    assert int(str(dom.body["data-scroll-width"])) <= size[0]
    # The first screen shows the verdict and the first defect (its title, a link to it).
    assert int(str(dom.body["data-first-defect-bottom"])) <= size[1], dom.body
    shot = tmp_path / f"report-{size[0]}.png"
    browse(wrapper, tmp_path / "profile", size, f"--screenshot={shot}")
    assert png_size(shot) == size
    assert shot.stat().st_size > 20_000  # drawn, not a blank page
