"""The Good Faith Estimate in a real browser: headless Chromium prints it to PDF (page count, every required
element in the text) and screenshots it (not blank); the DOM it builds holds no injected markup.

Needs Debian's ``chromium`` and ``poppler-utils`` (``.ci/run`` installs them). Under ``CI=true`` a missing tool
fails these tests; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.test_entry_point import installed_ketacost

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LETTER = "612 x 792 pts (letter)"
A4 = re.compile(r"^59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)$")  # Chromium rounds A4 to its own units


@dataclass(frozen=True)
class Tools:
    chromium: str
    pdftotext: str
    pdfinfo: str
    scratch: Path

    def browser(self, *args: str) -> subprocess.CompletedProcess[str]:
        profile = self.scratch / f"profile-{len(list(self.scratch.glob('profile-*')))}"
        result = subprocess.run(
            [self.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    def pdf(self, page: Path) -> Path:
        target = page.with_suffix(".pdf")
        self.browser("--no-pdf-header-footer", f"--print-to-pdf={target}", page.as_uri())
        assert target.stat().st_size > 10_000
        return target

    def info(self, pdf: Path) -> dict[str, str]:
        out = subprocess.run([self.pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}

    def text(self, pdf: Path) -> str:
        out = subprocess.run([self.pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return " ".join(out.split())


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Tools:
    found = {name: shutil.which(name) for name in ("chromium", "pdftotext", "pdfinfo")}
    found["chromium"] = found["chromium"] or shutil.which("chromium-browser") or shutil.which("google-chrome")
    missing = [name for name, path in found.items() if path is None]
    if missing:
        reason = f"browser tests need {', '.join(missing)} (Debian: apt-get install chromium poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return Tools(
        chromium=str(found["chromium"]),
        pdftotext=str(found["pdftotext"]),
        pdfinfo=str(found["pdfinfo"]),
        scratch=tmp_path_factory.mktemp("chromium"),
    )


def issue(directory: Path, *args: str) -> tuple[str, Path]:
    """Run the installed ``ketacost quote`` and return the quote ID and the HTML page it wrote."""
    result = subprocess.run(
        [installed_ketacost(), "quote", *args, "--html", "gfe.html"],
        cwd=directory,
        env={**os.environ, "KETACOST_STORE": str(directory / "quotes.sqlite3"), "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"Quote (Q-\d{8}-[0-9A-Z]{4}) saved", result.stderr)
    assert match, result.stderr
    return match.group(1), directory / "gfe.html"


@pytest.fixture(scope="module")
def done_when(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The issue's own command: ``ketacost quote --patient "Ana Diaz" --dob 1984-03-02 --html gfe.html``."""
    return issue(tmp_path_factory.mktemp("plain"), "--patient", "Ana Diaz", "--dob", "1984-03-02")


@pytest.fixture(scope="module")
def with_consultation(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The default 6-infusion course with the consultation, scheduled, and two diagnosis codes: two providers."""
    return issue(
        tmp_path_factory.mktemp("consult"),
        *("--patient", "Ana Diaz", "--dob", "1984-03-02", "--add-on", "consultation"),
        *("--scheduled", "2099-12-01", "--diagnosis", "F33.2", "--diagnosis", "Z63.79"),
    )


def required_phrases(quote_id: str) -> list[str]:
    """The text of the ten GFE elements (DOMAIN.md section 7), the issue date, quote ID and payment options."""
    return [
        # 1. patient name and date of birth
        "Ana Diaz",
        "Date of birth March 2, 1984",
        # 2. primary service in clear language, scheduled date
        "IV ketamine infusion: a course of 6 infusions",
        "Ketamine given slowly through a vein",
        "Scheduled date",
        # 3. itemized, grouped by provider or facility
        "Itemized estimate by provider or facility",
        "Provider subtotal",
        "Summary of expected charges",
        "Total expected charges",
        # 4. diagnosis codes, service codes, expected charges
        "F33.2",
        "96365",
        "J3490",
        "$1,500.00 - $3,600.00",
        # 5. provider name, NPI, TIN, state and location
        "Example Ketamine Clinic",
        "NPI 1234567893",
        "TIN 12-3456789",
        "100 Example Street, Suite 200, Springfield, IL 62701",
        # scope of the recurring course
        "Scope of this estimate: a recurring course of treatment",
        "2-3 infusions a week",
        "at most 12 months",
        # 6. items needing separate scheduling
        "Items or services that need separate scheduling",
        "Booster infusions after the series",
        # 7. further items scheduled separately, and how to get a GFE for them
        "must be scheduled or requested separately and are not reflected in this Good Faith Estimate",
        "To get a Good Faith Estimate for them, contact Example Ketamine Clinic",
        # 8. only an estimate
        "This is only an estimate; actual items, services or charges may differ",
        # 9. right to dispute, how to start it, care not affected
        "you have the right to dispute the bill",
        "at least $400 more than this Good Faith Estimate for any one provider or facility",
        "within 120 calendar days",
        "www.cms.gov/nosurprises",
        "1-800-985-3059",
        "will not adversely affect the quality of the care",
        # 10. not a contract
        "This Good Faith Estimate is not a contract",
        # issue date, quote ID, payment options with monthly installments
        "Issued November",
        quote_id,
        "Payment options",
        "Self-pay, in full",
        "Medical loan",
        "x 24",
        "Clinic payment plan",
        "$450.00 x 6",
    ]


def test_the_issues_own_command_prints_every_element_on_at_most_two_letter_pages(
    tools: Tools, done_when: tuple[str, Path]
) -> None:
    quote_id, page = done_when
    pdf = tools.pdf(page)
    info = tools.info(pdf)
    assert info["Page size"] == LETTER
    assert 1 <= int(info["Pages"]) <= 2
    text = tools.text(pdf)
    phrases = [p.replace("Issued November", "Issued ") for p in required_phrases(quote_id)]
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing, missing
    assert "Not yet scheduled" in text
    assert f"Good Faith Estimate {quote_id}" in text and f"Page {info['Pages']} of {info['Pages']}" in text


def test_the_course_with_consultation_fits_two_letter_pages_and_lists_both_providers(
    tools: Tools, with_consultation: tuple[str, Path]
) -> None:
    quote_id, page = with_consultation
    pdf = tools.pdf(page)
    info = tools.info(pdf)
    assert info["Page size"] == LETTER
    assert int(info["Pages"]) <= 2
    text = tools.text(pdf)
    phrases = [p.replace("Issued November", "Issued ") for p in required_phrases(quote_id)]
    phrases += ["Jane Example, MD (psychiatry)", "NPI 1987654328", "99204", "Z63.79", "December 1, 2099"]
    phrases.remove("$450.00 x 6")
    phrases.append("487.50 x 6")
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing, missing


def test_on_a4_paper_it_still_fits_two_pages(tools: Tools, with_consultation: tuple[str, Path]) -> None:
    _, page = with_consultation
    a4 = page.with_name("gfe-a4.html")
    a4.write_text(page.read_text().replace("</style>", "@page { size: A4; }\n</style>", 1))
    info = tools.info(tools.pdf(a4))
    assert A4.match(info["Page size"]), info["Page size"]
    assert int(info["Pages"]) <= 2


def test_a_screenshot_of_the_page_is_not_blank(tools: Tools, done_when: tuple[str, Path]) -> None:
    _, page = done_when
    shot = page.with_name("gfe.png")
    tools.browser("--hide-scrollbars", "--window-size=1000,1300", f"--screenshot={shot}", page.as_uri())
    width, height, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (1000, 1300)
    colours = Counter(pixels)
    assert len(colours) > 50, f"only {len(colours)} distinct colours"
    _, background = colours.most_common(1)[0]
    ink = 1 - background / len(pixels)
    assert ink > 0.2, f"only {ink:.1%} of the screenshot differs from its background"


def test_injected_markup_in_a_name_stays_text_in_the_browsers_dom(tools: Tools, tmp_path: Path) -> None:
    name = '<img src=x onerror="document.title=1"><script>document.title="pwned"</script>'
    _, page = issue(tmp_path, "--patient", name, "--dob", "1984-03-02")
    dom = tools.browser("--dump-dom", page.as_uri()).stdout
    assert "<script" not in dom and "<img" not in dom
    assert "&lt;img src=x onerror=" in dom
    assert "<title>Good Faith Estimate for Health Care Items and Services: &lt;img" in dom


# --- PNG, decoded with the standard library ---------------------------------------------------------------------


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and pixels (one bytes object per pixel) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks = dict[bytes, bytes]()
    idat = bytearray()
    for kind, body in _chunks(data[8:]):
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * size
    previous = bytearray(stride)
    pixels: list[bytes] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        pixels.extend(bytes(line[i : i + 3]) for i in range(0, stride, size))
        previous = line
    return width, height, pixels


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    offset = 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        yield data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        offset += 12 + length


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c
