"""Every built-in treatment's GFE, with and without its add-ons, printed by headless Chromium on Letter and A4 (at
most 2 pages, the last not near-empty), and laid out at phone and desktop width (every column header of every
table on screen, nothing wider than the window; screenshots not blank); the chart's range marks contrast >= 3:1."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ketacost import gfe
from ketacost.render import gfe_view as view
from ketacost.render.gfe_html import render_html
from ketacost.scenario import Scenario
from ketacost.sheet.load import parse_sheet
from tests.browser.test_gfe_browser import A4, LETTER, Tools, decode_png
from tests.conftest import DEFAULT_SHEET

SHEET = parse_sheet(DEFAULT_SHEET.read_text(encoding="utf-8"), "pricing.toml")
ANA = gfe.Request(gfe.Patient("Ana Diaz", dt.date(1984, 3, 2)), scheduled=dt.date(2099, 12, 1))
MIN_LAST_PAGE_LINES = 12  # fewer lines of text on the second page than this is a near-empty page


def courses() -> list[tuple[str, tuple[str, ...]]]:
    """Every built-in treatment alone and with all its optional add-ons (IV: with the consultation)."""
    found = []
    for treatment_id, treatment in sorted(SHEET.treatments.items()):
        found.append((treatment_id, ()))
        optional = tuple(a for a, add_on in treatment.add_ons.items() if add_on.optional)
        if optional:
            found.append((treatment_id, optional))
    return found


COURSES = courses()


def page_for(directory: Path, treatment: str, add_ons: tuple[str, ...], paper: str | None = None) -> Path:
    """The HTML page ``quote --html`` writes for the course (rendered from its document, as the command does)."""
    built = gfe.build(
        SHEET,
        Scenario(treatment=treatment, add_ons=add_ons),
        ANA,
        quote_id="Q-20261127-ABCD",
        issued=dt.date(2026, 11, 27),
        source="built-in default",
        sheet_sha256="0" * 64,
    )
    html = render_html(gfe.from_document(json.loads(gfe.canonical_json(gfe.to_document(built)))))
    if paper is not None:
        html = html.replace("</style>", f"@page {{ size: {paper}; }}\n</style>", 1)
    name = "-".join((treatment, *add_ons, paper or "screen"))
    path = directory / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def course_id(course: tuple[str, tuple[str, ...]]) -> str:
    return "+".join((course[0], *course[1])) if course[1] else course[0]


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("course", COURSES, ids=course_id)
def test_every_course_prints_on_at_most_two_pages_without_a_near_empty_last_page(
    tools: Tools, course: tuple[str, tuple[str, ...]], paper: str
) -> None:
    pdf = tools.pdf(page_for(tools.scratch, *course, paper=paper))
    info = tools.info(pdf)
    assert info["Page size"] == LETTER if paper == "Letter" else A4.match(info["Page size"]), info["Page size"]
    pages = int(info["Pages"])
    assert 1 <= pages <= 2, f"{pages} pages"
    last = subprocess.run(
        [tools.pdftotext, "-f", str(pages), "-l", str(pages), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line for line in last.splitlines() if line.strip()]
    assert pages == 1 or len(lines) >= MIN_LAST_PAGE_LINES, f"page {pages} holds only {len(lines)} lines"
    assert "This Good Faith Estimate is not a contract" in tools.text(pdf)


# Headless Chromium will not make a window narrower than 500 px, so the page is shown in an iframe of the width
# wanted (as a phone shows it: no scrollbar taking room); the wrapper reads the frame's layout once it has loaded
# (file:// pages may read each other only with --allow-file-access-from-files) and --dump-dom prints the report.
WRAPPER = """<!DOCTYPE html><html><body style="margin:0"><iframe id="frame" src="{src}"
 style="width:{width}px;height:1300px;border:0;display:block" onload="probe(this)"></iframe><script>
function probe(frame) {{
  const page = frame.contentDocument, root = page.documentElement, width = root.clientWidth;
  const headers = [...page.querySelectorAll("th")].map((th) => {{
    const box = th.getBoundingClientRect(), style = frame.contentWindow.getComputedStyle(th);
    return {{text: th.textContent.trim(), left: box.left, right: box.right, width: box.width, height: box.height,
             shown: style.visibility !== "hidden" && style.display !== "none"}};
  }});
  const report = document.createElement("pre");
  report.id = "probe";
  report.textContent = JSON.stringify({{width, scrollWidth: root.scrollWidth, headers}});
  document.body.append(report);
}}
</script></body></html>"""


def framed(page: Path, width: int) -> Path:
    wrapper = page.with_name(f"{page.stem}-at-{width}.html")
    wrapper.write_text(WRAPPER.format(src=page.name, width=width), encoding="utf-8")
    return wrapper


@pytest.mark.parametrize("width", [390, 1000])
@pytest.mark.parametrize("course", [("iv", ("consultation",)), ("kap", ()), ("spravato", ())], ids=course_id)
def test_every_column_header_of_every_table_is_on_screen(
    tools: Tools, course: tuple[str, tuple[str, ...]], width: int
) -> None:
    wrapper = framed(page_for(tools.scratch, *course), width)
    window = f"--window-size={max(width, 500)},1300"
    dom = tools.browser("--hide-scrollbars", "--allow-file-access-from-files", window, "--dump-dom", wrapper.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert match, dom.stdout[-2000:]
    report = json.loads(html_lib.unescape(match.group(1)))
    assert report["width"] == width
    assert report["scrollWidth"] <= width, f"the page is {report['scrollWidth']} px wide in a {width} px window"
    headers = report["headers"]
    tables = 2 + len({line for line in course[1]}) + 1  # summary, payments, one line table per provider
    assert len(headers) >= len(view.SUMMARY_COLUMNS) + len(view.PAYMENT_COLUMNS) + 4 * (tables - 2)
    hidden = [
        h["text"]
        for h in headers
        if not h["shown"] or h["width"] < 8 or h["height"] < 8 or h["left"] < 0 or h["right"] > width + 0.5
    ]
    assert not hidden, f"column headers not on screen at {width} px: {hidden}"


@pytest.mark.parametrize("width", [390, 1000])
def test_screenshots_at_phone_and_desktop_width_are_not_blank(tools: Tools, width: int) -> None:
    wrapper = framed(page_for(tools.scratch, "iv", ("consultation",)), width)
    shot = wrapper.with_suffix(".png")
    window = max(width, 500)
    tools.browser(
        "--hide-scrollbars",
        "--allow-file-access-from-files",
        f"--window-size={window},1300",
        f"--screenshot={shot}",
        wrapper.as_uri(),
    )
    got_width, got_height, pixels = decode_png(shot.read_bytes())
    assert (got_width, got_height) == (window, 1300)
    frame = [pixels[row * window + column] for row in range(1300) for column in range(width)]  # the page's part
    colours = Counter(frame)
    _, background = colours.most_common(1)[0]
    assert len(colours) > 50 and 1 - background / len(frame) > 0.2


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_charts_range_marks_contrast_at_least_3_to_1_with_the_bar_and_the_page(tmp_path: Path) -> None:
    html = page_for(tmp_path, "iv", ()).read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    bars = set(re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', svg))
    marks = set(re.findall(r'<line x1="[0-9.]+" y1="[0-9.]+"[^>]*stroke="(#[0-9a-f]{6})" stroke-width="1.6"', svg))
    assert (bars, marks) == ({view.BAR_COLOUR}, {view.RANGE_COLOUR})
    assert contrast(view.RANGE_COLOUR, view.BAR_COLOUR) >= 3
    assert contrast(view.RANGE_COLOUR, "#ffffff") >= 3
    assert contrast(view.BAR_COLOUR, "#ffffff") >= 3
    assert round(contrast("#c2410c", "#1f5f8b"), 2) == 1.32  # the colours before: 1.32:1, as the issue measured
